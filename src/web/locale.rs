//! Middleware that fixes the request's language for the messages it will read: the pages'
//! language switch first, then `Accept-Language`, then (later, once known) the company's.

use std::cell::Cell;

use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header;
use actix_web::middleware::Next;
use actix_web::Error;

use super::error::{LocaleChoice, REQUEST_LOCALE};
use crate::i18n::Locale;

/// The language a person chose in the pages' switch; it comes before `Accept-Language`.
pub const LANGUAGE_COOKIE: &str = "sw_lang";

pub async fn scope_locale(
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, Error> {
    let chosen = req
        .cookie(LANGUAGE_COOKIE)
        .and_then(|cookie| Locale::parse(cookie.value()));
    let asked = chosen.or_else(|| {
        req.headers()
            .get(header::ACCEPT_LANGUAGE)
            .and_then(|value| value.to_str().ok())
            .and_then(Locale::from_accept_language)
    });
    let default = req
        .app_data::<actix_web::web::Data<crate::app::AppState>>()
        .map(|state| state.settings.default_locale)
        .unwrap_or_default();
    let choice = LocaleChoice {
        locale: asked.unwrap_or(default),
        from_request: asked.is_some(),
    };
    REQUEST_LOCALE
        .scope(Cell::new(choice), next.call(req))
        .await
}
