//! The statements and the aged report on small hand-written ledgers.

use super::*;
use crate::books::chart::AccountClass;
use crate::books::money::Cents;
use chrono::NaiveDate;

fn day(month: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(2025, month, d).unwrap()
}

fn line(entry: u64, date: NaiveDate, account: &str, debit: i64, credit: i64) -> LedgerLine {
    LedgerLine {
        entry_number: entry,
        date,
        account_number: account.to_owned(),
        class: AccountClass::from_number(account).unwrap(),
        debit_cents: Cents::new(debit),
        credit_cents: Cents::new(credit),
    }
}

/// Capital paid in, an invoice in January, a bill in February, a payment in
/// March.
fn ledger() -> Vec<LedgerLine> {
    vec![
        line(1, day(1, 2), "512", 1_000_000, 0),
        line(1, day(1, 2), "101", 0, 1_000_000),
        line(2, day(1, 15), "411", 120_000, 0),
        line(2, day(1, 15), "706", 0, 100_000),
        line(2, day(1, 15), "44571", 0, 20_000),
        line(3, day(2, 10), "606", 30_000, 0),
        line(3, day(2, 10), "44566", 6_000, 0),
        line(3, day(2, 10), "401", 0, 36_000),
        line(4, day(3, 5), "512", 120_000, 0),
        line(4, day(3, 5), "411", 0, 120_000),
    ]
}

fn amounts(rows: &[AccountAmount]) -> Vec<(&str, i64)> {
    rows.iter()
        .map(|r| (r.account_number.as_str(), r.amount_cents.get()))
        .collect()
}

#[test]
fn trial_balance_totals_each_account_and_balances() {
    let report = trial_balance(&ledger(), day(12, 31)).unwrap();
    let rows: Vec<(&str, i64, i64, i64)> = report
        .rows
        .iter()
        .map(|r| {
            (
                r.account_number.as_str(),
                r.debit_cents.get(),
                r.credit_cents.get(),
                r.balance_cents.get(),
            )
        })
        .collect();
    assert_eq!(
        rows,
        [
            ("101", 0, 1_000_000, -1_000_000),
            ("401", 0, 36_000, -36_000),
            ("411", 120_000, 120_000, 0),
            ("44566", 6_000, 0, 6_000),
            ("44571", 0, 20_000, -20_000),
            ("512", 1_120_000, 0, 1_120_000),
            ("606", 30_000, 0, 30_000),
            ("706", 0, 100_000, -100_000),
        ]
    );
    assert_eq!(report.total_debit_cents, Cents::new(1_276_000));
    assert_eq!(report.total_debit_cents, report.total_credit_cents);
    assert!(report.balanced);
}

#[test]
fn trial_balance_stops_at_its_date_and_reports_a_broken_ledger() {
    let report = trial_balance(&ledger(), day(1, 31)).unwrap();
    assert_eq!(report.rows.len(), 5);
    let mut broken = ledger();
    broken.push(line(5, day(4, 1), "512", 1, 0));
    let report = trial_balance(&broken, day(12, 31)).unwrap();
    assert!(!report.balanced);
}

#[test]
fn profit_and_loss_covers_its_period() {
    let report = profit_and_loss(&ledger(), day(1, 1), day(12, 31)).unwrap();
    assert_eq!(amounts(&report.income), [("706", 100_000)]);
    assert_eq!(amounts(&report.expenses), [("606", 30_000)]);
    assert_eq!(report.net_result_cents, Cents::new(70_000));
    let february = profit_and_loss(&ledger(), day(2, 1), day(2, 28)).unwrap();
    assert!(february.income.is_empty());
    assert_eq!(february.net_result_cents, Cents::new(-30_000));
    assert_eq!(
        profit_and_loss(&ledger(), day(3, 1), day(2, 1)),
        Err(ReportError::InvalidPeriod {
            from: day(3, 1),
            to: day(2, 1)
        })
    );
}

#[test]
fn balance_sheet_balances_with_the_result_in_equity() {
    let report = balance_sheet(&ledger(), day(12, 31)).unwrap();
    assert_eq!(
        amounts(&report.assets),
        [("44566", 6_000), ("512", 1_120_000)]
    );
    assert_eq!(
        amounts(&report.liabilities),
        [("401", 36_000), ("44571", 20_000)]
    );
    assert_eq!(amounts(&report.equity), [("101", 1_000_000)]);
    assert_eq!(report.result_cents, Cents::new(70_000));
    assert_eq!(report.total_equity_cents, Cents::new(1_070_000));
    assert_eq!(report.total_assets_cents, Cents::new(1_126_000));
    assert_eq!(
        report.total_assets_cents.get(),
        report.total_liabilities_cents.get() + report.total_equity_cents.get()
    );
    // In January the receivable is still open.
    let january = balance_sheet(&ledger(), day(1, 31)).unwrap();
    assert_eq!(
        amounts(&january.assets),
        [("411", 120_000), ("512", 1_000_000)]
    );
}

#[test]
fn a_corrupt_ledger_is_refused_by_the_balance_sheet() {
    let mut broken = ledger();
    broken.push(line(5, day(4, 1), "512", 1, 0));
    assert_eq!(
        balance_sheet(&broken, day(12, 31)),
        Err(ReportError::Unbalanced {
            assets_cents: 1_126_001,
            liabilities_and_equity_cents: 1_126_000
        })
    );
    let mut negative = ledger();
    negative.push(line(6, day(4, 1), "512", -5, 0));
    assert_eq!(
        trial_balance(&negative, day(12, 31)),
        Err(ReportError::NegativeAmount { entry_number: 6 })
    );
    let mut mixed = ledger();
    mixed[0].class = AccountClass::Expense;
    assert!(matches!(
        balance_sheet(&mixed, day(12, 31)),
        Err(ReportError::InconsistentClass { .. })
    ));
}

#[test]
fn reports_serialize_with_the_field_conventions() {
    let json = serde_json::to_value(balance_sheet(&ledger(), day(12, 31)).unwrap()).unwrap();
    assert_eq!(json["at"], "2025-12-31");
    assert_eq!(json["assets"][1]["amount_cents"], 1_120_000);
    assert_eq!(json["result_cents"], 70_000);
}

fn open_item(party: &str, number: &str, due: NaiveDate, open: i64) -> OpenItem {
    OpenItem {
        party_id: format!("id-{party}"),
        party_name: party.to_owned(),
        document_id: format!("doc-{number}"),
        number: number.to_owned(),
        date: day(1, 1),
        due_date: due,
        open_cents: Cents::new(open),
    }
}

#[test]
fn aging_buckets_have_exact_edges() {
    let cases = [
        (-3, AgingBucket::Current),
        (0, AgingBucket::Current),
        (1, AgingBucket::Days1To30),
        (30, AgingBucket::Days1To30),
        (31, AgingBucket::Days31To60),
        (60, AgingBucket::Days31To60),
        (61, AgingBucket::Days61To90),
        (90, AgingBucket::Days61To90),
        (91, AgingBucket::Over90),
    ];
    for (days, bucket) in cases {
        assert_eq!(AgingBucket::for_days_past_due(days), bucket, "{days} days");
    }
}

#[test]
fn aged_report_groups_by_party_and_bucket() {
    let at = day(6, 30);
    let items = [
        open_item("Martin", "F-3", day(6, 30), 100),
        open_item("Bernard", "F-1", day(5, 31), 200),
        open_item("Martin", "F-2", day(3, 1), 300),
        open_item("Bernard", "F-4", day(4, 30), 400),
        open_item("Bernard", "F-5", day(4, 1), 0),
        OpenItem {
            date: day(7, 1),
            ..open_item("Martin", "F-6", day(7, 31), 999)
        },
    ];
    let report = aged_report(&items, at).unwrap();
    let names: Vec<&str> = report
        .parties
        .iter()
        .map(|p| p.party_name.as_str())
        .collect();
    assert_eq!(names, ["Bernard", "Martin"]);
    let bernard = &report.parties[0];
    let numbers: Vec<&str> = bernard
        .documents
        .iter()
        .map(|d| d.number.as_str())
        .collect();
    assert_eq!(numbers, ["F-4", "F-1"]);
    assert_eq!(bernard.documents[0].days_past_due, 61);
    assert_eq!(bernard.totals.days_1_30_cents, Cents::new(200));
    assert_eq!(bernard.totals.days_61_90_cents, Cents::new(400));
    let martin = &report.parties[1];
    assert_eq!(martin.totals.current_cents, Cents::new(100));
    assert_eq!(martin.totals.days_over_90_cents, Cents::new(300));
    assert_eq!(report.totals.total_cents, Cents::new(1_000));
    assert_eq!(report.totals.days_over_90_cents, Cents::new(300));
    let json = serde_json::to_value(&report).unwrap();
    assert_eq!(json["parties"][0]["documents"][0]["bucket"], "days_61_90");
    assert_eq!(json["totals"]["days_61_90_cents"], 400);
}
