//! Signing in and out of the pages: the API's sessions, held in a cookie.

use actix_web::http::StatusCode;
use actix_web::{get, post, web, HttpRequest, HttpResponse};
use askama::Template;
use serde::Deserialize;

use super::cookies;
use super::error::{forgery_message, unreadable_form_message, PageError};
use super::lang::Lang;
use super::open_form::{forget_key, posted_with_its_key, FormKey};
use super::session::{Page, Posted};
use super::{return_path, see_other, Nav};
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
    /// The page asked for before signing in, where the sign-in leads.
    next: String,
    problem: Option<String>,
}

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(home)
        .service(show_form)
        .service(submit)
        .service(sign_out);
}

/// `/ui`: the signed-in person's company, or the sign-in page.
#[get("/ui")]
async fn home(page: Result<Page, PageError>) -> HttpResponse {
    match page {
        Ok(page) => see_other(&Nav::new(&page, "").home()),
        Err(_) => see_other(cookies::SIGN_IN_PATH),
    }
}

#[derive(Deserialize)]
struct Next {
    #[serde(default)]
    next: String,
}

/// Shows the form, with a fresh random key for its token in a cookie.
#[get("/ui/sign-in")]
async fn show_form(
    state: web::Data<AppState>,
    next: web::Query<Next>,
) -> Result<HttpResponse, PageError> {
    let form = Filled {
        email: String::new(),
        next: next.into_inner().next,
    };
    sign_in_page(&state, form, None, StatusCode::OK)
}

/// What the form shows again after a refusal.
struct Filled {
    email: String,
    next: String,
}

fn sign_in_page(
    state: &AppState,
    form: Filled,
    problem: Option<String>,
    status: StatusCode,
) -> Result<HttpResponse, PageError> {
    let key = FormKey::new();
    let page = SignInPage {
        t: Lang::new(current_locale()),
        csrf: key.token.clone(),
        email: form.email,
        next: return_path::same_site(&form.next)
            .unwrap_or_default()
            .to_owned(),
        problem,
    };
    key.answer(&page, status, state.settings.secure_cookies())
}

#[derive(Deserialize)]
struct SignInForm {
    email: String,
    password: String,
    /// Missing, it is a wrong token: refused as a forgery.
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    next: String,
}

/// Every refusal but a form past its size shows the sign-in page again, with why.
#[post("/ui/sign-in")]
async fn submit(
    state: web::Data<AppState>,
    req: HttpRequest,
    form: Result<web::Form<SignInForm>, actix_web::Error>,
) -> Result<HttpResponse, PageError> {
    let t = Lang::new(current_locale());
    let form = match form {
        Ok(form) => form.into_inner(),
        Err(refused) if refused.as_response_error().status_code() == StatusCode::BAD_REQUEST => {
            let problem = unreadable_form_message(t).to_owned();
            let form = Filled {
                email: String::new(),
                next: String::new(),
            };
            return sign_in_page(&state, form, Some(problem), StatusCode::BAD_REQUEST);
        }
        Err(refused) => return Ok(refused.error_response()),
    };
    let filled = Filled {
        email: form.email.trim().to_owned(),
        next: form.next,
    };
    if !posted_with_its_key(&req, &form.csrf) {
        let problem = forgery_message(t).to_owned();
        return sign_in_page(&state, filled, Some(problem), StatusCode::FORBIDDEN);
    }
    let client = client_info(&req, None);
    let rules = state.sign_in_rules();
    let opened =
        operations::sign_in(state.gate(), rules, &filled.email, form.password, client).await;
    let opened = match opened {
        Ok(opened) => opened,
        Err(error) => {
            let error = ApiError::from(error);
            let status = error.code.status();
            let message = error.message(current_locale()).to_owned();
            return sign_in_page(&state, filled, Some(message), status);
        }
    };
    // `/ui` leads on to the first page the person may open.
    let mut response = see_other(return_path::same_site(&filled.next).unwrap_or("/ui"));
    let cookie = cookies::session_cookie(
        &opened.token,
        opened.session.expires_at,
        state.settings.secure_cookies(),
    );
    response
        .add_cookie(&cookie)
        .map_err(|error| ApiError::internal(&error))?;
    forget_key(&mut response)?;
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
