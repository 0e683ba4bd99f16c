//! The entries of documents: an invoice sent, a bill approved, an invoice voided, a credit
//! note issued, and the reversal of a manual entry.

use std::collections::BTreeMap;

use chrono::NaiveDate;

use super::entry::{finish, require_account};
use super::entry::{EntryDraft, PostingLine};
use super::errors::PostingError;
use super::source::source;
use super::source::SourceKind;
use crate::books::chart::{self, AccountClass, Chart};
use crate::books::documents::PricedDocument;
use crate::books::money::Cents;

/// An invoice or bill being posted, with the totals the service computed.
#[derive(Debug, Clone, Copy)]
pub struct DocumentRef<'a> {
    pub id: &'a str,
    pub number: &'a str,
    /// The customer (invoice) or vendor (bill).
    pub party_id: &'a str,
    pub date: NaiveDate,
    pub priced: &'a PricedDocument,
}

/// Sending an invoice: debit 411 the total, credit each income account (706 unless
/// the line names another) its lines' subtotal, credit 44571 the VAT.
pub fn invoice_sent(chart: &Chart, invoice: &DocumentRef<'_>) -> Result<EntryDraft, PostingError> {
    let priced = invoice.priced;
    if priced.total_cents().is_zero() {
        return Err(PostingError::NothingToPost);
    }
    let income = amounts_by_account(chart, priced, chart::DEFAULT_SALES, AccountClass::Income)?;
    let customers = require_account(chart, chart::CUSTOMERS)?;
    let mut lines =
        vec![PostingLine::debit(customers, priced.total_cents()).for_party(invoice.party_id)];
    lines.extend(
        income
            .iter()
            .map(|(account, &amount)| PostingLine::credit(account, amount)),
    );
    if priced.vat_cents().is_positive() {
        let vat = require_account(chart, chart::VAT_COLLECTED)?;
        lines.push(PostingLine::credit(vat, priced.vat_cents()));
    }
    let memo = format!("Invoice {}", invoice.number);
    finish(
        invoice.date,
        memo,
        source(SourceKind::Invoice, invoice.id),
        lines,
    )
}

/// Approving a bill: debit each expense account (606 unless the line names
/// another) its lines' subtotal, debit 44566 the VAT, credit 401 the total.
pub fn bill_approved(chart: &Chart, bill: &DocumentRef<'_>) -> Result<EntryDraft, PostingError> {
    let priced = bill.priced;
    if priced.total_cents().is_zero() {
        return Err(PostingError::NothingToPost);
    }
    let expenses = amounts_by_account(
        chart,
        priced,
        chart::DEFAULT_PURCHASES,
        AccountClass::Expense,
    )?;
    let mut lines: Vec<PostingLine> = expenses
        .iter()
        .map(|(account, &amount)| PostingLine::debit(account, amount))
        .collect();
    if priced.vat_cents().is_positive() {
        let vat = require_account(chart, chart::VAT_DEDUCTIBLE)?;
        lines.push(PostingLine::debit(vat, priced.vat_cents()));
    }
    let suppliers = require_account(chart, chart::SUPPLIERS)?;
    lines.push(PostingLine::credit(suppliers, priced.total_cents()).for_party(bill.party_id));
    let memo = format!("Bill {}", bill.number);
    finish(bill.date, memo, source(SourceKind::Bill, bill.id), lines)
}

/// Each line's subtotal summed per account, after checking the account exists
/// and has the class the document needs. Zero amounts (free lines) post nothing.
fn amounts_by_account(
    chart: &Chart,
    priced: &PricedDocument,
    default_account: &str,
    expected: AccountClass,
) -> Result<BTreeMap<String, Cents>, PostingError> {
    let mut amounts: BTreeMap<String, Cents> = BTreeMap::new();
    for (index, line) in priced.lines().iter().enumerate() {
        let number = line.account_number.as_deref().unwrap_or(default_account);
        let account = chart
            .get(number)
            .ok_or_else(|| PostingError::UnknownAccount {
                index,
                account: number.to_owned(),
            })?;
        if account.class() != expected {
            return Err(PostingError::WrongAccountClass {
                index,
                account: number.to_owned(),
                expected,
                found: account.class(),
            });
        }
        if line.subtotal_cents.is_positive() {
            let amount = amounts.entry(number.to_owned()).or_default();
            *amount = amount
                .checked_add(line.subtotal_cents)
                .map_err(|_| PostingError::TotalTooLarge)?;
        }
    }
    Ok(amounts)
}

/// Voiding an invoice: the exact reverse of the entry its sending posted, dated on
/// the day of the void (the original period may be closed by then).
pub fn invoice_voided(posted: &EntryDraft, date: NaiveDate) -> Result<EntryDraft, PostingError> {
    let memo = format!("Void of {}", posted.memo());
    reverse(
        posted,
        SourceKind::Invoice,
        SourceKind::InvoiceVoid,
        date,
        memo,
    )
}

/// Issuing a credit note: the reverse of sending an invoice of the lines credited (debit each
/// income account and 44571, credit 411 the total), dated on the credit note.
pub fn credit_note_issued(
    chart: &Chart,
    credit_note: &DocumentRef<'_>,
) -> Result<EntryDraft, PostingError> {
    let as_sold = invoice_sent(chart, credit_note)?;
    let memo = format!("Credit note {}", credit_note.number);
    reverse(
        &as_sold,
        SourceKind::Invoice,
        SourceKind::CreditNote,
        credit_note.date,
        memo,
    )
}

/// Reversing a manual journal entry: every debit becomes a credit and back.
/// Entries written for documents are undone through their document (a void), so
/// the document's state and the ledger cannot disagree.
pub fn reversal(posted: &EntryDraft, date: NaiveDate) -> Result<EntryDraft, PostingError> {
    let memo = format!("Reversal of {}", posted.memo());
    reverse(
        posted,
        SourceKind::JournalEntry,
        SourceKind::Reversal,
        date,
        memo,
    )
}

fn reverse(
    posted: &EntryDraft,
    expected: SourceKind,
    kind: SourceKind,
    date: NaiveDate,
    memo: String,
) -> Result<EntryDraft, PostingError> {
    if posted.source().kind != expected {
        return Err(PostingError::WrongSource {
            expected,
            found: posted.source().kind,
        });
    }
    let lines = posted.lines().iter().map(PostingLine::swapped).collect();
    finish(date, memo, source(kind, &posted.source().id), lines)
}
