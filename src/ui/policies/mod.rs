//! The policy editor: the active text in a textarea; saving shows validation errors at their
//! line; the history with rollback. Every operation is policy administration's own domain
//! function, authorized by `view_policies` / `edit_policies`.

use actix_web::{get, post, web, HttpResponse};
use askama::Template;
use serde::Deserialize;

mod listing;
mod views;

use super::error::PageError;
use super::lang::Lang;
use super::session::{Page, Posted};
use super::{html, see_other, Nav};
use crate::app::AppState;
use crate::authz::policy_files::Diagnostic;
use crate::policy_admin::dry_run::{DryRunReport, Window};
use crate::policy_admin::operations;
use crate::policy_admin::service::Proposal;
use crate::policy_admin::versions::ProposedChange;
use crate::policy_admin::PolicyAdminError;
use crate::web::error::ApiError;
use listing::{listing, ListingLine};
use views::{DiffView, DryRunView, VersionLine};


pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(show_editor).service(save).service(dry_run).service(rollback);
}

#[derive(Template)]
#[template(path = "ui/policies.html")]
struct PoliciesPage {
    t: Lang,
    nav: Nav,
    company_id: String,
    /// The version the editor's text starts from.
    version: i64,
    text: String,
    comment: String,
    saved: Option<i64>,
    /// Why the text was refused, in the reader's language.
    problem: Option<String>,
    /// Diagnostics with their line and column.
    diagnostics: Vec<Diagnostic>,
    /// The submitted text, line by line, with the problems at their lines.
    listing: Vec<ListingLine>,
    history: Vec<VersionLine>,
    dry_run: Option<DryRunView>,
    diff: Option<DiffView>,
}

#[derive(Deserialize)]
struct EditorQuery {
    saved: Option<i64>,
    /// Show this version's changes from the one before.
    diff: Option<i64>,
}

#[get("/ui/companies/{company_id}/policies")]
async fn show_editor(
    state: web::Data<AppState>,
    page: Page,
    path: web::Path<String>,
    query: web::Query<EditorQuery>,
) -> Result<HttpResponse, PageError> {
    let company_id = path.into_inner();
    let editor = operations::editor(
        state.gate(),
        page.actor.clone(),
        company_id.clone(),
        query.diff,
    )
    .await?;
    let active = editor.active;
    let history = editor.history.into_iter().map(VersionLine::from).collect();
    let diff = editor.diff.map(|(to, found)| DiffView {
        from: to - 1,
        to,
        added: found.added,
        removed: found.removed,
        changed: found.changed,
        unchanged: found.unchanged,
    });
    html(&PoliciesPage {
        nav: Nav::new(&page, "policies"),
        t: page.t,
        company_id,
        version: active.version,
        text: active.policies,
        comment: String::new(),
        saved: query.saved,
        problem: None,
        diagnostics: Vec::new(),
        listing: Vec::new(),
        history,
        dry_run: None,
        diff,
    })
}

#[derive(Deserialize)]
struct PolicyForm {
    policies: String,
    expected_version: i64,
    #[serde(default)]
    comment: String,
}

#[post("/ui/companies/{company_id}/policies")]
async fn save(
    state: web::Data<AppState>,
    posted: Posted<PolicyForm>,
    path: web::Path<String>,
) -> Result<HttpResponse, PageError> {
    let company_id = path.into_inner();
    let form = posted.form;
    // Browsers send CRLF line ends from a textarea; the stored text keeps plain ones.
    let text = form.policies.replace("\r\n", "\n");
    let change = ProposedChange {
        expected_version: form.expected_version,
        policies: text.clone(),
        links: None,
        tests: None,
        comment: form.comment.trim().to_owned(),
    };
    let actor = posted.page.actor.clone();
    let saved = operations::change_policies(state.gate(), actor, company_id.clone(), change).await;
    match saved {
        Ok(version) => Ok(see_other(&format!(
            "/ui/companies/{company_id}/policies?saved={}",
            version.version
        ))),
        Err(refusal) => {
            let editor = Editor {
                company_id,
                text,
                form,
            };
            editor.show(&state, &posted.page, Err(refusal)).await
        }
    }
}

/// Replays the logged decisions against the submitted text and shows the flips and each
/// user's gains and losses, saving nothing.
#[post("/ui/companies/{company_id}/policies/dry-run")]
async fn dry_run(
    state: web::Data<AppState>,
    posted: Posted<PolicyForm>,
    path: web::Path<String>,
) -> Result<HttpResponse, PageError> {
    let company_id = path.into_inner();
    let form = posted.form;
    let text = form.policies.replace("\r\n", "\n");
    let proposal = Proposal {
        policies: Some(text.clone()),
        links: None,
    };
    let actor = posted.page.actor.clone();
    let window = Window::Last(DRY_RUN_DECISIONS);
    let report =
        operations::dry_run(state.gate(), actor, company_id.clone(), proposal, window).await;
    let editor = Editor {
        company_id,
        text,
        form,
    };
    editor.show(&state, &posted.page, report).await
}

/// Logged decisions a dry-run of the page replays, the most recent.
const DRY_RUN_DECISIONS: i64 = 10_000;

/// A submitted text shown again in the editor, with what became of it.
struct Editor {
    company_id: String,
    text: String,
    form: PolicyForm,
}

impl Editor {
    async fn show(
        self,
        state: &AppState,
        page: &Page,
        outcome: Result<DryRunReport, PolicyAdminError>,
    ) -> Result<HttpResponse, PageError> {
        let (report, refusal) = match outcome {
            Ok(report) => (Some(report), None),
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
        let history = shown.history.into_iter().map(VersionLine::from).collect();
        let diagnostics = match &refusal {
            Some(PolicyAdminError::InvalidPolicies(diagnostics)) => diagnostics.clone(),
            _ => Vec::new(),
        };
        let refusal = refusal.map(ApiError::from);
        let mut response = html(&PoliciesPage {
            nav: Nav::new(page, "policies"),
            t: page.t,
            company_id: self.company_id,
            version: self.form.expected_version,
            listing: listing(&self.text, &diagnostics),
            text: self.text,
            comment: self.form.comment,
            saved: None,
            problem: refusal.as_ref().map(|e| e.message(page.t.locale()).to_owned()),
            diagnostics,
            history,
            dry_run: report.map(DryRunView::new),
            diff: None,
        })?;
        if let Some(refusal) = refusal {
            *response.status_mut() = refusal.code.status();
        }
        Ok(response)
    }
}

#[derive(Deserialize)]
struct RollbackForm {
    version: i64,
    expected_version: i64,
}

#[post("/ui/companies/{company_id}/policies/rollback")]
async fn rollback(
    state: web::Data<AppState>,
    posted: Posted<RollbackForm>,
    path: web::Path<String>,
) -> Result<HttpResponse, PageError> {
    let company_id = path.into_inner();
    let form = posted.form;
    let comment = format!("rollback to version {}", form.version);
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
