//! Why an entry cannot be built, and the limits every entry keeps.

use super::source::SourceKind;
use crate::books::chart::AccountClass;

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
