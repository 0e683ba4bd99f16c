//! The outbox as admins page through it, newest first.

use diesel::prelude::*;

use super::{AlertRow, AlertState};
use crate::store::schema::alerts;
use crate::store::DbConnection;

/// Filters of an alert listing.
#[derive(Debug, Clone, Default)]
pub struct AlertFilter {
    pub state: Option<AlertState>,
    /// The id of the last alert of the previous page.
    pub cursor: Option<String>,
    pub limit: i64,
}

/// A company's alerts, newest first.
pub fn list(
    conn: &mut DbConnection,
    company_id: &str,
    filter: &AlertFilter,
) -> QueryResult<Vec<AlertRow>> {
    let mut query = alerts::table
        .filter(alerts::company_id.eq(company_id))
        .into_boxed();
    if let Some(state) = filter.state {
        query = query.filter(alerts::state.eq(state));
    }
    if let Some(cursor) = &filter.cursor {
        query = query.filter(alerts::id.lt(cursor.clone()));
    }
    query
        .order(alerts::id.desc())
        .limit(filter.limit)
        .select(AlertRow::as_select())
        .load(conn)
}
