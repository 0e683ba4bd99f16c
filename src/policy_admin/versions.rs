//! A company's policy versions: the active one, its history, and how a version is stored.
//!
//! A company starts on the base policies as version 1, stored only once it first changes;
//! `changes` makes the next versions.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::errors::PolicyAdminError;
use crate::authz::policy_files::TemplateLink;
use crate::authz::{Action, Actor, Authz, PolicyContent, Resource, ResourceKind};
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

/// The active version, without authorization (callers have authorized).
pub fn current(
    conn: &mut DbConnection,
    authz: &Authz,
    company_id: &str,
) -> Result<PolicyVersion, PolicyAdminError> {
    let number = active_number(conn, company_id)?;
    find_version(conn, authz, company_id, number)
}

pub(super) fn find_version(
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

pub(super) fn active_number(
    conn: &mut DbConnection,
    company_id: &str,
) -> Result<i64, PolicyAdminError> {
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

/// Stores a version of the company's policies.
pub(super) fn insert(
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
