//! Payments: money received against a sent invoice (512 / 411) or paid against an approved
//! bill (401 / 512), posted at once. A payment is a fact, not a draft: it is never changed.
//! One flow serves both, over the document kind a payment settles (`Paid`); each kind keeps
//! its payments in its own table (`tables`) and shows them in its own view (`views`).

mod record;
mod tables;
mod views;

pub use record::{get, list, record, Paid, PaymentInput, PaymentRow};
pub use views::{BillPaymentView, PaymentView};
