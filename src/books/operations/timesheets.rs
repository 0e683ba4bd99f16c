//! The caller's own timesheets.

use crate::authz::{Actor, Gate};
use crate::books::timesheets::{self, TimesheetInput, TimesheetView};
use crate::books::{BooksError, Created, IdempotencyKey, Page, PageRequest, Saved};

/// A page of the caller's own time entries.
pub async fn list_timesheets(
    gate: &Gate,
    actor: Actor,
    company_id: String,
    request: PageRequest,
) -> Result<Page<TimesheetView>, BooksError> {
    gate.read(move |conn, authz| timesheets::list_own(conn, authz, &actor, &company_id, &request))
        .await
}

/// Records time worked by the caller; a retry with the same `key` answers the first result.
pub async fn create_timesheet(
    gate: &Gate,
    actor: Actor,
    company_id: String,
    input: TimesheetInput,
    key: Option<IdempotencyKey>,
) -> Result<Created<TimesheetView>, BooksError> {
    gate.act(move |conn, authz| {
        let input = input.clone();
        timesheets::create(conn, authz, &actor, &company_id, input, key.as_ref())
    })
    .await
}

pub async fn get_timesheet(
    gate: &Gate,
    actor: Actor,
    (company_id, id): (String, String),
) -> Result<TimesheetView, BooksError> {
    gate.read(move |conn, authz| timesheets::get(conn, authz, &actor, &company_id, &id))
        .await
}

/// Changes one of the caller's time entries from the version they saw.
pub async fn update_timesheet(
    gate: &Gate,
    actor: Actor,
    (company_id, id): (String, String),
    expected_version: i64,
    input: TimesheetInput,
) -> Result<Saved<TimesheetView>, BooksError> {
    gate.act(move |conn, authz| {
        let target = (company_id.as_str(), id.as_str());
        timesheets::update(conn, authz, &actor, target, expected_version, input.clone())
    })
    .await
}
