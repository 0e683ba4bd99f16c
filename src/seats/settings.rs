//! The company's seat-audit settings: whether seat counting and the advice count probable
//! sharing (hand-over estimates) or only what is proven. Versioned with the other company
//! settings, authorized like them.

use diesel::prelude::*;

use super::error::SeatsError;
use super::setting_views::SeatAuditSettingsView;
use crate::authz::{Action, Actor, Authz, Options, Resource, ResourceKind};
use crate::identity::companies::{claim_settings_version, find_company};
use crate::store::schema::companies;
use crate::store::DbConnection;

/// Whether the company counts probable sharing. Unchecked: a read for the audit itself.
pub fn counts_probable_sharing(conn: &mut DbConnection, company_id: &str) -> QueryResult<bool> {
    companies::table
        .find(company_id)
        .select(companies::count_probable_sharing)
        .get_result(conn)
}

/// Authorizes reading the company's seats, and the seat settings with them (`ViewSeats`).
pub fn authorize_seats_view(
    conn: &mut DbConnection,
    authz: &Authz,
    actor: &Actor,
    company_id: &str,
) -> Result<(), SeatsError> {
    let resource = Resource::company_wide(ResourceKind::AuditData, company_id);
    authz.authorize(
        conn,
        actor,
        Action::ViewSeats,
        &resource,
        Options::default(),
    )?;
    Ok(())
}

pub fn seat_audit_settings(
    conn: &mut DbConnection,
    authz: &Authz,
    actor: &Actor,
    company_id: &str,
) -> Result<SeatAuditSettingsView, SeatsError> {
    authorize_seats_view(conn, authz, actor, company_id)?;
    current(conn, company_id)
}

fn current(conn: &mut DbConnection, company_id: &str) -> Result<SeatAuditSettingsView, SeatsError> {
    let company = find_company(conn, company_id)?;
    Ok(SeatAuditSettingsView {
        count_probable_sharing: counts_probable_sharing(conn, company_id)?,
        version: company.version,
    })
}

pub fn set_seat_audit_settings(
    conn: &mut DbConnection,
    authz: &Authz,
    actor: &Actor,
    company_id: &str,
    count_probable_sharing: bool,
    expected_version: i64,
) -> Result<SeatAuditSettingsView, SeatsError> {
    let claimed =
        claim_settings_version::<SeatsError>(conn, authz, actor, company_id, expected_version)?;
    if claimed {
        diesel::update(companies::table.find(company_id))
            .set(companies::count_probable_sharing.eq(count_probable_sharing))
            .execute(conn)?;
    }
    let current = current(conn, company_id)?;
    if !claimed {
        return Err(SeatsError::SeatAuditSettingsConflict {
            expected: expected_version,
            current,
        });
    }
    Ok(current)
}
