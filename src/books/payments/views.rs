//! A payment as each kind's clients see it: the document and party under their own names.

use chrono::NaiveDate;
use serde::Serialize;

use super::record::PaymentRow;

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct PaymentView {
    pub id: String,
    pub invoice_id: String,
    pub customer_id: String,
    pub date: NaiveDate,
    pub amount_cents: i64,
    /// The bank or cash account the money came into.
    pub account_number: String,
    pub journal_entry_id: String,
    pub created_by: String,
    pub created_at: String,
}

impl From<PaymentRow> for PaymentView {
    fn from(row: PaymentRow) -> Self {
        Self {
            id: row.id,
            invoice_id: row.document_id,
            customer_id: row.party_id,
            date: row.date,
            amount_cents: row.amount_cents,
            account_number: row.account_number,
            journal_entry_id: row.journal_entry_id,
            created_by: row.created_by,
            created_at: crate::clock::rfc3339(row.created_at),
        }
    }
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct BillPaymentView {
    pub id: String,
    pub bill_id: String,
    pub vendor_id: String,
    pub date: NaiveDate,
    pub amount_cents: i64,
    /// The bank or cash account the money left from.
    pub account_number: String,
    pub journal_entry_id: String,
    pub created_by: String,
    pub created_at: String,
}

impl From<PaymentRow> for BillPaymentView {
    fn from(row: PaymentRow) -> Self {
        Self {
            id: row.id,
            bill_id: row.document_id,
            vendor_id: row.party_id,
            date: row.date,
            amount_cents: row.amount_cents,
            account_number: row.account_number,
            journal_entry_id: row.journal_entry_id,
            created_by: row.created_by,
            created_at: crate::clock::rfc3339(row.created_at),
        }
    }
}
