//! What the audit of one company reads: its users, sessions (native and imported), duty
//! actions and self-conflicts over the lookback.

use std::collections::HashMap;

use chrono::{NaiveDateTime, TimeDelta};
use diesel::prelude::*;

use super::duty_actions::duty_actions;
use super::sessions::{imported_sessions, native_sessions};
use super::users::{company_users, seat_plan, seat_users};
use crate::identity::models::CompanyRow;
use crate::seats::audit::AuditInput;
use crate::seats::detectors::conflicts::SelfConflict;
use crate::seats::settings::counts_probable_sharing;
use crate::store::schema::self_conflicts;
use crate::store::DbConnection;

/// What the audit of one company reads: activity since `since`; imported events become
/// sessions with the service's idle timeout.
pub fn load_audit_input(
    conn: &mut DbConnection,
    company: &CompanyRow,
    since: NaiveDateTime,
    idle_timeout: TimeDelta,
) -> QueryResult<AuditInput> {
    let users = company_users(conn, &company.id)?;
    let logins: HashMap<&str, &str> = users
        .iter()
        .map(|user| (user.id.as_str(), user.email.as_str()))
        .collect();
    let mut sessions = native_sessions(conn, &company.id, &logins, since)?;
    sessions.extend(imported_sessions(conn, &company.id, since, idle_timeout)?);
    Ok(AuditInput {
        plan: seat_plan(company),
        users: seat_users(&users),
        sessions,
        duty_actions: duty_actions(conn, &company.id, &logins, since)?,
        self_conflicts: recorded_self_conflicts(conn, &company.id, &logins, since)?,
        count_probable_sharing: counts_probable_sharing(conn, &company.id)?,
    })
}

type ConflictRow = (String, String, String, String, String, NaiveDateTime);

fn recorded_self_conflicts(
    conn: &mut DbConnection,
    company_id: &str,
    logins: &HashMap<&str, &str>,
    since: NaiveDateTime,
) -> QueryResult<Vec<SelfConflict>> {
    let rows: Vec<ConflictRow> = self_conflicts::table
        .filter(self_conflicts::company_id.eq(company_id))
        .filter(self_conflicts::occurred_at.ge(since))
        .select((
            self_conflicts::user_id,
            self_conflicts::record_type,
            self_conflicts::record_id,
            self_conflicts::losing_session_id,
            self_conflicts::winning_session_id,
            self_conflicts::occurred_at,
        ))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .filter_map(|(user_id, kind, record_id, losing, winning, at)| {
            Some(SelfConflict {
                login: (*logins.get(user_id.as_str())?).to_owned(),
                at: at.and_utc(),
                session_a: losing,
                session_b: winning,
                record: format!("{kind}:{record_id}"),
            })
        })
        .collect())
}
