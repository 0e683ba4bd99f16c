//! The alerts' use cases as both faces call them, each over the gate: it picks the
//! snapshot read or the writer, and holds the transaction.

use super::audits::store_and_alert;
use super::error::AlertsError;
use super::outbox::listing::AlertFilter;
use super::service::{self, AlertPage};
use super::settings::{self, AlertSettings};
use super::settings_view::AlertSettingsView;
use crate::authz::{Actor, Gate};
use crate::seats::service::audit_runs::{audit_snapshot, AuditConfig, AuditSummary};
use crate::seats::SeatsError;

/// Runs the audit now (admins): its input is read and computed on a snapshot off the
/// writer (on the read replica when there is one), which only stores what it found and
/// queues the alerts of what changed.
pub async fn run_audit(
    gate: &Gate,
    actor: Actor,
    company_id: String,
    config: AuditConfig,
) -> Result<AuditSummary, SeatsError> {
    let triggered_by = actor.user_id.clone();
    gate.read_long_then_act(
        move |conn, authz| audit_snapshot(conn, authz, &actor, &company_id, &config),
        move |conn, _, snapshot| store_and_alert(conn, snapshot, &triggered_by),
    )
    .await
}

/// Who is mailed about findings, from which severity, and whether a digest goes out.
pub async fn alert_settings(
    gate: &Gate,
    actor: Actor,
    company_id: String,
) -> Result<AlertSettingsView, AlertsError> {
    gate.read(move |conn, authz| settings::get_alert_settings(conn, authz, &actor, &company_id))
        .await
}

/// Replaces the alert settings, from the version seen.
pub async fn set_alert_settings(
    gate: &Gate,
    actor: Actor,
    company_id: String,
    update: AlertSettings,
    expected_version: i64,
) -> Result<AlertSettingsView, AlertsError> {
    gate.act(move |conn, authz| {
        settings::set_alert_settings(conn, authz, &actor, &company_id, &update, expected_version)
    })
    .await
}

/// A page of the company's mails, newest first.
pub async fn list_alerts(
    gate: &Gate,
    actor: Actor,
    company_id: String,
    filter: AlertFilter,
) -> Result<AlertPage, AlertsError> {
    gate.read(move |conn, authz| service::list_alerts(conn, authz, &actor, &company_id, &filter))
        .await
}
