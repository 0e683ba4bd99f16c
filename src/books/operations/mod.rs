//! The books' use cases as both faces call them: each takes the gate, decides whether it
//! reads on a snapshot (`read`) or writes in the writer's group commit (`act`), and runs one
//! domain function there. The faces never open a connection.

mod accounts;
mod creation;
mod documents;
mod journal;
mod parties;
mod reports;
mod steps;
mod timesheets;

pub use accounts::{create_account, list_accounts, update_account};
pub use creation::Creation;
pub use documents::{create_record, get_record, list_records, update_draft};
pub use journal::{get_closing_date, list_closing_exceptions, set_closing_date};
pub use journal::{get_entry, list_entries, post_entry, reverse_entry};
pub use parties::{create_party, get_party, list_parties, update_party};
pub use reports::{aged_payables, aged_receivables, balance_sheet, profit_and_loss, trial_balance};
pub use steps::{approve_bill, convert_estimate, send_invoice, void_invoice, Asked};
pub use timesheets::{create_timesheet, get_timesheet, list_timesheets, update_timesheet};
