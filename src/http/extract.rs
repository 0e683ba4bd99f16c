//! Extractors: the authenticated actor, the client's description of itself, and the
//! request's language.

use std::future::Future;
use std::pin::Pin;

use actix_web::dev::Payload;
use actix_web::http::header;
use actix_web::{web, FromRequest, HttpMessage, HttpRequest};

use super::credentials;
use super::error::{prefer_company_locale, ApiError};
use super::state::AppState;
use crate::authz::Actor;
use crate::identity::sessions::{Authenticated, ClientInfo};

/// The signed-in user acting through a bearer session token.
pub struct Auth(pub Actor);

impl FromRequest for Auth {
    type Error = ApiError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, ApiError>>>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let state = req.app_data::<web::Data<AppState>>().cloned();
        let token = bearer_token(req);
        let ip = client_ip(req);
        // Authenticated already by the middleware, before the request was routed.
        let done = req.extensions().get::<Authenticated>().cloned();
        Box::pin(async move {
            let authenticated = match done {
                Some(authenticated) => authenticated,
                None => {
                    let state =
                        state.ok_or_else(|| ApiError::internal(&"application state missing"))?;
                    let token = token.ok_or_else(ApiError::unauthenticated)?;
                    credentials::authenticate(&state, token, ip).await?
                }
            };
            prefer_company_locale(authenticated.company_locale);
            Ok(Auth(authenticated.actor))
        })
    }
}

pub fn bearer_token(req: &HttpRequest) -> Option<String> {
    let value = req.headers().get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = value.split_once(' ')?;
    let token = token.trim();
    (scheme.eq_ignore_ascii_case("bearer") && !token.is_empty()).then(|| token.to_owned())
}

/// The peer address. Forwarded headers are not trusted: a client could forge them to dodge
/// the per-address sign-in limit.
pub fn client_ip(req: &HttpRequest) -> Option<String> {
    req.peer_addr().map(|addr| addr.ip().to_string())
}

/// Address and user agent of the request, with the device id the client may give.
pub fn client_info(req: &HttpRequest, device_id: Option<String>) -> ClientInfo {
    ClientInfo {
        ip: client_ip(req),
        user_agent: req
            .headers()
            .get(header::USER_AGENT)
            .and_then(|v| v.to_str().ok())
            .map(|agent| agent.chars().take(512).collect()),
        device_id,
    }
}
