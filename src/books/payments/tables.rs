//! Where each kind keeps its payments: customer payments in `payments`, bill payments in
//! `bill_payments`; both tables have the columns of `PaymentRow`, in its order.

use diesel::prelude::*;

use super::record::{Paid, PaymentRow};
use super::views::{BillPaymentView, PaymentView};
use crate::authz::{Action, ResourceKind};
use crate::books::bills::Bills;
use crate::books::chart::Chart;
use crate::books::invoices::Invoices;
use crate::books::postings::{self, EntryDraft, PaymentRef, PostingError};
use crate::books::PageRequest;
use crate::store::schema::{bill_payments, payments};
use crate::store::DbConnection;

impl Paid for Invoices {
    type Payment = PaymentView;
    const PAYMENT: ResourceKind = ResourceKind::Payment;
    const PAY: Action = Action::ReceivePayment;
    const VIEW_PAYMENTS: Action = Action::ViewPayment;
    const DOCUMENT_FIELD: &'static str = "invoice_id";
    const AUTHOR_DECIDES: bool = false;

    fn entry(chart: &Chart, payment: &PaymentRef<'_>) -> Result<EntryDraft, PostingError> {
        postings::customer_payment(chart, payment)
    }

    fn find_payment(
        conn: &mut DbConnection,
        company_id: &str,
        id: &str,
    ) -> QueryResult<Option<PaymentRow>> {
        payments::table
            .find(id)
            .filter(payments::company_id.eq(company_id))
            .select(payments::all_columns)
            .get_result(conn)
            .optional()
    }

    fn page_payments(
        conn: &mut DbConnection,
        company_id: &str,
        request: &PageRequest,
    ) -> QueryResult<Vec<PaymentRow>> {
        payments::table
            .filter(payments::company_id.eq(company_id))
            .filter(payments::id.gt(request.after()))
            .order(payments::id.asc())
            .limit(request.fetch())
            .select(payments::all_columns)
            .load(conn)
    }

    fn insert_payment(conn: &mut DbConnection, row: &PaymentRow) -> QueryResult<()> {
        diesel::insert_into(payments::table)
            .values((
                payments::id.eq(&row.id),
                payments::company_id.eq(&row.company_id),
                payments::invoice_id.eq(&row.document_id),
                payments::customer_id.eq(&row.party_id),
                payments::date.eq(row.date),
                payments::amount_cents.eq(row.amount_cents),
                payments::account_number.eq(&row.account_number),
                payments::journal_entry_id.eq(&row.journal_entry_id),
                payments::created_by.eq(&row.created_by),
                payments::created_by_session.eq(&row.created_by_session),
                payments::created_at.eq(row.created_at),
            ))
            .execute(conn)
            .map(drop)
    }
}

impl Paid for Bills {
    type Payment = BillPaymentView;
    const PAYMENT: ResourceKind = ResourceKind::BillPayment;
    const PAY: Action = Action::PayBill;
    const VIEW_PAYMENTS: Action = Action::ViewBillPayment;
    const DOCUMENT_FIELD: &'static str = "bill_id";
    // Who entered the bill decides whether this user may pay it.
    const AUTHOR_DECIDES: bool = true;

    fn entry(chart: &Chart, payment: &PaymentRef<'_>) -> Result<EntryDraft, PostingError> {
        postings::bill_payment(chart, payment)
    }

    fn find_payment(
        conn: &mut DbConnection,
        company_id: &str,
        id: &str,
    ) -> QueryResult<Option<PaymentRow>> {
        bill_payments::table
            .find(id)
            .filter(bill_payments::company_id.eq(company_id))
            .select(bill_payments::all_columns)
            .get_result(conn)
            .optional()
    }

    fn page_payments(
        conn: &mut DbConnection,
        company_id: &str,
        request: &PageRequest,
    ) -> QueryResult<Vec<PaymentRow>> {
        bill_payments::table
            .filter(bill_payments::company_id.eq(company_id))
            .filter(bill_payments::id.gt(request.after()))
            .order(bill_payments::id.asc())
            .limit(request.fetch())
            .select(bill_payments::all_columns)
            .load(conn)
    }

    fn insert_payment(conn: &mut DbConnection, row: &PaymentRow) -> QueryResult<()> {
        diesel::insert_into(bill_payments::table)
            .values((
                bill_payments::id.eq(&row.id),
                bill_payments::company_id.eq(&row.company_id),
                bill_payments::bill_id.eq(&row.document_id),
                bill_payments::vendor_id.eq(&row.party_id),
                bill_payments::date.eq(row.date),
                bill_payments::amount_cents.eq(row.amount_cents),
                bill_payments::account_number.eq(&row.account_number),
                bill_payments::journal_entry_id.eq(&row.journal_entry_id),
                bill_payments::created_by.eq(&row.created_by),
                bill_payments::created_by_session.eq(&row.created_by_session),
                bill_payments::created_at.eq(row.created_at),
            ))
            .execute(conn)
            .map(drop)
    }
}
