//! What an entry records: the document (or manual entry) it was written for.

use serde::{Deserialize, Serialize};

/// What an entry records; with `SourceRef::id`, it links the entry to its document.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SourceKind {
    Invoice,
    InvoiceVoid,
    Payment,
    Bill,
    BillPayment,
    JournalEntry,
    Reversal,
    CreditNote,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SourceRef {
    pub kind: SourceKind,
    pub id: String,
}

/// The document (or manual entry) an entry records.
pub(super) fn source(kind: SourceKind, id: &str) -> SourceRef {
    SourceRef {
        kind,
        id: id.to_owned(),
    }
}
