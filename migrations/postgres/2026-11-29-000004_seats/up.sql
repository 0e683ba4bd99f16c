-- Sign-in events imported from other apps. `dedup_key` digests login, event, time, device id,
-- address and user agent, so that importing the same file twice adds nothing.
CREATE TABLE session_events (
    id TEXT PRIMARY KEY NOT NULL,
    company_id TEXT NOT NULL REFERENCES companies(id),
    login TEXT NOT NULL,
    event TEXT NOT NULL,
    occurred_at TIMESTAMP NOT NULL,
    ip TEXT,
    user_agent TEXT,
    device_id TEXT,
    latitude DOUBLE PRECISION,
    longitude DOUBLE PRECISION,
    country TEXT,
    dedup_key TEXT NOT NULL,
    imported_at TIMESTAMP NOT NULL
);
CREATE UNIQUE INDEX session_events_dedup ON session_events(company_id, dedup_key);
CREATE INDEX session_events_company_time ON session_events(company_id, occurred_at);

-- What the seat auditor accuses, one row per (company, fingerprint): a finding that persists
-- from one audit to the next is updated, never duplicated.
CREATE TABLE findings (
    id TEXT PRIMARY KEY NOT NULL,
    company_id TEXT NOT NULL REFERENCES companies(id),
    kind TEXT NOT NULL,
    severity TEXT NOT NULL,
    state TEXT NOT NULL,
    login TEXT,
    headcount BIGINT NOT NULL,
    evidence TEXT NOT NULL,
    first_seen TIMESTAMP NOT NULL,
    last_seen TIMESTAMP NOT NULL,
    fingerprint TEXT NOT NULL,
    resolved_by TEXT,
    resolution_note TEXT,
    state_changed_by TEXT,
    state_changed_at TIMESTAMP,
    version BIGINT NOT NULL DEFAULT 1
);
CREATE UNIQUE INDEX findings_fingerprint ON findings(company_id, fingerprint);
CREATE INDEX findings_company_state ON findings(company_id, state);

-- One row per audit run: when, by whom, and the outcome's summary (seats, advice) as JSON.
CREATE TABLE audit_runs (
    id TEXT PRIMARY KEY NOT NULL,
    company_id TEXT NOT NULL REFERENCES companies(id),
    ran_at TIMESTAMP NOT NULL,
    triggered_by TEXT NOT NULL,
    sessions_audited BIGINT NOT NULL,
    logins_audited BIGINT NOT NULL,
    findings_open BIGINT NOT NULL,
    summary TEXT NOT NULL
);
CREATE INDEX audit_runs_company ON audit_runs(company_id, ran_at);
