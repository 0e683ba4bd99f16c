//! An audit with its alerts: the audit stores what it found and returns what it changed;
//! the mails those changes call for are queued in the same transaction, so an alert exists
//! exactly when its finding change does.

use crate::authz::{Actor, Authz};
use crate::seats::service::audit_runs::{
    audit_snapshot, read_audit, store_audit, AuditConfig, AuditSnapshot, AuditSummary,
};
use crate::seats::SeatsError;
use crate::store::DbConnection;

use super::outbox::queue::queue_finding_alerts;

/// Stores an audit computed earlier and queues its alerts. Unchecked: callers authorize.
pub fn store_and_alert(
    conn: &mut DbConnection,
    snapshot: &AuditSnapshot,
    triggered_by: &str,
) -> Result<AuditSummary, SeatsError> {
    let summary = store_audit(conn, snapshot, triggered_by)?;
    queue_finding_alerts(conn, &summary.changes.transitions)?;
    Ok(summary)
}

/// Runs the audit now (admins), reading, storing and alerting in the caller's transaction.
pub fn run_audit(
    conn: &mut DbConnection,
    authz: &Authz,
    actor: &Actor,
    company_id: &str,
    config: &AuditConfig,
) -> Result<AuditSummary, SeatsError> {
    let snapshot = audit_snapshot(conn, authz, actor, company_id, config)?;
    store_and_alert(conn, &snapshot, &actor.user_id)
}

/// Audits one company, stores what it found and queues its alerts. Unchecked: callers
/// authorize (the command line and the scheduler).
pub fn audit_now(
    conn: &mut DbConnection,
    company_id: &str,
    config: &AuditConfig,
    triggered_by: &str,
) -> Result<AuditSummary, SeatsError> {
    let snapshot = read_audit(conn, company_id, config)?;
    store_and_alert(conn, &snapshot, triggered_by)
}
