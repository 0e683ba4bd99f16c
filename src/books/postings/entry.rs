//! A balanced entry and the checks every entry passes, whoever built it.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::errors::{PostingError, MAX_ENTRY_LINES};
use super::source::SourceRef;
use crate::books::chart::Chart;
use crate::books::money::Cents;

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

    pub(super) fn for_party(self, party_id: &str) -> PostingLine {
        PostingLine {
            party_id: Some(party_id.to_owned()),
            ..self
        }
    }

    pub(super) fn swapped(&self) -> PostingLine {
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
pub(super) fn finish(
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

/// The account `number` of the chart, refused when the chart lacks it.
pub(super) fn require_account<'a>(chart: &Chart, number: &'a str) -> Result<&'a str, PostingError> {
    match chart.get(number) {
        Some(_) => Ok(number),
        None => Err(PostingError::MissingAccount {
            account: number.to_owned(),
        }),
    }
}
