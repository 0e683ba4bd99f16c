//! The policy editor: the active text in a textarea; saving shows validation errors at their
//! line; the history with rollback. Every operation is policy administration's own domain
//! function, authorized by `view_policies` / `edit_policies`.

use actix_web::{get, post, web, HttpResponse};
use askama::Template;
use serde::Deserialize;

use super::error::PageError;
use super::lang::{when, Lang};
use super::session::{Page, Posted};
use super::{html, see_other, Nav};
use crate::authz;
use crate::authz::policy_files::Diagnostic;
use crate::http::error::ApiError;
use crate::http::state::AppState;
use crate::policy_admin::versions::{self, PolicyVersion, ProposedChange, VersionSummary};
use crate::policy_admin::PolicyAdminError;

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
}

#[derive(Deserialize)]
struct Saved {
    saved: Option<i64>,
}

#[get("/ui/companies/{company_id}/policies")]
async fn editor(
    state: web::Data<AppState>,
    page: Page,
    path: web::Path<String>,
    query: web::Query<Saved>,
) -> Result<HttpResponse, PageError> {
    let company_id = path.into_inner();
    let (active, history) = load(&state, &page, &company_id).await?;
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
    })
}

async fn load(
    state: &AppState,
    page: &Page,
    company_id: &str,
) -> Result<(PolicyVersion, Vec<VersionLine>), PageError> {
    let (authz, actor, id) = (
        state.authz.clone(),
        page.actor.clone(),
        company_id.to_owned(),
    );
    let (active, history) = authz::act(&state.actions, move |conn| {
        let active = versions::active_version(conn, &authz, &actor, &id)?;
        let history = versions::list_versions(conn, &authz, &actor, &id)?;
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
    let (authz, actor, id) = (
        state.authz.clone(),
        posted.page.actor.clone(),
        company_id.clone(),
    );
    let saved = authz::act(&state.actions, move |conn| {
        versions::change_policies(conn, &authz, &actor, &id, change.clone())
    })
    .await;
    let refusal = match saved {
        Ok(version) => {
            return Ok(see_other(&format!(
                "/ui/companies/{company_id}/policies?saved={}",
                version.version
            )))
        }
        Err(error @ PolicyAdminError::Denied(_)) | Err(error @ PolicyAdminError::Store(_)) => {
            return Err(error.into())
        }
        Err(error) => error,
    };
    let page = posted.page;
    let (_, history) = load(&state, &page, &company_id).await?;
    let diagnostics = match &refusal {
        PolicyAdminError::InvalidPolicies(diagnostics) => diagnostics.clone(),
        _ => Vec::new(),
    };
    let status = ApiError::from(refusal);
    let mut response = html(&PoliciesPage {
        nav: Nav::new(&page, "policies"),
        t: page.t,
        company_id,
        version: form.expected_version,
        listing: listing(&text, &diagnostics),
        text,
        comment: form.comment,
        saved: None,
        problem: Some(status.message(page.t.0).to_owned()),
        diagnostics,
        history,
    })?;
    *response.status_mut() = status.code.status();
    Ok(response)
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
    let (authz, actor, id) = (state.authz.clone(), posted.page.actor, company_id.clone());
    let restored = authz::act(&state.actions, move |conn| {
        versions::rollback(
            conn,
            &authz,
            &actor,
            &id,
            form.version,
            form.expected_version,
            format!("rollback to version {}", form.version),
        )
    })
    .await?;
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
