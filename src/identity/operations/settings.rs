//! The company's language and time zone, read and changed over the gate.

use crate::authz::{Actor, Gate};
use crate::identity::locale_settings::{self, LocaleChange, LocaleSettingsView};
use crate::identity::IdentityError;

/// The company's language and time zone, with the company settings' version.
pub async fn locale_settings(
    gate: &Gate,
    actor: Actor,
    company_id: String,
) -> Result<LocaleSettingsView, IdentityError> {
    gate.read(move |conn, authz| locale_settings::locale_settings(conn, authz, &actor, &company_id))
        .await
}

/// Changes the language and time zone, from the company settings' version seen.
pub async fn set_locale_settings(
    gate: &Gate,
    actor: Actor,
    company_id: String,
    change: LocaleChange,
    expected_version: i64,
) -> Result<LocaleSettingsView, IdentityError> {
    gate.act(move |conn, authz| {
        let change = change.clone();
        locale_settings::set_locale_settings(
            conn,
            authz,
            &actor,
            &company_id,
            change,
            expected_version,
        )
    })
    .await
}
