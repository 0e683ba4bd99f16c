-- A decision is identified by its place in its company's chain. The unique index on `id`
-- cost every append one more B-tree to update, and nothing looks a decision up by its id.
ALTER TABLE decisions DROP CONSTRAINT decisions_pkey;
DROP INDEX decisions_chain;
ALTER TABLE decisions ADD PRIMARY KEY (company_id, seq);
