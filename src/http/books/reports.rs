//! Reports computed from the ledger.

use actix_web::{get, web};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::answers::{found, Answer};
use super::caller::Caller;
use super::parse::parse_optional_date;
use crate::books::operations;
use crate::books::reports::ReportPeriod;
use crate::web::error::ApiError;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(profit_and_loss)
        .service(balance_sheet)
        .service(trial_balance)
        .service(aged_receivables)
        .service(aged_payables);
}

#[derive(utoipa::OpenApi)]
#[openapi(paths(
    profit_and_loss,
    balance_sheet,
    trial_balance,
    aged_receivables,
    aged_payables
))]
pub struct Api;

#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub struct PeriodQuery {
    /// First day, YYYY-MM-DD; the first day of the year of `to` when absent.
    from: Option<String>,
    /// Last day, YYYY-MM-DD; today when absent.
    to: Option<String>,
}

/// A report with the period it covers, said in full when the service chose it.
#[derive(Serialize)]
struct OverPeriod<T> {
    #[serde(flatten)]
    report: T,
    period: ReportPeriod,
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub struct AtQuery {
    /// The report date, YYYY-MM-DD; today when absent.
    at: Option<String>,
}

fn report_date(query: &AtQuery) -> Result<NaiveDate, ApiError> {
    Ok(parse_optional_date("at", query.at.as_deref())?
        .unwrap_or_else(|| chrono::Utc::now().date_naive()))
}

/// Income and expenses of a period; the year to date when `from` or `to` is absent (the
/// answer's `period` says so).
#[utoipa::path(params(PeriodQuery), responses((status = 200, description = "income, expenses, net_result_cents, period (from, to, defaulted, basis)"), (status = 400), (status = 403)), tag = "reports", security(("bearer" = [])))]
#[get("/v1/companies/{company_id}/reports/profit-and-loss")]
pub async fn profit_and_loss(
    caller: Caller,
    path: web::Path<String>,
    query: web::Query<PeriodQuery>,
) -> Answer {
    let period = ReportPeriod::year_to_date_unless_given(
        parse_optional_date("from", query.from.as_deref())?,
        parse_optional_date("to", query.to.as_deref())?,
        chrono::Utc::now().date_naive(),
    );
    let company_id = path.into_inner();
    let dates = (period.from, period.to);
    let report = operations::profit_and_loss(&caller.gate, caller.actor, company_id, dates);
    found(OverPeriod {
        report: report.await?,
        period,
    })
}

/// Assets, liabilities and equity at a date.
#[utoipa::path(params(AtQuery), responses((status = 200, description = "assets, liabilities, equity"), (status = 403)), tag = "reports", security(("bearer" = [])))]
#[get("/v1/companies/{company_id}/reports/balance-sheet")]
pub async fn balance_sheet(
    caller: Caller,
    path: web::Path<String>,
    query: web::Query<AtQuery>,
) -> Answer {
    let at = report_date(&query)?;
    found(operations::balance_sheet(&caller.gate, caller.actor, path.into_inner(), at).await?)
}

/// Debits and credits of every account through a date; the totals are equal.
#[utoipa::path(params(AtQuery), responses((status = 200, description = "rows, total_debit_cents, total_credit_cents, balanced"), (status = 403)), tag = "reports", security(("bearer" = [])))]
#[get("/v1/companies/{company_id}/reports/trial-balance")]
pub async fn trial_balance(
    caller: Caller,
    path: web::Path<String>,
    query: web::Query<AtQuery>,
) -> Answer {
    let at = report_date(&query)?;
    found(operations::trial_balance(&caller.gate, caller.actor, path.into_inner(), at).await?)
}

/// What customers owe, by age.
#[utoipa::path(params(AtQuery), responses((status = 200, description = "parties with aged documents and totals"), (status = 403)), tag = "reports", security(("bearer" = [])))]
#[get("/v1/companies/{company_id}/reports/aged-receivables")]
pub async fn aged_receivables(
    caller: Caller,
    path: web::Path<String>,
    query: web::Query<AtQuery>,
) -> Answer {
    let at = report_date(&query)?;
    found(operations::aged_receivables(&caller.gate, caller.actor, path.into_inner(), at).await?)
}

/// What the company owes suppliers, by age.
#[utoipa::path(params(AtQuery), responses((status = 200, description = "parties with aged documents and totals"), (status = 403)), tag = "reports", security(("bearer" = [])))]
#[get("/v1/companies/{company_id}/reports/aged-payables")]
pub async fn aged_payables(
    caller: Caller,
    path: web::Path<String>,
    query: web::Query<AtQuery>,
) -> Answer {
    let at = report_date(&query)?;
    found(operations::aged_payables(&caller.gate, caller.actor, path.into_inner(), at).await?)
}
