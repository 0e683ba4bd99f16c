-- Each company's policy history: every version ever active, in order. A company with no row
-- decides by the service's base policies (policies/ or `policies_dir`), its version 1.
CREATE TABLE policy_versions (
    company_id TEXT NOT NULL REFERENCES companies(id),
    version BIGINT NOT NULL,
    -- The policies as one Cedar text, each with its @id.
    policies TEXT NOT NULL,
    -- Template links, a JSON array of {id, template, principal, resource}.
    links TEXT NOT NULL,
    -- The policy tests, a JSON object of file name to test file; NULL: the base tests.
    tests TEXT,
    -- SHA-256 of policies and links: equal content, equal hash, one shared engine.
    hash TEXT NOT NULL,
    author_id TEXT,
    comment TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    PRIMARY KEY (company_id, version)
);
CREATE INDEX policy_versions_hash ON policy_versions(company_id, hash);

-- The active version, read with the rules every decision already reads.
ALTER TABLE companies ADD COLUMN policy_version BIGINT NOT NULL DEFAULT 1;
-- NULL: the base policies.
ALTER TABLE companies ADD COLUMN policy_hash TEXT;

-- What a decision was decided on (role, rules, resource attributes, options), so that a
-- proposed policy change can replay it; NULL for decisions logged before it was recorded.
ALTER TABLE decisions ADD COLUMN inputs TEXT;
