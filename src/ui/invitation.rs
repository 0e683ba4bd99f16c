//! Accepting an invitation in the pages: the invited person opens the link the admin sent
//! (`/ui/invitations/accept?code=…`), chooses a password, and signs in. The form is guarded
//! like the sign-in form (no session yet): a random key in a strict cookie and its token.

use actix_web::http::StatusCode;
use actix_web::{get, post, web, HttpRequest, HttpResponse};
use askama::Template;
use serde::Deserialize;

use super::cookies;
use super::error::{forgery_message, PageError};
use super::lang::Lang;
use super::{csrf, html};
use crate::app::AppState;
use crate::identity::fields::Password;
use crate::identity::operations;
use crate::web::error::{current_locale, ApiError};

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(show_form).service(accept);
}

#[derive(Template)]
#[template(path = "ui/invitation.html")]
struct InvitationPage {
    t: Lang,
    csrf: String,
    code: String,
    problem: Option<String>,
    /// The name of the person whose account is now ready.
    accepted: Option<String>,
}

#[derive(Deserialize)]
struct Code {
    #[serde(default)]
    code: String,
}

#[get("/ui/invitations/accept")]
async fn show_form(
    state: web::Data<AppState>,
    code: web::Query<Code>,
) -> Result<HttpResponse, PageError> {
    invitation_page(&state, code.into_inner().code, None, StatusCode::OK)
}

fn invitation_page(
    state: &AppState,
    code: String,
    problem: Option<String>,
    status: StatusCode,
) -> Result<HttpResponse, PageError> {
    let key = csrf::random_token();
    let page = InvitationPage {
        t: Lang::new(current_locale()),
        csrf: csrf::token_for(&key),
        code,
        problem,
        accepted: None,
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
struct AcceptForm {
    code: String,
    password: String,
    #[serde(default)]
    csrf: String,
}

#[post("/ui/invitations/accept")]
async fn accept(
    state: web::Data<AppState>,
    req: HttpRequest,
    form: web::Form<AcceptForm>,
) -> Result<HttpResponse, PageError> {
    let t = Lang::new(current_locale());
    let form = form.into_inner();
    let key = req
        .cookie(cookies::SIGN_IN_COOKIE)
        .map(|c| c.value().to_owned())
        .unwrap_or_default();
    let code = form.code.trim().to_owned();
    if key.is_empty() || !csrf::verify(&key, &form.csrf) {
        let problem = forgery_message(t).to_owned();
        return invitation_page(&state, code, Some(problem), StatusCode::FORBIDDEN);
    }
    let Ok(password) = Password::parse(&form.password) else {
        let problem = t.t(
            "Choose a password of at least 10 characters.",
            "Choisissez un mot de passe d'au moins 10 caractères.",
        );
        return invitation_page(
            &state,
            code,
            Some(problem.to_owned()),
            StatusCode::BAD_REQUEST,
        );
    };
    match operations::accept_invitation(state.gate(), code.clone(), password).await {
        Ok(user) => {
            let mut response = html(&InvitationPage {
                t,
                csrf: String::new(),
                code: String::new(),
                problem: None,
                accepted: Some(user.display_name),
            })?;
            response
                .add_removal_cookie(&cookies::removal(cookies::SIGN_IN_COOKIE))
                .map_err(|error| ApiError::internal(&error))?;
            Ok(response)
        }
        Err(error) => {
            let error = ApiError::from(error);
            let status = error.code.status();
            let message = error.message(t.locale()).to_owned();
            invitation_page(&state, code, Some(message), status)
        }
    }
}
