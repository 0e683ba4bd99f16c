//! The accounting core: double-entry books that ask the policy engine before every action.
//!
//! Pure rules live in `money`, `documents`, `chart`, `postings` and `reports`; the modules named
//! after a resource are its domain functions: each authorizes first, inside the caller's
//! transaction, then acts. `operations` is what the faces call: each use case over the gate,
//! choosing its snapshot read or its write.

pub mod accounts;
pub mod bills;
pub mod chart;
pub mod closing;
pub mod common;
pub mod credit_notes;
pub mod dates;
pub mod document_model;
pub mod documents;
pub mod estimates;
pub mod filed;
pub mod invoices;
pub mod journal;
pub mod ledger;
pub mod lines;
pub mod money;
pub mod operations;
pub mod parties;
pub mod payments;
pub mod postings;
pub mod reporting;
pub mod reports;
pub mod timesheets;

use crate::authz::Denial;
use crate::store::StoreError;

pub use common::{Conflict, Created, IdempotencyKey, Page, PageRequest, Saved};

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
