CREATE TABLE companies (
    id TEXT PRIMARY KEY NOT NULL,
    name TEXT NOT NULL,
    plan TEXT NOT NULL,
    custom_seat_limit BIGINT,
    locale TEXT NOT NULL DEFAULT 'en',
    enforcement_mode TEXT NOT NULL DEFAULT 'monitor',
    sod_enabled BOOLEAN NOT NULL DEFAULT 1,
    closing_date DATE,
    version BIGINT NOT NULL DEFAULT 1,
    -- Bumped first in a write transaction to serialize seat-counting writers of one company.
    lock_seq BIGINT NOT NULL DEFAULT 0,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);

CREATE TABLE users (
    id TEXT PRIMARY KEY NOT NULL,
    company_id TEXT NOT NULL REFERENCES companies(id),
    email TEXT NOT NULL,
    display_name TEXT NOT NULL,
    role TEXT NOT NULL,
    password_hash TEXT,
    status TEXT NOT NULL,
    invitation_hash TEXT,
    version BIGINT NOT NULL DEFAULT 1,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE UNIQUE INDEX users_company_email ON users(company_id, email);
-- A person signs in with one email: only logins imported from other apps may repeat one.
CREATE UNIQUE INDEX users_login_email ON users(email) WHERE status <> 'external';

CREATE TABLE sessions (
    id TEXT PRIMARY KEY NOT NULL,
    company_id TEXT NOT NULL REFERENCES companies(id),
    user_id TEXT NOT NULL REFERENCES users(id),
    token_hash TEXT NOT NULL UNIQUE,
    created_at TIMESTAMP NOT NULL,
    last_seen_at TIMESTAMP NOT NULL,
    expires_at TIMESTAMP NOT NULL,
    ended_at TIMESTAMP,
    end_reason TEXT,
    ip TEXT,
    user_agent TEXT,
    device_id TEXT,
    flagged BOOLEAN NOT NULL DEFAULT 0
);
CREATE INDEX sessions_user ON sessions(user_id, ended_at);
CREATE INDEX sessions_company ON sessions(company_id, created_at);

CREATE TABLE login_failures (
    id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    email TEXT NOT NULL,
    ip TEXT NOT NULL,
    failed_at TIMESTAMP NOT NULL
);
CREATE INDEX login_failures_email ON login_failures(email, failed_at);
CREATE INDEX login_failures_ip ON login_failures(ip, failed_at);

-- Tamper-evident decision log: each record's hash covers its fields and the previous hash
-- of its company's chain; decision_heads holds the chain's tip and serializes appends.
CREATE TABLE decision_heads (
    company_id TEXT PRIMARY KEY NOT NULL,
    seq BIGINT NOT NULL,
    hash TEXT NOT NULL
);

CREATE TABLE decisions (
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
CREATE UNIQUE INDEX decisions_chain ON decisions(company_id, seq);
CREATE INDEX decisions_time ON decisions(company_id, decided_at);

-- Stale saves where the other writer was the same login from another session: evidence of a
-- shared login, recorded by the accounting core and read by the seat auditor.
CREATE TABLE self_conflicts (
    id TEXT PRIMARY KEY NOT NULL,
    company_id TEXT NOT NULL REFERENCES companies(id),
    user_id TEXT NOT NULL REFERENCES users(id),
    record_type TEXT NOT NULL,
    record_id TEXT NOT NULL,
    -- The session whose save was refused, and the session that saved first.
    losing_session_id TEXT NOT NULL,
    winning_session_id TEXT NOT NULL,
    occurred_at TIMESTAMP NOT NULL
);
CREATE INDEX self_conflicts_company ON self_conflicts(company_id, occurred_at);
