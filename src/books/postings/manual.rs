//! Manual journal entries, as the finance staff write them.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::entry::{EntryDraft, PostingLine};
use super::errors::{PostingError, MAX_MEMO_CHARS};
use super::source::source;
use super::source::SourceKind;
use crate::books::chart::Chart;
use crate::books::money::Cents;

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
