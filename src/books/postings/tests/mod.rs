//! The builders' entries, checked line by line: the helpers the tests share, and the
//! entry's own checks.

use super::source::source;
use super::*;
use crate::books::chart::{self, AccountClass, Chart};
use crate::books::documents::{price_document, LineInput, PricedDocument};
use crate::books::money::Cents;
use chrono::NaiveDate;

mod documents;
mod manual;
mod payments;

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
