//! Authorization's own use cases as both faces call them, over the gate: reading the
//! decision log, and the decision point's keys and callers.

use super::decision_log::{ChainCheck, DecisionFilter, DecisionRecord};
use super::decision_point::{self, ApiKeyRow};
use super::{decisions, Actor, AuthzError, Gate};

/// A page of the decision log, newest first, and the sequence number the next page starts
/// before.
pub type DecisionPage = (Vec<DecisionRecord>, Option<i64>);

/// One page of the company's decisions.
pub async fn list_decisions(
    gate: &Gate,
    actor: Actor,
    company_id: String,
    filter: DecisionFilter,
    limit: i64,
) -> Result<DecisionPage, AuthzError> {
    gate.read(move |conn, authz| {
        decisions::list_decisions(conn, authz, &actor, &company_id, &filter, limit)
    })
    .await
}

/// The company's hash chain re-computed; names the first broken record.
pub async fn verify_decisions(
    gate: &Gate,
    actor: Actor,
    company_id: String,
) -> Result<ChainCheck, AuthzError> {
    gate.read(move |conn, authz| decisions::verify_decisions(conn, authz, &actor, &company_id))
        .await
}

/// One page of the company's decisions and, when `check`, the chain's check, on one snapshot.
pub async fn search_decisions(
    gate: &Gate,
    actor: Actor,
    company_id: String,
    (filter, limit): (DecisionFilter, i64),
    check: bool,
) -> Result<(DecisionPage, Option<ChainCheck>), AuthzError> {
    gate.read(move |conn, authz| {
        let page = decisions::list_decisions(conn, authz, &actor, &company_id, &filter, limit)?;
        let check = check
            .then(|| decisions::verify_decisions(conn, authz, &actor, &company_id))
            .transpose()?;
        Ok((page, check))
    })
    .await
}

/// Lets an admin session use the decision point; that use is itself a logged decision.
pub async fn authorize_session_caller(gate: &Gate, actor: Actor) -> Result<(), AuthzError> {
    gate.act(move |conn, authz| decision_point::authorize_session_caller(conn, authz, &actor))
        .await
}

/// Issues a key for the company's external apps; the key is returned once.
pub async fn create_api_key(
    gate: &Gate,
    actor: Actor,
    company_id: String,
    name: String,
) -> Result<(ApiKeyRow, String), AuthzError> {
    gate.act(move |conn, authz| {
        decision_point::create_api_key(conn, authz, &actor, &company_id, &name)
    })
    .await
}
