//! The audit runs: each recorded with its summary; the last one dated for the seats view.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::seats::records::AuditRunRow;
use crate::store::schema::audit_runs;
use crate::store::DbConnection;

pub fn record_run(conn: &mut DbConnection, run: &AuditRunRow) -> QueryResult<usize> {
    diesel::insert_into(audit_runs::table)
        .values(run)
        .execute(conn)
}

pub fn last_run_at(
    conn: &mut DbConnection,
    company_id: &str,
) -> QueryResult<Option<NaiveDateTime>> {
    audit_runs::table
        .filter(audit_runs::company_id.eq(company_id))
        .select(diesel::dsl::max(audit_runs::ran_at))
        .get_result(conn)
}

/// The company's latest `limit` audit runs, newest first.
pub fn recent_runs(
    conn: &mut DbConnection,
    company_id: &str,
    limit: i64,
) -> QueryResult<Vec<AuditRunRow>> {
    audit_runs::table
        .filter(audit_runs::company_id.eq(company_id))
        .order((audit_runs::ran_at.desc(), audit_runs::id.desc()))
        .limit(limit)
        .select(AuditRunRow::as_select())
        .load(conn)
}
