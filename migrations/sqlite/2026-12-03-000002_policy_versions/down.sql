ALTER TABLE decisions DROP COLUMN inputs;
ALTER TABLE companies DROP COLUMN policy_hash;
ALTER TABLE companies DROP COLUMN policy_version;
DROP TABLE policy_versions;
