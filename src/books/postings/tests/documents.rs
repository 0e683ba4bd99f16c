//! Invoices, bills, voids and reversals.

use super::*;

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
