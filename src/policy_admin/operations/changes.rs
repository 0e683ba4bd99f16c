//! The policy operations that take a text, as both faces call them. Parsing, validating and
//! testing a text is the slow part (a large text takes a second or more), so it runs on a
//! snapshot read, off the writer thread and at the lowest CPU priority: one company's policy
//! work never delays another company's writes. Only making a checked change active takes
//! the writer, for a few rows.

use crate::authz::policy_files::TemplateLink;
use crate::authz::policy_tests::TestReport;
use crate::authz::{Action, Actor, Authz, Gate, PolicyContent};
use crate::policy_admin::changes::{self, CheckedChange};
use crate::policy_admin::dry_run::{DryRunReport, Window};
use crate::policy_admin::editor::{self, EditedTestFile};
use crate::policy_admin::errors::PolicyAdminError;
use crate::policy_admin::service::{self, Proposal};
use crate::policy_admin::versions::{self, PolicyVersion, ProposedChange, TestFiles};
use crate::store::DbConnection;

/// Validates, tests and activates a change; returns the new active version.
pub async fn change_policies(
    gate: &Gate,
    actor: Actor,
    company_id: String,
    change: ProposedChange,
) -> Result<PolicyVersion, PolicyAdminError> {
    checked_then_activated(gate, move |conn, authz| {
        changes::check_change(conn, authz, &actor, &company_id, change)
    })
    .await
}

/// The editor's change: the text, with at most one test file edited beside it (the other
/// files as the active version has them).
pub async fn change_from_editor(
    gate: &Gate,
    actor: Actor,
    company_id: String,
    mut change: ProposedChange,
    edited: Option<EditedTestFile>,
) -> Result<PolicyVersion, PolicyAdminError> {
    checked_then_activated(gate, move |conn, authz| {
        versions::authorize(conn, authz, &actor, &company_id, Action::EditPolicies)?;
        let active = versions::current(conn, authz, &company_id)?;
        change.tests = editor::tests_with(authz, &active, edited)?;
        changes::check_authorized(conn, authz, &actor, &company_id, change)
    })
    .await
}

/// What saving the editor's text would do, saving nothing: the dry-run against logged
/// decisions, and the policy tests the save would run.
#[derive(Debug, Clone)]
pub struct Preview {
    pub report: DryRunReport,
    pub tests: TestReport,
}

/// Dry-runs the editor's text and runs the tests on it (with the edited test file).
pub async fn preview(
    gate: &Gate,
    actor: Actor,
    company_id: String,
    (policies, edited): (String, Option<EditedTestFile>),
    window: Window,
) -> Result<Preview, PolicyAdminError> {
    gate.read_long(move |conn, authz| {
        let proposal = Proposal {
            policies: Some(policies.clone()),
            links: None,
        };
        let report = service::dry_run(conn, authz, &actor, &company_id, proposal, window)?;
        let active = versions::current(conn, authz, &company_id)?;
        let tests = editor::tests_with(authz, &active, edited)?.or(active.tests.clone());
        let content = PolicyContent {
            text: policies,
            links: active.links,
        };
        let tests = authz
            .engines()
            .run_tests(&content, &changes::test_sources(authz, tests.as_ref()))
            .map_err(|e| PolicyAdminError::InvalidPolicies(e.diagnostics()))?
            .map_err(|e| PolicyAdminError::InvalidTests(e.to_string()))?;
        Ok(Preview { report, tests })
    })
    .await
}

/// A new version equal to an old one, validated and tested again.
pub async fn rollback(
    gate: &Gate,
    actor: Actor,
    company_id: String,
    to_version: i64,
    expected_version: i64,
    comment: String,
) -> Result<PolicyVersion, PolicyAdminError> {
    checked_then_activated(gate, move |conn, authz| {
        changes::check_rollback(
            conn,
            authz,
            &actor,
            &company_id,
            to_version,
            expected_version,
            comment,
        )
    })
    .await
}

/// A new version with a template linked for a user of the company.
pub async fn link_template(
    gate: &Gate,
    actor: Actor,
    company_id: String,
    link: TemplateLink,
    expected_version: i64,
    comment: String,
) -> Result<PolicyVersion, PolicyAdminError> {
    checked_then_activated(gate, move |conn, authz| {
        service::check_link(
            conn,
            authz,
            &actor,
            &company_id,
            link,
            expected_version,
            comment,
        )
    })
    .await
}

/// A new version without the link `link_id`.
pub async fn unlink_template(
    gate: &Gate,
    actor: Actor,
    company_id: String,
    link_id: String,
    expected_version: i64,
    comment: String,
) -> Result<PolicyVersion, PolicyAdminError> {
    checked_then_activated(gate, move |conn, authz| {
        service::check_unlink(
            conn,
            authz,
            &actor,
            &company_id,
            &link_id,
            expected_version,
            comment,
        )
    })
    .await
}

/// Runs test files (or the active version's) against a proposal, saving nothing.
pub async fn test_policies(
    gate: &Gate,
    actor: Actor,
    company_id: String,
    proposal: Proposal,
    tests: Option<TestFiles>,
) -> Result<TestReport, PolicyAdminError> {
    gate.read(move |conn, authz| {
        service::test_policies(conn, authz, &actor, &company_id, proposal, tests)
    })
    .await
}

/// Replays logged decisions against a proposal, saving nothing.
pub async fn dry_run(
    gate: &Gate,
    actor: Actor,
    company_id: String,
    proposal: Proposal,
    window: Window,
) -> Result<DryRunReport, PolicyAdminError> {
    gate.read_long(move |conn, authz| {
        service::dry_run(conn, authz, &actor, &company_id, proposal, window)
    })
    .await
}

/// Checks a change on a snapshot, then activates it on the writer.
async fn checked_then_activated<F>(gate: &Gate, check: F) -> Result<PolicyVersion, PolicyAdminError>
where
    F: FnOnce(&mut DbConnection, &Authz) -> Result<CheckedChange, PolicyAdminError>
        + Send
        + 'static,
{
    gate.read_then_act(check, |conn, _, checked| changes::activate(conn, checked))
        .await
}
