//! Reports computed from the ledger, each read on a snapshot: long reads, on the read replica
//! when there is one (they may lag the primary by the replication delay).

use chrono::NaiveDate;

use crate::authz::{Actor, Gate};
use crate::books::reporting;
use crate::books::reports::{AgedReport, BalanceSheet, ProfitAndLoss, TrialBalance};
use crate::books::BooksError;

/// Income and expenses from `from` to `to`, both included.
pub async fn profit_and_loss(
    gate: &Gate,
    actor: Actor,
    company_id: String,
    dates: (NaiveDate, NaiveDate),
) -> Result<ProfitAndLoss, BooksError> {
    gate.read_long(move |conn, authz| {
        reporting::profit_and_loss(conn, authz, &actor, &company_id, dates)
    })
    .await
}

pub async fn balance_sheet(
    gate: &Gate,
    actor: Actor,
    company_id: String,
    at: NaiveDate,
) -> Result<BalanceSheet, BooksError> {
    gate.read_long(move |conn, authz| {
        reporting::balance_sheet(conn, authz, &actor, &company_id, at)
    })
    .await
}

pub async fn trial_balance(
    gate: &Gate,
    actor: Actor,
    company_id: String,
    at: NaiveDate,
) -> Result<TrialBalance, BooksError> {
    gate.read_long(move |conn, authz| {
        reporting::trial_balance(conn, authz, &actor, &company_id, at)
    })
    .await
}

/// What customers owe at `at`, by age.
pub async fn aged_receivables(
    gate: &Gate,
    actor: Actor,
    company_id: String,
    at: NaiveDate,
) -> Result<AgedReport, BooksError> {
    gate.read_long(move |conn, authz| {
        reporting::aged_receivables(conn, authz, &actor, &company_id, at)
    })
    .await
}

/// What the company owes suppliers at `at`, by age.
pub async fn aged_payables(
    gate: &Gate,
    actor: Actor,
    company_id: String,
    at: NaiveDate,
) -> Result<AgedReport, BooksError> {
    gate.read_long(move |conn, authz| {
        reporting::aged_payables(conn, authz, &actor, &company_id, at)
    })
    .await
}
