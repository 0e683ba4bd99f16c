//! The company's enforcement mode for concurrent sessions, read and changed from the version
//! of the company settings seen.

use diesel::prelude::*;

use crate::authz::{Actor, Authz};
use crate::identity::companies::claim_settings_version;
use crate::identity::companies::find_company;
use crate::identity::enforcement::EnforcementMode;
use crate::seats::error::SeatsError;
use crate::seats::setting_views::EnforcementView;
use crate::seats::settings::authorize_seats_view;
use crate::store::schema::companies;
use crate::store::DbConnection;

pub fn enforcement(
    conn: &mut DbConnection,
    authz: &Authz,
    actor: &Actor,
    company_id: &str,
) -> Result<EnforcementView, SeatsError> {
    authorize_seats_view(conn, authz, actor, company_id)?;
    current_enforcement(conn, company_id)
}

fn current_enforcement(
    conn: &mut DbConnection,
    company_id: &str,
) -> Result<EnforcementView, SeatsError> {
    let company = find_company(conn, company_id)?;
    Ok(EnforcementView {
        mode: company.enforcement_mode,
        version: company.version,
    })
}

pub fn set_enforcement(
    conn: &mut DbConnection,
    authz: &Authz,
    actor: &Actor,
    company_id: &str,
    mode: EnforcementMode,
    expected_version: i64,
) -> Result<EnforcementView, SeatsError> {
    let claimed =
        claim_settings_version::<SeatsError>(conn, authz, actor, company_id, expected_version)?;
    if claimed {
        diesel::update(companies::table.find(company_id))
            .set(companies::enforcement_mode.eq(mode.as_str()))
            .execute(conn)?;
    }
    let current = current_enforcement(conn, company_id)?;
    if !claimed {
        return Err(SeatsError::SettingsConflict {
            expected: expected_version,
            current,
        });
    }
    Ok(current)
}
