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

/// The three queries of a payments table, for the table and its document and party columns:
/// the tables differ only in those names, so one text serves both.
macro_rules! payment_queries {
    ($table:ident, $document:ident, $party:ident) => {
        fn find_payment(
            conn: &mut DbConnection,
            company_id: &str,
            id: &str,
        ) -> QueryResult<Option<PaymentRow>> {
            $table::table
                .find(id)
                .filter($table::company_id.eq(company_id))
                .select($table::all_columns)
                .get_result(conn)
                .optional()
        }

        fn page_payments(
            conn: &mut DbConnection,
            company_id: &str,
            request: &PageRequest,
        ) -> QueryResult<Vec<PaymentRow>> {
            $table::table
                .filter($table::company_id.eq(company_id))
                .filter($table::id.gt(request.after()))
                .order($table::id.asc())
                .limit(request.fetch())
                .select($table::all_columns)
                .load(conn)
        }

        fn insert_payment(conn: &mut DbConnection, row: &PaymentRow) -> QueryResult<()> {
            diesel::insert_into($table::table)
                .values((
                    $table::id.eq(&row.id),
                    $table::company_id.eq(&row.company_id),
                    $table::$document.eq(&row.document_id),
                    $table::$party.eq(&row.party_id),
                    $table::date.eq(row.date),
                    $table::amount_cents.eq(row.amount_cents),
                    $table::account_number.eq(&row.account_number),
                    $table::journal_entry_id.eq(&row.journal_entry_id),
                    $table::created_by.eq(&row.created_by),
                    $table::created_by_session.eq(&row.created_by_session),
                    $table::created_at.eq(row.created_at),
                ))
                .execute(conn)
                .map(drop)
        }
    };
}

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

    payment_queries!(payments, invoice_id, customer_id);
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

    payment_queries!(bill_payments, bill_id, vendor_id);
}
