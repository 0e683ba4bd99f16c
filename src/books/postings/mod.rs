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
mod errors;
mod manual;
mod payments;
mod source;
#[cfg(test)]
mod tests;
pub use documents::{
    bill_approved, credit_note_issued, invoice_sent, invoice_voided, reversal, DocumentRef,
};
pub use entry::{EntryDraft, PostingLine};
pub use errors::{PostingError, MAX_ENTRY_LINES, MAX_MEMO_CHARS};
pub use manual::{manual_entry, ManualEntryInput, ManualLineInput};
pub use payments::{bill_payment, customer_payment, PaymentRef};
pub use source::{SourceKind, SourceRef};
