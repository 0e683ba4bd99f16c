//! Users of a company: list, add within the plan's seats, change, disable and re-enable.

use diesel::dsl::count_star;
use diesel::prelude::*;

use super::companies::{email_taken_or, lock_company};
use super::end_reasons::EndReason;
use super::fields::{DisplayName, Email};
use super::models::{status, CompanyRow, UserRow};
use super::sessions::end_user_sessions;
use super::{IdentityError, Plan, Role};
use crate::authz::{Action, Actor, Authz, Options, Resource};
use crate::paging::{Page, PageRequest};
use crate::roles::takes_billable_seat;
use crate::store::schema::users;
use crate::store::DbConnection;
use crate::tokens::hash_token;

/// A user to add, parsed. Without a password hash, an invitation token is issued instead.
#[derive(Debug, Clone)]
pub struct NewUser {
    pub email: Email,
    pub display_name: DisplayName,
    pub role: Role,
    pub password_hash: Option<String>,
}

/// Changes to a user, from the version the caller saw.
#[derive(Debug, Clone)]
pub struct UserChanges {
    pub expected_version: i64,
    pub role: Option<Role>,
    pub display_name: Option<DisplayName>,
}

/// A page of the company's users, in the order they were added (ids grow with time).
pub fn list_users(
    conn: &mut DbConnection,
    authz: &Authz,
    actor: &Actor,
    company_id: &str,
    request: &PageRequest,
) -> Result<Page<UserRow>, IdentityError> {
    let resource = Resource::user("all", company_id, "", true);
    authz.authorize(
        conn,
        actor,
        Action::ViewUsers,
        &resource,
        Options::default(),
    )?;
    let rows = users::table
        .filter(users::company_id.eq(company_id))
        .filter(users::id.gt(request.after()))
        .order(users::id.asc())
        .limit(request.fetch())
        .select(UserRow::as_select())
        .load(conn)?;
    Ok(Page::cut(
        rows,
        request.limit,
        |row| vec![row.id.clone()],
        |row| row,
    ))
}

pub fn get_user(
    conn: &mut DbConnection,
    authz: &Authz,
    actor: &Actor,
    company_id: &str,
    user_id: &str,
) -> Result<UserRow, IdentityError> {
    let user = authorized_user(conn, (authz, actor), company_id, user_id, Action::ViewUsers)?;
    Ok(user)
}

/// Adds a user; returns it and, when it was added without a password, its invitation token.
pub fn add_user(
    conn: &mut DbConnection,
    authz: &Authz,
    actor: &Actor,
    company_id: &str,
    new_user: NewUser,
) -> Result<(UserRow, Option<String>), IdentityError> {
    let resource = Resource::user("new", company_id, new_user.role.as_str(), true);
    authz.authorize(conn, actor, Action::AddUser, &resource, Options::default())?;
    if new_user.role == Role::PrimaryAdmin {
        return Err(IdentityError::PrimaryAdminRequired);
    }
    let company = lock_company(conn, company_id)?;
    ensure_seat_for(conn, &company, new_user.role, None)?;
    let invitation = new_user
        .password_hash
        .is_none()
        .then(|| format!("swi_{}", uuid::Uuid::new_v4().simple()));
    let now = crate::clock::now();
    let user = UserRow {
        id: uuid::Uuid::now_v7().to_string(),
        company_id: company_id.to_owned(),
        email: new_user.email.as_str().to_owned(),
        display_name: new_user.display_name.as_str().to_owned(),
        role: new_user.role.as_str().to_owned(),
        status: if invitation.is_some() {
            status::INVITED
        } else {
            status::ACTIVE
        }
        .to_owned(),
        password_hash: new_user.password_hash,
        invitation_hash: invitation.as_deref().map(hash_token),
        version: 1,
        created_at: now,
        updated_at: now,
    };
    diesel::insert_into(users::table)
        .values(&user)
        .execute(conn)
        .map_err(email_taken_or)?;
    Ok((user, invitation))
}

pub fn update_user(
    conn: &mut DbConnection,
    authz: &Authz,
    actor: &Actor,
    company_id: &str,
    user_id: &str,
    changes: UserChanges,
) -> Result<UserRow, IdentityError> {
    let user = find_user(conn, company_id, user_id)?;
    let options = Options {
        requested_role: changes.role,
        ..Options::default()
    };
    authz.authorize(
        conn,
        actor,
        Action::UpdateUser,
        &as_resource(&user),
        options,
    )?;
    if user.version != changes.expected_version {
        return Err(IdentityError::Conflict {
            expected: changes.expected_version,
            current: Box::new(user.into()),
        });
    }
    let current_role = Role::parse(&user.role);
    if let Some(role) = changes.role.filter(|role| Some(*role) != current_role) {
        if role == Role::PrimaryAdmin || current_role == Some(Role::PrimaryAdmin) {
            return Err(IdentityError::PrimaryAdminRequired);
        }
        let company = lock_company(conn, company_id)?;
        if counts_as_seat_holder(&user.status) {
            ensure_seat_for(conn, &company, role, Some(&user.id))?;
        }
    }
    diesel::update(users::table.find(&user.id))
        .filter(users::version.eq(user.version))
        .set((
            users::role.eq(changes
                .role
                .map_or(user.role.clone(), |r| r.as_str().to_owned())),
            users::display_name.eq(changes
                .display_name
                .map_or(user.display_name.clone(), |n| n.as_str().to_owned())),
            users::version.eq(user.version + 1),
            users::updated_at.eq(crate::clock::now()),
        ))
        .execute(conn)?;
    find_user(conn, company_id, user_id)
}

/// Disables a user and ends all their sessions in the same transaction.
pub fn disable_user(
    conn: &mut DbConnection,
    authz: &Authz,
    actor: &Actor,
    company_id: &str,
    user_id: &str,
) -> Result<UserRow, IdentityError> {
    let user = authorized_user(
        conn,
        (authz, actor),
        company_id,
        user_id,
        Action::DisableUser,
    )?;
    if user.role == Role::PrimaryAdmin.as_str() {
        return Err(IdentityError::PrimaryAdminRequired);
    }
    let disabled = set_status(conn, &user, status::DISABLED)?;
    end_user_sessions(conn, &user.id, EndReason::UserDisabled)?;
    Ok(disabled)
}

/// Re-enables a user, if a seat is free for their role.
pub fn enable_user(
    conn: &mut DbConnection,
    authz: &Authz,
    actor: &Actor,
    company_id: &str,
    user_id: &str,
) -> Result<UserRow, IdentityError> {
    let user = authorized_user(
        conn,
        (authz, actor),
        company_id,
        user_id,
        Action::EnableUser,
    )?;
    if user.status != status::DISABLED {
        return Ok(user);
    }
    let company = lock_company(conn, company_id)?;
    let role = Role::parse(&user.role).unwrap_or(Role::StandardAll);
    ensure_seat_for(conn, &company, role, Some(&user.id))?;
    let new_status = if user.password_hash.is_some() {
        status::ACTIVE
    } else {
        status::INVITED
    };
    set_status(conn, &user, new_status)
}

/// Sets the password of an invited user from their invitation token.
pub fn accept_invitation(
    conn: &mut DbConnection,
    token: &str,
    password_hash: String,
) -> Result<UserRow, IdentityError> {
    let user: UserRow = users::table
        .filter(users::invitation_hash.eq(hash_token(token)))
        .filter(users::status.eq(status::INVITED))
        .select(UserRow::as_select())
        .get_result(conn)
        .optional()?
        .ok_or(IdentityError::NotFound)?;
    diesel::update(users::table.find(&user.id))
        .set((
            users::password_hash.eq(Some(password_hash)),
            users::invitation_hash.eq(None::<String>),
            users::status.eq(status::ACTIVE),
            users::version.eq(user.version + 1),
            users::updated_at.eq(crate::clock::now()),
        ))
        .execute(conn)?;
    find_user(conn, &user.company_id, &user.id)
}

pub fn find_user(
    conn: &mut DbConnection,
    company_id: &str,
    user_id: &str,
) -> Result<UserRow, IdentityError> {
    users::table
        .filter(users::id.eq(user_id))
        .filter(users::company_id.eq(company_id))
        .select(UserRow::as_select())
        .get_result(conn)
        .optional()?
        .ok_or(IdentityError::NotFound)
}

/// The company's user `user_id`, once `actor` is allowed `action` on them.
fn authorized_user(
    conn: &mut DbConnection,
    (authz, actor): (&Authz, &Actor),
    company_id: &str,
    user_id: &str,
    action: Action,
) -> Result<UserRow, IdentityError> {
    let user = find_user(conn, company_id, user_id)?;
    authz.authorize(conn, actor, action, &as_resource(&user), Options::default())?;
    Ok(user)
}

fn as_resource(user: &UserRow) -> Resource {
    Resource::user(
        &user.id,
        &user.company_id,
        &user.role,
        user.status == status::ACTIVE,
    )
}

fn set_status(
    conn: &mut DbConnection,
    user: &UserRow,
    status: &str,
) -> Result<UserRow, IdentityError> {
    diesel::update(users::table.find(&user.id))
        .set((
            users::status.eq(status),
            users::version.eq(user.version + 1),
            users::updated_at.eq(crate::clock::now()),
        ))
        .execute(conn)?;
    find_user(conn, &user.company_id, &user.id)
}

/// Disabled users free their seat; invited and external ones hold it.
fn counts_as_seat_holder(user_status: &str) -> bool {
    user_status != status::DISABLED
}

/// Refuses when a user of `role` (replacing `except`, if any) would take a billable seat the
/// plan does not have. Runs after `lock_company`, so the count cannot change under it.
fn ensure_seat_for(
    conn: &mut DbConnection,
    company: &CompanyRow,
    role: Role,
    except: Option<&str>,
) -> Result<(), IdentityError> {
    let plan = Plan::parse(&company.plan).unwrap_or(Plan::Custom);
    if !role.is_billable() && role != Role::Accountant {
        if !plan.admits_free_role(role) {
            return Err(IdentityError::RoleNotInPlan {
                plan: plan.as_str(),
                role: role.as_str(),
            });
        }
        return Ok(());
    }
    let holders: Vec<(String, i64)> = users::table
        .filter(users::company_id.eq(&company.id))
        .filter(users::status.ne(status::DISABLED))
        .filter(users::id.ne(except.unwrap_or("")))
        .group_by(users::role)
        .select((users::role, count_star()))
        .load(conn)?;
    let count_of = |wanted: Role| {
        holders
            .iter()
            .filter(|(name, _)| Role::parse(name) == Some(wanted))
            .map(|(_, count)| *count)
            .sum::<i64>()
    };
    let accountants = count_of(Role::Accountant);
    let billable: i64 = Role::ALL
        .into_iter()
        .filter(|r| r.is_billable())
        .map(count_of)
        .sum::<i64>()
        + (accountants - plan.free_accountants()).max(0);
    let limit = plan.seat_limit(company.custom_seat_limit);
    if takes_billable_seat(role, plan, accountants) && billable >= limit {
        return Err(IdentityError::SeatLimitReached { limit, billable });
    }
    Ok(())
}
