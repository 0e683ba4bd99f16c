//! Forms shown before any session (the sign-in, an invitation): their token is derived from
//! a random key held in a strict cookie until the form is posted, since there is no session
//! to derive it from.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse};
use askama::Template;

use super::error::PageError;
use super::{cookies, csrf, html};
use crate::web::error::ApiError;

/// A fresh key for one form, and the token its page carries.
pub struct FormKey {
    key: String,
    pub token: String,
}

impl FormKey {
    pub fn new() -> Self {
        let key = csrf::random_token();
        let token = csrf::token_for(&key);
        Self { key, token }
    }

    /// The page with `status`, and its key in the cookie the post must bring back.
    pub fn answer(
        self,
        page: &impl Template,
        status: StatusCode,
        secure: bool,
    ) -> Result<HttpResponse, PageError> {
        let mut response = html(page)?;
        *response.status_mut() = status;
        response
            .add_cookie(&cookies::sign_in_cookie(self.key, secure))
            .map_err(|error| ApiError::internal(&error))?;
        Ok(response)
    }
}

/// Whether a posted form carries the token of the key its cookie holds.
pub fn posted_with_its_key(req: &HttpRequest, token: &str) -> bool {
    let key = req
        .cookie(cookies::SIGN_IN_COOKIE)
        .map(|c| c.value().to_owned())
        .unwrap_or_default();
    !key.is_empty() && csrf::verify(&key, token)
}

/// Clears the form's key once it has served.
pub fn forget_key(response: &mut HttpResponse) -> Result<(), PageError> {
    response
        .add_removal_cookie(&cookies::removal(cookies::SIGN_IN_COOKIE))
        .map_err(|error| ApiError::internal(&error).into())
}
