//! Estimates (quotes): draft (editable) -> converted into a draft invoice with the same lines.
//! An estimate posts nothing: it is a promise, not a sale.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use serde::Serialize;

use super::chart::AccountClass;
use super::common::{
    authorize, authorize_dated, counter, next_number, remember, replayed, stale, Created,
    IdempotencyKey, Page, PageRequest, Saved, Stamp,
};
use super::invoices::{self, InvoiceView};
use super::lines::{
    check_postable, insert_lines, line_views, load_lines, page_with_lines, replace_lines, reprice,
    DocumentInput, LineView,
};
use super::parties::{self, PartyKind};
use super::BooksError;
use crate::authz::{Action, Actor, Authz, Resource, ResourceKind};
use crate::store::schema::estimates;
use crate::store::DbConnection;

pub mod status {
    pub const DRAFT: &str = "draft";
    pub const CONVERTED: &str = "converted";
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = estimates)]
pub struct EstimateRow {
    pub id: String,
    pub company_id: String,
    pub number: String,
    pub customer_id: String,
    pub date: NaiveDate,
    pub due_date: NaiveDate,
    pub status: String,
    pub total_cents: i64,
    pub invoice_id: Option<String>,
    pub created_by: String,
    pub created_at: NaiveDateTime,
    pub version: i64,
    pub updated_by: String,
    pub updated_by_session: Option<String>,
    pub updated_at: NaiveDateTime,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct EstimateView {
    pub id: String,
    pub number: String,
    pub customer_id: String,
    pub date: NaiveDate,
    /// The last day the quote holds.
    pub due_date: NaiveDate,
    /// draft or converted
    pub status: String,
    pub lines: Vec<LineView>,
    pub subtotal_cents: i64,
    pub vat_cents: i64,
    pub total_cents: i64,
    /// The invoice it became.
    pub invoice_id: Option<String>,
    pub version: i64,
    pub created_by: String,
    pub created_at: String,
    pub updated_by: String,
    pub updated_at: String,
}

impl EstimateRow {
    fn view(self, lines: Vec<LineView>) -> EstimateView {
        let subtotal_cents = lines.iter().map(|l| l.subtotal_cents).sum();
        EstimateView {
            id: self.id,
            number: self.number,
            customer_id: self.customer_id,
            date: self.date,
            due_date: self.due_date,
            status: self.status,
            lines,
            subtotal_cents,
            vat_cents: self.total_cents - subtotal_cents,
            total_cents: self.total_cents,
            invoice_id: self.invoice_id,
            version: self.version,
            created_by: self.created_by,
            created_at: crate::clock::rfc3339(self.created_at),
            updated_by: self.updated_by,
            updated_at: crate::clock::rfc3339(self.updated_at),
        }
    }

    fn resource(&self) -> Resource {
        Resource::new(ResourceKind::Estimate, &self.id, &self.company_id)
            .created_by(&self.created_by)
            .dated(self.date)
            .amount(self.total_cents)
    }
}

/// What converting an estimate gives the new invoice: its dates.
#[derive(Debug, Clone, Copy)]
pub struct Conversion {
    pub date: NaiveDate,
    pub due_date: NaiveDate,
}

fn find(conn: &mut DbConnection, company_id: &str, id: &str) -> Result<EstimateRow, BooksError> {
    estimates::table
        .filter(estimates::id.eq(id))
        .filter(estimates::company_id.eq(company_id))
        .select(EstimateRow::as_select())
        .get_result(conn)
        .optional()?
        .ok_or(BooksError::NotFound)
}

fn full_view(
    conn: &mut DbConnection,
    company_id: &str,
    id: &str,
) -> Result<EstimateView, BooksError> {
    let row = find(conn, company_id, id)?;
    let mut lines = load_lines(conn, std::slice::from_ref(&row.id))?;
    Ok(row.view(line_views(lines.remove(id))))
}

fn check_input(
    conn: &mut DbConnection,
    company_id: &str,
    input: &DocumentInput,
) -> Result<(), BooksError> {
    parties::require(
        conn,
        PartyKind::Customer,
        company_id,
        &input.party_id,
        "customer_id",
    )?;
    check_postable(conn, company_id, &input.priced, AccountClass::Income)
}

pub fn create(
    conn: &mut DbConnection,
    authz: &Authz,
    actor: &Actor,
    company_id: &str,
    input: DocumentInput,
    override_closing_date: bool,
    key: Option<&IdempotencyKey>,
) -> Result<Created<EstimateView>, BooksError> {
    let id = uuid::Uuid::now_v7().to_string();
    let new = Resource::new(ResourceKind::Estimate, &id, company_id)
        .created_by(&actor.user_id)
        .dated(input.date)
        .amount(input.priced.total_cents().get());
    authorize_dated(
        conn,
        authz,
        actor,
        Action::CreateEstimate,
        &new,
        override_closing_date,
    )?;
    if let Some(body) = replayed(conn, actor, company_id, key)? {
        return Ok(Created::Replayed(body));
    }
    check_input(conn, company_id, &input)?;
    let now = crate::clock::now();
    let row = EstimateRow {
        id: id.clone(),
        company_id: company_id.to_owned(),
        number: format!("D-{:06}", next_number(conn, company_id, counter::ESTIMATE)?),
        customer_id: input.party_id.clone(),
        date: input.date,
        due_date: input.due_date,
        status: status::DRAFT.to_owned(),
        total_cents: input.priced.total_cents().get(),
        invoice_id: None,
        created_by: actor.user_id.clone(),
        created_at: now,
        version: 1,
        updated_by: actor.user_id.clone(),
        updated_by_session: actor.session_id.clone(),
        updated_at: now,
    };
    diesel::insert_into(estimates::table)
        .values(&row)
        .execute(conn)?;
    let lines = insert_lines(conn, company_id, &id, &input.priced)?;
    let view = row.view(lines);
    remember(conn, actor, company_id, key, &view)?;
    Ok(Created::New(view))
}

pub fn list(
    conn: &mut DbConnection,
    authz: &Authz,
    actor: &Actor,
    company_id: &str,
    request: &PageRequest,
) -> Result<Page<EstimateView>, BooksError> {
    let all = Resource::new(ResourceKind::Estimate, "all", company_id);
    authorize(conn, authz, actor, Action::ViewEstimate, &all)?;
    let rows: Vec<EstimateRow> = estimates::table
        .filter(estimates::company_id.eq(company_id))
        .filter(estimates::id.gt(request.after()))
        .order(estimates::id.asc())
        .limit(request.fetch())
        .select(EstimateRow::as_select())
        .load(conn)?;
    page_with_lines(conn, rows, request, |row| &row.id, EstimateRow::view)
}

pub fn get(
    conn: &mut DbConnection,
    authz: &Authz,
    actor: &Actor,
    company_id: &str,
    id: &str,
) -> Result<EstimateView, BooksError> {
    let row = find(conn, company_id, id)?;
    authorize(conn, authz, actor, Action::ViewEstimate, &row.resource())?;
    full_view(conn, company_id, id)
}

fn stale_estimate<T>(
    conn: &mut DbConnection,
    actor: &Actor,
    company_id: &str,
    id: &str,
    expected_version: i64,
) -> Result<Saved<T>, BooksError> {
    let current = find(conn, company_id, id)?;
    let stamp = Stamp {
        updated_by: current.updated_by.clone(),
        updated_by_session: current.updated_by_session.clone(),
        updated_at: current.updated_at,
    };
    let view = full_view(conn, company_id, id)?;
    stale(
        conn,
        actor,
        company_id,
        ("estimate", id),
        expected_version,
        &view,
        &stamp,
    )
}

fn not_draft(row: &EstimateRow, problem: &'static str) -> BooksError {
    BooksError::InvalidState {
        record: "estimate",
        state: row.status.clone(),
        problem,
    }
}

pub fn update(
    conn: &mut DbConnection,
    authz: &Authz,
    actor: &Actor,
    (company_id, id): (&str, &str),
    expected_version: i64,
    input: DocumentInput,
    override_closing_date: bool,
) -> Result<Saved<EstimateView>, BooksError> {
    let row = find(conn, company_id, id)?;
    let resource = row
        .resource()
        .dated(row.date.min(input.date))
        .amount(input.priced.total_cents().get());
    authorize_dated(
        conn,
        authz,
        actor,
        Action::UpdateEstimate,
        &resource,
        override_closing_date,
    )?;
    if row.version != expected_version {
        return stale_estimate(conn, actor, company_id, id, expected_version);
    }
    if row.status != status::DRAFT {
        return Err(not_draft(&row, "only a draft can be edited"));
    }
    check_input(conn, company_id, &input)?;
    let changed = diesel::update(estimates::table.find(id))
        .filter(estimates::version.eq(expected_version))
        .set((
            estimates::customer_id.eq(&input.party_id),
            estimates::date.eq(input.date),
            estimates::due_date.eq(input.due_date),
            estimates::total_cents.eq(input.priced.total_cents().get()),
            estimates::version.eq(expected_version + 1),
            estimates::updated_by.eq(&actor.user_id),
            estimates::updated_by_session.eq(&actor.session_id),
            estimates::updated_at.eq(crate::clock::now()),
        ))
        .execute(conn)?;
    if changed == 0 {
        return stale_estimate(conn, actor, company_id, id, expected_version);
    }
    replace_lines(conn, company_id, id, &input.priced)?;
    Ok(Saved::Done(full_view(conn, company_id, id)?))
}

/// Converts a draft estimate into a draft invoice with the same customer and lines.
pub fn convert(
    conn: &mut DbConnection,
    authz: &Authz,
    actor: &Actor,
    (company_id, id): (&str, &str),
    expected_version: Option<i64>,
    conversion: Conversion,
    override_closing_date: bool,
) -> Result<Saved<InvoiceView>, BooksError> {
    let row = find(conn, company_id, id)?;
    let resource = row.resource().dated(row.date.min(conversion.date));
    authorize_dated(
        conn,
        authz,
        actor,
        Action::ConvertEstimate,
        &resource,
        override_closing_date,
    )?;
    let version = expected_version.unwrap_or(row.version);
    if row.version != version {
        return stale_estimate(conn, actor, company_id, id, version);
    }
    if row.status != status::DRAFT {
        return Err(not_draft(&row, "only a draft can be converted"));
    }
    let invoice_id = uuid::Uuid::now_v7().to_string();
    let changed = diesel::update(estimates::table.find(id))
        .filter(estimates::version.eq(version))
        .set((
            estimates::status.eq(status::CONVERTED),
            estimates::invoice_id.eq(Some(&invoice_id)),
            estimates::version.eq(version + 1),
            estimates::updated_by.eq(&actor.user_id),
            estimates::updated_by_session.eq(&actor.session_id),
            estimates::updated_at.eq(crate::clock::now()),
        ))
        .execute(conn)?;
    if changed == 0 {
        return stale_estimate(conn, actor, company_id, id, version);
    }
    let stored = load_lines(conn, std::slice::from_ref(&row.id))?;
    let input = DocumentInput {
        party_id: row.customer_id.clone(),
        date: conversion.date,
        due_date: conversion.due_date,
        priced: reprice(stored.get(id).map(Vec::as_slice).unwrap_or_default())?,
    };
    let invoice = invoices::insert_draft(conn, actor, (company_id, &invoice_id), &input, Some(id))?;
    Ok(Saved::Done(invoice))
}
