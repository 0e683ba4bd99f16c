//! The access review: who may do what, users × actions, under the active policies; and the
//! same matrix as CSV.

use actix_web::http::header;
use actix_web::{get, web, HttpResponse};
use askama::Template;

use super::error::PageError;
use super::lang::Lang;
use super::session::Page;
use super::{html, Nav};
use crate::app::AppState;
use crate::policy_admin::access_review::{Access, AccessReview};
use crate::policy_admin::operations;
use crate::web::error::ApiError;

struct ReviewLine {
    email: String,
    role: String,
    /// One mark per action, in the order of the header.
    marks: Vec<&'static str>,
}


pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(show_review).service(export_review);
}

#[derive(Template)]
#[template(path = "ui/access_review.html")]
struct ReviewPage {
    t: Lang,
    nav: Nav,
    company_id: String,
    actions: Vec<String>,
    lines: Vec<ReviewLine>,
}

async fn review(
    state: &AppState,
    page: &Page,
    company_id: &str,
) -> Result<AccessReview, PageError> {
    let actor = page.actor.clone();
    Ok(operations::access_review(state.gate(), actor, company_id.to_owned()).await?)
}

#[get("/ui/companies/{company_id}/access-review")]
async fn show_review(
    state: web::Data<AppState>,
    page: Page,
    path: web::Path<String>,
) -> Result<HttpResponse, PageError> {
    let company_id = path.into_inner();
    let found = review(&state, &page, &company_id).await?;
    let lines = found
        .users
        .iter()
        .map(|user| ReviewLine {
            email: user.user.email.clone(),
            role: user.user.role.clone(),
            marks: found
                .actions
                .iter()
                .map(|action| match user.access.get(action) {
                    Some(Access::Allowed) => "✓",
                    Some(Access::Conditional) => "~",
                    _ => "·",
                })
                .collect(),
        })
        .collect();
    html(&ReviewPage {
        nav: Nav::new(&page, "access"),
        t: page.t,
        company_id,
        actions: found.actions,
        lines,
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
