//! The company's enforcement mode for concurrent sessions (ROLES.md), applied at sign-in:
//! `deny_new` refuses a login already at work on another device, `terminate_oldest` ends the
//! other devices' sessions, `monitor` and `enforce` allow (under `enforce`, sessions the seat
//! auditor flags lose their writes through the shared-logins policy).

use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde::Serialize;

use super::companies::lock_company;
use super::end_reasons::EndReason;
use super::models::{SessionRow, UserRow};
use super::sessions::{end_session, open_session, ClientInfo, OpenedSession, SessionTimeouts};
use super::IdentityError;
use crate::store::schema::{companies, sessions};
use crate::store::DbConnection;

/// Whether the seat auditor holds an unresolved shared-login finding on a login of a
/// company. The seat audit stands above identity, so the application hands its check in.
pub type SharedLoginCheck = fn(&mut DbConnection, &str, &str) -> QueryResult<bool>;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum EnforcementMode {
    Monitor,
    DenyNew,
    TerminateOldest,
    Enforce,
}

impl EnforcementMode {
    pub const ALL: [EnforcementMode; 4] = [
        EnforcementMode::Monitor,
        EnforcementMode::DenyNew,
        EnforcementMode::TerminateOldest,
        EnforcementMode::Enforce,
    ];

    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|mode| mode.as_str() == text)
    }

    pub fn as_str(self) -> &'static str {
        match self {
            EnforcementMode::Monitor => "monitor",
            EnforcementMode::DenyNew => "deny_new",
            EnforcementMode::TerminateOldest => "terminate_oldest",
            EnforcementMode::Enforce => "enforce",
        }
    }
}

/// Opens a session for `user` under the company's mode, inside the sign-in's write
/// transaction. A session opened while the seat auditor holds an unresolved shared-login
/// finding on the login starts flagged, so signing in again does not shed the flag.
pub fn open_enforced_session(
    conn: &mut DbConnection,
    user: &UserRow,
    client: &ClientInfo,
    timeouts: SessionTimeouts,
    shared_login: SharedLoginCheck,
) -> Result<OpenedSession, IdentityError> {
    let mode = company_mode(conn, &user.company_id)?;
    if matches!(
        mode,
        EnforcementMode::DenyNew | EnforcementMode::TerminateOldest
    ) {
        // Concurrent sign-ins queue on the company row (PostgreSQL holds the row lock until
        // commit; SQLite's BEGIN IMMEDIATE already serializes writers), so each one sees the
        // sessions the previous one opened.
        lock_company(conn, &user.company_id)?;
        let now = crate::clock::now();
        let elsewhere = active_sessions_elsewhere(conn, user, client, timeouts, now)?;
        if !elsewhere.is_empty() {
            if mode == EnforcementMode::DenyNew {
                return Err(IdentityError::ConcurrentSession {
                    active_sessions: elsewhere.len(),
                });
            }
            for session in &elsewhere {
                end_session(conn, &session.id, EndReason::Superseded, now)?;
            }
        }
    }
    let mut opened = open_session(conn, user, client, timeouts)?;
    if shared_login(conn, &user.company_id, &user.email)? {
        diesel::update(sessions::table.find(&opened.session.id))
            .set(sessions::flagged.eq(true))
            .execute(conn)?;
        opened.session.flagged = true;
    }
    Ok(opened)
}

fn company_mode(
    conn: &mut DbConnection,
    company_id: &str,
) -> Result<EnforcementMode, IdentityError> {
    let mode: String = companies::table
        .find(company_id)
        .select(companies::enforcement_mode)
        .get_result(conn)?;
    // An unknown stored value is treated as the default rather than locking people out.
    Ok(EnforcementMode::parse(&mode).unwrap_or(EnforcementMode::Monitor))
}

/// The user's sessions in use (not ended, not expired, seen within the idle timeout) on a
/// device other than the one signing in.
fn active_sessions_elsewhere(
    conn: &mut DbConnection,
    user: &UserRow,
    client: &ClientInfo,
    timeouts: SessionTimeouts,
    now: NaiveDateTime,
) -> Result<Vec<SessionRow>, IdentityError> {
    let open: Vec<SessionRow> = sessions::table
        .filter(sessions::user_id.eq(&user.id))
        .filter(sessions::ended_at.is_null())
        .filter(sessions::expires_at.gt(now))
        .filter(sessions::last_seen_at.ge(now - timeouts.idle))
        .order(sessions::created_at.asc())
        .select(SessionRow::as_select())
        .load(conn)?;
    Ok(open
        .into_iter()
        .filter(|session| !same_device(session, client))
        .collect())
}

/// A device id names the device; without one on both sides, the browser is known by its
/// user agent at its address, as the seat auditor tells devices apart.
fn same_device(session: &SessionRow, client: &ClientInfo) -> bool {
    match (&session.device_id, &client.device_id) {
        (Some(stored), Some(signing_in)) => stored == signing_in,
        (None, None) => session.user_agent == client.user_agent && session.ip == client.ip,
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn session(device: Option<&str>, agent: Option<&str>, ip: Option<&str>) -> SessionRow {
        let now = crate::clock::now();
        SessionRow {
            id: "s".into(),
            company_id: "c".into(),
            user_id: "u".into(),
            token_hash: "h".into(),
            created_at: now,
            last_seen_at: now,
            expires_at: now,
            ended_at: None,
            end_reason: None,
            ip: ip.map(Into::into),
            user_agent: agent.map(Into::into),
            device_id: device.map(Into::into),
            flagged: false,
        }
    }

    fn client(device: Option<&str>, agent: Option<&str>, ip: Option<&str>) -> ClientInfo {
        ClientInfo {
            ip: ip.map(Into::into),
            user_agent: agent.map(Into::into),
            device_id: device.map(Into::into),
        }
    }

    #[test]
    fn devices_are_told_apart_by_id_or_by_browser_and_address() {
        let laptop = session(Some("laptop"), Some("Firefox"), Some("10.0.0.1"));
        assert!(same_device(&laptop, &client(Some("laptop"), None, None)));
        assert!(!same_device(
            &laptop,
            &client(Some("phone"), Some("Firefox"), Some("10.0.0.1"))
        ));
        assert!(!same_device(
            &laptop,
            &client(None, Some("Firefox"), Some("10.0.0.1"))
        ));
        let browser = session(None, Some("Firefox"), Some("10.0.0.1"));
        assert!(same_device(
            &browser,
            &client(None, Some("Firefox"), Some("10.0.0.1"))
        ));
        assert!(!same_device(
            &browser,
            &client(None, Some("Safari"), Some("10.0.0.1"))
        ));
    }

    #[test]
    fn modes_read_back_from_their_names() {
        for mode in EnforcementMode::ALL {
            assert_eq!(EnforcementMode::parse(mode.as_str()), Some(mode));
        }
        assert_eq!(EnforcementMode::parse("strict"), None);
    }
}
