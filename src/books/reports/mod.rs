//! Reports computed from the ledger: trial balance, profit and loss, balance
//! sheet, and the aged receivables and payables.
//!
//! The ledger reports take the company's ledger lines as stored (the service
//! joins each line's account class). The aged reports take open documents
//! (`OpenItem`) instead: the service already tracks what is left to pay on each
//! invoice and bill, and reading that is simpler for it than tagging every
//! payment line with the documents it settles.

mod aging;
mod ledger_lines;
#[cfg(test)]
mod ledger_properties;
mod statements;
#[cfg(test)]
mod tests;

pub use aging::{
    aged_report, AgedDocument, AgedParty, AgedReport, AgingBucket, AgingTotals, OpenItem,
};
pub use ledger_lines::{LedgerLine, ReportError};
pub use statements::{
    balance_sheet, profit_and_loss, trial_balance, AccountAmount, BalanceSheet, ProfitAndLoss,
    ReportPeriod, TrialBalance, TrialBalanceRow,
};
