CREATE TABLE decisions_by_id (
    id TEXT PRIMARY KEY NOT NULL,
    company_id TEXT NOT NULL,
    seq BIGINT NOT NULL,
    decided_at TIMESTAMP NOT NULL,
    user_id TEXT,
    session_id TEXT,
    action TEXT NOT NULL,
    resource_type TEXT NOT NULL,
    resource_id TEXT NOT NULL,
    decision TEXT NOT NULL,
    policy_ids TEXT NOT NULL,
    errors TEXT NOT NULL,
    client_ip TEXT,
    policy_version TEXT NOT NULL,
    prev_hash TEXT NOT NULL,
    hash TEXT NOT NULL
);
INSERT INTO decisions_by_id (id, company_id, seq, decided_at, user_id, session_id, action, resource_type, resource_id, decision, policy_ids, errors, client_ip, policy_version, prev_hash, hash)
    SELECT id, company_id, seq, decided_at, user_id, session_id, action, resource_type, resource_id, decision, policy_ids, errors, client_ip, policy_version, prev_hash, hash FROM decisions;
DROP TABLE decisions;
ALTER TABLE decisions_by_id RENAME TO decisions;
CREATE UNIQUE INDEX decisions_chain ON decisions(company_id, seq);
CREATE INDEX decisions_time ON decisions(company_id, decided_at);
