//! Reports, authorized and read from the stored books: the ledger reports from journal lines,
//! the aged reports from open invoices and bills.

use std::collections::HashMap;

use chrono::NaiveDate;
use diesel::prelude::*;

use super::common::authorize;
use super::ledger::ledger_lines;
use super::money::Cents;
use super::reports::{
    self, AgedReport, BalanceSheet, OpenItem, ProfitAndLoss, ReportError, TrialBalance,
};
use super::BooksError;
use crate::authz::{Action, Actor, Authz, Resource, ResourceKind};
use crate::store::schema::{
    bill_payments, bills, credit_notes, customers, invoices, payments, vendors,
};
use crate::store::DbConnection;

fn authorize_report(
    conn: &mut DbConnection,
    authz: &Authz,
    actor: &Actor,
    company_id: &str,
    (action, kind): (Action, &str),
) -> Result<(), BooksError> {
    let report = Resource::new(ResourceKind::Report, kind, company_id).labelled(kind);
    authorize(conn, authz, actor, action, &report)
}

fn report_problem(error: ReportError) -> BooksError {
    match error {
        ReportError::InvalidPeriod { .. } => BooksError::invalid("from", error.to_string()),
        other => BooksError::Ledger(other.to_string()),
    }
}

pub fn profit_and_loss(
    conn: &mut DbConnection,
    authz: &Authz,
    actor: &Actor,
    company_id: &str,
    (from, to): (NaiveDate, NaiveDate),
) -> Result<ProfitAndLoss, BooksError> {
    let kind = (Action::ViewFinancialReport, "profit_and_loss");
    authorize_report(conn, authz, actor, company_id, kind)?;
    let lines = ledger_lines(conn, company_id, to)?;
    reports::profit_and_loss(&lines, from, to).map_err(report_problem)
}

pub fn balance_sheet(
    conn: &mut DbConnection,
    authz: &Authz,
    actor: &Actor,
    company_id: &str,
    at: NaiveDate,
) -> Result<BalanceSheet, BooksError> {
    let kind = (Action::ViewFinancialReport, "balance_sheet");
    authorize_report(conn, authz, actor, company_id, kind)?;
    let lines = ledger_lines(conn, company_id, at)?;
    reports::balance_sheet(&lines, at).map_err(report_problem)
}

pub fn trial_balance(
    conn: &mut DbConnection,
    authz: &Authz,
    actor: &Actor,
    company_id: &str,
    at: NaiveDate,
) -> Result<TrialBalance, BooksError> {
    let kind = (Action::ViewFinancialReport, "trial_balance");
    authorize_report(conn, authz, actor, company_id, kind)?;
    let lines = ledger_lines(conn, company_id, at)?;
    reports::trial_balance(&lines, at).map_err(report_problem)
}

type DocumentHead = (String, String, Option<String>, NaiveDate, NaiveDate, i64);

/// Open items from document heads, what was paid on each by `at`, and party names.
fn open_items(
    heads: Vec<DocumentHead>,
    payments: Vec<(String, i64)>,
    names: HashMap<String, String>,
) -> Vec<OpenItem> {
    let mut paid: HashMap<String, i64> = HashMap::new();
    for (document_id, amount_cents) in payments {
        *paid.entry(document_id).or_default() += amount_cents;
    }
    heads
        .into_iter()
        .map(
            |(id, party_id, number, date, due_date, total_cents)| OpenItem {
                party_name: names.get(&party_id).cloned().unwrap_or_default(),
                open_cents: Cents::new(total_cents - paid.get(&id).copied().unwrap_or(0)),
                party_id,
                number: number.unwrap_or_default(),
                document_id: id,
                date,
                due_date,
            },
        )
        .collect()
}

pub fn aged_receivables(
    conn: &mut DbConnection,
    authz: &Authz,
    actor: &Actor,
    company_id: &str,
    at: NaiveDate,
) -> Result<AgedReport, BooksError> {
    let kind = (Action::ViewAgedReceivables, "aged_receivables");
    authorize_report(conn, authz, actor, company_id, kind)?;
    let posted = [
        super::invoices::status::SENT,
        super::invoices::status::PARTIALLY_PAID,
        super::invoices::status::PAID,
        super::invoices::status::CREDITED,
    ];
    let heads: Vec<DocumentHead> = invoices::table
        .filter(invoices::company_id.eq(company_id))
        .filter(invoices::status.eq_any(posted))
        .filter(invoices::date.le(at))
        .select((
            invoices::id,
            invoices::customer_id,
            invoices::number,
            invoices::date,
            invoices::due_date,
            invoices::total_cents,
        ))
        .load(conn)?;
    let mut paid: Vec<(String, i64)> = payments::table
        .filter(payments::company_id.eq(company_id))
        .filter(payments::date.le(at))
        .select((payments::invoice_id, payments::amount_cents))
        .load(conn)?;
    // What credit notes took off by `at` is no longer due either.
    paid.extend(
        credit_notes::table
            .filter(credit_notes::company_id.eq(company_id))
            .filter(credit_notes::date.le(at))
            .select((credit_notes::invoice_id, credit_notes::total_cents))
            .load::<(String, i64)>(conn)?,
    );
    let names: HashMap<String, String> = customers::table
        .filter(customers::company_id.eq(company_id))
        .select((customers::id, customers::name))
        .load::<(String, String)>(conn)?
        .into_iter()
        .collect();
    reports::aged_report(&open_items(heads, paid, names), at).map_err(report_problem)
}

pub fn aged_payables(
    conn: &mut DbConnection,
    authz: &Authz,
    actor: &Actor,
    company_id: &str,
    at: NaiveDate,
) -> Result<AgedReport, BooksError> {
    let kind = (Action::ViewAgedPayables, "aged_payables");
    authorize_report(conn, authz, actor, company_id, kind)?;
    let heads: Vec<DocumentHead> = bills::table
        .filter(bills::company_id.eq(company_id))
        .filter(bills::status.ne(super::bills::status::DRAFT))
        .filter(bills::date.le(at))
        .select((
            bills::id,
            bills::vendor_id,
            bills::number.nullable(),
            bills::date,
            bills::due_date,
            bills::total_cents,
        ))
        .load(conn)?;
    let paid: Vec<(String, i64)> = bill_payments::table
        .filter(bill_payments::company_id.eq(company_id))
        .filter(bill_payments::date.le(at))
        .select((bill_payments::bill_id, bill_payments::amount_cents))
        .load(conn)?;
    let names: HashMap<String, String> = vendors::table
        .filter(vendors::company_id.eq(company_id))
        .select((vendors::id, vendors::name))
        .load::<(String, String)>(conn)?
        .into_iter()
        .collect();
    reports::aged_report(&open_items(heads, paid, names), at).map_err(report_problem)
}
