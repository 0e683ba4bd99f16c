//! The calendar a ledger holds: days of the years 1900 to 9999, written `YYYY-MM-DD`.
//! chrono reads and computes far wider (a year `-2026` or `+12026`): a date past these
//! years is a typing mistake in a ledger, and a due date computed past 9999 has no
//! four-digit form to show it in.

use chrono::{Datelike, Days, NaiveDate};

pub const FIRST_YEAR: i32 = 1900;
pub const LAST_YEAR: i32 = 9999;
/// Days from a document's date to its due date when the client names none.
pub const DEFAULT_TERMS_DAYS: u64 = 30;

/// A `YYYY-MM-DD` date of the ledger's years; None for anything else.
pub fn parse(text: &str) -> Option<NaiveDate> {
    let text = text.trim();
    let digits_at = |range: std::ops::Range<usize>| text[range].bytes().all(|b| b.is_ascii_digit());
    // ASCII first: every byte is then a character, so the slices below cannot split one.
    let shaped = text.len() == 10
        && text.is_ascii()
        && digits_at(0..4)
        && &text[4..5] == "-"
        && digits_at(5..7)
        && &text[7..8] == "-"
        && digits_at(8..10);
    if !shaped {
        return None;
    }
    NaiveDate::parse_from_str(text, "%Y-%m-%d")
        .ok()
        .filter(|date| held(*date))
}

/// The due date of a document dated `date` on the default terms, if the ledger can hold it.
pub fn default_due_date(date: NaiveDate) -> Option<NaiveDate> {
    date.checked_add_days(Days::new(DEFAULT_TERMS_DAYS))
        .filter(|due| held(*due))
}

/// Whether the ledger's calendar holds `date`.
pub fn held(date: NaiveDate) -> bool {
    (FIRST_YEAR..=LAST_YEAR).contains(&date.year())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_of_the_ledgers_years_are_read() {
        for text in ["1900-01-01", "2026-02-28", " 2024-02-29 ", "9999-12-31"] {
            assert!(parse(text).is_some(), "{text}");
        }
    }

    #[test]
    fn dates_outside_the_ledgers_years_or_form_are_refused() {
        for text in [
            "-2026-01-01",
            "+12026-01-01",
            "0000-01-01",
            "1899-12-31",
            "12026-01-01",
            "2026-1-01",
            "2026-02-30",
            "2026-01-01T00:00",
            "２０２６-01-01",
            "",
        ] {
            assert_eq!(parse(text), None, "{text}");
        }
    }

    /// Found by `fuzz/run books_json`: ten bytes with a two-byte character where a dash or
    /// a digit goes panicked (a slice inside the character) and the request got no answer.
    #[test]
    fn a_character_of_two_bytes_is_refused_not_a_panic() {
        for text in ["2026é1-01", "2026-0é01", "2026-01é1", "4999é2-15"] {
            assert_eq!(text.len(), 10);
            assert_eq!(parse(text), None, "{text}");
        }
    }

    #[test]
    fn a_default_due_date_past_9999_is_refused() {
        let late = parse("9999-12-31").expect("a date");
        assert_eq!(default_due_date(late), None);
        let early = parse("2026-01-01").expect("a date");
        assert_eq!(default_due_date(early), parse("2026-01-31"));
    }
}
