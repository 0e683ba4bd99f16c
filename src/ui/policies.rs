//! The policy editor: the active text in a textarea; saving shows validation errors at their
//! line; the history with rollback. Every operation is policy administration's own domain
//! function, authorized by `view_policies` / `edit_policies`.

use std::collections::HashMap;

use actix_web::{get, post, web, HttpResponse};
use askama::Template;
use serde::Deserialize;

use super::error::PageError;
use super::lang::{when, Lang};
use super::read;
use super::session::{Page, Posted};
use super::{html, see_other, Nav};
use crate::app::AppState;
use crate::authz::policy_files::Diagnostic;
use crate::policy_admin::access_review::AccessChange;
use crate::policy_admin::diff::{ChangedPolicy, PolicyText};
use crate::policy_admin::dry_run::{DryRunReport, Window};
use crate::policy_admin::operations;
use crate::policy_admin::service::{self, Proposal};
use crate::policy_admin::versions::{self, PolicyVersion, ProposedChange, VersionSummary};
use crate::policy_admin::PolicyAdminError;
use crate::web::error::ApiError;

/// One line of the submitted text, with the problems found on it.
struct ListingLine {
    number: usize,
    text: String,
    problems: Vec<String>,
}

struct VersionLine {
    version: i64,
    when: String,
    author: String,
    comment: String,
    active: bool,
}

impl From<VersionSummary> for VersionLine {
    fn from(summary: VersionSummary) -> Self {
        Self {
            version: summary.version,
            when: summary
                .created_at
                .map(|at| when(at.naive_utc()))
                .unwrap_or_default(),
            author: summary.author_id.unwrap_or_default(),
            comment: summary.comment,
            active: summary.active,
        }
    }
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

/// What a proposed text would change, before it is saved.
struct DryRunView {
    replayed: usize,
    not_replayable: usize,
    flipped: usize,
    flips: Vec<FlipLine>,
    users: Vec<UserChangeLine>,
}

struct FlipLine {
    user: String,
    action: String,
    logged: String,
    proposed: String,
    count: usize,
}

struct UserChangeLine {
    email: String,
    gained: String,
    lost: String,
}

impl DryRunView {
    fn new(report: DryRunReport) -> Self {
        let emails: HashMap<&str, &str> = report
            .access
            .iter()
            .map(|user| (user.user_id.as_str(), user.email.as_str()))
            .collect();
        let changes = |changes: &[AccessChange]| {
            changes
                .iter()
                .map(|change| {
                    format!(
                        "{} ({} → {})",
                        change.action,
                        change.before.as_str(),
                        change.after.as_str()
                    )
                })
                .collect::<Vec<_>>()
                .join(", ")
        };
        Self {
            replayed: report.replay.replayed,
            not_replayable: report.replay.not_replayable,
            flipped: report.replay.flipped,
            flips: report
                .replay
                .flips
                .iter()
                .map(|group| {
                    let user = group.user_id.as_deref().unwrap_or_default();
                    FlipLine {
                        user: emails.get(user).copied().unwrap_or(user).to_owned(),
                        action: group.action.clone(),
                        logged: group.logged.clone(),
                        proposed: group.proposed.clone(),
                        count: group.count,
                    }
                })
                .collect(),
            users: report
                .access
                .iter()
                .map(|user| UserChangeLine {
                    email: user.email.clone(),
                    gained: changes(&user.gained),
                    lost: changes(&user.lost),
                })
                .collect(),
        }
    }
}

/// One version against the one before it, policy by policy.
struct DiffView {
    from: i64,
    to: i64,
    added: Vec<PolicyText>,
    removed: Vec<PolicyText>,
    changed: Vec<ChangedPolicy>,
    unchanged: usize,
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
    let (active, history) = load(&state, &page, &company_id).await?;
    let diff = match query.diff {
        Some(to) if to > 1 => {
            let id = company_id.clone();
            let found = read(&state, &page, move |conn, authz, actor| {
                service::diff_versions(conn, authz, actor, &id, to - 1, Some(to))
            })
            .await?;
            Some(DiffView {
                from: to - 1,
                to,
                added: found.added,
                removed: found.removed,
                changed: found.changed,
                unchanged: found.unchanged,
            })
        }
        _ => None,
    };
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

async fn load(
    state: &AppState,
    page: &Page,
    company_id: &str,
) -> Result<(PolicyVersion, Vec<VersionLine>), PageError> {
    let id = company_id.to_owned();
    let (active, history) = read(state, page, move |conn, authz, actor| {
        let active = versions::active_version(conn, authz, actor, &id)?;
        let history = versions::list_versions(conn, authz, actor, &id)?;
        Ok::<_, PolicyAdminError>((active, history))
    })
    .await?;
    Ok((active, history.into_iter().map(VersionLine::from).collect()))
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
    let saved = operations::change_policies(&state.gate(), actor, company_id.clone(), change).await;
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
        operations::dry_run(&state.gate(), actor, company_id.clone(), proposal, window).await;
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
        let (_, history) = load(state, page, &self.company_id).await?;
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
            problem: refusal.as_ref().map(|e| e.message(page.t.0).to_owned()),
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

/// Lines shown around each faulty line.
const CONTEXT_LINES: usize = 3;

/// The faulty lines of the text with a few lines around them, each line with the diagnostics
/// that point at it; diagnostics past the last line stay on the last one.
fn listing(text: &str, diagnostics: &[Diagnostic]) -> Vec<ListingLine> {
    let lines: Vec<&str> = text.lines().collect();
    let last = lines.len().max(1);
    let mut listing: Vec<ListingLine> = lines
        .iter()
        .enumerate()
        .map(|(index, line)| ListingLine {
            number: index + 1,
            text: (*line).to_owned(),
            problems: Vec::new(),
        })
        .collect();
    if listing.is_empty() {
        listing.push(ListingLine {
            number: 1,
            text: String::new(),
            problems: Vec::new(),
        });
    }
    for diagnostic in diagnostics {
        let line = diagnostic.line.clamp(1, last);
        listing[line - 1]
            .problems
            .push(format!("{}: {}", diagnostic.column, diagnostic.message));
    }
    let faulty: Vec<usize> = listing
        .iter()
        .filter(|line| !line.problems.is_empty())
        .map(|line| line.number)
        .collect();
    listing.retain(|line| {
        faulty
            .iter()
            .any(|number| line.number.abs_diff(*number) <= CONTEXT_LINES)
    });
    listing
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
        &state.gate(),
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

#[cfg(test)]
mod tests {
    use super::*;

    fn diagnostic(line: usize, message: &str) -> Diagnostic {
        Diagnostic {
            file: "policies".into(),
            policy_id: None,
            line,
            column: 3,
            message: message.into(),
        }
    }

    #[test]
    fn problems_are_shown_at_their_line() {
        let text = "permit (\n  principal,\n  acton,\n  resource\n);\n\n\n\n\n// end";
        let listing = listing(text, &[diagnostic(3, "unexpected token")]);
        let numbers: Vec<usize> = listing.iter().map(|line| line.number).collect();
        assert_eq!(numbers, [1, 2, 3, 4, 5, 6]);
        assert_eq!(listing[2].problems, ["3: unexpected token"]);
        assert!(listing[0].problems.is_empty());
        let past_the_end = super::listing(text, &[diagnostic(99, "at the end")]);
        assert_eq!(past_the_end.last().map(|l| l.number), Some(10));
        assert_eq!(past_the_end.last().unwrap().problems, ["3: at the end"]);
    }
}
