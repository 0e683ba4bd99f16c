//! Signing in with email and password: the failures counted per account and per address,
//! the session opened under the company's enforcement mode.

use diesel::prelude::*;

use super::enforcement::{open_enforced_session, SharedLoginCheck};
use super::login_limits::{self, LoginLimits};
use super::models::{status, UserRow};
use super::sessions::{ClientInfo, OpenedSession, SessionTimeouts};
use super::{passwords, IdentityError};
use crate::store::schema::users;
use crate::store::{write_transaction, DbConnection};

/// What signing in is held to: the failure limits, the sessions' timeouts, and the seat
/// auditor's word on shared logins.
#[derive(Debug, Clone, Copy)]
pub struct SignInRules {
    pub limits: LoginLimits,
    pub timeouts: SessionTimeouts,
    pub shared_login: SharedLoginCheck,
}

/// Signs in with email and password. An unknown email and a wrong password get the same
/// answer in the same time; failures are counted per account and per address.
pub fn sign_in(
    conn: &mut DbConnection,
    rules: SignInRules,
    email: &str,
    password: &str,
    client: &ClientInfo,
) -> Result<OpenedSession, IdentityError> {
    let now = crate::clock::now();
    let ip = client.ip.clone().unwrap_or_default();
    login_limits::check(conn, rules.limits, email, &ip, now)?;
    let user: Option<UserRow> = users::table
        .filter(users::email.eq(email))
        .filter(users::status.eq(status::ACTIVE))
        .select(UserRow::as_select())
        .get_result(conn)
        .optional()?;
    let stored_hash = user
        .as_ref()
        .and_then(|u| u.password_hash.as_deref())
        .unwrap_or(passwords::decoy_hash());
    let verified = passwords::verify(password, stored_hash) && user.is_some();
    match user {
        Some(user) if verified => write_transaction(conn, |conn| {
            open_enforced_session(conn, &user, client, rules.timeouts, rules.shared_login)
        }),
        _ => {
            write_transaction(conn, |conn| {
                login_limits::record_failure(conn, email, &ip, now)
            })?;
            Err(IdentityError::InvalidCredentials)
        }
    }
}
