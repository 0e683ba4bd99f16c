//! Accepting an invitation in the pages: the invited person opens the link the admin sent
//! (`/ui/invitations/accept?code=…`), chooses a password, and signs in. No session yet: the
//! form is guarded like the sign-in form (`open_form`).

use actix_web::http::StatusCode;
use actix_web::{get, post, web, HttpRequest, HttpResponse};
use askama::Template;
use serde::Deserialize;

use super::error::{forgery_message, PageError};
use super::html;
use super::lang::Lang;
use super::open_form::{forget_key, posted_with_its_key, FormKey};
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
    let key = FormKey::new();
    let page = InvitationPage {
        t: Lang::new(current_locale()),
        csrf: key.token.clone(),
        code,
        problem,
        accepted: None,
    };
    key.answer(&page, status, state.settings.secure_cookies())
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
    let code = form.code.trim().to_owned();
    if !posted_with_its_key(&req, &form.csrf) {
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
            forget_key(&mut response)?;
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
