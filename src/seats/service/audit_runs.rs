//! One audit run: read a company's activity and compute what it shows (on a snapshot, off
//! the writer), then store the findings, the sessions' flags and the run. The alerts its
//! changes call for are queued by the caller, in the same transaction.

use chrono::{NaiveDateTime, TimeDelta};
use serde::Serialize;

use crate::authz::{Action, Actor, Authz, Options, Resource, ResourceKind};
use crate::clock::rfc3339;
use crate::identity::companies::find_company;
use crate::seats::advice::SeatAdvice;
use crate::seats::audit::{audit_company, AuditOutcome, AuditSettings};
use crate::seats::error::SeatsError;
use crate::seats::plans::{EffectiveSeats, SeatCount};
use crate::seats::records::{AuditRunRow, FindingView};
use crate::seats::storage::{self, finding_upserts::FindingChanges};
use crate::store::{pacing, replay_position, DbConnection, ReplayPosition};

/// How the auditor runs: its tuning, the idle timeout that cuts imported sessions, and how
/// far back it looks.
#[derive(Debug, Clone)]
pub struct AuditConfig {
    pub settings: AuditSettings,
    pub idle_timeout: TimeDelta,
    pub lookback: TimeDelta,
}

/// What one audit run found and changed.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct AuditSummary {
    pub run_id: String,
    pub audited_at: String,
    pub sessions_audited: i64,
    pub logins_audited: i64,
    /// Billable seats against the plan (as in GET seats).
    #[schema(value_type = Object)]
    pub seats: SeatCount,
    /// People behind the billable logins against the plan.
    #[schema(value_type = Object)]
    pub effective: EffectiveSeats,
    #[schema(value_type = Object)]
    pub advice: SeatAdvice,
    pub changes: FindingChanges,
    /// Open sessions flagged as shared after this run.
    pub flagged_sessions: usize,
    /// The findings this run saw, as stored now.
    pub findings: Vec<FindingView>,
    /// Findings this run no longer saw over the lookback, which it resolved.
    pub resolved_by_audit: Vec<FindingView>,
    /// Where the read replica stood when the audit read its input (`database_read_url`):
    /// the audit saw the primary's writes up to there. Absent when it read the primary.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub read_replica_at: Option<ReplayPosition>,
}

/// What an audit computed from one snapshot of the company, before it is stored.
pub struct AuditSnapshot {
    pub(super) company_id: String,
    pub(super) now: NaiveDateTime,
    pub(super) sessions_audited: usize,
    pub(super) outcome: AuditOutcome,
    pub(super) read_replica_at: Option<ReplayPosition>,
}

/// Reads and computes the audit (admins): the first half of running it, which needs no write.
pub fn audit_snapshot(
    conn: &mut DbConnection,
    authz: &Authz,
    actor: &Actor,
    company_id: &str,
    config: &AuditConfig,
) -> Result<AuditSnapshot, SeatsError> {
    let resource = Resource::company_wide(ResourceKind::Settings, company_id);
    authz.authorize(conn, actor, Action::RunAudit, &resource, Options::default())?;
    read_audit(conn, company_id, config)
}

/// Reads the audit's input and computes its outcome. Unchecked: callers authorize.
pub fn read_audit(
    conn: &mut DbConnection,
    company_id: &str,
    config: &AuditConfig,
) -> Result<AuditSnapshot, SeatsError> {
    // First in the transaction, so that the position and the snapshot read are one moment.
    let read_replica_at = replay_position(conn)?;
    let company = find_company(conn, company_id)?;
    let now = crate::clock::now();
    let input = storage::inputs::load_audit_input(
        conn,
        &company,
        now - config.lookback,
        config.idle_timeout,
    )?;
    // One long computation: in a read on a snapshot, it too waits for the writes in flight.
    let outcome = pacing::step(|| audit_company(&input, &config.settings, now.and_utc()));
    Ok(AuditSnapshot {
        company_id: company_id.to_owned(),
        now,
        sessions_audited: input.sessions.len(),
        outcome,
        read_replica_at,
    })
}

/// Stores what an audit found: findings, session flags and the run. Unchecked: callers
/// authorize.
pub fn store_audit(
    conn: &mut DbConnection,
    snapshot: &AuditSnapshot,
    triggered_by: &str,
) -> Result<AuditSummary, SeatsError> {
    let AuditSnapshot {
        company_id,
        now,
        sessions_audited,
        outcome,
        read_replica_at,
    } = snapshot;
    let (company_id, now) = (company_id.as_str(), *now);
    let changes =
        storage::finding_upserts::save_findings(conn, company_id, &outcome.findings, now)?;
    let flagged_sessions = storage::flags::sync_flags(conn, company_id)?;
    let prints: Vec<&str> = outcome
        .findings
        .iter()
        .map(|draft| draft.fingerprint.as_str())
        .collect();
    let findings = storage::findings::findings_by_fingerprint(conn, company_id, &prints)?;
    let resolved_by_audit =
        storage::findings::findings_by_fingerprint(conn, company_id, &changes.resolved_by_audit())?;
    let open = findings.iter().filter(|row| !row.is_resolved()).count();
    let run = AuditRunRow {
        id: uuid::Uuid::now_v7().to_string(),
        company_id: company_id.to_owned(),
        ran_at: now,
        triggered_by: triggered_by.to_owned(),
        sessions_audited: count(*sessions_audited),
        logins_audited: count(outcome.logins.len()),
        findings_open: count(open),
        summary: serde_json::json!({
            "seats": outcome.seats,
            "effective": outcome.effective,
            "advice": outcome.advice,
            "changes": changes,
            "read_replica_at": read_replica_at,
        })
        .to_string(),
    };
    storage::runs::record_run(conn, &run)?;
    Ok(AuditSummary {
        run_id: run.id,
        audited_at: rfc3339(now),
        sessions_audited: run.sessions_audited,
        logins_audited: run.logins_audited,
        seats: outcome.seats.clone(),
        effective: outcome.effective.clone(),
        advice: outcome.advice.clone(),
        changes,
        flagged_sessions,
        findings: findings.into_iter().map(FindingView::from).collect(),
        resolved_by_audit: resolved_by_audit
            .into_iter()
            .map(FindingView::from)
            .collect(),
        read_replica_at: read_replica_at.clone(),
    })
}

fn count(items: usize) -> i64 {
    i64::try_from(items).unwrap_or(i64::MAX)
}
