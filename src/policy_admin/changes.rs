//! Changes to a company's policies. A change is refused when it started from another
//! version than the active one, when its text does not validate against the schema, or when
//! the company's policy tests fail on it. Those checks are the slow part and run on a
//! snapshot read ([`check_change`]); a checked change is then stored as the next version and
//! made active in one transaction on the writer ([`activate`]: one conditional update of the
//! company's row, so two nodes cannot both win, and a version activated since the check
//! wins), and the change is appended to the decision log.

use diesel::prelude::*;

use super::errors::PolicyAdminError;
use super::versions::{
    active_number, authorize, current, find_version, insert, PolicyVersion, ProposedChange,
    TestFiles,
};
use crate::authz::decision_log::PendingDecision;
use crate::authz::policy_tests::TestReport;
use crate::authz::{self, Action, Actor, Authz, PolicyContent, ResourceKind};
use crate::store::schema::companies;
use crate::store::DbConnection;

/// Authorizes a change, then validates and tests it against the active version: the
/// heavy part of a change, for a snapshot read off the writer. [`activate`] makes it active.
pub fn check_change(
    conn: &mut DbConnection,
    authz: &Authz,
    actor: &Actor,
    company_id: &str,
    change: ProposedChange,
) -> Result<CheckedChange, PolicyAdminError> {
    authorize(conn, authz, actor, company_id, Action::EditPolicies)?;
    check_authorized(conn, authz, actor, company_id, change)
}

/// [`check_change`] for a caller that has authorized `edit_policies`.
pub(super) fn check_authorized(
    conn: &mut DbConnection,
    authz: &Authz,
    actor: &Actor,
    company_id: &str,
    change: ProposedChange,
) -> Result<CheckedChange, PolicyAdminError> {
    let active = current(conn, authz, company_id)?;
    let proposal = Proposal {
        content: PolicyContent {
            text: change.policies,
            links: change.links.unwrap_or_else(|| active.links.clone()),
        },
        tests: change.tests.or_else(|| active.tests.clone()),
        comment: change.comment,
    };
    checked(
        authz,
        actor,
        company_id,
        change.expected_version,
        active,
        proposal,
    )
}

/// Authorizes and checks a new version equal to an old one: its policies, links and tests.
pub fn check_rollback(
    conn: &mut DbConnection,
    authz: &Authz,
    actor: &Actor,
    company_id: &str,
    to_version: i64,
    expected_version: i64,
    comment: String,
) -> Result<CheckedChange, PolicyAdminError> {
    authorize(conn, authz, actor, company_id, Action::EditPolicies)?;
    let old = find_version(conn, authz, company_id, to_version)?;
    let active = current(conn, authz, company_id)?;
    let proposal = Proposal {
        content: old.content(),
        tests: old.tests,
        comment,
    };
    // Validated and tested again: the schema may have changed since.
    checked(authz, actor, company_id, expected_version, active, proposal)
}

/// What a change makes the next version: its content, its tests (None: the base tests)
/// and why.
#[derive(Debug, Clone)]
struct Proposal {
    content: PolicyContent,
    tests: Option<TestFiles>,
    comment: String,
}

/// A change that validated and passed its tests against the version it starts from, by an
/// actor allowed to make it.
#[derive(Debug, Clone)]
pub struct CheckedChange {
    actor: Actor,
    company_id: String,
    active: PolicyVersion,
    proposal: Proposal,
}

fn checked(
    authz: &Authz,
    actor: &Actor,
    company_id: &str,
    expected_version: i64,
    active: PolicyVersion,
    proposal: Proposal,
) -> Result<CheckedChange, PolicyAdminError> {
    if expected_version != active.version {
        return Err(PolicyAdminError::StaleVersion {
            expected: expected_version,
            current: active.version,
        });
    }
    checked_comment(&proposal.comment)?;
    check(authz, &proposal.content, proposal.tests.as_ref())?;
    Ok(CheckedChange {
        actor: actor.clone(),
        company_id: company_id.to_owned(),
        active,
        proposal,
    })
}

/// Longest comment of a change: a sentence or a paragraph saying why.
const MAX_COMMENT_CHARS: usize = 2_000;

fn checked_comment(comment: &str) -> Result<(), PolicyAdminError> {
    if comment.chars().count() > MAX_COMMENT_CHARS {
        return Err(PolicyAdminError::invalid(
            "comment",
            format!("must have at most {MAX_COMMENT_CHARS} characters"),
        ));
    }
    if crate::text::has_control_characters(comment) {
        return Err(PolicyAdminError::invalid(
            "comment",
            crate::text::CONTROL_CHARACTERS,
        ));
    }
    Ok(())
}

/// Strict validation, then the tests; the engine built on the way is kept for the decisions.
pub fn check(
    authz: &Authz,
    content: &PolicyContent,
    tests: Option<&TestFiles>,
) -> Result<TestReport, PolicyAdminError> {
    let engines = authz.engines();
    engines
        .build(content)
        .map_err(|e| PolicyAdminError::InvalidPolicies(e.diagnostics()))?;
    let report = engines
        .run_tests(content, &test_sources(authz, tests))
        .map_err(|e| PolicyAdminError::InvalidPolicies(e.diagnostics()))?
        .map_err(|e| PolicyAdminError::InvalidTests(e.to_string()))?;
    if report.failed() > 0 {
        let failed = report.cases.into_iter().filter(|c| !c.passed).collect();
        return Err(PolicyAdminError::TestsFailed(failed));
    }
    Ok(report)
}

/// The test files as the runner takes them; None: the base tests.
pub fn test_sources(authz: &Authz, tests: Option<&TestFiles>) -> Vec<(String, String)> {
    match tests {
        Some(files) => files
            .iter()
            .map(|(name, file)| (name.clone(), file.to_string()))
            .collect(),
        None => authz.engines().base_policies().tests.clone(),
    }
}

/// Makes a checked change the next version, unless another became active since it was
/// checked (409); the writer's part of a change.
pub fn activate(
    conn: &mut DbConnection,
    change: &CheckedChange,
) -> Result<PolicyVersion, PolicyAdminError> {
    let CheckedChange {
        actor,
        company_id,
        active,
        proposal,
    } = change;
    let company_id = company_id.as_str();
    let Proposal {
        content,
        tests,
        comment,
    } = proposal.clone();
    let next = active.version + 1;
    let hash = content.hash();
    let updated = diesel::update(
        companies::table
            .filter(companies::id.eq(company_id))
            .filter(companies::policy_version.eq(active.version)),
    )
    .set((
        companies::policy_version.eq(next),
        companies::policy_hash.eq(&hash),
    ))
    .execute(conn)?;
    if updated == 0 {
        let current = active_number(conn, company_id)?;
        return Err(PolicyAdminError::StaleVersion {
            expected: active.version,
            current,
        });
    }
    if active.created_at.is_none() {
        insert(conn, company_id, active)?;
    }
    let version = PolicyVersion {
        version: next,
        hash,
        author_id: Some(actor.user_id.clone()),
        comment,
        created_at: Some(crate::clock::now().and_utc()),
        tests,
        policies: content.text,
        links: content.links,
    };
    insert(conn, company_id, &version)?;
    authz::log_decision(conn, change_record(actor, company_id, active, &version))?;
    Ok(version)
}

/// The change as a record of the tamper-evident log: who (the user), when, the version and
/// its hash (the resource id), the comment (the inputs, covered by the record's hash).
fn change_record(
    actor: &Actor,
    company_id: &str,
    previous: &PolicyVersion,
    version: &PolicyVersion,
) -> PendingDecision {
    let change = serde_json::json!({"policy_change": {
        "version": version.version,
        "previous_version": previous.version,
        "hash": version.hash,
        "comment": version.comment,
    }});
    PendingDecision {
        id: uuid::Uuid::now_v7().to_string(),
        company_id: company_id.to_owned(),
        decided_at: crate::clock::now(),
        user_id: Some(actor.user_id.clone()),
        session_id: actor.session_id.clone(),
        action: Action::EditPolicies.name().to_owned(),
        resource_type: ResourceKind::PolicySet.type_name().to_owned(),
        resource_id: format!("{company_id}/v{}@{}", version.version, version.hash),
        allowed: true,
        policy_ids: Vec::new(),
        errors: Vec::new(),
        client_ip: actor.client_ip.clone(),
        policy_version: version.hash.clone(),
        inputs: Some(change.to_string()),
    }
}
