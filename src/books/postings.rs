//! The balanced journal entries the core writes for each accounting event.
//!
//! Every builder returns an `EntryDraft`, and the only way to get one is
//! `EntryDraft::new`, which refuses an unbalanced or malformed entry: the ledger
//! cannot be handed anything else. Builders also `debug_assert!` the balance before
//! asking, so a builder bug fails loudly in tests instead of as a 4xx at run time.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::chart::{self, AccountClass, Chart};
use super::documents::PricedDocument;
use super::money::Cents;

/// Far more than any real entry (a payroll entry has a few dozen lines).
pub const MAX_ENTRY_LINES: usize = 500;
pub const MAX_MEMO_CHARS: usize = 500;

/// Errors of building journal entries.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PostingError {
    #[error("an entry needs at least 2 lines, not {count}")]
    TooFewLines { count: usize },
    #[error("an entry may have at most {MAX_ENTRY_LINES} lines, not {count}")]
    TooManyLines { count: usize },
    #[error("line {index} must have either a debit or a credit greater than zero, not both")]
    LineNotOneSided { index: usize },
    #[error("line {index} is larger than the largest amount allowed")]
    AmountTooLarge { index: usize },
    #[error("the entry total is larger than the largest amount allowed")]
    TotalTooLarge,
    #[error("debits ({debit_cents} cents) and credits ({credit_cents} cents) differ")]
    Unbalanced { debit_cents: i64, credit_cents: i64 },
    #[error("line {index}: account {account} is not in the chart of accounts")]
    UnknownAccount { index: usize, account: String },
    #[error("account {account}, which the books post to, is missing from the chart")]
    MissingAccount { account: String },
    #[error("line {index}: account {account} is of class {found}, not {expected}")]
    WrongAccountClass {
        index: usize,
        account: String,
        expected: AccountClass,
        found: AccountClass,
    },
    #[error("account {account} is not a bank or cash account (5xx)")]
    NotATreasuryAccount { account: String },
    #[error("a payment must be greater than zero and at most the largest amount allowed")]
    InvalidAmount,
    #[error("a document whose total is zero has nothing to post")]
    NothingToPost,
    #[error("the memo is longer than {MAX_MEMO_CHARS} characters")]
    MemoTooLong,
    #[error("the memo must not contain control characters")]
    MemoControlCharacters,
    #[error("this action applies to entries of kind {expected:?}, not {found:?}")]
    WrongSource {
        expected: SourceKind,
        found: SourceKind,
    },
}

/// What an entry records; with `SourceRef::id`, it links the entry to its document.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SourceKind {
    Invoice,
    InvoiceVoid,
    Payment,
    Bill,
    BillPayment,
    JournalEntry,
    Reversal,
    CreditNote,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SourceRef {
    pub kind: SourceKind,
    pub id: String,
}

/// One side of one account in an entry: exactly one of the amounts is positive.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PostingLine {
    pub account_number: String,
    pub debit_cents: Cents,
    pub credit_cents: Cents,
    /// The customer or vendor, on 411 and 401 lines, for their sub-ledgers.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub party_id: Option<String>,
}

impl PostingLine {
    pub fn debit(account_number: &str, amount: Cents) -> PostingLine {
        PostingLine {
            account_number: account_number.to_owned(),
            debit_cents: amount,
            credit_cents: Cents::ZERO,
            party_id: None,
        }
    }

    pub fn credit(account_number: &str, amount: Cents) -> PostingLine {
        PostingLine {
            account_number: account_number.to_owned(),
            debit_cents: Cents::ZERO,
            credit_cents: amount,
            party_id: None,
        }
    }

    fn for_party(self, party_id: &str) -> PostingLine {
        PostingLine {
            party_id: Some(party_id.to_owned()),
            ..self
        }
    }

    fn swapped(&self) -> PostingLine {
        PostingLine {
            debit_cents: self.credit_cents,
            credit_cents: self.debit_cents,
            ..self.clone()
        }
    }
}

/// A balanced entry ready to be numbered and written; fields are private so that
/// every draft went through the checks of `new`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct EntryDraft {
    date: NaiveDate,
    memo: String,
    source: SourceRef,
    lines: Vec<PostingLine>,
    total_cents: Cents,
}

impl EntryDraft {
    /// Checks the entry: 2 to `MAX_ENTRY_LINES` lines, each one-sided and within
    /// the amount cap, debits equal to credits. Also how the service rebuilds a
    /// stored entry (to void or reverse it), so stored data is checked again too.
    pub fn new(
        date: NaiveDate,
        memo: String,
        source: SourceRef,
        lines: Vec<PostingLine>,
    ) -> Result<EntryDraft, PostingError> {
        let total_cents = checked_total(&lines)?;
        Ok(EntryDraft {
            date,
            memo,
            source,
            lines,
            total_cents,
        })
    }

    pub fn date(&self) -> NaiveDate {
        self.date
    }

    pub fn memo(&self) -> &str {
        &self.memo
    }

    pub fn source(&self) -> &SourceRef {
        &self.source
    }

    pub fn lines(&self) -> &[PostingLine] {
        &self.lines
    }

    /// The sum of the debits, which is also the sum of the credits.
    pub fn total_cents(&self) -> Cents {
        self.total_cents
    }
}

/// Validates the lines and returns the entry total.
fn checked_total(lines: &[PostingLine]) -> Result<Cents, PostingError> {
    if lines.len() < 2 {
        return Err(PostingError::TooFewLines { count: lines.len() });
    }
    if lines.len() > MAX_ENTRY_LINES {
        return Err(PostingError::TooManyLines { count: lines.len() });
    }
    for (index, line) in lines.iter().enumerate() {
        check_line(index, line)?;
    }
    let debit = side_total(lines.iter().map(|l| l.debit_cents))?;
    let credit = side_total(lines.iter().map(|l| l.credit_cents))?;
    if debit != credit {
        return Err(PostingError::Unbalanced {
            debit_cents: debit.get(),
            credit_cents: credit.get(),
        });
    }
    Ok(debit)
}

fn check_line(index: usize, line: &PostingLine) -> Result<(), PostingError> {
    let (debit, credit) = (line.debit_cents, line.credit_cents);
    let one_sided =
        (debit.is_positive() && credit.is_zero()) || (credit.is_positive() && debit.is_zero());
    if !one_sided {
        return Err(PostingError::LineNotOneSided { index });
    }
    if debit.max(credit) > Cents::MAX_AMOUNT {
        return Err(PostingError::AmountTooLarge { index });
    }
    Ok(())
}

/// Lines are capped, so only an absurd number of capped lines can pass the cap.
fn side_total(amounts: impl Iterator<Item = Cents>) -> Result<Cents, PostingError> {
    let total = Cents::checked_sum(amounts).map_err(|_| PostingError::TotalTooLarge)?;
    if total > Cents::MAX_AMOUNT {
        return Err(PostingError::TotalTooLarge);
    }
    Ok(total)
}

/// The single exit of the system builders: the balance is a programming invariant
/// there (`debug_assert!`), and `new` still refuses it in release builds.
fn finish(
    date: NaiveDate,
    memo: String,
    source: SourceRef,
    lines: Vec<PostingLine>,
) -> Result<EntryDraft, PostingError> {
    debug_assert!(
        is_balanced(&lines),
        "a builder produced an unbalanced entry: {lines:?}"
    );
    EntryDraft::new(date, memo, source, lines)
}

fn is_balanced(lines: &[PostingLine]) -> bool {
    let debit: i128 = lines.iter().map(|l| i128::from(l.debit_cents.get())).sum();
    let credit: i128 = lines.iter().map(|l| i128::from(l.credit_cents.get())).sum();
    debit == credit
}

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

fn require_account<'a>(chart: &Chart, number: &'a str) -> Result<&'a str, PostingError> {
    match chart.get(number) {
        Some(_) => Ok(number),
        None => Err(PostingError::MissingAccount {
            account: number.to_owned(),
        }),
    }
}

fn source(kind: SourceKind, id: &str) -> SourceRef {
    SourceRef {
        kind,
        id: id.to_owned(),
    }
}

/// Voiding an invoice: the exact reverse of the entry its sending posted, dated on
/// the day of the void (the original period may be closed by then).
pub fn invoice_voided(posted: &EntryDraft, date: NaiveDate) -> Result<EntryDraft, PostingError> {
    let memo = format!("Void of {}", posted.memo);
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
    let memo = format!("Reversal of {}", posted.memo);
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
    if posted.source.kind != expected {
        return Err(PostingError::WrongSource {
            expected,
            found: posted.source.kind,
        });
    }
    let lines = posted.lines.iter().map(PostingLine::swapped).collect();
    finish(date, memo, source(kind, &posted.source.id), lines)
}

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

/// A manual journal entry as the client sends it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ManualEntryInput {
    pub date: NaiveDate,
    #[serde(default)]
    pub memo: String,
    pub lines: Vec<ManualLineInput>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ManualLineInput {
    pub account_number: String,
    #[serde(default)]
    pub debit_cents: i64,
    #[serde(default)]
    pub credit_cents: i64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub party_id: Option<String>,
}

/// A manual entry: at least 2 lines, each a debit or a credit greater than zero
/// (not both), on accounts of the chart, debits equal to credits. Its lines are
/// kept as given, so an error's line index is the client's.
pub fn manual_entry(
    chart: &Chart,
    entry_id: &str,
    input: &ManualEntryInput,
) -> Result<EntryDraft, PostingError> {
    let memo = input.memo.trim();
    if memo.chars().count() > MAX_MEMO_CHARS {
        return Err(PostingError::MemoTooLong);
    }
    if crate::text::has_control_characters(memo) {
        return Err(PostingError::MemoControlCharacters);
    }
    for (index, line) in input.lines.iter().enumerate() {
        let account = line.account_number.trim();
        if chart.get(account).is_none() {
            return Err(PostingError::UnknownAccount {
                index,
                account: account.to_owned(),
            });
        }
    }
    let lines = input
        .lines
        .iter()
        .map(|line| PostingLine {
            account_number: line.account_number.trim().to_owned(),
            debit_cents: Cents::new(line.debit_cents),
            credit_cents: Cents::new(line.credit_cents),
            party_id: line.party_id.clone(),
        })
        .collect();
    // Not `finish`: an unbalanced manual entry is bad input, not a bug.
    let source = source(SourceKind::JournalEntry, entry_id);
    EntryDraft::new(input.date, memo.to_owned(), source, lines)
}

#[cfg(test)]
mod tests {
    use super::super::documents::{price_document, LineInput};
    use super::*;

    fn day(d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2025, 3, d).unwrap()
    }

    fn input(quantity: f64, price: i64, rate: i64, account: Option<&str>) -> LineInput {
        LineInput {
            description: "Travaux".to_owned(),
            quantity,
            unit_price_cents: price,
            vat_rate_bp: rate,
            account_number: account.map(str::to_owned),
        }
    }

    fn doc(priced: &PricedDocument) -> DocumentRef<'_> {
        DocumentRef {
            id: "doc-1",
            number: "F-2025-001",
            party_id: "party-1",
            date: day(3),
            priced,
        }
    }

    fn payment(amount: i64) -> PaymentRef<'static> {
        PaymentRef {
            id: "pay-1",
            party_id: "party-1",
            date: day(20),
            amount_cents: Cents::new(amount),
            account_number: None,
        }
    }

    /// (account, debit, credit, party?) for compact assertions.
    fn summary(entry: &EntryDraft) -> Vec<(&str, i64, i64, Option<&str>)> {
        entry
            .lines()
            .iter()
            .map(|l| {
                (
                    l.account_number.as_str(),
                    l.debit_cents.get(),
                    l.credit_cents.get(),
                    l.party_id.as_deref(),
                )
            })
            .collect()
    }

    fn manual(lines: &[(&str, i64, i64)]) -> ManualEntryInput {
        ManualEntryInput {
            date: day(10),
            memo: "Apport en capital".to_owned(),
            lines: lines
                .iter()
                .map(|&(account, debit, credit)| ManualLineInput {
                    account_number: account.to_owned(),
                    debit_cents: debit,
                    credit_cents: credit,
                    party_id: None,
                })
                .collect(),
        }
    }

    #[test]
    fn an_invoice_debits_customers_and_credits_income_and_vat() {
        let chart = Chart::french_default();
        let priced = price_document(&[
            input(2.0, 10_000, 2000, None),
            input(1.0, 5_000, 550, Some("707")),
            input(1.5, 2_000, 2000, None),
        ])
        .unwrap();
        let entry = invoice_sent(&chart, &doc(&priced)).unwrap();
        assert_eq!(
            summary(&entry),
            [
                ("411", 32_875, 0, Some("party-1")),
                ("706", 0, 23_000, None),
                ("707", 0, 5_000, None),
                ("44571", 0, 4_875, None),
            ]
        );
        assert_eq!(entry.total_cents(), priced.total_cents());
        assert_eq!(entry.source(), &source(SourceKind::Invoice, "doc-1"));
        assert_eq!(entry.memo(), "Invoice F-2025-001");
        assert_eq!(entry.date(), day(3));
    }

    #[test]
    fn an_invoice_without_vat_has_no_vat_line() {
        let chart = Chart::french_default();
        let priced = price_document(&[input(1.0, 10_000, 0, None)]).unwrap();
        let entry = invoice_sent(&chart, &doc(&priced)).unwrap();
        assert_eq!(
            summary(&entry),
            [
                ("411", 10_000, 0, Some("party-1")),
                ("706", 0, 10_000, None)
            ]
        );
    }

    #[test]
    fn invoice_lines_must_post_to_income_accounts_of_the_chart() {
        let chart = Chart::french_default();
        let priced = price_document(&[
            input(1.0, 100, 2000, None),
            input(1.0, 100, 2000, Some("606")),
        ])
        .unwrap();
        assert_eq!(
            invoice_sent(&chart, &doc(&priced)),
            Err(PostingError::WrongAccountClass {
                index: 1,
                account: "606".to_owned(),
                expected: AccountClass::Income,
                found: AccountClass::Expense,
            })
        );
        let error = invoice_sent(&chart, &doc(&priced)).unwrap_err();
        assert_eq!(
            error.to_string(),
            "line 1: account 606 is of class expense, not income"
        );
        let priced = price_document(&[input(1.0, 100, 2000, Some("7099"))]).unwrap();
        assert!(matches!(
            invoice_sent(&chart, &doc(&priced)),
            Err(PostingError::UnknownAccount { index: 0, .. })
        ));
        let free = price_document(&[input(1.0, 0, 2000, None)]).unwrap();
        assert_eq!(
            invoice_sent(&chart, &doc(&free)),
            Err(PostingError::NothingToPost)
        );
    }

    #[test]
    fn a_chart_without_the_vat_account_cannot_post_vat() {
        let accounts = Chart::french_default()
            .accounts()
            .filter(|a| a.number() != chart::VAT_COLLECTED)
            .cloned()
            .collect::<Vec<_>>();
        let chart = Chart::from_accounts(accounts).unwrap();
        let priced = price_document(&[input(1.0, 100, 2000, None)]).unwrap();
        assert_eq!(
            invoice_sent(&chart, &doc(&priced)),
            Err(PostingError::MissingAccount {
                account: "44571".to_owned()
            })
        );
    }

    #[test]
    fn voiding_an_invoice_posts_its_exact_reverse() {
        let chart = Chart::french_default();
        let priced = price_document(&[input(3.0, 1_234, 1000, None)]).unwrap();
        let sent = invoice_sent(&chart, &doc(&priced)).unwrap();
        let void = invoice_voided(&sent, day(25)).unwrap();
        assert_eq!(
            summary(&void),
            [
                ("411", 0, 4_072, Some("party-1")),
                ("706", 3_702, 0, None),
                ("44571", 370, 0, None),
            ]
        );
        assert_eq!(void.source(), &source(SourceKind::InvoiceVoid, "doc-1"));
        assert_eq!(void.date(), day(25));
        assert_eq!(void.memo(), "Void of Invoice F-2025-001");
        let manual_entry = manual_entry(&chart, "je-1", &manual(&[("512", 1, 0), ("101", 0, 1)]));
        assert_eq!(
            invoice_voided(&manual_entry.unwrap(), day(25)),
            Err(PostingError::WrongSource {
                expected: SourceKind::Invoice,
                found: SourceKind::JournalEntry,
            })
        );
    }

    #[test]
    fn a_customer_payment_debits_the_bank_and_credits_the_customer() {
        let chart = Chart::french_default();
        let entry = customer_payment(&chart, &payment(12_000)).unwrap();
        assert_eq!(
            summary(&entry),
            [
                ("512", 12_000, 0, None),
                ("411", 0, 12_000, Some("party-1"))
            ]
        );
        assert_eq!(entry.source(), &source(SourceKind::Payment, "pay-1"));
        let cash = PaymentRef {
            account_number: Some("530"),
            ..payment(500)
        };
        assert_eq!(
            summary(&customer_payment(&chart, &cash).unwrap())[0].0,
            "530"
        );
    }

    #[test]
    fn payments_are_checked() {
        let chart = Chart::french_default();
        assert_eq!(
            customer_payment(&chart, &payment(0)),
            Err(PostingError::InvalidAmount)
        );
        assert_eq!(
            bill_payment(&chart, &payment(-5)),
            Err(PostingError::InvalidAmount)
        );
        let too_big = payment(Cents::MAX_AMOUNT.get() + 1);
        assert_eq!(
            customer_payment(&chart, &too_big),
            Err(PostingError::InvalidAmount)
        );
        let to_sales = PaymentRef {
            account_number: Some("706"),
            ..payment(100)
        };
        assert!(matches!(
            customer_payment(&chart, &to_sales),
            Err(PostingError::NotATreasuryAccount { .. })
        ));
        let unknown = PaymentRef {
            account_number: Some("5121"),
            ..payment(100)
        };
        assert!(matches!(
            bill_payment(&chart, &unknown),
            Err(PostingError::MissingAccount { .. })
        ));
    }

    #[test]
    fn an_approved_bill_debits_expenses_and_vat_and_credits_the_supplier() {
        let chart = Chart::french_default();
        let priced = price_document(&[
            input(10.0, 1_500, 2000, None),
            input(1.0, 80_000, 2000, Some("613")),
            input(2.0, 1_000, 550, None),
        ])
        .unwrap();
        let entry = bill_approved(&chart, &doc(&priced)).unwrap();
        assert_eq!(
            summary(&entry),
            [
                ("606", 17_000, 0, None),
                ("613", 80_000, 0, None),
                ("44566", 19_110, 0, None),
                ("401", 0, 116_110, Some("party-1")),
            ]
        );
        assert_eq!(entry.source(), &source(SourceKind::Bill, "doc-1"));
        let wrong = price_document(&[input(1.0, 100, 2000, Some("706"))]).unwrap();
        assert!(matches!(
            bill_approved(&chart, &doc(&wrong)),
            Err(PostingError::WrongAccountClass {
                expected: AccountClass::Expense,
                ..
            })
        ));
    }

    #[test]
    fn a_bill_payment_debits_the_supplier_and_credits_the_bank() {
        let chart = Chart::french_default();
        let entry = bill_payment(&chart, &payment(116_110)).unwrap();
        assert_eq!(
            summary(&entry),
            [
                ("401", 116_110, 0, Some("party-1")),
                ("512", 0, 116_110, None)
            ]
        );
        assert_eq!(entry.source(), &source(SourceKind::BillPayment, "pay-1"));
    }

    #[test]
    fn a_manual_entry_keeps_its_lines() {
        let chart = Chart::french_default();
        let input = manual(&[
            ("512", 500_000, 0),
            ("101", 0, 400_000),
            ("455", 0, 100_000),
        ]);
        let entry = manual_entry(&chart, "je-7", &input).unwrap();
        assert_eq!(
            summary(&entry),
            [
                ("512", 500_000, 0, None),
                ("101", 0, 400_000, None),
                ("455", 0, 100_000, None)
            ]
        );
        assert_eq!(entry.source(), &source(SourceKind::JournalEntry, "je-7"));
        assert_eq!(entry.total_cents(), Cents::new(500_000));
    }

    #[test]
    fn manual_entry_errors_are_clear() {
        let chart = Chart::french_default();
        let post = |lines: &[(&str, i64, i64)]| manual_entry(&chart, "je", &manual(lines));
        assert_eq!(
            post(&[("512", 100, 0)]),
            Err(PostingError::TooFewLines { count: 1 })
        );
        assert_eq!(
            post(&[("512", 100, 0), ("101", 0, 90)]),
            Err(PostingError::Unbalanced {
                debit_cents: 100,
                credit_cents: 90
            })
        );
        assert_eq!(
            post(&[("512", 100, 0), ("101", 100, 100)]),
            Err(PostingError::LineNotOneSided { index: 1 })
        );
        assert_eq!(
            post(&[("512", 0, 0), ("101", 0, 0)]),
            Err(PostingError::LineNotOneSided { index: 0 })
        );
        assert_eq!(
            post(&[("512", -100, 0), ("101", 0, -100)]),
            Err(PostingError::LineNotOneSided { index: 0 })
        );
        assert_eq!(
            post(&[("512", 100, 0), ("999", 0, 100)]),
            Err(PostingError::UnknownAccount {
                index: 1,
                account: "999".to_owned()
            })
        );
        let max = Cents::MAX_AMOUNT.get();
        assert_eq!(
            post(&[("512", max + 1, 0), ("101", 0, max + 1)]),
            Err(PostingError::AmountTooLarge { index: 0 })
        );
        assert_eq!(
            post(&[
                ("512", max, 0),
                ("530", max, 0),
                ("101", 0, max),
                ("106", 0, max)
            ]),
            Err(PostingError::TotalTooLarge)
        );
        let error = post(&[("512", 100, 0), ("101", 0, 90)]).unwrap_err();
        assert_eq!(
            error.to_string(),
            "debits (100 cents) and credits (90 cents) differ"
        );
    }

    #[test]
    fn manual_entry_limits_lines_and_memo() {
        let chart = Chart::french_default();
        let mut lines = vec![("512", 1, 0); MAX_ENTRY_LINES];
        lines.push(("101", 0, MAX_ENTRY_LINES as i64));
        assert_eq!(
            manual_entry(&chart, "je", &manual(&lines)),
            Err(PostingError::TooManyLines {
                count: MAX_ENTRY_LINES + 1
            })
        );
        let mut input = manual(&[("512", 1, 0), ("101", 0, 1)]);
        input.memo = "x".repeat(MAX_MEMO_CHARS + 1);
        assert_eq!(
            manual_entry(&chart, "je", &input),
            Err(PostingError::MemoTooLong)
        );
    }

    #[test]
    fn manual_entries_read_the_wire_format() {
        let input: ManualEntryInput = serde_json::from_str(
            r#"{"date": "2025-03-31", "memo": "Loyer",
                "lines": [{"account_number": "613", "debit_cents": 90000},
                          {"account_number": "512", "credit_cents": 90000}]}"#,
        )
        .unwrap();
        let entry = manual_entry(&Chart::french_default(), "je-2", &input).unwrap();
        assert_eq!(entry.total_cents(), Cents::new(90_000));
        let json = serde_json::to_value(&entry).unwrap();
        assert_eq!(json["date"], "2025-03-31");
        assert_eq!(json["source"]["kind"], "journal_entry");
        assert_eq!(json["lines"][0]["debit_cents"], 90_000);
        assert!(json["lines"][0].get("party_id").is_none());
    }

    #[test]
    fn a_reversal_swaps_debits_and_credits() {
        let chart = Chart::french_default();
        let posted =
            manual_entry(&chart, "je-3", &manual(&[("613", 900, 0), ("512", 0, 900)])).unwrap();
        let reversed = reversal(&posted, day(31)).unwrap();
        assert_eq!(
            summary(&reversed),
            [("613", 0, 900, None), ("512", 900, 0, None)]
        );
        assert_eq!(reversed.source(), &source(SourceKind::Reversal, "je-3"));
        assert_eq!(reversed.memo(), "Reversal of Apport en capital");
        let priced = price_document(&[input(1.0, 100, 2000, None)]).unwrap();
        let invoice = invoice_sent(&chart, &doc(&priced)).unwrap();
        assert!(matches!(
            reversal(&invoice, day(31)),
            Err(PostingError::WrongSource { .. })
        ));
    }

    #[test]
    fn new_refuses_unbalanced_drafts() {
        let lines = vec![
            PostingLine::debit("512", Cents::new(100)),
            PostingLine::credit("101", Cents::new(99)),
        ];
        let draft = EntryDraft::new(
            day(1),
            String::new(),
            source(SourceKind::JournalEntry, "x"),
            lines,
        );
        assert!(matches!(draft, Err(PostingError::Unbalanced { .. })));
    }
}
