//! The balanced journal entries the core writes for each accounting event.
//!
//! Every builder returns an `EntryDraft`, and the only way to get one is
//! `EntryDraft::new`, which refuses an unbalanced or malformed entry: the ledger
//! cannot be handed anything else. Builders also `debug_assert!` the balance before
//! asking, so a builder bug fails loudly in tests instead of as a 4xx at run time.
//!
//! `entry` holds the entry and its checks; `documents`, `payments` and `manual` its builders.

mod documents;
mod entry;
mod manual;
mod payments;
#[cfg(test)]
mod tests;

use crate::books::chart::AccountClass;

pub use documents::{
    bill_approved, credit_note_issued, invoice_sent, invoice_voided, reversal, DocumentRef,
};
pub use entry::{EntryDraft, PostingLine, SourceKind, SourceRef};
pub use manual::{manual_entry, ManualEntryInput, ManualLineInput};
pub use payments::{bill_payment, customer_payment, PaymentRef};

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
