-- The duty actions among the decisions, in time order: the audit reads them alone instead of
-- walking every decision of its lookback (reads, mostly) to find them. The list is
-- seats::store::DUTY_ACTIONS in its order; the audit's query repeats it as literal SQL, which
-- both planners need to use a partial index, and a test checks that they do.
CREATE INDEX decisions_duty_actions ON decisions (company_id, decided_at)
    WHERE action IN ('create_customer', 'update_customer', 'create_estimate', 'update_estimate', 'convert_estimate', 'create_invoice', 'update_invoice', 'send_invoice', 'void_invoice', 'receive_payment', 'create_vendor', 'update_vendor', 'create_bill', 'update_bill', 'approve_bill', 'pay_bill', 'post_journal_entry', 'reverse_journal_entry', 'create_account', 'update_account', 'set_closing_date', 'create_timesheet', 'update_timesheet');
