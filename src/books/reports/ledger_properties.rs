//! Random sequences of events, through the real builders, into a ledger.

use proptest::prelude::*;

use super::*;
use crate::books::chart::Chart;
use crate::books::documents::{price_document, LineInput};
use crate::books::money::Cents;
use crate::books::postings::{
    self, DocumentRef, EntryDraft, ManualEntryInput, ManualLineInput, PaymentRef,
};
use chrono::NaiveDate;

const RATES: [i64; 5] = [2000, 1000, 550, 210, 0];
const INCOME: [Option<&str>; 3] = [None, Some("701"), Some("707")];
const EXPENSE: [Option<&str>; 4] = [None, Some("601"), Some("613"), Some("622")];
const ANY: [&str; 8] = ["101", "164", "411", "512", "530", "641", "706", "758"];

/// quantity in thousandths, unit price, rate index, account index.
type LineSpec = (i64, i64, usize, usize);

#[derive(Debug, Clone)]
enum Event {
    Invoice(Vec<LineSpec>),
    Bill(Vec<LineSpec>),
    Payment(i64),
    BillPayment(i64),
    Void(usize),
    Manual(Vec<(usize, i64)>, usize),
    Reverse(usize),
}

fn line_specs() -> impl Strategy<Value = Vec<LineSpec>> {
    prop::collection::vec((1..50_000i64, 0..200_000i64, 0..5usize, 0..4usize), 1..6)
}

fn event() -> impl Strategy<Value = Event> {
    prop_oneof![
        line_specs().prop_map(Event::Invoice),
        line_specs().prop_map(Event::Bill),
        (1..5_000_000i64).prop_map(Event::Payment),
        (1..5_000_000i64).prop_map(Event::BillPayment),
        any::<usize>().prop_map(Event::Void),
        (
            prop::collection::vec((0..8usize, 1..1_000_000i64), 1..4),
            0..8usize
        )
            .prop_map(|(debits, credit)| Event::Manual(debits, credit)),
        any::<usize>().prop_map(Event::Reverse),
    ]
}

fn lines(specs: &[LineSpec], accounts: &[Option<&str>]) -> Vec<LineInput> {
    specs
        .iter()
        .map(|&(milli, price, rate, account)| LineInput {
            description: "Prestation".to_owned(),
            quantity: milli as f64 / 1000.0,
            unit_price_cents: price,
            vat_rate_bp: RATES[rate],
            account_number: accounts[account % accounts.len()].map(str::to_owned),
        })
        .collect()
}

fn document_entry(
    chart: &Chart,
    specs: &[LineSpec],
    date: NaiveDate,
    sales: bool,
) -> Option<EntryDraft> {
    let accounts: &[Option<&str>] = if sales { &INCOME } else { &EXPENSE };
    let priced = price_document(&lines(specs, accounts)).unwrap();
    let document = DocumentRef {
        id: "doc",
        number: "N-1",
        party_id: "party",
        date,
        priced: &priced,
    };
    let entry = if sales {
        postings::invoice_sent(chart, &document)
    } else {
        postings::bill_approved(chart, &document)
    };
    match entry {
        Err(postings::PostingError::NothingToPost) => None,
        other => Some(other.unwrap()),
    }
}

fn manual(chart: &Chart, debits: &[(usize, i64)], credit: usize, date: NaiveDate) -> EntryDraft {
    let mut lines: Vec<ManualLineInput> = debits
        .iter()
        .map(|&(account, amount)| ManualLineInput {
            account_number: ANY[account].to_owned(),
            debit_cents: amount,
            credit_cents: 0,
            party_id: None,
        })
        .collect();
    lines.push(ManualLineInput {
        account_number: ANY[credit].to_owned(),
        debit_cents: 0,
        credit_cents: debits.iter().map(|d| d.1).sum(),
        party_id: None,
    });
    let input = ManualEntryInput {
        date,
        memo: "Écriture".to_owned(),
        lines,
    };
    postings::manual_entry(chart, "je", &input).unwrap()
}

/// Applies events in order, as the service would, and returns every entry.
fn run(chart: &Chart, events: &[(Event, u32)]) -> Vec<EntryDraft> {
    let start = NaiveDate::from_ymd_opt(2025, 1, 1).unwrap();
    let mut entries: Vec<EntryDraft> = Vec::new();
    let mut open_invoices: Vec<EntryDraft> = Vec::new();
    let mut manuals: Vec<EntryDraft> = Vec::new();
    for (event, offset) in events {
        let date = start + chrono::Days::new(u64::from(*offset));
        let payment = |amount: i64| PaymentRef {
            id: "pay",
            party_id: "party",
            date,
            amount_cents: Cents::new(amount),
            account_number: None,
        };
        let entry = match event {
            Event::Invoice(specs) => {
                document_entry(chart, specs, date, true).inspect(|e| open_invoices.push(e.clone()))
            }
            Event::Bill(specs) => document_entry(chart, specs, date, false),
            Event::Payment(amount) => {
                Some(postings::customer_payment(chart, &payment(*amount)).unwrap())
            }
            Event::BillPayment(amount) => {
                Some(postings::bill_payment(chart, &payment(*amount)).unwrap())
            }
            Event::Void(pick) if !open_invoices.is_empty() => {
                let sent = open_invoices.remove(pick % open_invoices.len());
                Some(postings::invoice_voided(&sent, date).unwrap())
            }
            Event::Manual(debits, credit) => {
                let entry = manual(chart, debits, *credit, date);
                manuals.push(entry.clone());
                Some(entry)
            }
            Event::Reverse(pick) if !manuals.is_empty() => {
                let posted = manuals.remove(pick % manuals.len());
                Some(postings::reversal(&posted, date).unwrap())
            }
            Event::Void(_) | Event::Reverse(_) => None,
        };
        entries.extend(entry);
    }
    entries
}

/// What the service stores: one ledger line per entry line, with its class.
fn ledger(chart: &Chart, entries: &[EntryDraft]) -> Vec<LedgerLine> {
    let mut ledger = Vec::new();
    for (number, entry) in (1u64..).zip(entries) {
        for line in entry.lines() {
            ledger.push(LedgerLine {
                entry_number: number,
                date: entry.date(),
                account_number: line.account_number.clone(),
                class: chart.get(&line.account_number).unwrap().class(),
                debit_cents: line.debit_cents,
                credit_cents: line.credit_cents,
            });
        }
    }
    ledger
}

proptest! {
    #[test]
    fn random_events_keep_the_books_balanced(
        events in prop::collection::vec((event(), 0..365u32), 1..40),
        cut in 0..365u32,
    ) {
        let chart = Chart::french_default();
        let entries = run(&chart, &events);
        let ledger = ledger(&chart, &entries);
        let debits: i64 = ledger.iter().map(|l| l.debit_cents.get()).sum();
        let credits: i64 = ledger.iter().map(|l| l.credit_cents.get()).sum();
        prop_assert_eq!(debits, credits);

        let start = NaiveDate::from_ymd_opt(2025, 1, 1).unwrap();
        let end = NaiveDate::from_ymd_opt(2025, 12, 31).unwrap();
        let trial = trial_balance(&ledger, end).unwrap();
        prop_assert!(trial.balanced);
        prop_assert_eq!(trial.total_debit_cents.get(), debits);

        let middle = start + chrono::Days::new(u64::from(cut));
        for at in [middle, end] {
            let sheet = balance_sheet(&ledger, at).unwrap();
            prop_assert_eq!(
                sheet.total_assets_cents.get(),
                sheet.total_liabilities_cents.get() + sheet.total_equity_cents.get()
            );
        }
        let year = profit_and_loss(&ledger, start, end).unwrap();
        prop_assert_eq!(year.net_result_cents, balance_sheet(&ledger, end).unwrap().result_cents);
    }

    #[test]
    fn priced_documents_add_up(specs in line_specs()) {
        let priced = price_document(&lines(&specs, &INCOME)).unwrap();
        let subtotal: i64 = priced.lines().iter().map(|l| l.subtotal_cents.get()).sum();
        prop_assert_eq!(priced.subtotal_cents().get(), subtotal);
        prop_assert_eq!(priced.total_cents().get(), subtotal + priced.vat_cents().get());
        for (line, &(milli, ..)) in priced.lines().iter().zip(&specs) {
            prop_assert_eq!(line.quantity.milli(), milli);
        }
        // Rounding once per rate: the VAT is within half a cent per rate of exact.
        for group in priced.vat_breakdown() {
            let exact = i128::from(group.base_cents.get()) * i128::from(group.vat_rate_bp.get());
            let error = (i128::from(group.vat_cents.get()) * 10_000 - exact).abs();
            prop_assert!(error <= 5_000);
        }
    }
}

fn date(year: i32, month: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(year, month, d).unwrap()
}

#[test]
fn a_report_without_dates_covers_the_calendar_year_to_date_and_says_so() {
    let today = date(2026, 12, 3);
    let period = ReportPeriod::year_to_date_unless_given(None, None, today);
    assert_eq!((period.from, period.to), (date(2026, 1, 1), today));
    assert!(period.defaulted);
    assert_eq!(period.basis, Some("calendar_year_to_date"));
    let until = ReportPeriod::year_to_date_unless_given(None, Some(date(2025, 6, 30)), today);
    assert_eq!(
        (until.from, until.to),
        (date(2025, 1, 1), date(2025, 6, 30))
    );
    assert!(until.defaulted);
}

#[test]
fn a_report_with_both_dates_covers_them_as_given() {
    let (from, to) = (date(2026, 3, 1), date(2026, 3, 31));
    let period = ReportPeriod::year_to_date_unless_given(Some(from), Some(to), date(2026, 12, 3));
    assert_eq!(
        (period.from, period.to, period.defaulted),
        (from, to, false)
    );
    assert_eq!(period.basis, None);
}
