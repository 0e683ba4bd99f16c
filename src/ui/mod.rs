//! Server-rendered pages under `/ui` for compliance officers and admins. Handlers are thin, as
//! in `http`: they call the same domain functions as the API, so every page is authorized by
//! the same Cedar policies and logged in the same decision log.

mod access_review;
mod advice;
mod assets;
mod charts;
mod cookies;
mod csrf;
mod decisions;
mod error;
mod findings;
mod lang;
mod overview;
mod policies;
pub mod session;
mod sessions;
mod sign_in;

use actix_web::http::header;
use actix_web::middleware::DefaultHeaders;
use actix_web::{get, guard, web, HttpResponse};
use askama::Template;

use cookies::SIGN_IN_PATH;
use error::PageError;
use session::Page;

/// What a page may load: its stylesheet from this site and nothing else (no script at all, no
/// inline style); its forms post only here; no other site may frame it.
const CONTENT_SECURITY_POLICY: &str = "default-src 'none'; style-src 'self'; \
    img-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'";

/// Bytes a signed-in page's form may carry (the policy editor's text is the largest); a
/// larger form is answered 413 before it is read.
const FORM_LIMIT_BYTES: usize = 256 * 1024;

/// Bytes of the sign-in form: an email, a password and a token.
const SIGN_IN_FORM_LIMIT_BYTES: usize = 16 * 1024;

/// The pages are one scope: every answer under `/ui` (pages, errors, redirects, the
/// stylesheet, unknown paths) carries the security headers, and forms and queries that cannot
/// be read answer with the pages' own error page. Routes keep their full `/ui/...` paths; the
/// guard keeps the scope to them.
pub fn configure(cfg: &mut web::ServiceConfig) {
    let pages = web::scope("")
        .guard(guard::fn_guard(|ctx| is_page_path(ctx.head().uri.path())))
        .wrap(security_headers())
        .app_data(web::PayloadConfig::new(FORM_LIMIT_BYTES))
        .app_data(
            web::FormConfig::default()
                .limit(SIGN_IN_FORM_LIMIT_BYTES)
                .error_handler(error::form_error),
        )
        .app_data(web::QueryConfig::default().error_handler(error::query_error))
        .app_data(web::PathConfig::default().error_handler(error::path_error))
        .service(home)
        .service(assets::stylesheet)
        .service(sign_in::show_form)
        .service(sign_in::submit)
        .service(sign_in::sign_out)
        .service(overview::overview)
        .service(findings::list)
        .service(findings::show)
        .service(findings::change_state)
        .service(sessions::list)
        .service(sessions::revoke)
        .service(decisions::search)
        .service(decisions::export_csv)
        .service(advice::show_advice)
        .service(policies::show_editor)
        .service(policies::save)
        .service(policies::dry_run)
        .service(policies::rollback)
        .service(access_review::show_review)
        .service(access_review::export_review)
        .default_service(web::to(error::not_found));
    cfg.service(pages);
}

fn is_page_path(path: &str) -> bool {
    path == "/ui" || path.starts_with("/ui/")
}

fn security_headers() -> DefaultHeaders {
    DefaultHeaders::new()
        .add((header::CONTENT_SECURITY_POLICY, CONTENT_SECURITY_POLICY))
        .add((header::X_FRAME_OPTIONS, "DENY"))
        .add((header::X_CONTENT_TYPE_OPTIONS, "nosniff"))
        .add((header::REFERRER_POLICY, "same-origin"))
}

/// The menu of every signed-in page.
pub struct Nav {
    pub company_id: String,
    pub csrf: String,
    /// Which entry is shown as current.
    pub current: &'static str,
}

impl Nav {
    pub fn new(page: &Page, current: &'static str) -> Self {
        Self {
            company_id: page.actor.company_id.clone(),
            csrf: page.csrf.clone(),
            current,
        }
    }

    /// The entries: path under the company, English and French names, and whether it is
    /// the current page.
    pub fn entries(&self) -> Vec<(&'static str, &'static str, &'static str, bool)> {
        [
            ("overview", "", "Overview", "Vue d'ensemble"),
            ("findings", "/findings", "Findings", "Constats"),
            ("sessions", "/sessions", "Sessions", "Sessions"),
            (
                "decisions",
                "/decisions",
                "Decision log",
                "Journal des décisions",
            ),
            ("advice", "/advice", "Seat advice", "Conseil de sièges"),
            (
                "access",
                "/access-review",
                "Access review",
                "Revue des accès",
            ),
            ("policies", "/policies", "Policies", "Politiques"),
        ]
        .into_iter()
        .map(|(key, path, english, french)| (path, english, french, key == self.current))
        .collect()
    }
}

pub(crate) fn html(page: &impl Template) -> Result<HttpResponse, PageError> {
    Ok(HttpResponse::Ok()
        .content_type("text/html; charset=utf-8")
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .body(page.render()?))
}

pub(crate) fn see_other(location: &str) -> HttpResponse {
    HttpResponse::SeeOther()
        .insert_header((header::LOCATION, location))
        .finish()
}

/// `/ui`: the signed-in person's company, or the sign-in page.
#[get("/ui")]
async fn home(page: Result<Page, PageError>) -> HttpResponse {
    match page {
        Ok(page) => see_other(&format!("/ui/companies/{}", page.actor.company_id)),
        Err(_) => see_other(SIGN_IN_PATH),
    }
}
