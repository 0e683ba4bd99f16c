//! The access review on one screen: who may do what under the active policies, one column
//! per person (by name, with their role) and one row per action (by label), grouped by area,
//! coloured cells with a legend; shared team logins marked with the people the seat audit
//! found behind them. The same matrix as CSV, with the codes.

use std::collections::HashMap;

use actix_web::http::header;
use actix_web::{get, web, HttpResponse};
use askama::Template;

use super::error::PageError;
use super::labels::{self, Area};
use super::lang::Lang;
use super::session::Page;
use super::{html, Nav};
use crate::app::AppState;
use crate::authz::Action;
use crate::identity::models::status;
use crate::policy_admin::access_review::{Access, AccessReview};
use crate::policy_admin::operations;
use crate::seats::findings::FindingKind;
use crate::seats::operations as seats;
use crate::seats::storage::findings::FindingFilter;
use crate::web::error::ApiError;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(show_review).service(export_review);
}

/// A person of the roster, as a column.
struct PersonColumn {
    name: String,
    email: String,
    role: String,
    /// Disabled, or only invited: denied everything.
    inactive: bool,
    /// The open shared-login finding on this login: its people and its page.
    shared: Option<SharedLogin>,
}

struct SharedLogin {
    /// "3 people" / "3 personnes".
    people: String,
    finding_id: String,
}

/// One action's row: its label and, per person, the access and its class.
struct ActionRow {
    /// The action's name in the schema, kept in an attribute for tools and tests.
    code: &'static str,
    label: &'static str,
    cells: Vec<Cell>,
}

#[derive(Clone, Copy)]
struct Cell {
    class: &'static str,
    mark: &'static str,
    words: &'static str,
}

struct AreaRows {
    label: &'static str,
    code: &'static str,
    rows: Vec<ActionRow>,
}

#[derive(Template)]
#[template(path = "ui/access_review.html")]
struct ReviewPage {
    t: Lang,
    nav: Nav,
    company_id: String,
    people: Vec<PersonColumn>,
    areas: Vec<AreaRows>,
    legend: [Cell; 3],
}

async fn review(
    state: &AppState,
    page: &Page,
    company_id: &str,
) -> Result<AccessReview, PageError> {
    let actor = page.actor.clone();
    Ok(operations::access_review(state.gate(), actor, company_id.to_owned()).await?)
}

fn cell(t: Lang, access: Access) -> Cell {
    match access {
        Access::Allowed => Cell {
            class: "allowed",
            mark: "✓",
            words: t.t("allowed", "autorisé"),
        },
        Access::Conditional => Cell {
            class: "conditional",
            mark: "~",
            words: t.t("under conditions", "sous conditions"),
        },
        Access::Denied => Cell {
            class: "denied",
            mark: "·",
            words: t.t("denied", "refusé"),
        },
    }
}

/// Open and acknowledged shared-login findings, by login; none for a person who may not
/// read findings.
async fn shared_logins(
    state: &AppState,
    page: &Page,
    company_id: &str,
) -> Result<HashMap<String, SharedLogin>, PageError> {
    if !page.may.allows(Action::ViewFindings) {
        return Ok(HashMap::new());
    }
    let filter = FindingFilter {
        kind: Some(FindingKind::SharedLogin),
        ..FindingFilter::default()
    };
    let config = state.settings.audit_config();
    let actor = page.actor.clone();
    let found =
        seats::all_findings(state.gate(), actor, company_id.to_owned(), filter, config).await?;
    Ok(found
        .findings
        .into_iter()
        .filter(|finding| !finding.is_resolved())
        .filter_map(|finding| {
            let people = usize::try_from(finding.headcount).unwrap_or_default();
            let shared = SharedLogin {
                people: page
                    .t
                    .count(people, ("person", "people"), ("personne", "personnes")),
                finding_id: finding.id,
            };
            Some((finding.login?, shared))
        })
        .collect())
}

#[get("/ui/companies/{company_id}/access-review")]
async fn show_review(
    state: web::Data<AppState>,
    page: Page,
    path: web::Path<String>,
) -> Result<HttpResponse, PageError> {
    let company_id = path.into_inner();
    let found = review(&state, &page, &company_id).await?;
    let mut shared = shared_logins(&state, &page, &company_id).await?;
    let t = page.t;
    let people = found
        .users
        .iter()
        .map(|user| PersonColumn {
            name: user.user.display_name.clone(),
            email: user.user.email.clone(),
            role: labels::role_named(t, &user.user.role),
            inactive: user.user.status != status::ACTIVE && user.user.status != status::EXTERNAL,
            shared: shared.remove(&user.user.email),
        })
        .collect();
    let areas = Area::ALL
        .iter()
        .map(|&area| AreaRows {
            label: area.label(t),
            code: area.code(),
            rows: area
                .actions()
                .map(|action| ActionRow {
                    code: action.name(),
                    label: labels::action(t, action),
                    cells: found
                        .users
                        .iter()
                        .map(|user| {
                            let access = user.access.get(action.name()).copied();
                            cell(t, access.unwrap_or(Access::Denied))
                        })
                        .collect(),
                })
                .collect(),
        })
        .collect();
    html(&ReviewPage {
        nav: Nav::new(&page, "access"),
        legend: [
            cell(t, Access::Allowed),
            cell(t, Access::Conditional),
            cell(t, Access::Denied),
        ],
        t,
        company_id,
        people,
        areas,
    })
}

#[get("/ui/companies/{company_id}/access-review.csv")]
async fn export_review(
    state: web::Data<AppState>,
    page: Page,
    path: web::Path<String>,
) -> Result<HttpResponse, PageError> {
    let company_id = path.into_inner();
    let found = review(&state, &page, &company_id).await?;
    let csv = found.to_csv().map_err(|error| ApiError::internal(&error))?;
    Ok(HttpResponse::Ok()
        .content_type("text/csv; charset=utf-8")
        .insert_header((
            header::CONTENT_DISPOSITION,
            "attachment; filename=\"access-review.csv\"",
        ))
        .body(csv))
}
