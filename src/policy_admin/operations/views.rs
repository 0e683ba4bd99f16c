//! Reading the policies: versions, differences, the access review and explanations, each
//! on a snapshot off the writer.

use std::collections::HashMap;

use crate::authz::decision_names::{self, Person};
use crate::authz::{Action, Actor, Gate, Options, Resource, ResourceKind};
use crate::policy_admin::access_review::AccessReview;
use crate::policy_admin::diff::PolicyDiff;
use crate::policy_admin::editor::{self, TestFileView};
use crate::policy_admin::errors::PolicyAdminError;
use crate::policy_admin::own_access::{self, OwnAccess};
use crate::policy_admin::service::{self, ExplainRequest, Explanation};
use crate::policy_admin::versions::{self, PolicyVersion, VersionSummary};

/// The person's company and what they may do in it, for the pages' menus and buttons.
pub async fn own_access(gate: &Gate, actor: Actor) -> Result<OwnAccess, PolicyAdminError> {
    gate.read(move |conn, authz| own_access::own_access(conn, authz, &actor))
        .await
}

/// The company's active policies and their version.
pub async fn active_version(
    gate: &Gate,
    actor: Actor,
    company_id: String,
) -> Result<PolicyVersion, PolicyAdminError> {
    gate.read(move |conn, authz| versions::active_version(conn, authz, &actor, &company_id))
        .await
}

/// Every version, newest first.
pub async fn list_versions(
    gate: &Gate,
    actor: Actor,
    company_id: String,
) -> Result<Vec<VersionSummary>, PolicyAdminError> {
    gate.read(move |conn, authz| versions::list_versions(conn, authz, &actor, &company_id))
        .await
}

/// One version, with its text.
pub async fn get_version(
    gate: &Gate,
    actor: Actor,
    company_id: String,
    version: i64,
) -> Result<PolicyVersion, PolicyAdminError> {
    gate.read(move |conn, authz| versions::get_version(conn, authz, &actor, &company_id, version))
        .await
}

/// Two versions compared policy by policy; `to` defaults to the active version.
pub async fn diff_versions(
    gate: &Gate,
    actor: Actor,
    company_id: String,
    from: i64,
    to: Option<i64>,
) -> Result<PolicyDiff, PolicyAdminError> {
    gate.read(move |conn, authz| service::diff_versions(conn, authz, &actor, &company_id, from, to))
        .await
}

/// Users × actions under the active policies.
pub async fn access_review(
    gate: &Gate,
    actor: Actor,
    company_id: String,
) -> Result<AccessReview, PolicyAdminError> {
    gate.read_long(move |conn, authz| service::access_review(conn, authz, &actor, &company_id))
        .await
}

/// The decision the active policies give a user for an action, and why.
pub async fn explain(
    gate: &Gate,
    actor: Actor,
    company_id: String,
    request: ExplainRequest,
) -> Result<Explanation, PolicyAdminError> {
    gate.read(move |conn, authz| service::explain(conn, authz, &actor, &company_id, request))
        .await
}

/// The explain bench's question: may this person do this action on the record with this
/// number (any record of its type when none is named), created by whom when it matters.
pub struct RecordQuestion {
    pub user_id: String,
    pub action: Action,
    pub record: Option<String>,
    pub created_by: Option<String>,
}

/// Explains a `RecordQuestion`. The record's type is the first the action applies to in the
/// schema; None when it applies to none.
pub async fn explain_on_record(
    gate: &Gate,
    actor: Actor,
    company_id: String,
    question: RecordQuestion,
) -> Result<Option<(ResourceKind, Explanation)>, PolicyAdminError> {
    let Some(kind) = gate
        .authz()
        .engine()
        .resource_kinds(question.action)
        .first()
        .copied()
    else {
        return Ok(None);
    };
    let mut resource = Resource::new(
        kind,
        question.record.as_deref().unwrap_or("any"),
        company_id.clone(),
    );
    if let Some(creator) = question.created_by {
        resource = resource.created_by(creator);
    }
    let request = ExplainRequest {
        user_id: question.user_id,
        action: question.action,
        resource,
        options: Options::default(),
        session_flagged: false,
    };
    let explanation = explain(gate, actor, company_id, request).await?;
    Ok(Some((kind, explanation)))
}

/// What the policy editor shows: the active version and its test files, the history with
/// the company's people to name authors and users, and a version's changes from the one
/// before when asked.
pub struct Editor {
    pub active: PolicyVersion,
    pub tests: Vec<TestFileView>,
    pub history: Vec<VersionSummary>,
    /// The company's people by user id: the history's authors, the dry-run's users.
    pub people: HashMap<String, Person>,
    /// The version asked about, and its changes from the one before.
    pub diff: Option<(i64, PolicyDiff)>,
}

/// The editor's content, on one snapshot. `diff_of` names a version after the first.
pub async fn editor(
    gate: &Gate,
    actor: Actor,
    company_id: String,
    diff_of: Option<i64>,
) -> Result<Editor, PolicyAdminError> {
    gate.read(move |conn, authz| {
        let active = versions::active_version(conn, authz, &actor, &company_id)?;
        let history = versions::list_versions(conn, authz, &actor, &company_id)?;
        let people = decision_names::people(conn, &company_id)?;
        let tests = editor::test_files(authz, &active);
        let diff = diff_of
            .filter(|to| *to > 1)
            .map(|to| {
                service::diff_versions(conn, authz, &actor, &company_id, to - 1, Some(to))
                    .map(|diff| (to, diff))
            })
            .transpose()?;
        Ok(Editor {
            active,
            tests,
            history,
            people,
            diff,
        })
    })
    .await
}

/// What a rollback to a version would do, for its confirmation.
pub struct RollbackPreview {
    /// The active version, which the rollback follows.
    pub active: i64,
    /// The version rolled back to.
    pub target: VersionSummary,
    pub people: HashMap<String, Person>,
    /// From the active version to the target: what the rollback changes.
    pub diff: PolicyDiff,
}

/// What rolling back to `version` would change, on one snapshot.
pub async fn rollback_preview(
    gate: &Gate,
    actor: Actor,
    company_id: String,
    version: i64,
) -> Result<RollbackPreview, PolicyAdminError> {
    gate.read(move |conn, authz| {
        let history = versions::list_versions(conn, authz, &actor, &company_id)?;
        let active = history
            .iter()
            .find(|summary| summary.active)
            .map_or(1, |summary| summary.version);
        let target = history
            .into_iter()
            .find(|summary| summary.version == version)
            .ok_or(PolicyAdminError::NotFound)?;
        let diff = service::diff_versions(conn, authz, &actor, &company_id, active, Some(version))?;
        let people = decision_names::people(conn, &company_id)?;
        Ok(RollbackPreview {
            active,
            target,
            people,
            diff,
        })
    })
    .await
}
