//! The signed-in person of a page, from the session cookie (`cookies`), and the forms they
//! post, read only once the session's CSRF token is checked.

use std::future::Future;
use std::pin::Pin;

use actix_web::dev::Payload;
use actix_web::{web, FromRequest, HttpMessage, HttpRequest};
use serde::de::DeserializeOwned;

use super::cookies::SESSION_COOKIE;
use super::csrf;
use super::error::PageError;
use super::lang::Lang;
pub use super::page::Page;
use crate::app::AppState;
use crate::identity::operations;
use crate::policy_admin;
use crate::web::error::{current_locale, prefer_company_locale, ApiError};
use crate::web::request::client_ip;

impl FromRequest for Page {
    type Error = PageError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, PageError>>>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let state = req.app_data::<web::Data<AppState>>().cloned();
        let token = req.cookie(SESSION_COOKIE).map(|c| c.value().to_owned());
        let ip = client_ip(req);
        let path = req
            .uri()
            .path_and_query()
            .map_or_else(|| req.path().to_owned(), |p| p.as_str().to_owned());
        let request = req.clone();
        Box::pin(async move {
            let state = state.ok_or_else(|| ApiError::internal(&"application state missing"))?;
            let token = token.filter(|t| !t.is_empty()).ok_or(PageError::SignIn)?;
            let timeouts = state.session_timeouts();
            let authenticated = operations::authenticate(state.gate(), token.clone(), timeouts, ip)
                .await
                .map_err(|error| match error {
                    crate::identity::IdentityError::SessionEnded { .. } => PageError::SignIn,
                    other => other.into(),
                })?;
            prefer_company_locale(authenticated.company_locale);
            let own =
                policy_admin::operations::own_access(state.gate(), authenticated.actor.clone())
                    .await
                    .map_err(ApiError::from)?;
            let page = Page {
                actor: authenticated.actor,
                csrf: csrf::token_for(&token),
                t: Lang::in_zone(current_locale(), own.company.zone()),
                company_name: own.company.name,
                may: own.may,
                path,
            };
            // An error answered later on this page is shown inside its menu (`error`).
            request.extensions_mut().insert(page.clone());
            Ok(page)
        })
    }
}

/// A posted form of a signed-in page, read only once its CSRF token (field `csrf`) is
/// checked.
pub struct Posted<T> {
    pub page: Page,
    pub form: T,
}

impl<T: DeserializeOwned + 'static> FromRequest for Posted<T> {
    type Error = PageError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, PageError>>>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let page = Page::from_request(req, payload);
        let body = web::Bytes::from_request(req, payload);
        let token = req.cookie(SESSION_COOKIE).map(|c| c.value().to_owned());
        Box::pin(async move {
            let page = page.await?;
            let body = body
                .await
                .map_err(|error| PageError::unreadable_body(&error))?;
            let fields: Vec<(String, String)> = serde_urlencoded::from_bytes(&body)
                .map_err(|error| PageError::unreadable_form(&error))?;
            let submitted = fields
                .iter()
                .find(|(name, _)| name == "csrf")
                .map(|(_, value)| value.as_str())
                .unwrap_or_default();
            if !csrf::verify(&token.unwrap_or_default(), submitted) {
                return Err(PageError::Forgery);
            }
            let form = serde_urlencoded::from_bytes(&body)
                .map_err(|error| PageError::unreadable_form(&error))?;
            Ok(Posted { page, form })
        })
    }
}
