//! Sessions: random bearer tokens stored only as SHA-256 hashes, with what the seat auditor
//! needs to know about each (device, address, agent, activity).

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use chrono::{Duration, NaiveDateTime};
use diesel::prelude::*;
use rand::RngCore;

use super::end_reasons::EndReason;
use super::models::{status, CompanyRow, SessionRow, UserRow};
use super::{IdentityError, Role};
use crate::authz::{Action, Actor, Authz, Options, Resource, ResourceKind};
use crate::i18n::Locale;
use crate::paging::{Page, PageRequest};
use crate::store::schema::{companies, sessions, users};
use crate::store::DbConnection;
use crate::tokens::hash_token;

/// Bytes of randomness in a token: 256 bits, well above the 128 required.
const TOKEN_BYTES: usize = 32;
const TOKEN_PREFIX: &str = "swt_";
/// Activity is written back at most this often per session, so reads stay cheap.
const LAST_SEEN_RESOLUTION_SECS: i64 = 30;

#[derive(Debug, Clone, Copy)]
pub struct SessionTimeouts {
    pub idle: Duration,
    pub lifetime: Duration,
}

/// What the client told us about itself when it signed in.
#[derive(Debug, Clone, Default)]
pub struct ClientInfo {
    pub ip: Option<String>,
    pub user_agent: Option<String>,
    pub device_id: Option<String>,
}

/// A new session; the token is shown once and never stored.
#[derive(Debug, Clone)]
pub struct OpenedSession {
    pub token: String,
    pub session: SessionRow,
    pub user: UserRow,
}

/// An authenticated request: who acts, through which session, and in which language.
#[derive(Debug, Clone)]
pub struct Authenticated {
    pub actor: Actor,
    pub company_locale: Locale,
}

fn new_token() -> String {
    let mut bytes = [0_u8; TOKEN_BYTES];
    rand::thread_rng().fill_bytes(&mut bytes);
    format!("{TOKEN_PREFIX}{}", URL_SAFE_NO_PAD.encode(bytes))
}

pub fn open_session(
    conn: &mut DbConnection,
    user: &UserRow,
    client: &ClientInfo,
    timeouts: SessionTimeouts,
) -> Result<OpenedSession, IdentityError> {
    let now = crate::clock::now();
    let token = new_token();
    let session = SessionRow {
        id: uuid::Uuid::now_v7().to_string(),
        company_id: user.company_id.clone(),
        user_id: user.id.clone(),
        token_hash: hash_token(&token),
        created_at: now,
        last_seen_at: now,
        expires_at: now + timeouts.lifetime,
        ended_at: None,
        end_reason: None,
        ip: client.ip.clone(),
        user_agent: client.user_agent.clone(),
        device_id: client.device_id.clone(),
        flagged: false,
    };
    diesel::insert_into(sessions::table)
        .values(&session)
        .execute(conn)?;
    Ok(OpenedSession {
        token,
        session,
        user: user.clone(),
    })
}

/// Resolves a bearer token to the acting user. Expired and idle sessions end here, with
/// their reason recorded.
pub fn authenticate(
    conn: &mut DbConnection,
    token: &str,
    timeouts: SessionTimeouts,
    client_ip: Option<String>,
) -> Result<Authenticated, IdentityError> {
    let now = crate::clock::now();
    let found: Option<(SessionRow, UserRow, CompanyRow)> = sessions::table
        .inner_join(users::table.inner_join(companies::table))
        .filter(sessions::token_hash.eq(hash_token(token)))
        .select((
            SessionRow::as_select(),
            UserRow::as_select(),
            CompanyRow::as_select(),
        ))
        .get_result(conn)
        .optional()?;
    let (session, user, company) = found.ok_or(IdentityError::Unauthenticated)?;
    if session.ended_at.is_some() {
        // The holder learns why (e.g. superseded by a sign-in on another device).
        return Err(IdentityError::SessionEnded {
            reason: session.end_reason.unwrap_or_else(|| "ended".to_owned()),
        });
    }
    if let Some(reason) = expiry_reason(&session, timeouts, now) {
        end_session(conn, &session.id, reason, now)?;
        return Err(IdentityError::Unauthenticated);
    }
    if user.status != status::ACTIVE {
        return Err(IdentityError::Unauthenticated);
    }
    if now - session.last_seen_at > Duration::seconds(LAST_SEEN_RESOLUTION_SECS) {
        diesel::update(sessions::table.find(&session.id))
            .set(sessions::last_seen_at.eq(now))
            .execute(conn)?;
    }
    let role = Role::parse(&user.role).ok_or(IdentityError::Unauthenticated)?;
    Ok(Authenticated {
        actor: Actor {
            user_id: user.id,
            company_id: user.company_id,
            role,
            active: true,
            session_id: Some(session.id),
            session_flagged: session.flagged,
            client_ip,
        },
        company_locale: Locale::parse(&company.locale).unwrap_or_default(),
    })
}

fn expiry_reason(
    session: &SessionRow,
    timeouts: SessionTimeouts,
    now: NaiveDateTime,
) -> Option<EndReason> {
    if now >= session.expires_at {
        Some(EndReason::Expired)
    } else if now - session.last_seen_at > timeouts.idle {
        Some(EndReason::IdleTimeout)
    } else {
        None
    }
}

/// Ends a session if it is still open; true when it was.
pub fn end_session(
    conn: &mut DbConnection,
    session_id: &str,
    reason: EndReason,
    now: NaiveDateTime,
) -> Result<bool, IdentityError> {
    let ended = diesel::update(
        sessions::table
            .find(session_id)
            .filter(sessions::ended_at.is_null()),
    )
    .set((
        sessions::ended_at.eq(now),
        sessions::end_reason.eq(reason.as_str()),
    ))
    .execute(conn)?;
    Ok(ended > 0)
}

/// Ends every open session of a user (disabled users lose access at once).
pub fn end_user_sessions(
    conn: &mut DbConnection,
    user_id: &str,
    reason: EndReason,
) -> Result<usize, IdentityError> {
    let now = crate::clock::now();
    Ok(diesel::update(
        sessions::table
            .filter(sessions::user_id.eq(user_id))
            .filter(sessions::ended_at.is_null()),
    )
    .set((
        sessions::ended_at.eq(now),
        sessions::end_reason.eq(reason.as_str()),
    ))
    .execute(conn)?)
}

/// Ends every open session past its lifetime or idle too long, with the reason a request
/// would have found (the session-expiry job); returns how many ended.
pub fn expire_sessions(
    conn: &mut DbConnection,
    timeouts: SessionTimeouts,
    now: NaiveDateTime,
) -> Result<usize, IdentityError> {
    let open = sessions::table.filter(sessions::ended_at.is_null());
    let expired = diesel::update(open.filter(sessions::expires_at.le(now)))
        .set((
            sessions::ended_at.eq(now),
            sessions::end_reason.eq(EndReason::Expired.as_str()),
        ))
        .execute(conn)?;
    let idle = diesel::update(open.filter(sessions::last_seen_at.lt(now - timeouts.idle)))
        .set((
            sessions::ended_at.eq(now),
            sessions::end_reason.eq(EndReason::IdleTimeout.as_str()),
        ))
        .execute(conn)?;
    Ok(expired + idle)
}

/// Which sessions a listing covers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SessionScope {
    Own,
    Company,
}

/// A page of sessions, newest first (ids grow with time): the actor's own, or (for those
/// allowed) the company's.
pub fn list_sessions(
    conn: &mut DbConnection,
    authz: &Authz,
    actor: &Actor,
    company_id: &str,
    (scope, only_active): (SessionScope, bool),
    request: &PageRequest,
) -> Result<Page<SessionRow>, IdentityError> {
    let (action, resource) = match scope {
        SessionScope::Own => (
            Action::ViewOwnSessions,
            Resource::new(ResourceKind::Session, "own", company_id).owned_by(&actor.user_id),
        ),
        SessionScope::Company => (
            Action::ViewSessions,
            Resource::new(ResourceKind::Session, "all", company_id).owned_by(&actor.user_id),
        ),
    };
    authz.authorize(conn, actor, action, &resource, Options::default())?;
    let mut query = sessions::table
        .filter(sessions::company_id.eq(company_id))
        .into_boxed();
    if scope == SessionScope::Own {
        query = query.filter(sessions::user_id.eq(&actor.user_id));
    }
    if only_active {
        query = query.filter(sessions::ended_at.is_null());
    }
    if let Some(after) = &request.after {
        query = query.filter(sessions::id.lt(after));
    }
    let rows = query
        .order(sessions::id.desc())
        .limit(request.fetch())
        .select(SessionRow::as_select())
        .load(conn)?;
    Ok(Page::cut(
        rows,
        request.limit,
        |row| vec![row.id.clone()],
        |row| row,
    ))
}

/// Revokes a session: one's own with `revoke_own_session`, anyone's with `revoke_session`.
pub fn revoke_session(
    conn: &mut DbConnection,
    authz: &Authz,
    actor: &Actor,
    company_id: &str,
    session_id: &str,
) -> Result<(), IdentityError> {
    let owner: Option<(String, String)> = sessions::table
        .inner_join(users::table)
        .filter(sessions::id.eq(session_id))
        .filter(sessions::company_id.eq(company_id))
        .select((sessions::user_id, users::role))
        .get_result(conn)
        .optional()?;
    let (owner, owner_role) = owner.ok_or(IdentityError::NotFound)?;
    let action = if owner == actor.user_id {
        Action::RevokeOwnSession
    } else {
        Action::RevokeSession
    };
    let resource = Resource::new(ResourceKind::Session, session_id, company_id)
        .owned_by(&owner)
        .owner_role(owner_role);
    authz.authorize(conn, actor, action, &resource, Options::default())?;
    end_session(conn, session_id, EndReason::Revoked, crate::clock::now())?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn session(
        created_minutes_ago: i64,
        seen_minutes_ago: i64,
        lifetime_minutes: i64,
    ) -> SessionRow {
        let now = crate::clock::now();
        SessionRow {
            id: "s".into(),
            company_id: "c".into(),
            user_id: "u".into(),
            token_hash: "h".into(),
            created_at: now - Duration::minutes(created_minutes_ago),
            last_seen_at: now - Duration::minutes(seen_minutes_ago),
            expires_at: now - Duration::minutes(created_minutes_ago)
                + Duration::minutes(lifetime_minutes),
            ended_at: None,
            end_reason: None,
            ip: None,
            user_agent: None,
            device_id: None,
            flagged: false,
        }
    }

    #[test]
    fn a_session_ends_when_idle_too_long_or_too_old() {
        let timeouts = SessionTimeouts {
            idle: Duration::minutes(30),
            lifetime: Duration::hours(12),
        };
        let now = crate::clock::now();
        assert_eq!(expiry_reason(&session(60, 5, 720), timeouts, now), None);
        assert_eq!(
            expiry_reason(&session(60, 31, 720), timeouts, now),
            Some(EndReason::IdleTimeout)
        );
        assert_eq!(
            expiry_reason(&session(721, 1, 720), timeouts, now),
            Some(EndReason::Expired)
        );
    }

    #[test]
    fn tokens_are_long_random_and_stored_only_as_hashes() {
        let (a, b) = (new_token(), new_token());
        assert_ne!(a, b);
        assert!(a.len() >= 4 + 43, "256 bits in base64: {a}");
        assert_eq!(hash_token(&a).len(), 64);
        assert_ne!(hash_token(&a), a);
    }
}
