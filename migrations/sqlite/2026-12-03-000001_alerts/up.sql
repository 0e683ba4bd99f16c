-- Who hears about a company's findings, and when. A company without a row keeps the
-- defaults: no recipients, mails from `medium` up, digest on.
CREATE TABLE alert_settings (
    company_id TEXT PRIMARY KEY NOT NULL REFERENCES companies(id),
    -- JSON array of email addresses.
    recipients TEXT NOT NULL,
    min_severity TEXT NOT NULL,
    digest_enabled BOOLEAN NOT NULL,
    version BIGINT NOT NULL,
    updated_by TEXT,
    updated_at TIMESTAMP NOT NULL
);

-- The outbox: one mail to one recipient, written in the transaction of the finding change (or
-- digest) that causes it. `dedup_key` names that cause, so the same change never queues the
-- same mail twice; `claimed_until` keeps two senders off one row.
CREATE TABLE alerts (
    id TEXT PRIMARY KEY NOT NULL,
    company_id TEXT NOT NULL REFERENCES companies(id),
    kind TEXT NOT NULL,
    finding_id TEXT,
    recipient TEXT NOT NULL,
    locale TEXT NOT NULL,
    payload TEXT NOT NULL,
    dedup_key TEXT NOT NULL,
    state TEXT NOT NULL,
    attempts BIGINT NOT NULL,
    last_error TEXT,
    next_attempt_at TIMESTAMP NOT NULL,
    claimed_until TIMESTAMP,
    created_at TIMESTAMP NOT NULL,
    sent_at TIMESTAMP
);
CREATE UNIQUE INDEX alerts_dedup ON alerts(company_id, recipient, dedup_key);
CREATE INDEX alerts_due ON alerts(state, next_attempt_at);
CREATE INDEX alerts_company ON alerts(company_id, created_at);

-- One row per scheduled job: the node that started its latest run, and when. A node runs a
-- tick only if it moves `started_at` forward past half the job's period.
CREATE TABLE job_leases (
    job TEXT PRIMARY KEY NOT NULL,
    holder TEXT NOT NULL,
    started_at TIMESTAMP NOT NULL
);
