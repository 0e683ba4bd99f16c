//! Signing in and out of the pages: the API's sessions, held in a cookie.

use actix_web::http::StatusCode;
use actix_web::{get, post, web, HttpRequest, HttpResponse};
use askama::Template;
use serde::Deserialize;

use super::cookies;
use super::error::{forgery_message, unreadable_form_message, PageError};
use super::lang::Lang;
use super::session::Posted;
use super::{csrf, html, see_other};
use crate::app::AppState;
use crate::identity::operations;
use crate::web::error::{current_locale, ApiError};
use crate::web::request::client_info;

#[derive(Template)]
#[template(path = "ui/sign_in.html")]
struct SignInPage {
    t: Lang,
    csrf: String,
    email: String,
    problem: Option<String>,
}

/// Shows the form, with a fresh random key for its token in a cookie.
#[get("/ui/sign-in")]
async fn show_form(state: web::Data<AppState>) -> Result<HttpResponse, PageError> {
    sign_in_page(&state, String::new(), None, StatusCode::OK)
}

fn sign_in_page(
    state: &AppState,
    email: String,
    problem: Option<String>,
    status: StatusCode,
) -> Result<HttpResponse, PageError> {
    let key = csrf::random_token();
    let page = SignInPage {
        t: Lang(current_locale()),
        csrf: csrf::token_for(&key),
        email,
        problem,
    };
    let mut response = html(&page)?;
    *response.status_mut() = status;
    response
        .add_cookie(&cookies::sign_in_cookie(
            key,
            state.settings.secure_cookies(),
        ))
        .map_err(|error| ApiError::internal(&error))?;
    Ok(response)
}

#[derive(Deserialize)]
struct SignInForm {
    email: String,
    password: String,
    /// Missing, it is a wrong token: refused as a forgery.
    #[serde(default)]
    csrf: String,
}

/// Every refusal but a form past its size shows the sign-in page again, with why.
#[post("/ui/sign-in")]
async fn submit(
    state: web::Data<AppState>,
    req: HttpRequest,
    form: Result<web::Form<SignInForm>, actix_web::Error>,
) -> Result<HttpResponse, PageError> {
    let t = Lang(current_locale());
    let form = match form {
        Ok(form) => form.into_inner(),
        Err(refused) if refused.as_response_error().status_code() == StatusCode::BAD_REQUEST => {
            let problem = unreadable_form_message(t).to_owned();
            return sign_in_page(
                &state,
                String::new(),
                Some(problem),
                StatusCode::BAD_REQUEST,
            );
        }
        Err(refused) => return Ok(refused.error_response()),
    };
    let email = form.email.trim().to_owned();
    let key = req
        .cookie(cookies::SIGN_IN_COOKIE)
        .map(|c| c.value().to_owned())
        .unwrap_or_default();
    if key.is_empty() || !csrf::verify(&key, &form.csrf) {
        let problem = forgery_message(t).to_owned();
        return sign_in_page(&state, email, Some(problem), StatusCode::FORBIDDEN);
    }
    let client = client_info(&req, None);
    let rules = state.sign_in_rules();
    let opened = operations::sign_in(state.gate(), rules, &email, form.password, client).await;
    let opened = match opened {
        Ok(opened) => opened,
        Err(error) => {
            let error = ApiError::from(error);
            let status = error.code.status();
            let message = error.message(current_locale()).to_owned();
            return sign_in_page(&state, email, Some(message), status);
        }
    };
    let mut response = see_other(&format!("/ui/companies/{}", opened.user.company_id));
    let cookie = cookies::session_cookie(
        &opened.token,
        opened.session.expires_at,
        state.settings.secure_cookies(),
    );
    response
        .add_cookie(&cookie)
        .and_then(|()| response.add_removal_cookie(&cookies::removal(cookies::SIGN_IN_COOKIE)))
        .map_err(|error| ApiError::internal(&error))?;
    Ok(response)
}

#[derive(Deserialize)]
struct Empty {}

/// Ends the page's session, like `DELETE /v1/sessions/current`.
#[post("/ui/sign-out")]
async fn sign_out(
    state: web::Data<AppState>,
    posted: Posted<Empty>,
) -> Result<HttpResponse, PageError> {
    operations::sign_out(state.gate(), posted.page.actor.clone()).await?;
    let mut response = see_other(cookies::SIGN_IN_PATH);
    response
        .add_removal_cookie(&cookies::removal(cookies::SESSION_COOKIE))
        .map_err(|error| ApiError::internal(&error))?;
    Ok(response)
}
