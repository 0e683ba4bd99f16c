//! Timesheets: a person's own time entries, all a time-tracking user may touch. The policies
//! let each user reach only the entries they own.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use serde::Serialize;

use super::common::{
    authorize, page, remember, replayed, stale, Created, IdempotencyKey, Page, PageRequest, Saved,
    Stamp,
};
use super::BooksError;
use crate::authz::{Action, Actor, Authz, Resource, ResourceKind};
use crate::store::schema::timesheets;
use crate::store::DbConnection;

/// A day has 1440 minutes; one entry cannot hold more.
pub const MAX_MINUTES: i64 = 24 * 60;

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = timesheets)]
pub struct TimesheetRow {
    pub id: String,
    pub company_id: String,
    pub user_id: String,
    pub date: NaiveDate,
    pub minutes: i64,
    pub description: String,
    pub created_at: NaiveDateTime,
    pub version: i64,
    pub updated_by: String,
    pub updated_by_session: Option<String>,
    pub updated_at: NaiveDateTime,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct TimesheetView {
    pub id: String,
    pub user_id: String,
    pub date: NaiveDate,
    pub minutes: i64,
    pub description: String,
    pub version: i64,
    pub created_at: String,
    pub updated_at: String,
}

impl From<TimesheetRow> for TimesheetView {
    fn from(row: TimesheetRow) -> Self {
        Self {
            id: row.id,
            user_id: row.user_id,
            date: row.date,
            minutes: row.minutes,
            description: row.description,
            version: row.version,
            created_at: crate::clock::rfc3339(row.created_at),
            updated_at: crate::clock::rfc3339(row.updated_at),
        }
    }
}

/// A time entry as the client sends it, validated.
#[derive(Debug, Clone)]
pub struct TimesheetInput {
    pub date: NaiveDate,
    pub minutes: i64,
    pub description: String,
}

impl TimesheetInput {
    pub fn parse(date: NaiveDate, minutes: i64, description: &str) -> Result<Self, BooksError> {
        if !(1..=MAX_MINUTES).contains(&minutes) {
            return Err(BooksError::invalid(
                "minutes",
                format!("must be from 1 to {MAX_MINUTES}"),
            ));
        }
        Ok(Self {
            date,
            minutes,
            description: super::common::checked_text("description", description, false)?,
        })
    }
}

fn resource(row: &TimesheetRow) -> Resource {
    Resource::new(ResourceKind::Timesheet, &row.id, &row.company_id)
        .owned_by(&row.user_id)
        .dated(row.date)
}

fn find(conn: &mut DbConnection, company_id: &str, id: &str) -> Result<TimesheetRow, BooksError> {
    timesheets::table
        .filter(timesheets::id.eq(id))
        .filter(timesheets::company_id.eq(company_id))
        .select(TimesheetRow::as_select())
        .get_result(conn)
        .optional()?
        .ok_or(BooksError::NotFound)
}

pub fn create(
    conn: &mut DbConnection,
    authz: &Authz,
    actor: &Actor,
    company_id: &str,
    input: TimesheetInput,
    key: Option<&IdempotencyKey>,
) -> Result<Created<TimesheetView>, BooksError> {
    let now = crate::clock::now();
    let row = TimesheetRow {
        id: uuid::Uuid::now_v7().to_string(),
        company_id: company_id.to_owned(),
        user_id: actor.user_id.clone(),
        date: input.date,
        minutes: input.minutes,
        description: input.description,
        created_at: now,
        version: 1,
        updated_by: actor.user_id.clone(),
        updated_by_session: actor.session_id.clone(),
        updated_at: now,
    };
    authorize(conn, authz, actor, Action::CreateTimesheet, &resource(&row))?;
    if let Some(body) = replayed(conn, actor, company_id, key)? {
        return Ok(Created::Replayed(body));
    }
    diesel::insert_into(timesheets::table)
        .values(&row)
        .execute(conn)?;
    let view = TimesheetView::from(row);
    remember(conn, actor, company_id, key, &view)?;
    Ok(Created::New(view))
}

/// The caller's own time entries.
pub fn list_own(
    conn: &mut DbConnection,
    authz: &Authz,
    actor: &Actor,
    company_id: &str,
    request: &PageRequest,
) -> Result<Page<TimesheetView>, BooksError> {
    let own = Resource::new(ResourceKind::Timesheet, "own", company_id).owned_by(&actor.user_id);
    authorize(conn, authz, actor, Action::ViewTimesheet, &own)?;
    let rows: Vec<TimesheetRow> = timesheets::table
        .filter(timesheets::company_id.eq(company_id))
        .filter(timesheets::user_id.eq(&actor.user_id))
        .filter(timesheets::id.gt(request.after()))
        .order(timesheets::id.asc())
        .limit(request.fetch())
        .select(TimesheetRow::as_select())
        .load(conn)?;
    Ok(page(rows, request, |r| r.id.clone(), TimesheetView::from))
}

pub fn get(
    conn: &mut DbConnection,
    authz: &Authz,
    actor: &Actor,
    company_id: &str,
    id: &str,
) -> Result<TimesheetView, BooksError> {
    let row = find(conn, company_id, id)?;
    authorize(conn, authz, actor, Action::ViewTimesheet, &resource(&row))?;
    Ok(row.into())
}

pub fn update(
    conn: &mut DbConnection,
    authz: &Authz,
    actor: &Actor,
    (company_id, id): (&str, &str),
    expected_version: i64,
    input: TimesheetInput,
) -> Result<Saved<TimesheetView>, BooksError> {
    let row = find(conn, company_id, id)?;
    authorize(conn, authz, actor, Action::UpdateTimesheet, &resource(&row))?;
    if row.version == expected_version {
        let changed = diesel::update(timesheets::table.find(id))
            .filter(timesheets::version.eq(expected_version))
            .set((
                timesheets::date.eq(input.date),
                timesheets::minutes.eq(input.minutes),
                timesheets::description.eq(&input.description),
                timesheets::version.eq(expected_version + 1),
                timesheets::updated_by.eq(&actor.user_id),
                timesheets::updated_by_session.eq(&actor.session_id),
                timesheets::updated_at.eq(crate::clock::now()),
            ))
            .execute(conn)?;
        if changed == 1 {
            return Ok(Saved::Done(find(conn, company_id, id)?.into()));
        }
    }
    let current = find(conn, company_id, id)?;
    let stamp = Stamp {
        updated_by: current.updated_by.clone(),
        updated_by_session: current.updated_by_session.clone(),
        updated_at: current.updated_at,
    };
    let view = TimesheetView::from(current);
    stale(
        conn,
        actor,
        company_id,
        ("timesheet", id),
        expected_version,
        &view,
        &stamp,
    )
}
