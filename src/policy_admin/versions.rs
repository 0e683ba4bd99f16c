//! A company's policy versions: the active one, its history, and changes to it.
//!
//! A company starts on the base policies as version 1, stored only once it first changes.
//! A change is refused when it started from another version than the active one, when its
//! text does not validate against the schema, or when the company's policy tests fail on
//! it. Those checks are the slow part and run on a snapshot read ([`check_change`]); a
//! checked change is then stored as the next version and made active in one transaction on
//! the writer ([`activate`]: one conditional update of the company's row, so two nodes
//! cannot both win, and a version activated since the check wins), and the change is
//! appended to the decision log.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::errors::PolicyAdminError;
use crate::authz::policy_files::TemplateLink;
use crate::authz::policy_tests::TestReport;
use crate::authz::{
    self, decision_log::PendingDecision, Action, Actor, Authz, PolicyContent, Resource,
    ResourceKind,
};
use crate::store::schema::{companies, policy_versions};
use crate::store::DbConnection;

/// Test files of a version: file name to test file (format of `policies/tests/README.md`).
pub type TestFiles = std::collections::BTreeMap<String, Value>;

#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct PolicyVersion {
    pub version: i64,
    pub policies: String,
    pub links: Vec<TemplateLink>,
    pub hash: String,
    /// None for the base policies.
    pub author_id: Option<String>,
    pub comment: String,
    /// None for version 1 while it was never stored: the base policies.
    pub created_at: Option<DateTime<Utc>>,
    /// The test files the version must pass; None: the base tests.
    #[serde(skip)]
    pub tests: Option<TestFiles>,
}

impl PolicyVersion {
    pub fn content(&self) -> PolicyContent {
        PolicyContent {
            text: self.policies.clone(),
            links: self.links.clone(),
        }
    }
}

/// A version in a list: everything but the text.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct VersionSummary {
    pub version: i64,
    pub hash: String,
    pub author_id: Option<String>,
    pub comment: String,
    pub created_at: Option<DateTime<Utc>>,
    pub active: bool,
}

/// A change to the policies, as an admin proposes it.
#[derive(Debug, Clone, Deserialize)]
pub struct ProposedChange {
    /// The version the change starts from; the change is refused if another is active.
    pub expected_version: i64,
    pub policies: String,
    /// None: keep the active version's links.
    pub links: Option<Vec<TemplateLink>>,
    /// None: keep the active version's tests.
    pub tests: Option<TestFiles>,
    pub comment: String,
}

#[derive(Queryable, Selectable, Insertable)]
#[diesel(table_name = policy_versions)]
struct VersionRow {
    company_id: String,
    version: i64,
    policies: String,
    links: String,
    tests: Option<String>,
    hash: String,
    author_id: Option<String>,
    comment: String,
    created_at: chrono::NaiveDateTime,
}

impl VersionRow {
    fn into_version(self) -> Result<PolicyVersion, PolicyAdminError> {
        let corrupt = |e: serde_json::Error| {
            PolicyAdminError::from(diesel::result::Error::DeserializationError(Box::new(e)))
        };
        Ok(PolicyVersion {
            version: self.version,
            links: serde_json::from_str(&self.links).map_err(corrupt)?,
            tests: self
                .tests
                .map(|t| serde_json::from_str(&t))
                .transpose()
                .map_err(corrupt)?,
            policies: self.policies,
            hash: self.hash,
            author_id: self.author_id,
            comment: self.comment,
            created_at: Some(self.created_at.and_utc()),
        })
    }
}

pub const BASE_COMMENT: &str = "the base policies";

/// Authorizes `action` on the company's policies.
pub fn authorize(
    conn: &mut DbConnection,
    authz: &Authz,
    actor: &Actor,
    company_id: &str,
    action: Action,
) -> Result<(), PolicyAdminError> {
    let resource = Resource::company_wide(ResourceKind::PolicySet, company_id);
    authz.authorize(conn, actor, action, &resource, Default::default())?;
    Ok(())
}

/// The company's active version.
pub fn active_version(
    conn: &mut DbConnection,
    authz: &Authz,
    actor: &Actor,
    company_id: &str,
) -> Result<PolicyVersion, PolicyAdminError> {
    authorize(conn, authz, actor, company_id, Action::ViewPolicies)?;
    current(conn, authz, company_id)
}

/// Every version, newest first.
pub fn list_versions(
    conn: &mut DbConnection,
    authz: &Authz,
    actor: &Actor,
    company_id: &str,
) -> Result<Vec<VersionSummary>, PolicyAdminError> {
    authorize(conn, authz, actor, company_id, Action::ViewPolicies)?;
    let active = active_number(conn, company_id)?;
    let rows: Vec<VersionRow> = policy_versions::table
        .filter(policy_versions::company_id.eq(company_id))
        .order(policy_versions::version.desc())
        .select(VersionRow::as_select())
        .load(conn)?;
    let mut versions: Vec<PolicyVersion> = rows
        .into_iter()
        .map(VersionRow::into_version)
        .collect::<Result<_, _>>()?;
    if versions.is_empty() {
        versions.push(base_version(authz));
    }
    Ok(versions
        .into_iter()
        .map(|v| VersionSummary {
            active: v.version == active,
            version: v.version,
            hash: v.hash,
            author_id: v.author_id,
            comment: v.comment,
            created_at: v.created_at,
        })
        .collect())
}

/// One version, with its text.
pub fn get_version(
    conn: &mut DbConnection,
    authz: &Authz,
    actor: &Actor,
    company_id: &str,
    version: i64,
) -> Result<PolicyVersion, PolicyAdminError> {
    authorize(conn, authz, actor, company_id, Action::ViewPolicies)?;
    find_version(conn, authz, company_id, version)
}

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

fn insert(
    conn: &mut DbConnection,
    company_id: &str,
    version: &PolicyVersion,
) -> Result<(), PolicyAdminError> {
    let row = VersionRow {
        company_id: company_id.to_owned(),
        version: version.version,
        policies: version.policies.clone(),
        links: serde_json::to_string(&version.links).expect("links serialize"),
        tests: version
            .tests
            .as_ref()
            .map(|t| serde_json::to_string(t).expect("JSON values serialize")),
        hash: version.hash.clone(),
        author_id: version.author_id.clone(),
        comment: version.comment.clone(),
        created_at: version
            .created_at
            .map_or_else(crate::clock::now, |at| at.naive_utc()),
    };
    diesel::insert_into(policy_versions::table)
        .values(&row)
        .execute(conn)?;
    Ok(())
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

/// The active version, without authorization (callers have authorized).
pub fn current(
    conn: &mut DbConnection,
    authz: &Authz,
    company_id: &str,
) -> Result<PolicyVersion, PolicyAdminError> {
    let number = active_number(conn, company_id)?;
    find_version(conn, authz, company_id, number)
}

fn find_version(
    conn: &mut DbConnection,
    authz: &Authz,
    company_id: &str,
    version: i64,
) -> Result<PolicyVersion, PolicyAdminError> {
    let row: Option<VersionRow> = policy_versions::table
        .find((company_id, version))
        .select(VersionRow::as_select())
        .get_result(conn)
        .optional()?;
    match row {
        Some(row) => row.into_version(),
        // Version 1 is the base policies until the first change stores it.
        None if version == 1 => Ok(base_version(authz)),
        None => Err(PolicyAdminError::NotFound),
    }
}

fn active_number(conn: &mut DbConnection, company_id: &str) -> Result<i64, PolicyAdminError> {
    companies::table
        .find(company_id)
        .select(companies::policy_version)
        .get_result(conn)
        .optional()?
        .ok_or(PolicyAdminError::NotFound)
}

fn base_version(authz: &Authz) -> PolicyVersion {
    let base = authz.engines().base_policies();
    PolicyVersion {
        version: 1,
        policies: base.content.text.clone(),
        links: Vec::new(),
        hash: authz.engines().base_hash().to_owned(),
        author_id: None,
        comment: BASE_COMMENT.to_owned(),
        created_at: None,
        tests: None,
    }
}
