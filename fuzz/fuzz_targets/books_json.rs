//! JSON bodies of the books, as the domain types they become: a document (estimates, invoices,
//! bills: its dates and lines), a manual journal entry, a payment and a new account. Each
//! body is read with serde_json, validated and priced; whatever passes is posted against the
//! default chart. Nothing may panic or overflow, and what is accepted must add up: totals are
//! the sums of their parts, a stored document prices again to the same amounts, a document the
//! API accepted posts, and every entry balances and reverses.
#![no_main]

use chrono::NaiveDate;
use libfuzzer_sys::fuzz_target;
use seatwarden::books::chart::{Account, AccountClass, Chart};
use seatwarden::books::dates;
use seatwarden::books::documents::{price_document, LineInput, PricedDocument};
use seatwarden::books::lines::{line_rows, reprice, LineView};
use seatwarden::books::money::Cents;
use seatwarden::books::postings::{
    self, DocumentRef, EntryDraft, ManualEntryInput, PaymentRef, SourceKind,
};
use serde::Deserialize;

/// An estimate, invoice or bill body: dates as the client writes them, and its lines.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct DocumentBody {
    date: String,
    due_date: Option<String>,
    lines: Vec<LineInput>,
}

/// A payment body (`POST …/payments`, `POST …/bill-payments`) with the domain's types.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct PaymentBody {
    document_id: String,
    date: String,
    amount_cents: i64,
    account_number: Option<String>,
}

/// A new account (`POST …/accounts`).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct AccountBody {
    number: String,
    name_fr: String,
    name_en: String,
    class: Option<AccountClass>,
}

fn day() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 3, 10).expect("a valid date")
}

fn assert_balanced(entry: &EntryDraft) {
    let debit: i128 = entry
        .lines()
        .iter()
        .map(|l| i128::from(l.debit_cents.get()))
        .sum();
    let credit: i128 = entry
        .lines()
        .iter()
        .map(|l| i128::from(l.credit_cents.get()))
        .sum();
    assert_eq!(debit, credit);
    assert_eq!(debit, i128::from(entry.total_cents().get()));
    assert!(entry.total_cents() <= Cents::MAX_AMOUNT);
}

/// Dates as the API reads them: the ledger's years only, a due date (given or by default
/// terms) never before the date nor past 9999.
fn check_dates(body: &DocumentBody) {
    let Some(date) = dates::parse(&body.date) else {
        return;
    };
    assert!(dates::held(date));
    let due = match body.due_date.as_deref() {
        Some(text) => dates::parse(text),
        None => dates::default_due_date(date),
    };
    if let Some(due) = due {
        assert!(dates::held(due));
        if body.due_date.is_none() {
            assert!(due > date);
        }
    }
}

fn check_document(lines: &[LineInput]) {
    let Ok(priced) = price_document(lines) else {
        return;
    };
    // The totals are the sums of their parts.
    let subtotal: i128 = priced
        .lines()
        .iter()
        .map(|l| i128::from(l.subtotal_cents.get()))
        .sum();
    assert_eq!(subtotal, i128::from(priced.subtotal_cents().get()));
    let vat: i128 = priced
        .vat_breakdown()
        .iter()
        .map(|v| i128::from(v.vat_cents.get()))
        .sum();
    assert_eq!(vat, i128::from(priced.vat_cents().get()));
    let base: i128 = priced
        .vat_breakdown()
        .iter()
        .map(|v| i128::from(v.base_cents.get()))
        .sum();
    assert_eq!(base, subtotal);
    assert_eq!(
        i128::from(priced.total_cents().get()),
        subtotal + vat,
        "total = subtotal + VAT"
    );
    assert!(priced.total_cents() <= Cents::MAX_AMOUNT);
    // Stored as the service stores it, the document prices again to the same amounts, and
    // shows as a line view without losing its quantity.
    let rows = line_rows("doc", &priced);
    let again = reprice(&rows).expect("a stored document prices again");
    assert_eq!(again, priced, "stored lines price to other amounts");
    for row in rows {
        let milli = row.quantity_milli;
        let view = LineView::from(row);
        let shown = view.quantity.as_f64().expect("a quantity is a number");
        assert!(
            (shown * 1000.0 - milli as f64).abs() < 0.5,
            "{milli} shown as {shown}"
        );
    }
    post_document(&priced);
}

/// What `lines::check_postable` lets through must post: an invoice (then its void and a
/// credit note of it) and a bill.
fn post_document(priced: &PricedDocument) {
    let chart = Chart::french_default();
    let postable = |class: AccountClass| {
        priced.total_cents().is_positive()
            && priced
                .lines()
                .iter()
                .all(|line| match &line.account_number {
                    None => true,
                    Some(number) => chart.get(number).is_some_and(|a| a.class() == class),
                })
    };
    let document = DocumentRef {
        id: "doc",
        number: "F-1",
        party_id: "party",
        date: day(),
        priced,
    };
    let invoice = postings::invoice_sent(&chart, &document);
    if postable(AccountClass::Income) {
        let entry = invoice.expect("an invoice the API accepted posts");
        assert_balanced(&entry);
        assert_eq!(entry.total_cents(), priced.total_cents());
        let void = postings::invoice_voided(&entry, day()).expect("a sent invoice voids");
        assert_balanced(&void);
        let credit = postings::credit_note_issued(&chart, &document).expect("a credit note posts");
        assert_balanced(&credit);
        assert_eq!(credit.total_cents(), entry.total_cents());
    } else if let Ok(entry) = invoice {
        assert_balanced(&entry);
    }
    let bill = postings::bill_approved(&chart, &document);
    if postable(AccountClass::Expense) {
        let entry = bill.expect("a bill the API accepted posts");
        assert_balanced(&entry);
        assert_eq!(entry.total_cents(), priced.total_cents());
    } else if let Ok(entry) = bill {
        assert_balanced(&entry);
    }
}

fn check_entry(input: &ManualEntryInput) {
    let chart = Chart::french_default();
    let Ok(entry) = postings::manual_entry(&chart, "entry", input) else {
        return;
    };
    assert_balanced(&entry);
    assert_eq!(entry.source().kind, SourceKind::JournalEntry);
    let reversal = postings::reversal(&entry, input.date).expect("a manual entry reverses");
    assert_balanced(&reversal);
    assert_eq!(reversal.total_cents(), entry.total_cents());
    assert!(postings::invoice_voided(&entry, input.date).is_err());
}

fn check_payment(body: &PaymentBody) {
    let chart = Chart::french_default();
    let Some(date) = dates::parse(&body.date) else {
        return;
    };
    let payment = PaymentRef {
        id: body.document_id.as_str(),
        party_id: "party",
        date,
        amount_cents: Cents::new(body.amount_cents),
        account_number: body.account_number.as_deref(),
    };
    for entry in [
        postings::customer_payment(&chart, &payment),
        postings::bill_payment(&chart, &payment),
    ] {
        match entry {
            Ok(entry) => {
                assert_balanced(&entry);
                assert_eq!(entry.total_cents().get(), body.amount_cents);
            }
            Err(_) => assert!(
                !(1..=Cents::MAX_AMOUNT.get()).contains(&body.amount_cents)
                    || body.account_number.is_some(),
                "a payment within range to the bank posts"
            ),
        }
    }
}

fn check_account(body: &AccountBody) {
    let Ok(account) = Account::new(&body.number, &body.name_fr, &body.name_en, body.class) else {
        return;
    };
    let mut chart = Chart::french_default();
    let known = chart.get(account.number()).is_some();
    assert_eq!(chart.insert(account).is_err(), known);
}

fuzz_target!(|data: &[u8]| {
    if let Ok(lines) = serde_json::from_slice::<Vec<LineInput>>(data) {
        check_document(&lines);
    } else if let Ok(document) = serde_json::from_slice::<DocumentBody>(data) {
        check_dates(&document);
        check_document(&document.lines);
    } else if let Ok(entry) = serde_json::from_slice::<ManualEntryInput>(data) {
        check_entry(&entry);
    } else if let Ok(payment) = serde_json::from_slice::<PaymentBody>(data) {
        check_payment(&payment);
    } else if let Ok(account) = serde_json::from_slice::<AccountBody>(data) {
        check_account(&account);
    }
});
