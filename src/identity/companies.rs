//! Sign-up: a company and its primary admin, created together.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::fields::{DisplayName, Email};
use super::models::{status, CompanyRow, UserRow};
use super::{IdentityError, Plan, Role};
use crate::authz::{Action, Actor, Authz, Options, Refusal, Resource, ResourceKind};
use crate::i18n::Locale;
use crate::store::schema::{companies, users};
use crate::store::{is_unique_violation, DbConnection};

/// A sign-up, parsed. The password arrives already hashed: hashing stays out of the
/// transaction.
#[derive(Debug, Clone)]
pub struct Signup {
    pub company_name: DisplayName,
    pub plan: Plan,
    pub custom_seat_limit: Option<i64>,
    pub locale: Locale,
    pub email: Email,
    pub display_name: DisplayName,
    pub password_hash: String,
}

pub fn create_company(
    conn: &mut DbConnection,
    signup: Signup,
) -> Result<(CompanyRow, UserRow), IdentityError> {
    let now = crate::clock::now();
    let company = CompanyRow {
        id: uuid::Uuid::now_v7().to_string(),
        name: signup.company_name.as_str().to_owned(),
        plan: signup.plan.as_str().to_owned(),
        custom_seat_limit: signup.custom_seat_limit,
        locale: signup.locale.as_str().to_owned(),
        enforcement_mode: "monitor".to_owned(),
        sod_enabled: true,
        closing_date: None,
        version: 1,
        lock_seq: 0,
        created_at: now,
        updated_at: now,
    };
    let admin = UserRow {
        id: uuid::Uuid::now_v7().to_string(),
        company_id: company.id.clone(),
        email: signup.email.as_str().to_owned(),
        display_name: signup.display_name.as_str().to_owned(),
        role: Role::PrimaryAdmin.as_str().to_owned(),
        password_hash: Some(signup.password_hash),
        status: status::ACTIVE.to_owned(),
        invitation_hash: None,
        version: 1,
        created_at: now,
        updated_at: now,
    };
    diesel::insert_into(companies::table)
        .values(&company)
        .execute(conn)?;
    crate::authz::decision_log::start_chain(conn, &company.id)?;
    diesel::insert_into(users::table)
        .values(&admin)
        .execute(conn)
        .map_err(email_taken_or)?;
    // The books start with the default chart, counters and closing date, in this transaction.
    crate::books::accounts::seed_company(conn, &company.id)?;
    Ok((company, admin))
}

pub fn find_company(
    conn: &mut DbConnection,
    company_id: &str,
) -> Result<CompanyRow, IdentityError> {
    companies::table
        .find(company_id)
        .select(CompanyRow::as_select())
        .get_result(conn)
        .optional()?
        .ok_or(IdentityError::NotFound)
}

/// Bumps the company's lock counter: the first write of a transaction that counts seats, so
/// that concurrent counters of one company queue instead of both taking the last seat.
pub fn lock_company(
    conn: &mut DbConnection,
    company_id: &str,
) -> Result<CompanyRow, IdentityError> {
    diesel::update(companies::table.find(company_id))
        .set(companies::lock_seq.eq(companies::lock_seq + 1))
        .execute(conn)?;
    find_company(conn, company_id)
}

pub(crate) fn email_taken_or(error: diesel::result::Error) -> IdentityError {
    if is_unique_violation(&error) {
        IdentityError::EmailTaken
    } else {
        error.into()
    }
}

/// What every page shows of the company: its name, and how its people read times.
#[derive(Debug, Clone, PartialEq, Eq, Queryable)]
pub struct CompanyHeader {
    pub name: String,
    pub locale: String,
    /// An IANA zone name; empty: the language's default (see `zone`).
    pub time_zone: String,
}

impl CompanyHeader {
    /// The zone times are shown in: the company's setting, else Europe/Paris for a French
    /// company (our first users) and UTC for the others.
    pub fn zone(&self) -> chrono_tz::Tz {
        self.time_zone
            .parse()
            .unwrap_or(match Locale::parse(&self.locale) {
                Some(Locale::Fr) => chrono_tz::Europe::Paris,
                _ => chrono_tz::UTC,
            })
    }
}

pub fn find_header(conn: &mut DbConnection, company_id: &str) -> QueryResult<CompanyHeader> {
    companies::table
        .find(company_id)
        .select((companies::name, companies::locale, companies::time_zone))
        .get_result(conn)
}

/// Authorizes an edit of the company settings and moves their version from
/// `expected_version` to the next. False when someone changed them first: the caller then
/// writes nothing and answers with the current settings.
pub fn claim_settings_version<E>(
    conn: &mut DbConnection,
    authz: &Authz,
    actor: &Actor,
    company_id: &str,
    expected_version: i64,
) -> Result<bool, E>
where
    E: From<Refusal> + From<diesel::result::Error>,
{
    let resource = Resource::company_wide(ResourceKind::Settings, company_id);
    authz.authorize(
        conn,
        actor,
        Action::EditSettings,
        &resource,
        Options::default(),
    )?;
    let now: NaiveDateTime = crate::clock::now();
    let written = diesel::update(companies::table.find(company_id))
        .filter(companies::version.eq(expected_version))
        .set((
            companies::version.eq(expected_version + 1),
            companies::updated_at.eq(now),
        ))
        .execute(conn)?;
    Ok(written > 0)
}
