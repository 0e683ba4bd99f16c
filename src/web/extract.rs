//! The authenticated actor of an API request.

use std::future::Future;
use std::pin::Pin;

use actix_web::dev::Payload;
use actix_web::{web, FromRequest, HttpMessage, HttpRequest};

use super::credentials;
use super::error::{prefer_company_locale, ApiError};
use super::request::{bearer_token, client_ip};
use crate::app::AppState;
use crate::authz::Actor;
use crate::identity::sessions::Authenticated;

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
