//! Sessions as the auditor reads them: the service's own, and those rebuilt from imported
//! sign-in events with the idle timeout.

use std::collections::HashMap;

use chrono::{NaiveDateTime, TimeDelta};
use diesel::prelude::*;

use super::time_pages::{self, page_end, within};
use crate::seats::timeline::{sessions_from_events, EventKind, SessionRecord, SignInEvent};
use crate::store::schema::{session_events, sessions, users};
use crate::store::{pacing, DbConnection};

/// A session of the service as the auditor reads it.
#[derive(Queryable, Selectable)]
#[diesel(table_name = sessions)]
struct NativeSession {
    id: String,
    user_id: String,
    device_id: Option<String>,
    ip: Option<String>,
    user_agent: Option<String>,
    created_at: NaiveDateTime,
    last_seen_at: NaiveDateTime,
}

pub(super) fn native_sessions(
    conn: &mut DbConnection,
    company_id: &str,
    logins: &HashMap<&str, &str>,
    since: NaiveDateTime,
) -> QueryResult<Vec<SessionRecord>> {
    let rows: Vec<NativeSession> = sessions::table
        .filter(sessions::company_id.eq(company_id))
        .filter(sessions::last_seen_at.ge(since))
        .select(NativeSession::as_select())
        .load(conn)?;
    Ok(rows
        .into_iter()
        .filter_map(|row| {
            let login = *logins.get(row.user_id.as_str())?;
            Some(native_record(row, login))
        })
        .collect())
}

fn native_record(row: NativeSession, login: &str) -> SessionRecord {
    SessionRecord {
        session_id: row.id,
        login: login.to_owned(),
        device: row.device_id,
        ip: row.ip,
        user_agent: row.user_agent,
        started_at: row.created_at.and_utc(),
        last_active_at: row.last_seen_at.and_utc(),
        location: None,
        country: None,
    }
}

/// An imported sign-in event as the auditor reads it.
#[derive(Queryable, Selectable)]
#[diesel(table_name = session_events)]
struct StoredEvent {
    login: String,
    event: String,
    occurred_at: NaiveDateTime,
    ip: Option<String>,
    user_agent: Option<String>,
    device_id: Option<String>,
    latitude: Option<f64>,
    longitude: Option<f64>,
    country: Option<String>,
}

pub(super) fn imported_sessions(
    conn: &mut DbConnection,
    company_id: &str,
    since: NaiveDateTime,
    idle_timeout: TimeDelta,
) -> QueryResult<Vec<SessionRecord>> {
    let company_events = || {
        session_events::table
            .filter(session_events::company_id.eq(company_id))
            .into_boxed()
    };
    let rows: Vec<StoredEvent> = time_pages::read_by_time(
        conn,
        since,
        |conn, lower| page_end!(conn, company_events(), session_events::occurred_at, lower),
        |conn, window| {
            within!(company_events(), session_events::occurred_at, window)
                .select(StoredEvent::as_select())
                .load(conn)
        },
    )?;
    Ok(pacing::step(|| {
        sessions_from_events(&sign_in_events(rows), idle_timeout).0
    }))
}

fn sign_in_events(rows: Vec<StoredEvent>) -> Vec<SignInEvent> {
    rows.into_iter()
        .filter_map(|row| {
            Some(SignInEvent {
                event: EventKind::parse(&row.event)?,
                login: row.login,
                time: row.occurred_at.and_utc(),
                ip: row.ip,
                user_agent: row.user_agent,
                device_id: row.device_id,
                latitude: row.latitude,
                longitude: row.longitude,
                country: row.country,
            })
        })
        .collect()
}

/// The sessions of one login that overlap `[from, to)`, native and imported, for the finding
/// page's timeline. Imported events are read from `idle_timeout` before `from`, so a session
/// already open at `from` is rebuilt whole.
pub fn login_sessions(
    conn: &mut DbConnection,
    company_id: &str,
    login: &str,
    (from, to): (NaiveDateTime, NaiveDateTime),
    idle_timeout: TimeDelta,
) -> QueryResult<Vec<SessionRecord>> {
    let user_ids: Vec<String> = users::table
        .filter(users::company_id.eq(company_id))
        .filter(users::email.eq(login))
        .select(users::id)
        .load(conn)?;
    let native: Vec<NativeSession> = sessions::table
        .filter(sessions::company_id.eq(company_id))
        .filter(sessions::user_id.eq_any(&user_ids))
        .filter(sessions::created_at.lt(to))
        .filter(sessions::last_seen_at.ge(from))
        .select(NativeSession::as_select())
        .load(conn)?;
    let mut found: Vec<SessionRecord> = native
        .into_iter()
        .map(|row| native_record(row, login))
        .collect();
    let rows: Vec<StoredEvent> = session_events::table
        .filter(session_events::company_id.eq(company_id))
        .filter(session_events::login.eq(login))
        .filter(session_events::occurred_at.ge(from - idle_timeout))
        .filter(session_events::occurred_at.lt(to))
        .select(StoredEvent::as_select())
        .load(conn)?;
    let (from_utc, to_utc) = (from.and_utc(), to.and_utc());
    found.extend(
        sessions_from_events(&sign_in_events(rows), idle_timeout)
            .0
            .into_iter()
            .filter(|session| session.last_active_at >= from_utc && session.started_at < to_utc),
    );
    Ok(found)
}
