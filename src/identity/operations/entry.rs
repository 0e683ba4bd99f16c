//! The ways in, which no policy decides since no one is signed in yet: signing up, signing
//! in, accepting an invitation, and resolving a session token.

use crate::authz::Gate;
use crate::identity::companies::{self, Signup};
use crate::identity::fields::{Email, Password};
use crate::identity::models::{CompanyRow, UserRow};
use crate::identity::sessions::{self, Authenticated, ClientInfo, OpenedSession, SessionTimeouts};
use crate::identity::sign_in::{self as signing_in, SignInRules};
use crate::identity::{passwords, users, IdentityError};
use crate::store::write_transaction;

/// Creates a company with its primary admin, signed in, in one transaction.
pub async fn sign_up(
    gate: &Gate,
    mut signup: Signup,
    password: Password,
    client: ClientInfo,
    timeouts: SessionTimeouts,
) -> Result<(CompanyRow, OpenedSession), IdentityError> {
    gate.unauthenticated(move |conn| {
        signup.password_hash = passwords::hash(&password);
        write_transaction(conn, |conn| {
            let (company, admin) = companies::create_company(conn, signup)?;
            let opened = sessions::open_session(conn, &admin, &client, timeouts)?;
            Ok::<_, IdentityError>((company, opened))
        })
    })
    .await
}

/// Signs in with an email and a password as typed. A malformed email or an overlong password
/// cannot match a user: they get the answer of any wrong credential.
pub async fn sign_in(
    gate: &Gate,
    rules: SignInRules,
    email: &str,
    password: String,
    client: ClientInfo,
) -> Result<OpenedSession, IdentityError> {
    let email = Email::parse(email).map_err(|_| IdentityError::InvalidCredentials)?;
    if password.len() > Password::MAX_BYTES {
        return Err(IdentityError::InvalidCredentials);
    }
    gate.unauthenticated(move |conn| {
        signing_in::sign_in(conn, rules, email.as_str(), &password, &client)
    })
    .await
}

/// The acting user of a session token; expired and idle sessions end here.
pub async fn authenticate(
    gate: &Gate,
    token: String,
    timeouts: SessionTimeouts,
    client_ip: Option<String>,
) -> Result<Authenticated, IdentityError> {
    gate.unauthenticated(move |conn| sessions::authenticate(conn, &token, timeouts, client_ip))
        .await
}

/// Sets an invited user's password from their invitation token.
pub async fn accept_invitation(
    gate: &Gate,
    token: String,
    password: Password,
) -> Result<UserRow, IdentityError> {
    gate.unauthenticated(move |conn| {
        let hash = passwords::hash(&password);
        write_transaction(conn, |conn| users::accept_invitation(conn, &token, hash))
    })
    .await
}
