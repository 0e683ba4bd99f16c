//! The seat auditor's use cases as both faces call them, each over the gate: reads run on a
//! snapshot off the writer, changes in the writer's group commit. Running the audit, which
//! also queues alerts, is `alerts::operations::run_audit`.

use chrono::NaiveDate;

use super::error::SeatsError;
use super::import::ParsedImport;
use super::records::FindingRow;
use super::service::audit_runs::AuditConfig;
use super::service::enforcement;
use super::service::finding_pages::{self, FindingPageRead, FindingsRead, OverviewRead};
use super::service::findings::{self, StateChange};
use super::service::imports::{self, ImportReport};
use super::service::seat_counts::{self, SeatAdviceView, SeatsView};
use super::setting_views::{EnforcementView, SeatAuditSettingsView};
use super::settings;
use super::storage::findings::{FindingFilter, FindingPageRequest};
use crate::authz::{Actor, Authz, Gate};
use crate::identity::enforcement::EnforcementMode;
use crate::paging::Page;
use crate::store::DbConnection;

/// Billable seats against the plan, with the people behind them.
pub async fn seats(gate: &Gate, actor: Actor, company_id: String) -> Result<SeatsView, SeatsError> {
    read_company(gate, actor, company_id, seat_counts::seats).await
}

/// The seats, every finding with the people it names and its shared days, and the latest
/// audits, read together: the company at a glance.
pub async fn overview(
    gate: &Gate,
    actor: Actor,
    company_id: String,
    config: AuditConfig,
) -> Result<OverviewRead, SeatsError> {
    read_company(
        gate,
        actor,
        company_id,
        move |conn, authz, actor, company_id| {
            finding_pages::overview_read(conn, authz, actor, company_id, &config)
        },
    )
    .await
}

/// The cheapest honest plan for the people observed, from an audit of the data as it is.
pub async fn seat_advice(
    gate: &Gate,
    actor: Actor,
    company_id: String,
    config: AuditConfig,
) -> Result<SeatAdviceView, SeatsError> {
    read_company(
        gate,
        actor,
        company_id,
        move |conn, authz, actor, company_id| {
            seat_counts::seat_advice(conn, authz, actor, company_id, &config)
        },
    )
    .await
}

/// One page of the company's findings.
pub async fn list_findings(
    gate: &Gate,
    actor: Actor,
    company_id: String,
    filter: FindingFilter,
    request: FindingPageRequest,
) -> Result<Page<FindingRow>, SeatsError> {
    read_company(
        gate,
        actor,
        company_id,
        move |conn, authz, actor, company_id| {
            findings::list_findings(conn, authz, actor, company_id, filter, &request)
        },
    )
    .await
}

/// Every finding of the company that passes `filter`, most severe then most recent first,
/// with the people they name and each shared login's shared days, in one snapshot.
pub async fn all_findings(
    gate: &Gate,
    actor: Actor,
    company_id: String,
    filter: FindingFilter,
    config: AuditConfig,
) -> Result<FindingsRead, SeatsError> {
    read_company(
        gate,
        actor,
        company_id,
        move |conn, authz, actor, company_id| {
            finding_pages::findings_read(conn, authz, actor, company_id, filter, &config)
        },
    )
    .await
}

/// One finding with its evidence.
pub async fn finding(
    gate: &Gate,
    actor: Actor,
    company_id: String,
    finding_id: String,
) -> Result<FindingRow, SeatsError> {
    read_company(
        gate,
        actor,
        company_id,
        move |conn, authz, actor, company_id| {
            findings::get_finding(conn, authz, actor, company_id, &finding_id)
        },
    )
    .await
}

/// One finding with its login's sessions on `day` (by default the day of its proof), the
/// days its login was shared, the shared-login findings it sums up and the people it names.
pub async fn finding_page(
    gate: &Gate,
    actor: Actor,
    company_id: String,
    finding_id: String,
    day: Option<NaiveDate>,
    config: AuditConfig,
) -> Result<FindingPageRead, SeatsError> {
    read_company(
        gate,
        actor,
        company_id,
        move |conn, authz, actor, company_id| {
            let ids = (company_id, finding_id.as_str());
            finding_pages::finding_page(conn, authz, actor, ids, day, &config)
        },
    )
    .await
}

/// Acknowledges, resolves or reopens a finding, from the version seen.
pub async fn change_finding_state(
    gate: &Gate,
    actor: Actor,
    company_id: String,
    finding_id: String,
    change: StateChange,
) -> Result<FindingRow, SeatsError> {
    act_on_company(
        gate,
        actor,
        company_id,
        move |conn, authz, actor, company_id| {
            findings::change_finding_state(
                conn,
                authz,
                actor,
                company_id,
                &finding_id,
                change.clone(),
            )
        },
    )
    .await
}

/// Stores another app's sign-in events and creates their unknown logins.
pub async fn import_session_events(
    gate: &Gate,
    actor: Actor,
    company_id: String,
    parsed: ParsedImport,
) -> Result<ImportReport, SeatsError> {
    act_on_company(
        gate,
        actor,
        company_id,
        move |conn, authz, actor, company_id| {
            imports::import_session_events(conn, authz, actor, company_id, parsed.clone())
        },
    )
    .await
}

/// The company's enforcement mode for concurrent sessions.
pub async fn enforcement(
    gate: &Gate,
    actor: Actor,
    company_id: String,
) -> Result<EnforcementView, SeatsError> {
    read_company(gate, actor, company_id, enforcement::enforcement).await
}

/// Changes the enforcement mode, from the company settings' version seen.
pub async fn set_enforcement(
    gate: &Gate,
    actor: Actor,
    company_id: String,
    mode: EnforcementMode,
    expected_version: i64,
) -> Result<EnforcementView, SeatsError> {
    act_on_company(
        gate,
        actor,
        company_id,
        move |conn, authz, actor, company_id| {
            enforcement::set_enforcement(conn, authz, actor, company_id, mode, expected_version)
        },
    )
    .await
}

/// Whether probable (hand-over) sharing counts in the seats and the advice.
pub async fn seat_audit_settings(
    gate: &Gate,
    actor: Actor,
    company_id: String,
) -> Result<SeatAuditSettingsView, SeatsError> {
    read_company(gate, actor, company_id, settings::seat_audit_settings).await
}

/// Changes the seat-audit settings, from the company settings' version seen.
pub async fn set_seat_audit_settings(
    gate: &Gate,
    actor: Actor,
    company_id: String,
    count_probable_sharing: bool,
    expected_version: i64,
) -> Result<SeatAuditSettingsView, SeatsError> {
    act_on_company(
        gate,
        actor,
        company_id,
        move |conn, authz, actor, company_id| {
            let count = count_probable_sharing;
            settings::set_seat_audit_settings(
                conn,
                authz,
                actor,
                company_id,
                count,
                expected_version,
            )
        },
    )
    .await
}

/// Reads one company's data as `actor` on a snapshot off the writer.
async fn read_company<T, F>(
    gate: &Gate,
    actor: Actor,
    company_id: String,
    read: F,
) -> Result<T, SeatsError>
where
    F: FnOnce(&mut DbConnection, &Authz, &Actor, &str) -> Result<T, SeatsError> + Send + 'static,
    T: Send + 'static,
{
    gate.read(move |conn, authz| read(conn, authz, &actor, &company_id))
        .await
}

/// Changes one company's data as `actor` in the writer's group commit (`act` may run twice).
async fn act_on_company<T, F>(
    gate: &Gate,
    actor: Actor,
    company_id: String,
    act: F,
) -> Result<T, SeatsError>
where
    F: Fn(&mut DbConnection, &Authz, &Actor, &str) -> Result<T, SeatsError> + Send + 'static,
    T: Send + 'static,
{
    gate.act(move |conn, authz| act(conn, authz, &actor, &company_id))
        .await
}
