//! 401 first: a protected route refuses a request without valid credentials before it looks
//! at the request's path, query or body, so a caller learns first that it must sign in.
//!
//! Two halves, because actix runs middleware before it routes: the middleware authenticates a
//! session token as soon as one comes (an unknown or expired one is refused at once) and
//! hands the result to the `Auth` extractor; the extractors' error handlers, which run once
//! the route is known, answer 401 instead of 400 when a protected route came without a token.
//! An unknown route without a token still answers 404; public routes read their body as before.

use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::Method;
use actix_web::middleware::Next;
use actix_web::{web, Error, HttpMessage, HttpRequest};

use super::error::ApiError;
use super::request::{bearer_token, client_ip};
use crate::app::AppState;
use crate::authz::decision_point;
use crate::identity::operations;
use crate::identity::sessions::Authenticated;

/// Routes anyone may call: everything outside the API, and signing up or in.
fn is_public(method: &Method, path: &str) -> bool {
    let open_to_all = ["/v1/signup", "/v1/sessions", "/v1/invitations/accept"];
    !path.starts_with("/v1/") || (method == Method::POST && open_to_all.contains(&path))
}

/// Authenticates the session token of a request to a protected route before anything else.
pub async fn authenticate_first(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<impl MessageBody>, Error> {
    let token = bearer_token(req.request())
        .filter(|token| !decision_point::is_api_key(token))
        .filter(|_| !is_public(req.method(), req.path()));
    if let (Some(token), Some(state)) = (token, req.app_data::<web::Data<AppState>>().cloned()) {
        match authenticate(&state, token, client_ip(req.request())).await {
            Ok(authenticated) => {
                req.extensions_mut().insert(authenticated);
            }
            Err(error) => return Ok(req.error_response(error).map_into_right_body()),
        }
    }
    // Before any extractor reads the body as JSON; a protected route without a token still
    // answers 401 first.
    if let Some(error) = super::content_type::foreign_json(req.request()) {
        let error = credentials_first(req.request(), error);
        return Ok(req.error_response(error).map_into_right_body());
    }
    next.call(req)
        .await
        .map(ServiceResponse::map_into_left_body)
}

pub async fn authenticate(
    state: &AppState,
    token: String,
    ip: Option<String>,
) -> Result<Authenticated, ApiError> {
    let timeouts = state.session_timeouts();
    Ok(operations::authenticate(state.gate(), token, timeouts, ip).await?)
}

/// What the request's path, query or body could not be parsed into reads as 401 on a
/// protected route that came without a token: credentials are checked first.
pub fn credentials_first(req: &HttpRequest, error: ApiError) -> ApiError {
    let pattern = req.match_pattern();
    let route = pattern.as_deref().unwrap_or(req.path());
    if bearer_token(req).is_none() && !is_public(req.method(), route) {
        ApiError::unauthenticated()
    } else {
        error
    }
}
