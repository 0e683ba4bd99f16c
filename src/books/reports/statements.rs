//! The ledger's statements: the trial balance, the profit and loss of a period and the
//! balance sheet at a date.

use std::collections::BTreeMap;

use chrono::{Datelike, NaiveDate};
use serde::Serialize;

use super::ledger_lines::{totals_by_account, AccountTotals, LedgerLine, ReportError};
use crate::books::chart::AccountClass;
use crate::books::money::Cents;

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TrialBalanceRow {
    pub account_number: String,
    pub class: AccountClass,
    pub debit_cents: Cents,
    pub credit_cents: Cents,
    /// Debit minus credit: positive is a debit balance, negative a credit balance.
    pub balance_cents: Cents,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TrialBalance {
    pub through: NaiveDate,
    pub rows: Vec<TrialBalanceRow>,
    pub total_debit_cents: Cents,
    pub total_credit_cents: Cents,
    /// Whether the grand totals are equal, as they must be. A broken ledger is
    /// reported rather than refused: the trial balance is where one looks for it.
    pub balanced: bool,
}

/// Every account with activity up to and including `through`.
pub fn trial_balance(
    lines: &[LedgerLine],
    through: NaiveDate,
) -> Result<TrialBalance, ReportError> {
    let totals = totals_by_account(lines, |line| line.date <= through)?;
    let rows = totals
        .iter()
        .map(|(&account, totals)| {
            Ok(TrialBalanceRow {
                account_number: account.to_owned(),
                class: totals.class,
                debit_cents: totals.debit,
                credit_cents: totals.credit,
                balance_cents: totals.debit.checked_sub(totals.credit)?,
            })
        })
        .collect::<Result<Vec<_>, ReportError>>()?;
    let total_debit_cents = Cents::checked_sum(rows.iter().map(|r| r.debit_cents))?;
    let total_credit_cents = Cents::checked_sum(rows.iter().map(|r| r.credit_cents))?;
    Ok(TrialBalance {
        through,
        rows,
        total_debit_cents,
        total_credit_cents,
        balanced: total_debit_cents == total_credit_cents,
    })
}

/// One account's amount in a report section.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AccountAmount {
    pub account_number: String,
    pub amount_cents: Cents,
}

/// The accounts of one class with a non-zero balance, and their total.
fn section(
    totals: &BTreeMap<&str, AccountTotals>,
    class: AccountClass,
) -> Result<(Vec<AccountAmount>, Cents), ReportError> {
    let mut rows = Vec::new();
    for (&account, account_totals) in totals.iter().filter(|(_, t)| t.class == class) {
        let amount_cents = account_totals.natural_balance()?;
        if !amount_cents.is_zero() {
            rows.push(AccountAmount {
                account_number: account.to_owned(),
                amount_cents,
            });
        }
    }
    let total = Cents::checked_sum(rows.iter().map(|row| row.amount_cents))?;
    Ok((rows, total))
}

/// The period a report covers, and whether the service chose it for a caller who named none.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ReportPeriod {
    pub from: NaiveDate,
    pub to: NaiveDate,
    /// True when `from` or `to` was absent and the service filled it in.
    pub defaulted: bool,
    /// How a defaulted period was chosen: `calendar_year_to_date`, since a company names no
    /// fiscal-year start of its own; null when the caller gave both dates.
    pub basis: Option<&'static str>,
}

impl ReportPeriod {
    /// The caller's dates, the missing ones taken from the year to date: `to` is today, `from`
    /// the first day of `to`'s year.
    pub fn year_to_date_unless_given(
        from: Option<NaiveDate>,
        to: Option<NaiveDate>,
        today: NaiveDate,
    ) -> Self {
        let defaulted = from.is_none() || to.is_none();
        let to = to.unwrap_or(today);
        let from = from.unwrap_or_else(|| to.with_ordinal(1).unwrap_or(to));
        Self {
            from,
            to,
            defaulted,
            basis: defaulted.then_some("calendar_year_to_date"),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ProfitAndLoss {
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub income: Vec<AccountAmount>,
    pub expenses: Vec<AccountAmount>,
    pub total_income_cents: Cents,
    pub total_expenses_cents: Cents,
    /// Income minus expenses: a profit when positive, a loss when negative.
    pub net_result_cents: Cents,
}

/// Income and expenses of the entries dated from `from` to `to`, both included.
pub fn profit_and_loss(
    lines: &[LedgerLine],
    from: NaiveDate,
    to: NaiveDate,
) -> Result<ProfitAndLoss, ReportError> {
    if from > to {
        return Err(ReportError::InvalidPeriod { from, to });
    }
    let totals = totals_by_account(lines, |line| (from..=to).contains(&line.date))?;
    let (income, total_income_cents) = section(&totals, AccountClass::Income)?;
    let (expenses, total_expenses_cents) = section(&totals, AccountClass::Expense)?;
    Ok(ProfitAndLoss {
        from,
        to,
        income,
        expenses,
        total_income_cents,
        total_expenses_cents,
        net_result_cents: total_income_cents.checked_sub(total_expenses_cents)?,
    })
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct BalanceSheet {
    pub at: NaiveDate,
    pub assets: Vec<AccountAmount>,
    pub liabilities: Vec<AccountAmount>,
    pub equity: Vec<AccountAmount>,
    /// Income minus expenses not yet carried to equity accounts: the current
    /// year's result once earlier years have been closed into 120 or 106.
    pub result_cents: Cents,
    pub total_assets_cents: Cents,
    pub total_liabilities_cents: Cents,
    /// Equity accounts plus `result_cents`.
    pub total_equity_cents: Cents,
}

/// Balances at the end of `at`. Fails if assets differ from liabilities plus
/// equity, which only a corrupt ledger can cause.
pub fn balance_sheet(lines: &[LedgerLine], at: NaiveDate) -> Result<BalanceSheet, ReportError> {
    let totals = totals_by_account(lines, |line| line.date <= at)?;
    let (assets, total_assets_cents) = section(&totals, AccountClass::Asset)?;
    let (liabilities, total_liabilities_cents) = section(&totals, AccountClass::Liability)?;
    let (equity, equity_accounts_cents) = section(&totals, AccountClass::Equity)?;
    let (_, income_cents) = section(&totals, AccountClass::Income)?;
    let (_, expenses_cents) = section(&totals, AccountClass::Expense)?;
    let result_cents = income_cents.checked_sub(expenses_cents)?;
    let total_equity_cents = equity_accounts_cents.checked_add(result_cents)?;
    let right_side = total_liabilities_cents.checked_add(total_equity_cents)?;
    if total_assets_cents != right_side {
        return Err(ReportError::Unbalanced {
            assets_cents: total_assets_cents.get(),
            liabilities_and_equity_cents: right_side.get(),
        });
    }
    Ok(BalanceSheet {
        at,
        assets,
        liabilities,
        equity,
        result_cents,
        total_assets_cents,
        total_liabilities_cents,
        total_equity_cents,
    })
}
