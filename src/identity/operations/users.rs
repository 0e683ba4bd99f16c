//! The company's users: listed, added within the plan's seats, changed, disabled, enabled.

use crate::authz::{Actor, Gate};
use crate::identity::fields::Password;
use crate::identity::models::UserRow;
use crate::identity::users::{self, NewUser, UserChanges};
use crate::identity::{passwords, IdentityError};
use crate::paging::{every_page, Page, PageRequest};
use crate::store::StoreError;

/// A page of the company's users, in the order they were added.
pub async fn list_users(
    gate: &Gate,
    actor: Actor,
    company_id: String,
    request: PageRequest,
) -> Result<Page<UserRow>, IdentityError> {
    gate.read(move |conn, authz| users::list_users(conn, authz, &actor, &company_id, &request))
        .await
}

/// Every user of the company, for pages that name people.
pub async fn all_users(
    gate: &Gate,
    actor: Actor,
    company_id: String,
) -> Result<Vec<UserRow>, IdentityError> {
    gate.read(move |conn, authz| {
        every_page(|request| users::list_users(conn, authz, &actor, &company_id, request))
    })
    .await
}

/// Adds a user with `password`, or without one and with an invitation token (returned).
pub async fn add_user(
    gate: &Gate,
    actor: Actor,
    company_id: String,
    new_user: NewUser,
    password: Option<Password>,
) -> Result<(UserRow, Option<String>), IdentityError> {
    // Hashed before the action: the action runs in a group commit that must not wait on it.
    let password_hash = tokio::task::spawn_blocking(move || password.as_ref().map(passwords::hash))
        .await
        .map_err(|_| StoreError::Canceled)?;
    gate.act(move |conn, authz| {
        let new_user = NewUser {
            password_hash: password_hash.clone(),
            ..new_user.clone()
        };
        users::add_user(conn, authz, &actor, &company_id, new_user)
    })
    .await
}

pub async fn get_user(
    gate: &Gate,
    actor: Actor,
    company_id: String,
    user_id: String,
) -> Result<UserRow, IdentityError> {
    gate.read(move |conn, authz| users::get_user(conn, authz, &actor, &company_id, &user_id))
        .await
}

/// Changes a user's role or name, from the version the caller saw.
pub async fn update_user(
    gate: &Gate,
    actor: Actor,
    (company_id, user_id): (String, String),
    changes: UserChanges,
) -> Result<UserRow, IdentityError> {
    gate.act(move |conn, authz| {
        users::update_user(conn, authz, &actor, &company_id, &user_id, changes.clone())
    })
    .await
}

/// Disables a user; all their sessions end at once.
pub async fn disable_user(
    gate: &Gate,
    actor: Actor,
    company_id: String,
    user_id: String,
) -> Result<UserRow, IdentityError> {
    gate.act(move |conn, authz| users::disable_user(conn, authz, &actor, &company_id, &user_id))
        .await
}

/// Re-enables a user, if the plan has a seat for them.
pub async fn enable_user(
    gate: &Gate,
    actor: Actor,
    company_id: String,
    user_id: String,
) -> Result<UserRow, IdentityError> {
    gate.act(move |conn, authz| users::enable_user(conn, authz, &actor, &company_id, &user_id))
        .await
}
