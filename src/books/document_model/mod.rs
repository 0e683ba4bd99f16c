//! One model for the dated documents of a party: estimates, invoices, bills and credit notes.
//!
//! A kind declares what makes it itself (its table, party, account class, numbering, Cedar
//! actions and view); this module writes, reads, lists, edits and moves every kind along its
//! status machine the same way: authorized first, optimistic versions, priced lines.
//!
//! `records` reads and writes a kind's documents, `moves` walks its status machine,
//! `settlement` records what is paid and credited, and `tables` writes each kind's storage.

mod kinds;
mod moves;
mod records;
mod settlement;
mod tables;

pub use kinds::{
    DocumentHead, DocumentKind, DocumentRow, DocumentTable, Draft, Editable, EditableTable,
    SettledTable,
};
pub use moves::{only_from, post, transition, Move, Step};
pub use records::{
    create, create_with, find, full_view, get, insert, list, named, resource, stale_document,
    state_error, update,
};
pub use settlement::{apply_payment, settle, settled, Payable};
pub(crate) use tables::document_table;
pub use tables::zero;
