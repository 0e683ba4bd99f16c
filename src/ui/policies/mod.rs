//! The policy editor: the active text in CodeMirror (over a plain textarea, which works
//! without script), the policy tests beside it, one test file editable with the text;
//! saving shows validation errors at their line and failing tests by name; a dry-run says
//! what would change and whether the save would pass the tests; the history by name, with a
//! confirmed rollback. Every operation is policy administration's own domain function,
//! authorized by `view_policies` / `edit_policies`.

use std::collections::HashMap;

use actix_web::{get, post, web, HttpResponse};
use askama::Template;
use serde::Deserialize;

mod editor_assets;
mod listing;
mod views;

use super::error::PageError;
use super::lang::Lang;
use super::session::{Page, Posted};
use super::{html, see_other, Nav};
use crate::app::AppState;
use crate::authz::decision_names::Person;
use crate::authz::policy_files::Diagnostic;
use crate::authz::Action;
use crate::policy_admin::dry_run::Window;
use crate::policy_admin::editor::{EditedTestFile, TestFileView};
use crate::policy_admin::operations::{self, Preview};
use crate::policy_admin::versions::ProposedChange;
use crate::policy_admin::PolicyAdminError;
use crate::web::error::ApiError;
use listing::{listing, ListingLine};
use views::{failed_tests, DiffView, DryRunView, FailedTest, TestRunView, VersionLine};

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(show_editor)
        .service(save)
        .service(dry_run)
        .service(confirm_rollback)
        .service(rollback)
        .configure(editor_assets::configure);
}

#[derive(Template)]
#[template(path = "ui/policies.html")]
struct PoliciesPage {
    t: Lang,
    nav: Nav,
    company_id: String,
    /// Whether the person may save, edit tests and roll back.
    may_edit: bool,
    /// The version the editor's text starts from.
    version: i64,
    text: String,
    comment: String,
    saved: Option<i64>,
    /// Why the text was refused, in the reader's language.
    problem: Option<String>,
    /// Diagnostics with their line and column.
    diagnostics: Vec<Diagnostic>,
    /// The faulty lines, space-separated, for the editor to mark.
    faulty_lines: String,
    /// The submitted text, line by line, with the problems at their lines.
    listing: Vec<ListingLine>,
    /// Tests that failed the save.
    failed: Vec<FailedTest>,
    history: Vec<VersionLine>,
    dry_run: Option<DryRunView>,
    test_run: Option<TestRunView>,
    diff: Option<DiffView>,
    /// The active version's test files.
    tests: Vec<TestFileView>,
    /// The test file edited with the text.
    editing: Option<EditedTestFile>,
}

#[derive(Deserialize)]
struct EditorQuery {
    saved: Option<i64>,
    /// Show this version's changes from the one before.
    diff: Option<i64>,
    /// Edit this test file with the text (a new name starts a new file).
    tests: Option<String>,
}

/// A new test file starts from this skeleton (format of `policies/tests/README.md`).
const NEW_TEST_FILE: &str =
    "{\n  \"description\": \"\",\n  \"context\": {},\n  \"entities\": [],\n  \"requests\": []\n}\n";

#[get("/ui/companies/{company_id}/policies")]
async fn show_editor(
    state: web::Data<AppState>,
    page: Page,
    path: web::Path<String>,
    query: web::Query<EditorQuery>,
) -> Result<HttpResponse, PageError> {
    let company_id = path.into_inner();
    let query = query.into_inner();
    let editor = operations::editor(
        state.gate(),
        page.actor.clone(),
        company_id.clone(),
        query.diff,
    )
    .await?;
    let t = page.t;
    let history = editor
        .history
        .into_iter()
        .map(|summary| VersionLine::new(t, summary, &editor.people))
        .collect();
    let diff = editor
        .diff
        .map(|(to, found)| DiffView::new(to - 1, to, found));
    let may_edit = page.may.allows(Action::EditPolicies);
    let editing = query.tests.filter(|_| may_edit).map(|name| {
        let text = editor
            .tests
            .iter()
            .find(|file| file.name == name)
            .map_or_else(|| NEW_TEST_FILE.to_owned(), |file| file.text.clone());
        EditedTestFile { name, text }
    });
    html(&PoliciesPage {
        nav: Nav::new(&page, "policies"),
        t,
        company_id,
        may_edit,
        version: editor.active.version,
        text: editor.active.policies,
        comment: String::new(),
        saved: query.saved,
        problem: None,
        diagnostics: Vec::new(),
        faulty_lines: String::new(),
        listing: Vec::new(),
        failed: Vec::new(),
        history,
        dry_run: None,
        test_run: None,
        diff,
        tests: editor.tests,
        editing,
    })
}

#[derive(Deserialize)]
struct PolicyForm {
    policies: String,
    expected_version: i64,
    #[serde(default)]
    comment: String,
    /// The test file edited with the text, when one is.
    test_file_name: Option<String>,
    test_file: Option<String>,
}

impl PolicyForm {
    /// Browsers send CRLF line ends from a textarea; the stored texts keep plain ones.
    fn text(&self) -> String {
        self.policies.replace("\r\n", "\n")
    }

    fn edited(&self) -> Option<EditedTestFile> {
        let name = self.test_file_name.as_deref()?.trim();
        let text = self.test_file.as_deref()?;
        Some(EditedTestFile {
            name: name.to_owned(),
            text: text.replace("\r\n", "\n"),
        })
    }
}

#[post("/ui/companies/{company_id}/policies")]
async fn save(
    state: web::Data<AppState>,
    posted: Posted<PolicyForm>,
    path: web::Path<String>,
) -> Result<HttpResponse, PageError> {
    let company_id = path.into_inner();
    let form = posted.form;
    let change = ProposedChange {
        expected_version: form.expected_version,
        policies: form.text(),
        links: None,
        tests: None,
        comment: form.comment.trim().to_owned(),
    };
    let actor = posted.page.actor.clone();
    let edited = form.edited();
    let saved =
        operations::change_from_editor(state.gate(), actor, company_id.clone(), change, edited)
            .await;
    match saved {
        Ok(version) => Ok(see_other(&format!(
            "/ui/companies/{company_id}/policies?saved={}",
            version.version
        ))),
        Err(refusal) => {
            let editor = Editor { company_id, form };
            editor.show(&state, &posted.page, Err(refusal)).await
        }
    }
}

/// Replays the logged decisions against the submitted text and runs the policy tests on
/// it: the flips, each person's gains and losses, and whether the save would pass the
/// tests; nothing is saved.
#[post("/ui/companies/{company_id}/policies/dry-run")]
async fn dry_run(
    state: web::Data<AppState>,
    posted: Posted<PolicyForm>,
    path: web::Path<String>,
) -> Result<HttpResponse, PageError> {
    let company_id = path.into_inner();
    let form = posted.form;
    let actor = posted.page.actor.clone();
    let window = Window::Last(DRY_RUN_DECISIONS);
    let proposal = (form.text(), form.edited());
    let preview =
        operations::preview(state.gate(), actor, company_id.clone(), proposal, window).await;
    let editor = Editor { company_id, form };
    editor.show(&state, &posted.page, preview).await
}

/// Logged decisions a dry-run of the page replays, the most recent.
const DRY_RUN_DECISIONS: i64 = 10_000;

/// A submitted text shown again in the editor, with what became of it.
struct Editor {
    company_id: String,
    form: PolicyForm,
}

impl Editor {
    async fn show(
        self,
        state: &AppState,
        page: &Page,
        outcome: Result<Preview, PolicyAdminError>,
    ) -> Result<HttpResponse, PageError> {
        let t = page.t;
        let (preview, refusal) = match outcome {
            Ok(preview) => (Some(preview), None),
            Err(error @ (PolicyAdminError::Denied(_) | PolicyAdminError::Store(_))) => {
                return Err(error.into())
            }
            Err(error) => (None, Some(error)),
        };
        let shown = operations::editor(
            state.gate(),
            page.actor.clone(),
            self.company_id.clone(),
            None,
        )
        .await?;
        let people: &HashMap<String, Person> = &shown.people;
        let history = shown
            .history
            .into_iter()
            .map(|summary| VersionLine::new(t, summary, people))
            .collect();
        let diagnostics = match &refusal {
            Some(PolicyAdminError::InvalidPolicies(diagnostics)) => diagnostics.clone(),
            _ => Vec::new(),
        };
        let failed = match &refusal {
            Some(PolicyAdminError::TestsFailed(cases)) => failed_tests(t, cases.clone()),
            _ => Vec::new(),
        };
        let refusal = refusal.map(ApiError::from);
        let text = self.form.text();
        let faulty_lines = listing(&text, &diagnostics)
            .iter()
            .filter(|line| !line.problems.is_empty())
            .map(|line| line.number.to_string())
            .collect::<Vec<_>>()
            .join(" ");
        let (replayed, test_run) = match preview {
            Some(Preview { report, tests }) => (
                Some(DryRunView::new(t, report, people)),
                Some(TestRunView::new(t, tests)),
            ),
            None => (None, None),
        };
        let editing = self.form.edited();
        let mut response = html(&PoliciesPage {
            nav: Nav::new(page, "policies"),
            t,
            company_id: self.company_id,
            may_edit: page.may.allows(Action::EditPolicies),
            version: self.form.expected_version,
            listing: listing(&text, &diagnostics),
            faulty_lines,
            text,
            comment: self.form.comment,
            saved: None,
            problem: refusal.as_ref().map(|e| e.message(t.locale()).to_owned()),
            diagnostics,
            failed,
            history,
            dry_run: replayed,
            test_run,
            diff: None,
            tests: shown.tests,
            editing,
        })?;
        if let Some(refusal) = refusal {
            *response.status_mut() = refusal.code.status();
        }
        Ok(response)
    }
}

#[derive(Template)]
#[template(path = "ui/policies_rollback.html")]
struct RollbackPage {
    t: Lang,
    nav: Nav,
    company_id: String,
    active: i64,
    target: VersionLine,
    /// From the active version to the target.
    d: DiffView,
    comment: String,
}

#[derive(Deserialize)]
struct RollbackQuery {
    version: i64,
}

/// Asks before a rollback, showing what it would change.
#[get("/ui/companies/{company_id}/policies/rollback")]
async fn confirm_rollback(
    state: web::Data<AppState>,
    page: Page,
    path: web::Path<String>,
    query: web::Query<RollbackQuery>,
) -> Result<HttpResponse, PageError> {
    let company_id = path.into_inner();
    let version = query.version;
    let preview = operations::rollback_preview(
        state.gate(),
        page.actor.clone(),
        company_id.clone(),
        version,
    )
    .await?;
    let t = page.t;
    html(&RollbackPage {
        nav: Nav::new(&page, "policies"),
        company_id,
        active: preview.active,
        target: VersionLine::new(t, preview.target, &preview.people),
        d: DiffView::new(preview.active, version, preview.diff),
        comment: format!(
            "{} {version}",
            t.t("Back to version", "Retour à la version")
        ),
        t,
    })
}

#[derive(Deserialize)]
struct RollbackForm {
    version: i64,
    expected_version: i64,
    #[serde(default)]
    comment: String,
}

#[post("/ui/companies/{company_id}/policies/rollback")]
async fn rollback(
    state: web::Data<AppState>,
    posted: Posted<RollbackForm>,
    path: web::Path<String>,
) -> Result<HttpResponse, PageError> {
    let company_id = path.into_inner();
    let form = posted.form;
    let comment = match form.comment.trim() {
        "" => format!(
            "{} {}",
            posted.page.t.t("Back to version", "Retour à la version"),
            form.version
        ),
        typed => typed.to_owned(),
    };
    let actor = posted.page.actor.clone();
    let restored = operations::rollback(
        state.gate(),
        actor,
        company_id.clone(),
        form.version,
        form.expected_version,
        comment,
    )
    .await
    .map_err(PageError::from)?;
    Ok(see_other(&format!(
        "/ui/companies/{company_id}/policies?saved={}",
        restored.version
    )))
}

impl From<PolicyAdminError> for PageError {
    fn from(error: PolicyAdminError) -> Self {
        ApiError::from(error).into()
    }
}
