//! The company's language and time zone: how its pages and mails read to its people.
//! Versioned with the other company settings (enforcement, seat audit) and changed like them:
//! `EditSettings`, from the version of the company settings seen.

use diesel::prelude::*;
use serde::Serialize;

use super::companies::{claim_settings_version, find_header};
use super::fields::TimeZoneName;
use super::IdentityError;
use crate::authz::{Action, Actor, Authz, Options, Resource, ResourceKind};
use crate::i18n::Locale;
use crate::store::schema::companies;
use crate::store::DbConnection;

/// The company's language and time zone, with the version of the company settings.
#[derive(Debug, Clone, Serialize, PartialEq, utoipa::ToSchema)]
pub struct LocaleSettingsView {
    /// en or fr: the language of the pages and mails when the reader's browser names neither.
    pub locale: String,
    /// An IANA time zone such as Europe/Paris; empty: the language's default.
    pub time_zone: String,
    /// The zone times are shown in: `time_zone`, else Europe/Paris for French, UTC otherwise.
    pub time_zone_in_use: String,
    pub version: i64,
}

/// A change of language and time zone, parsed.
#[derive(Debug, Clone)]
pub struct LocaleChange {
    pub locale: Locale,
    pub time_zone: TimeZoneName,
}

/// Read as the other company settings are read: with the seats (`ViewSeats`).
pub fn locale_settings(
    conn: &mut DbConnection,
    authz: &Authz,
    actor: &Actor,
    company_id: &str,
) -> Result<LocaleSettingsView, IdentityError> {
    let resource = Resource::company_wide(ResourceKind::AuditData, company_id);
    authz.authorize(
        conn,
        actor,
        Action::ViewSeats,
        &resource,
        Options::default(),
    )?;
    current(conn, company_id)
}

fn current(conn: &mut DbConnection, company_id: &str) -> Result<LocaleSettingsView, IdentityError> {
    let header = find_header(conn, company_id)
        .optional()?
        .ok_or(IdentityError::NotFound)?;
    let version = companies::table
        .find(company_id)
        .select(companies::version)
        .get_result(conn)?;
    Ok(LocaleSettingsView {
        time_zone_in_use: header.zone().name().to_owned(),
        locale: header.locale,
        time_zone: header.time_zone,
        version,
    })
}

pub fn set_locale_settings(
    conn: &mut DbConnection,
    authz: &Authz,
    actor: &Actor,
    company_id: &str,
    change: LocaleChange,
    expected_version: i64,
) -> Result<LocaleSettingsView, IdentityError> {
    let claimed =
        claim_settings_version::<IdentityError>(conn, authz, actor, company_id, expected_version)?;
    if claimed {
        diesel::update(companies::table.find(company_id))
            .set((
                companies::locale.eq(change.locale.as_str()),
                companies::time_zone.eq(change.time_zone.as_str()),
            ))
            .execute(conn)?;
    }
    let current = current(conn, company_id)?;
    if !claimed {
        return Err(IdentityError::SettingsConflict {
            expected: expected_version,
            current: Box::new(current),
        });
    }
    Ok(current)
}
