//! HTTP: routes, the error contract, extractors. Handlers parse, call one domain function and
//! answer; they never reach the database themselves.

mod alerts;
mod books;
mod decision_point;
pub(crate) mod decisions;
mod identity;
pub mod listing;
pub mod openapi;
pub mod policies;
mod policy_review;
mod seats;
mod system;
mod versions;

use actix_web::{web, HttpResponse};

use crate::web::content_type::unsupported_media_type;
use crate::web::credentials;
use crate::web::error::{ApiError, ErrorCode};

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
        .service(openapi::serve_document)
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
        .service(identity::get_locale_settings)
        .service(identity::set_locale_settings)
        .configure(alerts::configure)
        .service(seats::get_seat_audit_settings)
        .service(seats::set_seat_audit_settings)
        .configure(books::configure)
        .configure(policies::configure)
        .configure(policy_review::configure);
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
