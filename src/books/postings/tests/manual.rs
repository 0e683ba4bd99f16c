//! Manual entries.

use super::*;

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
