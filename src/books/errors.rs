//! What a books action can fail with, as every face answers it.

use crate::authz::Denial;
use crate::store::StoreError;

#[derive(Debug, thiserror::Error)]
pub enum BooksError {
    #[error("invalid `{field}`: {problem}")]
    Invalid { field: String, problem: String },
    #[error("not found")]
    NotFound,
    /// The record's state does not allow the action (a sent invoice is not edited).
    #[error("the {record} is {state}: {problem}")]
    InvalidState {
        record: &'static str,
        state: String,
        problem: &'static str,
    },
    /// A credit note for more than is still open on its invoice.
    #[error("{asked_cents} cents is more than the {open_cents} cents open on the {record}")]
    ExceedsOpenAmount {
        record: &'static str,
        open_cents: i64,
        asked_cents: i64,
    },
    #[error("this Idempotency-Key was used with another request")]
    IdempotencyKeyReused,
    #[error("a request with this Idempotency-Key is being processed")]
    IdempotencyKeyInFlight,
    #[error("account {0} already exists")]
    AccountExists(String),
    #[error("denied by policy")]
    Denied(Denial),
    /// A broken invariant of the stored books: a bug or a corrupt database, never bad input.
    #[error("the books are inconsistent: {0}")]
    Ledger(String),
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl BooksError {
    pub fn invalid(field: impl Into<String>, problem: impl Into<String>) -> Self {
        Self::Invalid {
            field: field.into(),
            problem: problem.into(),
        }
    }
}

crate::action_error!(BooksError);
