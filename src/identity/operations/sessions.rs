//! Listing and revoking sessions, for their holder or the company's admins.

use crate::authz::{Actor, Gate};
use crate::identity::models::{SessionRow, UserRow};
use crate::identity::sessions::{self, SessionScope};
use crate::identity::{users, IdentityError};
use crate::paging::{every_page, Page, PageRequest};

/// Ends the session the actor acts through.
pub async fn sign_out(gate: &Gate, actor: Actor) -> Result<(), IdentityError> {
    gate.act(move |conn, authz| {
        let session_id = actor.session_id.clone().unwrap_or_default();
        sessions::revoke_session(conn, authz, &actor, &actor.company_id, &session_id)
    })
    .await
}

/// A page of sessions, newest first: the actor's own or (for those allowed) the company's.
pub async fn list_sessions(
    gate: &Gate,
    actor: Actor,
    company_id: String,
    listing: (SessionScope, bool),
    request: PageRequest,
) -> Result<Page<SessionRow>, IdentityError> {
    gate.read(move |conn, authz| {
        sessions::list_sessions(conn, authz, &actor, &company_id, listing, &request)
    })
    .await
}

/// Every user of the company and every open session, for the page that groups them.
pub async fn open_sessions_by_user(
    gate: &Gate,
    actor: Actor,
    company_id: String,
) -> Result<(Vec<UserRow>, Vec<SessionRow>), IdentityError> {
    gate.read(move |conn, authz| {
        let people =
            every_page(|request| users::list_users(conn, authz, &actor, &company_id, request))?;
        let open = every_page(|request| {
            let scope = (SessionScope::Company, true);
            sessions::list_sessions(conn, authz, &actor, &company_id, scope, request)
        })?;
        Ok((people, open))
    })
    .await
}

/// Revokes a session of the company: one's own, or (for admins) anyone's.
pub async fn revoke_session(
    gate: &Gate,
    actor: Actor,
    company_id: String,
    session_id: String,
) -> Result<(), IdentityError> {
    gate.act(move |conn, authz| {
        sessions::revoke_session(conn, authz, &actor, &company_id, &session_id)
    })
    .await
}
