//! The closing date: nothing dated on or before it is written without the override, which the
//! policies give admins and accountants only; each use of it is listed here.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use serde::Serialize;

use super::common::{authorize, page, stale, Page, PageRequest, Saved, Stamp};
use super::BooksError;
use crate::authz::{Action, Actor, Authz, Resource, ResourceKind};
use crate::store::schema::{closing_date_exceptions, closing_dates, companies};
use crate::store::DbConnection;

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ClosingDateView {
    /// Books are closed up to and including this date; none when never closed.
    pub closing_date: Option<NaiveDate>,
    pub version: i64,
    pub updated_by: Option<String>,
    pub updated_at: String,
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = closing_date_exceptions)]
pub struct ExceptionRow {
    pub id: String,
    pub user_id: String,
    pub session_id: Option<String>,
    pub action: String,
    pub record_type: String,
    pub record_id: String,
    pub record_date: NaiveDate,
    pub closing_date: NaiveDate,
    pub occurred_at: NaiveDateTime,
}

/// One write in the closed period, made with the override.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ExceptionView {
    pub id: String,
    pub user_id: String,
    pub session_id: Option<String>,
    pub action: String,
    pub record_type: String,
    pub record_id: String,
    pub record_date: NaiveDate,
    pub closing_date: NaiveDate,
    pub occurred_at: String,
}

impl From<ExceptionRow> for ExceptionView {
    fn from(row: ExceptionRow) -> Self {
        Self {
            id: row.id,
            user_id: row.user_id,
            session_id: row.session_id,
            action: row.action,
            record_type: row.record_type,
            record_id: row.record_id,
            record_date: row.record_date,
            closing_date: row.closing_date,
            occurred_at: crate::clock::rfc3339(row.occurred_at),
        }
    }
}

type ClosingRow = (
    i64,
    Option<String>,
    Option<String>,
    NaiveDateTime,
    Option<NaiveDate>,
);

fn load(conn: &mut DbConnection, company_id: &str) -> Result<ClosingRow, BooksError> {
    closing_dates::table
        .inner_join(companies::table.on(companies::id.eq(closing_dates::company_id)))
        .filter(closing_dates::company_id.eq(company_id))
        .select((
            closing_dates::version,
            closing_dates::updated_by,
            closing_dates::updated_by_session,
            closing_dates::updated_at,
            companies::closing_date,
        ))
        .get_result(conn)
        .optional()?
        .ok_or(BooksError::NotFound)
}

fn view((version, updated_by, _, updated_at, closing_date): ClosingRow) -> ClosingDateView {
    ClosingDateView {
        closing_date,
        version,
        updated_by,
        updated_at: crate::clock::rfc3339(updated_at),
    }
}

/// Everyone who writes to the books may read up to when they are closed.
pub fn get(
    conn: &mut DbConnection,
    authz: &Authz,
    actor: &Actor,
    company_id: &str,
) -> Result<ClosingDateView, BooksError> {
    let books = Resource::new(ResourceKind::Account, "closing_date", company_id);
    authorize(conn, authz, actor, Action::ViewAccount, &books)?;
    Ok(view(load(conn, company_id)?))
}

pub fn set(
    conn: &mut DbConnection,
    authz: &Authz,
    actor: &Actor,
    company_id: &str,
    expected_version: i64,
    closing_date: Option<NaiveDate>,
) -> Result<Saved<ClosingDateView>, BooksError> {
    let settings = Resource::company_wide(ResourceKind::Settings, company_id);
    authorize(conn, authz, actor, Action::SetClosingDate, &settings)?;
    let now = crate::clock::now();
    let changed = diesel::update(closing_dates::table.find(company_id))
        .filter(closing_dates::version.eq(expected_version))
        .set((
            closing_dates::version.eq(expected_version + 1),
            closing_dates::updated_by.eq(Some(&actor.user_id)),
            closing_dates::updated_by_session.eq(&actor.session_id),
            closing_dates::updated_at.eq(now),
        ))
        .execute(conn)?;
    if changed == 1 {
        diesel::update(companies::table.find(company_id))
            .set((
                companies::closing_date.eq(closing_date),
                companies::updated_at.eq(now),
            ))
            .execute(conn)?;
        return Ok(Saved::Done(view(load(conn, company_id)?)));
    }
    let current = load(conn, company_id)?;
    let stamp = Stamp {
        updated_by: current.1.clone().unwrap_or_default(),
        updated_by_session: current.2.clone(),
        updated_at: current.3,
    };
    stale(
        conn,
        actor,
        company_id,
        ("closing_date", company_id),
        expected_version,
        &view(current.clone()),
        &stamp,
    )
}

/// Uses of the override, oldest first: they belong to the audit trail.
pub fn exceptions(
    conn: &mut DbConnection,
    authz: &Authz,
    actor: &Actor,
    company_id: &str,
    request: &PageRequest,
) -> Result<Page<ExceptionView>, BooksError> {
    let audit = Resource::company_wide(ResourceKind::AuditData, company_id);
    authorize(conn, authz, actor, Action::ViewDecisions, &audit)?;
    let rows: Vec<ExceptionRow> = closing_date_exceptions::table
        .filter(closing_date_exceptions::company_id.eq(company_id))
        .filter(closing_date_exceptions::id.gt(request.after()))
        .order(closing_date_exceptions::id.asc())
        .limit(request.fetch())
        .select(ExceptionRow::as_select())
        .load(conn)?;
    Ok(page(rows, request, |r| r.id.clone(), ExceptionView::from))
}
