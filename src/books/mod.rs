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
mod errors;
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

pub use common::{Conflict, Created, IdempotencyKey, Page, PageRequest, Saved};
pub use errors::BooksError;
