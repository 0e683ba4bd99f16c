ALTER TABLE decisions DROP CONSTRAINT decisions_pkey;
ALTER TABLE decisions ADD PRIMARY KEY (id);
CREATE UNIQUE INDEX decisions_chain ON decisions(company_id, seq);
