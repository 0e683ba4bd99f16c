-- Credit notes take part or all of a sent invoice back; what they credit is no longer due
-- (an invoice's credited amount is the sum of its credit notes).
CREATE TABLE credit_notes (
    id TEXT PRIMARY KEY NOT NULL,
    company_id TEXT NOT NULL REFERENCES companies(id),
    number TEXT NOT NULL,
    invoice_id TEXT NOT NULL REFERENCES invoices(id),
    customer_id TEXT NOT NULL REFERENCES customers(id),
    date DATE NOT NULL,
    -- The day the credit applies: its date.
    due_date DATE NOT NULL,
    status TEXT NOT NULL,
    total_cents BIGINT NOT NULL,
    created_by TEXT NOT NULL REFERENCES users(id),
    created_at TIMESTAMP NOT NULL,
    version BIGINT NOT NULL,
    updated_by TEXT NOT NULL REFERENCES users(id),
    updated_by_session TEXT,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX credit_notes_company ON credit_notes(company_id, id);
CREATE INDEX credit_notes_invoice ON credit_notes(invoice_id);

-- Every company with books numbers its credit notes from AV-000001.
INSERT INTO book_counters (company_id, name, value)
SELECT company_id, 'credit_note', 0 FROM book_counters WHERE name = 'invoice';
