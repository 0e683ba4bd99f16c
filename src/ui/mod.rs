//! Server-rendered pages under `/ui` for compliance officers and admins. Handlers are thin, as
//! in `http`: they call the same domain functions as the API, so every page is authorized by
//! the same Cedar policies and logged in the same decision log.

mod access_review;
mod admin;
mod advice;
mod assets;
mod charts;
mod cookies;
mod csrf;
mod decisions;
mod error;
mod findings;
mod invitation;
mod labels;
mod lang;
mod language;
mod nav;
mod open_form;
mod overview;
mod page;
mod policies;
mod return_path;
pub mod session;
mod sessions;
mod sign_in;

use actix_web::http::header;
use actix_web::middleware::{from_fn, DefaultHeaders};
use actix_web::{guard, web, HttpResponse};
use askama::Template;

use error::PageError;
pub use nav::Nav;

/// What a page may load: its stylesheet and scripts from this site and nothing else (no
/// inline script or style); its forms post only here; no other site may frame it.
const CONTENT_SECURITY_POLICY: &str = "default-src 'none'; style-src 'self'; \
    script-src 'self'; img-src 'self'; form-action 'self'; base-uri 'none'; \
    frame-ancestors 'none'";

/// Bytes a signed-in page's form may carry (the policy editor's text is the largest); a
/// larger form is answered 413 before it is read.
const FORM_LIMIT_BYTES: usize = 256 * 1024;

/// Bytes of the sign-in form: an email, a password, a token and the page to return to.
const SIGN_IN_FORM_LIMIT_BYTES: usize = 16 * 1024;

/// The pages are one scope: every answer under `/ui` (pages, errors, redirects, the
/// stylesheet, unknown paths) carries the security headers, and forms and queries that cannot
/// be read answer with the pages' own error page. Routes keep their full `/ui/...` paths; the
/// guard keeps the scope to them. Each area registers its own routes.
pub fn configure(cfg: &mut web::ServiceConfig) {
    let pages = web::scope("")
        .guard(guard::fn_guard(|ctx| is_page_path(ctx.head().uri.path())))
        .wrap(from_fn(error::in_layout))
        .wrap(security_headers())
        .app_data(web::PayloadConfig::new(FORM_LIMIT_BYTES))
        .app_data(
            web::FormConfig::default()
                .limit(SIGN_IN_FORM_LIMIT_BYTES)
                .error_handler(error::form_error),
        )
        .app_data(web::QueryConfig::default().error_handler(error::query_error))
        .app_data(web::PathConfig::default().error_handler(error::path_error))
        .configure(assets::configure)
        .configure(sign_in::configure)
        .configure(language::configure)
        .configure(invitation::configure)
        .configure(overview::configure)
        .configure(findings::configure)
        .configure(sessions::configure)
        .configure(decisions::configure)
        .configure(advice::configure)
        .configure(policies::configure)
        .configure(access_review::configure)
        .configure(admin::configure)
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
