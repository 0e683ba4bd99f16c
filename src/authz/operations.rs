//! Authorization's own use cases as both faces call them, over the gate: reading the
//! decision log, and the decision point's keys and callers.

use std::collections::HashMap;

use super::decision_log::{ChainCheck, DecisionFilter, DecisionRecord, Reads};
use super::decision_names::{self, Names, Person};
use super::decision_point::{self, ApiKeyRow};
use super::{decisions, load_company_setup, Actor, AuthzError, Gate};

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
    gate.read_long(move |conn, authz| {
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
    gate.read_long(move |conn, authz| decisions::verify_decisions(conn, authz, &actor, &company_id))
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
    gate.read_long(move |conn, authz| {
        let page = decisions::list_decisions(conn, authz, &actor, &company_id, &filter, limit)?;
        let check = check
            .then(|| decisions::verify_decisions(conn, authz, &actor, &company_id))
            .transpose()?;
        Ok((page, check))
    })
    .await
}

/// What the decision log's page shows, read on one snapshot.
pub struct LogPage {
    pub page: DecisionPage,
    /// The chain's check, when asked.
    pub check: Option<ChainCheck>,
    /// The people and records the page names.
    pub names: Names,
}

/// One page of the company's decisions, with or without the reads, the names it holds and,
/// when `check`, the chain's check.
pub async fn read_log(
    gate: &Gate,
    actor: Actor,
    company_id: String,
    (filter, reads, limit): (DecisionFilter, Reads, i64),
    check: bool,
) -> Result<LogPage, AuthzError> {
    gate.read_long(move |conn, authz| {
        let page =
            decisions::search_decisions(conn, authz, &actor, &company_id, &filter, reads, limit)?;
        let check = check
            .then(|| decisions::verify_decisions(conn, authz, &actor, &company_id))
            .transpose()?;
        let names = decision_names::names_in(conn, &company_id, &page.0)?;
        Ok(LogPage { page, check, names })
    })
    .await
}

/// Decisions for an export, with the company's people by id.
pub async fn export_log(
    gate: &Gate,
    actor: Actor,
    company_id: String,
    filter: DecisionFilter,
    limit: i64,
) -> Result<(Vec<DecisionRecord>, HashMap<String, Person>), AuthzError> {
    gate.read_long(move |conn, authz| {
        let (records, _) =
            decisions::list_decisions(conn, authz, &actor, &company_id, &filter, limit)?;
        let people = decision_names::people(conn, &company_id)?;
        Ok((records, people))
    })
    .await
}

/// One record of the log as an investigator reads it.
pub struct DecisionDetail {
    pub record: DecisionRecord,
    pub names: Names,
    /// The policies that decided it, by id, with their text when the version it was decided
    /// under can still be read.
    pub policies: Vec<(String, Option<String>)>,
}

/// One record of the company's log, the names it holds and the policies that decided it.
pub async fn decision_detail(
    gate: &Gate,
    actor: Actor,
    company_id: String,
    decision_id: String,
) -> Result<DecisionDetail, AuthzError> {
    gate.read(move |conn, authz| {
        let record = decisions::get_decision(conn, authz, &actor, &company_id, &decision_id)?;
        let names = decision_names::names_in(conn, &company_id, std::slice::from_ref(&record))?;
        let ids: Vec<&str> = record
            .policy_ids
            .split(',')
            .filter(|id| !id.is_empty())
            .collect();
        // The engine it was decided by, when it is the base or the company's active one: a
        // record names its policies' digest, and older versions are not kept built.
        let engine = if ids.is_empty() {
            None
        } else {
            let setup = load_company_setup(conn, &company_id)?;
            let active = authz
                .engines()
                .for_company(conn, &company_id, setup.policy_hash.as_deref())
                .ok();
            [Some(authz.engines().base().clone()), active]
                .into_iter()
                .flatten()
                .find(|engine| engine.version() == record.policy_version)
        };
        let policies = ids
            .into_iter()
            .map(|id| {
                let text = engine
                    .as_ref()
                    .and_then(|engine| engine.policy_text(id))
                    .map(|(_, text)| text);
                (id.to_owned(), text)
            })
            .collect();
        Ok(DecisionDetail {
            record,
            names,
            policies,
        })
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
