//! The ledger lines the statements read, their errors, and their totals by account.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::books::chart::AccountClass;
use crate::books::money::{Cents, MoneyError};

/// Errors of computing reports. Most mean the stored ledger is corrupt.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ReportError {
    #[error("entry {entry_number}: a ledger line cannot carry a negative amount")]
    NegativeAmount { entry_number: u64 },
    #[error("account {account} appears with two different classes")]
    InconsistentClass { account: String },
    #[error("a report total overflows")]
    Overflow(#[from] MoneyError),
    #[error("the period starts on {from} but ends on {to}")]
    InvalidPeriod { from: NaiveDate, to: NaiveDate },
    #[error(
        "the balance sheet does not balance: assets {assets_cents} cents, \
         liabilities and equity {liabilities_and_equity_cents} cents"
    )]
    Unbalanced {
        assets_cents: i64,
        liabilities_and_equity_cents: i64,
    },
}

/// One stored line of one posted entry.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LedgerLine {
    pub entry_number: u64,
    pub date: NaiveDate,
    pub account_number: String,
    pub class: AccountClass,
    pub debit_cents: Cents,
    pub credit_cents: Cents,
}

/// Debit and credit sums of one account.
#[derive(Debug, Clone, Copy)]
pub(super) struct AccountTotals {
    pub(super) class: AccountClass,
    pub(super) debit: Cents,
    pub(super) credit: Cents,
}

impl AccountTotals {
    /// The balance on the side the class normally sits on, so that each report
    /// section reads positive in the usual case.
    pub(super) fn natural_balance(&self) -> Result<Cents, MoneyError> {
        match self.class {
            AccountClass::Asset | AccountClass::Expense => self.debit.checked_sub(self.credit),
            AccountClass::Liability | AccountClass::Equity | AccountClass::Income => {
                self.credit.checked_sub(self.debit)
            }
        }
    }
}

/// Sums the lines kept by `keep` per account, in account number order.
pub(super) fn totals_by_account(
    lines: &[LedgerLine],
    keep: impl Fn(&LedgerLine) -> bool,
) -> Result<BTreeMap<&str, AccountTotals>, ReportError> {
    let mut totals: BTreeMap<&str, AccountTotals> = BTreeMap::new();
    for line in lines.iter().filter(|line| keep(line)) {
        if line.debit_cents < Cents::ZERO || line.credit_cents < Cents::ZERO {
            return Err(ReportError::NegativeAmount {
                entry_number: line.entry_number,
            });
        }
        let account = totals.entry(&line.account_number).or_insert(AccountTotals {
            class: line.class,
            debit: Cents::ZERO,
            credit: Cents::ZERO,
        });
        if account.class != line.class {
            return Err(ReportError::InconsistentClass {
                account: line.account_number.clone(),
            });
        }
        account.debit = account.debit.checked_add(line.debit_cents)?;
        account.credit = account.credit.checked_add(line.credit_cents)?;
    }
    Ok(totals)
}
