//! Reading the decision log: filtered pages and the tamper check, for those allowed.

use super::decision_log::{self, ChainCheck, DecisionFilter, DecisionRecord, Reads};
use super::errors::AuthzError;
use super::{Action, Actor, Authz, Options, Resource, ResourceKind};
use crate::store::DbConnection;

/// Largest page a caller may ask for; CSV exports page through with the cursor.
pub const MAX_PAGE: i64 = 10_000;

pub fn list_decisions(
    conn: &mut DbConnection,
    authz: &Authz,
    actor: &Actor,
    company_id: &str,
    filter: &DecisionFilter,
    limit: i64,
) -> Result<(Vec<DecisionRecord>, Option<i64>), AuthzError> {
    search_decisions(conn, authz, actor, company_id, filter, Reads::Shown, limit)
}

/// [`list_decisions`], with or without the reads.
pub fn search_decisions(
    conn: &mut DbConnection,
    authz: &Authz,
    actor: &Actor,
    company_id: &str,
    filter: &DecisionFilter,
    reads: Reads,
    limit: i64,
) -> Result<(Vec<DecisionRecord>, Option<i64>), AuthzError> {
    authorize_view(conn, authz, actor, company_id)?;
    Ok(decision_log::list_where(
        conn,
        company_id,
        filter,
        reads,
        limit.clamp(1, MAX_PAGE),
    )?)
}

/// One record of the company's log.
pub fn get_decision(
    conn: &mut DbConnection,
    authz: &Authz,
    actor: &Actor,
    company_id: &str,
    decision_id: &str,
) -> Result<DecisionRecord, AuthzError> {
    authorize_view(conn, authz, actor, company_id)?;
    decision_log::find(conn, company_id, decision_id)?.ok_or(AuthzError::NotFound)
}

pub fn verify_decisions(
    conn: &mut DbConnection,
    authz: &Authz,
    actor: &Actor,
    company_id: &str,
) -> Result<ChainCheck, AuthzError> {
    authorize_view(conn, authz, actor, company_id)?;
    Ok(decision_log::verify(conn, company_id)?)
}

/// Reading a company's log is `view_decisions` on its audit data.
fn authorize_view(
    conn: &mut DbConnection,
    authz: &Authz,
    actor: &Actor,
    company_id: &str,
) -> Result<(), AuthzError> {
    let resource = Resource::company_wide(ResourceKind::AuditData, company_id);
    authz.authorize(
        conn,
        actor,
        Action::ViewDecisions,
        &resource,
        Options::default(),
    )?;
    Ok(())
}
