//! The entries of money received from a customer or paid to a supplier.

use chrono::NaiveDate;

use super::entry::{finish, require_account};
use super::entry::{EntryDraft, PostingLine};
use super::errors::PostingError;
use super::source::source;
use super::source::SourceKind;
use crate::books::chart::{self, Chart};
use crate::books::money::Cents;

/// A customer payment received or a bill payment made.
#[derive(Debug, Clone, Copy)]
pub struct PaymentRef<'a> {
    pub id: &'a str,
    pub party_id: &'a str,
    pub date: NaiveDate,
    pub amount_cents: Cents,
    /// The bank or cash account (5xx) the money moves through; 512 when absent.
    pub account_number: Option<&'a str>,
}

/// A customer payment: debit the bank (512), credit the customer (411).
pub fn customer_payment(
    chart: &Chart,
    payment: &PaymentRef<'_>,
) -> Result<EntryDraft, PostingError> {
    let (treasury, amount) = payment_parts(chart, payment)?;
    let customers = require_account(chart, chart::CUSTOMERS)?;
    let lines = vec![
        PostingLine::debit(treasury, amount),
        PostingLine::credit(customers, amount).for_party(payment.party_id),
    ];
    let memo = format!("Payment {}", payment.id);
    finish(
        payment.date,
        memo,
        source(SourceKind::Payment, payment.id),
        lines,
    )
}

/// A bill payment: debit the supplier (401), credit the bank (512).
pub fn bill_payment(chart: &Chart, payment: &PaymentRef<'_>) -> Result<EntryDraft, PostingError> {
    let (treasury, amount) = payment_parts(chart, payment)?;
    let suppliers = require_account(chart, chart::SUPPLIERS)?;
    let lines = vec![
        PostingLine::debit(suppliers, amount).for_party(payment.party_id),
        PostingLine::credit(treasury, amount),
    ];
    let memo = format!("Bill payment {}", payment.id);
    finish(
        payment.date,
        memo,
        source(SourceKind::BillPayment, payment.id),
        lines,
    )
}

/// The checked treasury account and amount of a payment.
fn payment_parts<'a>(
    chart: &Chart,
    payment: &PaymentRef<'a>,
) -> Result<(&'a str, Cents), PostingError> {
    let amount = payment.amount_cents;
    if !amount.is_positive() || amount > Cents::MAX_AMOUNT {
        return Err(PostingError::InvalidAmount);
    }
    let treasury = payment.account_number.unwrap_or(chart::BANK);
    if !treasury.starts_with('5') {
        return Err(PostingError::NotATreasuryAccount {
            account: treasury.to_owned(),
        });
    }
    Ok((require_account(chart, treasury)?, amount))
}
