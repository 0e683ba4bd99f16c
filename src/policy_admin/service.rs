//! The authorized entry points beyond versions: diff, test, dry-run, access review,
//! explain, template links. Each authorizes first (`view_policies` to read, `edit_policies`
//! to change), then acts.

use std::sync::Arc;

use serde::Serialize;

use super::access_review::{self, AccessReview};
use super::changes::{self, CheckedChange};
use super::diff::{self, PolicyDiff};
use super::dry_run::{self, DryRunReport, Window};
use super::errors::PolicyAdminError;
use super::versions::{self, PolicyVersion, ProposedChange, TestFiles};
use crate::authz::engines::POLICIES_FILE;
use crate::authz::policy_files::TemplateLink;
use crate::authz::policy_tests::TestReport;
use crate::authz::{
    load_company_setup, Action, Actor, Authz, CompanySetup, Engine, Options, PolicyContent,
    Resource,
};
use crate::identity::models::status;
use crate::identity::Role;
use crate::store::schema::users;
use crate::store::DbConnection;

/// A proposed text, or the active one when `policies` is None.
#[derive(Debug, Clone, Default)]
pub struct Proposal {
    pub policies: Option<String>,
    /// None: the active version's links.
    pub links: Option<Vec<TemplateLink>>,
}

/// Two versions compared policy by policy; `to` defaults to the active version.
pub fn diff_versions(
    conn: &mut DbConnection,
    authz: &Authz,
    actor: &Actor,
    company_id: &str,
    from: i64,
    to: Option<i64>,
) -> Result<PolicyDiff, PolicyAdminError> {
    let old = versions::get_version(conn, authz, actor, company_id, from)?;
    let new = match to {
        Some(to) => versions::get_version(conn, authz, actor, company_id, to)?,
        None => versions::current(conn, authz, company_id)?,
    };
    let side = |v: &PolicyVersion| vec![(POLICIES_FILE.to_owned(), v.policies.clone())];
    diff::diff_with_links((&side(&old), &old.links), (&side(&new), &new.links))
        .map_err(|e| PolicyAdminError::invalid("version", e.to_string()))
}

/// Runs test files (or the active version's) against a proposal, saving nothing.
pub fn test_policies(
    conn: &mut DbConnection,
    authz: &Authz,
    actor: &Actor,
    company_id: &str,
    proposal: Proposal,
    tests: Option<TestFiles>,
) -> Result<TestReport, PolicyAdminError> {
    versions::authorize(conn, authz, actor, company_id, Action::ViewPolicies)?;
    let active = versions::current(conn, authz, company_id)?;
    let content = proposed_content(&active, proposal);
    let tests = tests.or(active.tests);
    authz
        .engines()
        .run_tests(&content, &changes::test_sources(authz, tests.as_ref()))
        .map_err(|e| PolicyAdminError::InvalidPolicies(e.diagnostics()))?
        .map_err(|e| PolicyAdminError::InvalidTests(e.to_string()))
}

/// Replays logged decisions against a proposal; see `dry_run`.
pub fn dry_run(
    conn: &mut DbConnection,
    authz: &Authz,
    actor: &Actor,
    company_id: &str,
    proposal: Proposal,
    window: Window,
) -> Result<DryRunReport, PolicyAdminError> {
    versions::authorize(conn, authz, actor, company_id, Action::ViewPolicies)?;
    let active = versions::current(conn, authz, company_id)?;
    let content = proposed_content(&active, proposal);
    let proposed = build(authz, &content)?;
    let (setup, engine) = active_engine(conn, authz, company_id)?;
    Ok(dry_run::dry_run(
        conn,
        company_id,
        &setup.rules,
        &engine,
        &proposed,
        window,
    )?)
}

/// Users × actions under the active policies.
pub fn access_review(
    conn: &mut DbConnection,
    authz: &Authz,
    actor: &Actor,
    company_id: &str,
) -> Result<AccessReview, PolicyAdminError> {
    versions::authorize(conn, authz, actor, company_id, Action::ViewPolicies)?;
    let (setup, engine) = active_engine(conn, authz, company_id)?;
    let roster = access_review::load_roster(conn, company_id)?;
    Ok(access_review::review(
        &engine,
        company_id,
        &setup.rules,
        roster,
    ))
}

/// What to explain: a user of the company doing an action on a resource (its attributes as
/// given), with the caller's options.
#[derive(Debug, Clone)]
pub struct ExplainRequest {
    pub user_id: String,
    pub action: Action,
    pub resource: Resource,
    pub options: Options,
    pub session_flagged: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct DeterminingPolicy {
    pub id: String,
    /// `permit` or `forbid`.
    pub effect: String,
    pub text: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ExplainReason {
    Permitted,
    ForbiddenByPolicy,
    NoPermit,
    /// The request could not be evaluated (an error denies).
    Error,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct Explanation {
    /// `allow` or `deny`.
    pub decision: String,
    pub reason: ExplainReason,
    pub determining_policies: Vec<DeterminingPolicy>,
    pub errors: Vec<String>,
    pub policy_version: i64,
}

/// The decision the active policies give, and the policies that determine it, with their
/// text. Nothing is logged: this is a question about the policies, not an action.
pub fn explain(
    conn: &mut DbConnection,
    authz: &Authz,
    actor: &Actor,
    company_id: &str,
    request: ExplainRequest,
) -> Result<Explanation, PolicyAdminError> {
    versions::authorize(conn, authz, actor, company_id, Action::ViewPolicies)?;
    let user = company_user(conn, company_id, &request.user_id)?;
    let (setup, engine) = active_engine(conn, authz, company_id)?;
    let policy_version = versions::current(conn, authz, company_id)?.version;
    let role = Role::parse(&user.role)
        .ok_or_else(|| PolicyAdminError::invalid("user_id", "the user has no known role"))?;
    let principal = Actor {
        user_id: user.id,
        company_id: company_id.to_owned(),
        role,
        active: user.status == status::ACTIVE || user.status == status::EXTERNAL,
        session_id: None,
        session_flagged: request.session_flagged,
        client_ip: None,
    };
    let verdict = engine.decide(
        &principal,
        &setup.rules,
        request.action,
        &request.resource,
        request.options,
    );
    let reason = match (verdict.allowed, verdict.policy_ids.is_empty()) {
        (true, _) => ExplainReason::Permitted,
        (false, _) if !verdict.errors.is_empty() => ExplainReason::Error,
        (false, true) => ExplainReason::NoPermit,
        (false, false) => ExplainReason::ForbiddenByPolicy,
    };
    let determining_policies = verdict
        .policy_ids
        .iter()
        .filter_map(|id| {
            let (effect, text) = engine.policy_text(id)?;
            Some(DeterminingPolicy {
                id: id.clone(),
                effect: match effect {
                    cedar_policy::Effect::Permit => "permit",
                    cedar_policy::Effect::Forbid => "forbid",
                }
                .to_owned(),
                text,
            })
        })
        .collect();
    Ok(Explanation {
        decision: if verdict.allowed { "allow" } else { "deny" }.to_owned(),
        reason,
        determining_policies,
        errors: verdict.errors,
        policy_version,
    })
}

/// A new version with a template linked for a user of the company, checked for
/// [`changes::activate`].
pub fn check_link(
    conn: &mut DbConnection,
    authz: &Authz,
    actor: &Actor,
    company_id: &str,
    link: TemplateLink,
    expected_version: i64,
    comment: String,
) -> Result<CheckedChange, PolicyAdminError> {
    versions::authorize(conn, authz, actor, company_id, Action::EditPolicies)?;
    let Some(user_id) = &link.principal else {
        return Err(PolicyAdminError::invalid("principal", "names no user"));
    };
    company_user(conn, company_id, user_id)
        .map_err(|_| PolicyAdminError::invalid("principal", "is not a user of this company"))?;
    let active = versions::current(conn, authz, company_id)?;
    if active.links.iter().any(|l| l.id == link.id) {
        return Err(PolicyAdminError::invalid(
            "id",
            "is already the id of a link",
        ));
    }
    let mut links = active.links.clone();
    links.push(link);
    let change = relinked(active, links, expected_version, comment);
    changes::check_authorized(conn, authz, actor, company_id, change)
}

/// A new version without the link `link_id`, checked for [`changes::activate`].
pub fn check_unlink(
    conn: &mut DbConnection,
    authz: &Authz,
    actor: &Actor,
    company_id: &str,
    link_id: &str,
    expected_version: i64,
    comment: String,
) -> Result<CheckedChange, PolicyAdminError> {
    versions::authorize(conn, authz, actor, company_id, Action::EditPolicies)?;
    let active = versions::current(conn, authz, company_id)?;
    if !active.links.iter().any(|l| l.id == link_id) {
        return Err(PolicyAdminError::NotFound);
    }
    let links = active
        .links
        .iter()
        .filter(|l| l.id != link_id)
        .cloned()
        .collect();
    let change = relinked(active, links, expected_version, comment);
    changes::check_authorized(conn, authz, actor, company_id, change)
}

/// The active text and tests with other links, as a change.
fn relinked(
    active: PolicyVersion,
    links: Vec<TemplateLink>,
    expected_version: i64,
    comment: String,
) -> ProposedChange {
    ProposedChange {
        expected_version,
        policies: active.policies,
        links: Some(links),
        tests: None,
        comment,
    }
}

fn proposed_content(active: &PolicyVersion, proposal: Proposal) -> PolicyContent {
    PolicyContent {
        text: proposal.policies.unwrap_or_else(|| active.policies.clone()),
        links: proposal.links.unwrap_or_else(|| active.links.clone()),
    }
}

fn build(authz: &Authz, content: &PolicyContent) -> Result<Arc<Engine>, PolicyAdminError> {
    authz
        .engines()
        .build(content)
        .map_err(|e| PolicyAdminError::InvalidPolicies(e.diagnostics()))
}

pub(super) fn active_engine(
    conn: &mut DbConnection,
    authz: &Authz,
    company_id: &str,
) -> Result<(CompanySetup, Arc<Engine>), PolicyAdminError> {
    let setup = load_company_setup(conn, company_id)?;
    let engine = authz
        .engines()
        .for_company(conn, company_id, setup.policy_hash.as_deref())
        .map_err(|problem| PolicyAdminError::invalid("policies", problem))?;
    Ok((setup, engine))
}

#[derive(diesel::Queryable)]
struct CompanyUser {
    id: String,
    role: String,
    status: String,
}

fn company_user(
    conn: &mut DbConnection,
    company_id: &str,
    user_id: &str,
) -> Result<CompanyUser, PolicyAdminError> {
    use diesel::prelude::*;
    users::table
        .filter(users::id.eq(user_id))
        .filter(users::company_id.eq(company_id))
        .select((users::id, users::role, users::status))
        .get_result(conn)
        .optional()?
        .ok_or_else(|| PolicyAdminError::invalid("user_id", "is not a user of this company"))
}
