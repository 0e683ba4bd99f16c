//! HTTP: routes, the error contract, extractors. Handlers parse, call one domain function and
//! answer; they never reach the database themselves.

mod alerts;
mod books;
pub mod credentials;
mod decision_point;
pub(crate) mod decisions;
mod domain_errors;
pub mod error;
pub mod extract;
mod identity;
pub mod limits;
pub mod listing;
pub mod locale;
pub mod metrics;
pub mod openapi;
pub mod policies;
mod policy_review;
pub mod rate_limit;
mod seats;
pub mod state;
mod system;
mod versions;

use actix_web::mime;
use actix_web::{web, HttpMessage, HttpRequest, HttpResponse};

use error::{ApiError, ErrorCode};

/// Bodies above this size are refused before parsing.
const JSON_LIMIT_BYTES: usize = 2 * 1024 * 1024;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.app_data(json_config())
        .app_data(web::PathConfig::default().error_handler(|error, req| {
            credentials::credentials_first(req, ApiError::invalid_field("path", &error.to_string()))
                .into()
        }))
        .app_data(web::QueryConfig::default().error_handler(|error, req| {
            credentials::credentials_first(
                req,
                ApiError::invalid_field("query", &error.to_string()),
            )
            .into()
        }))
        // The hottest routes first: actix tries routes in the order they are registered.
        .service(decision_point::authorize)
        .service(decision_point::authorize_batch)
        .service(system::healthz)
        .service(system::readyz)
        .service(system::metrics)
        .service(system::openapi)
        .service(identity::signup)
        .service(identity::sign_in)
        .service(identity::sign_out)
        .service(identity::list_own_sessions)
        .service(identity::revoke_own_session)
        .service(identity::list_company_sessions)
        .service(identity::revoke_company_session)
        .service(identity::list_users)
        .service(identity::add_user)
        .service(identity::get_user)
        .service(identity::update_user)
        .service(identity::disable_user)
        .service(identity::enable_user)
        .service(identity::accept_invitation)
        .service(decisions::verify_decisions)
        .service(decisions::list_decisions)
        .service(decision_point::create_api_key)
        .service(seats::get_seats)
        .service(seats::run_audit)
        .service(seats::list_findings)
        .service(seats::get_finding)
        .service(seats::update_finding)
        .service(seats::seat_advice)
        .service(seats::import_session_events)
        .service(seats::get_enforcement)
        .service(seats::set_enforcement)
        .configure(alerts::configure)
        .service(seats::get_seat_audit_settings)
        .service(seats::set_seat_audit_settings)
        .configure(books::configure)
        .configure(policies::configure)
        .configure(policy_review::configure);
}

/// 415 for a body that says it is JSON of another kind than the contract's
/// (`application/json-patch+json`, `text/json`, `application/json; charset=latin1`) on any
/// API route: actix's JSON extractor would read it as JSON, since its own content-type hook
/// can only widen what it accepts. Other types are refused by the extractor itself.
pub fn foreign_json(req: &HttpRequest) -> Option<ApiError> {
    let mime = req.mime_type().ok().flatten()?;
    let looks_like_json = mime.subtype() == mime::JSON || mime.suffix() == Some(mime::JSON);
    let api_route = req.path().starts_with("/v1/") && req.match_pattern().is_some();
    (looks_like_json && !is_json(&mime) && api_route).then(unsupported_media_type)
}

fn unsupported_media_type() -> ApiError {
    ApiError::new(
        ErrorCode::UnsupportedMediaType,
        "Send the body as application/json (UTF-8).",
        "Envoyez le corps en application/json (UTF-8).",
    )
}

/// The JSON content type the contract names: `application/json`, with no parameter but an
/// optional `charset=utf-8` (JSON is UTF-8, RFC 8259). Other `+json` types and other charsets
/// are refused with 415 rather than read as if they were it.
pub fn is_json(mime: &mime::Mime) -> bool {
    mime.type_() == mime::APPLICATION
        && mime.subtype() == mime::JSON
        && mime.suffix().is_none()
        && is_utf8_text(mime)
}

/// No parameter but an optional `charset=utf-8`.
pub fn is_utf8_text(mime: &mime::Mime) -> bool {
    mime.params()
        .all(|(name, value)| name == mime::CHARSET && value.as_str().eq_ignore_ascii_case("utf-8"))
}

fn json_config() -> web::JsonConfig {
    web::JsonConfig::default()
        .limit(JSON_LIMIT_BYTES)
        .content_type_required(true)
        .error_handler(|error, req| {
            use actix_web::error::JsonPayloadError as E;
            let api = match &error {
                E::Overflow { .. } | E::OverflowKnownLength { .. } => ApiError::new(
                    ErrorCode::PayloadTooLarge,
                    "The request body is too large.",
                    "Le corps de la requête est trop volumineux.",
                ),
                E::ContentType => unsupported_media_type(),
                other => ApiError::new(
                    ErrorCode::InvalidJson,
                    format!("The JSON body is invalid: {other}"),
                    format!("Le corps JSON est invalide : {other}"),
                ),
            };
            credentials::credentials_first(req, api).into()
        })
}

/// Unknown routes and methods answer in the error contract too.
pub async fn not_found() -> HttpResponse {
    use actix_web::ResponseError;
    ApiError::not_found().error_response()
}
