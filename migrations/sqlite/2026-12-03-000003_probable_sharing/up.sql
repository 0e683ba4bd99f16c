-- Hand-over sharing is probable, not proven: the company chooses whether seat counting and
-- the advice count it. (A finding's `evidence_class` and `headcount_estimate` live in its
-- evidence.)
ALTER TABLE companies ADD COLUMN count_probable_sharing BOOLEAN NOT NULL DEFAULT 0;
