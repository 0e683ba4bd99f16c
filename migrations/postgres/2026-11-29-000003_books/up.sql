-- The accounting core. Every mutable record carries `version` (optimistic concurrency) and who
-- last changed it, from which session: a stale save by the same login from another session is
-- evidence of a shared login.

-- Per-company counters, advanced in the transaction that uses the number, so a rollback gives
-- it back: journal entry numbers (and document numbers) have no gaps.
CREATE TABLE book_counters (
    company_id TEXT NOT NULL REFERENCES companies(id),
    name TEXT NOT NULL,
    value BIGINT NOT NULL,
    PRIMARY KEY (company_id, name)
);

CREATE TABLE customers (
    id TEXT PRIMARY KEY NOT NULL,
    company_id TEXT NOT NULL REFERENCES companies(id),
    name TEXT NOT NULL,
    email TEXT,
    created_by TEXT NOT NULL REFERENCES users(id),
    created_at TIMESTAMP NOT NULL,
    version BIGINT NOT NULL,
    updated_by TEXT NOT NULL REFERENCES users(id),
    updated_by_session TEXT,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX customers_company ON customers(company_id, id);

CREATE TABLE vendors (
    id TEXT PRIMARY KEY NOT NULL,
    company_id TEXT NOT NULL REFERENCES companies(id),
    name TEXT NOT NULL,
    email TEXT,
    created_by TEXT NOT NULL REFERENCES users(id),
    created_at TIMESTAMP NOT NULL,
    version BIGINT NOT NULL,
    updated_by TEXT NOT NULL REFERENCES users(id),
    updated_by_session TEXT,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX vendors_company ON vendors(company_id, id);

-- Seeded from the default French chart when the company signs up.
CREATE TABLE accounts (
    id TEXT PRIMARY KEY NOT NULL,
    company_id TEXT NOT NULL REFERENCES companies(id),
    number TEXT NOT NULL,
    name_fr TEXT NOT NULL,
    name_en TEXT NOT NULL,
    class TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    version BIGINT NOT NULL,
    updated_by TEXT REFERENCES users(id),
    updated_by_session TEXT,
    updated_at TIMESTAMP NOT NULL
);
CREATE UNIQUE INDEX accounts_company_number ON accounts(company_id, number);

CREATE TABLE estimates (
    id TEXT PRIMARY KEY NOT NULL,
    company_id TEXT NOT NULL REFERENCES companies(id),
    number TEXT NOT NULL,
    customer_id TEXT NOT NULL REFERENCES customers(id),
    date DATE NOT NULL,
    due_date DATE NOT NULL,
    status TEXT NOT NULL,
    total_cents BIGINT NOT NULL,
    invoice_id TEXT,
    created_by TEXT NOT NULL REFERENCES users(id),
    created_at TIMESTAMP NOT NULL,
    version BIGINT NOT NULL,
    updated_by TEXT NOT NULL REFERENCES users(id),
    updated_by_session TEXT,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX estimates_company ON estimates(company_id, id);

-- Document heads keep the total; the subtotal and VAT are the sums of their lines.
-- An invoice gets its number when it is sent: issued invoices are numbered without gaps.
CREATE TABLE invoices (
    id TEXT PRIMARY KEY NOT NULL,
    company_id TEXT NOT NULL REFERENCES companies(id),
    number TEXT,
    customer_id TEXT NOT NULL REFERENCES customers(id),
    date DATE NOT NULL,
    due_date DATE NOT NULL,
    status TEXT NOT NULL,
    total_cents BIGINT NOT NULL,
    paid_cents BIGINT NOT NULL,
    estimate_id TEXT,
    created_by TEXT NOT NULL REFERENCES users(id),
    created_at TIMESTAMP NOT NULL,
    version BIGINT NOT NULL,
    updated_by TEXT NOT NULL REFERENCES users(id),
    updated_by_session TEXT,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX invoices_company ON invoices(company_id, id);

CREATE TABLE bills (
    id TEXT PRIMARY KEY NOT NULL,
    company_id TEXT NOT NULL REFERENCES companies(id),
    number TEXT NOT NULL,
    vendor_id TEXT NOT NULL REFERENCES vendors(id),
    reference TEXT,
    date DATE NOT NULL,
    due_date DATE NOT NULL,
    status TEXT NOT NULL,
    total_cents BIGINT NOT NULL,
    paid_cents BIGINT NOT NULL,
    created_by TEXT NOT NULL REFERENCES users(id),
    created_at TIMESTAMP NOT NULL,
    version BIGINT NOT NULL,
    updated_by TEXT NOT NULL REFERENCES users(id),
    updated_by_session TEXT,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX bills_company ON bills(company_id, id);

-- Lines of estimates, invoices and bills; quantities in thousandths of a unit.
CREATE TABLE document_lines (
    id BIGSERIAL PRIMARY KEY,
    company_id TEXT NOT NULL REFERENCES companies(id),
    document_id TEXT NOT NULL,
    position BIGINT NOT NULL,
    description TEXT NOT NULL,
    quantity_milli BIGINT NOT NULL,
    unit_price_cents BIGINT NOT NULL,
    vat_rate_bp BIGINT NOT NULL,
    account_number TEXT,
    subtotal_cents BIGINT NOT NULL
);
CREATE UNIQUE INDEX document_lines_position ON document_lines(document_id, position);

-- Posted entries are never updated or deleted; a void or reversal is a new entry.
CREATE TABLE journal_entries (
    id TEXT PRIMARY KEY NOT NULL,
    company_id TEXT NOT NULL REFERENCES companies(id),
    number BIGINT NOT NULL,
    date DATE NOT NULL,
    memo TEXT NOT NULL,
    source_kind TEXT NOT NULL,
    source_id TEXT NOT NULL,
    total_cents BIGINT NOT NULL,
    posted_by TEXT NOT NULL REFERENCES users(id),
    posted_by_session TEXT,
    posted_at TIMESTAMP NOT NULL
);
CREATE UNIQUE INDEX journal_entries_number ON journal_entries(company_id, number);
-- One entry per event: a document is posted once, voided once, an entry reversed once.
CREATE UNIQUE INDEX journal_entries_source ON journal_entries(company_id, source_kind, source_id);

CREATE TABLE journal_lines (
    id BIGSERIAL PRIMARY KEY,
    company_id TEXT NOT NULL REFERENCES companies(id),
    entry_id TEXT NOT NULL REFERENCES journal_entries(id),
    entry_number BIGINT NOT NULL,
    date DATE NOT NULL,
    position BIGINT NOT NULL,
    account_number TEXT NOT NULL,
    debit_cents BIGINT NOT NULL,
    credit_cents BIGINT NOT NULL,
    party_id TEXT
);
CREATE INDEX journal_lines_entry ON journal_lines(entry_id, position);
CREATE INDEX journal_lines_company_date ON journal_lines(company_id, date);

CREATE TABLE payments (
    id TEXT PRIMARY KEY NOT NULL,
    company_id TEXT NOT NULL REFERENCES companies(id),
    invoice_id TEXT NOT NULL REFERENCES invoices(id),
    customer_id TEXT NOT NULL REFERENCES customers(id),
    date DATE NOT NULL,
    amount_cents BIGINT NOT NULL,
    account_number TEXT NOT NULL,
    journal_entry_id TEXT NOT NULL REFERENCES journal_entries(id),
    created_by TEXT NOT NULL REFERENCES users(id),
    created_by_session TEXT,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX payments_company ON payments(company_id, id);
CREATE INDEX payments_invoice ON payments(invoice_id);

CREATE TABLE bill_payments (
    id TEXT PRIMARY KEY NOT NULL,
    company_id TEXT NOT NULL REFERENCES companies(id),
    bill_id TEXT NOT NULL REFERENCES bills(id),
    vendor_id TEXT NOT NULL REFERENCES vendors(id),
    date DATE NOT NULL,
    amount_cents BIGINT NOT NULL,
    account_number TEXT NOT NULL,
    journal_entry_id TEXT NOT NULL REFERENCES journal_entries(id),
    created_by TEXT NOT NULL REFERENCES users(id),
    created_by_session TEXT,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX bill_payments_company ON bill_payments(company_id, id);
CREATE INDEX bill_payments_bill ON bill_payments(bill_id);

CREATE TABLE timesheets (
    id TEXT PRIMARY KEY NOT NULL,
    company_id TEXT NOT NULL REFERENCES companies(id),
    user_id TEXT NOT NULL REFERENCES users(id),
    date DATE NOT NULL,
    minutes BIGINT NOT NULL,
    description TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    version BIGINT NOT NULL,
    updated_by TEXT NOT NULL REFERENCES users(id),
    updated_by_session TEXT,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX timesheets_owner ON timesheets(company_id, user_id, id);

-- The version and last writer of the closing date, which itself lives in companies.closing_date
-- where the policy engine reads it.
CREATE TABLE closing_dates (
    company_id TEXT PRIMARY KEY NOT NULL REFERENCES companies(id),
    version BIGINT NOT NULL,
    updated_by TEXT REFERENCES users(id),
    updated_by_session TEXT,
    updated_at TIMESTAMP NOT NULL
);

-- Each use of the closing-date override: who wrote what, dated when, in a closed period.
CREATE TABLE closing_date_exceptions (
    id TEXT PRIMARY KEY NOT NULL,
    company_id TEXT NOT NULL REFERENCES companies(id),
    user_id TEXT NOT NULL REFERENCES users(id),
    session_id TEXT,
    action TEXT NOT NULL,
    record_type TEXT NOT NULL,
    record_id TEXT NOT NULL,
    record_date DATE NOT NULL,
    closing_date DATE NOT NULL,
    occurred_at TIMESTAMP NOT NULL
);
CREATE INDEX closing_date_exceptions_company ON closing_date_exceptions(company_id, occurred_at);

-- The first answer to a create with an Idempotency-Key, replayed for the same key and body.
CREATE TABLE idempotency_keys (
    company_id TEXT NOT NULL REFERENCES companies(id),
    user_id TEXT NOT NULL REFERENCES users(id),
    idempotency_key TEXT NOT NULL,
    request_hash TEXT NOT NULL,
    status_code BIGINT NOT NULL,
    response_body TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    PRIMARY KEY (company_id, user_id, idempotency_key)
);
