//! Signing up, signing in and accepting an invitation: the public ways in.

use actix_web::{post, web, HttpRequest, HttpResponse};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::app::AppState;
use crate::i18n::Locale;
use crate::identity::companies::Signup;
use crate::identity::fields::{parse_device_id, DisplayName, Email, Password};
use crate::identity::models::{CompanyView, UserView};
use crate::identity::operations;
use crate::identity::sessions::OpenedSession;
use crate::identity::Plan;
use crate::web::error::ApiError;
use crate::web::request::client_info;

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SignupRequest {
    company_name: String,
    /// simple_start, essentials, plus, advanced or custom
    plan: String,
    /// Billable seats of a `custom` plan.
    custom_seat_limit: Option<i64>,
    email: String,
    password: String,
    display_name: String,
    /// en or fr: the language of the company's pages and mails.
    locale: Option<String>,
    device_id: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct SessionCreated {
    token: String,
    session_id: String,
    expires_at: String,
    user: UserView,
}

#[derive(Serialize, ToSchema)]
pub struct SignupCreated {
    company: CompanyView,
    user: UserView,
    token: String,
    session_id: String,
    expires_at: String,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SignInRequest {
    email: String,
    password: String,
    device_id: Option<String>,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AcceptInvitationRequest {
    token: String,
    password: String,
}

fn parse_optional_device(device_id: Option<String>) -> Result<Option<String>, ApiError> {
    device_id
        .map(|id| parse_device_id(&id).map_err(|p| ApiError::invalid_field("device_id", p)))
        .transpose()
}

fn parse_signup(body: SignupRequest) -> Result<(Signup, Password), ApiError> {
    let plan = Plan::parse(&body.plan).ok_or_else(|| {
        ApiError::invalid_field(
            "plan",
            "must be one of simple_start, essentials, plus, advanced, custom",
        )
    })?;
    let custom_seat_limit = match (plan, body.custom_seat_limit) {
        (Plan::Custom, Some(limit)) if (1..=10_000).contains(&limit) => Some(limit),
        (Plan::Custom, _) => {
            return Err(ApiError::invalid_field(
                "custom_seat_limit",
                "must be given for a custom plan, from 1 to 10000",
            ))
        }
        (_, Some(_)) => {
            return Err(ApiError::invalid_field(
                "custom_seat_limit",
                "only applies to a custom plan",
            ))
        }
        (_, None) => None,
    };
    let locale = match body.locale.as_deref() {
        None => Locale::En,
        Some(tag) => Locale::parse(tag)
            .ok_or_else(|| ApiError::invalid_field("locale", "must be en or fr"))?,
    };
    let password =
        Password::parse(&body.password).map_err(|p| ApiError::invalid_field("password", p))?;
    let parsed = Signup {
        company_name: DisplayName::parse(&body.company_name)
            .map_err(|p| ApiError::invalid_field("company_name", p))?,
        plan,
        custom_seat_limit,
        locale,
        email: Email::parse(&body.email).map_err(|p| ApiError::invalid_field("email", p))?,
        display_name: DisplayName::parse(&body.display_name)
            .map_err(|p| ApiError::invalid_field("display_name", p))?,
        // Filled in once hashed, off the async workers.
        password_hash: String::new(),
    };
    Ok((parsed, password))
}

fn session_created(opened: OpenedSession) -> SessionCreated {
    SessionCreated {
        token: opened.token,
        session_id: opened.session.id.clone(),
        expires_at: crate::clock::rfc3339(opened.session.expires_at),
        user: opened.user.into(),
    }
}

/// Creates a company with its primary admin, signed in.
#[utoipa::path(request_body = SignupRequest, responses(
    (status = 201, body = SignupCreated), (status = 400, description = "invalid input"),
    (status = 409, description = "email_taken")), tag = "identity")]
#[post("/v1/signup")]
pub async fn signup(
    state: web::Data<AppState>,
    req: HttpRequest,
    body: web::Json<SignupRequest>,
) -> Result<HttpResponse, ApiError> {
    let body = body.into_inner();
    let client = client_info(&req, parse_optional_device(body.device_id.clone())?);
    let (parsed, password) = parse_signup(body)?;
    let timeouts = state.session_timeouts();
    let (company, opened) =
        operations::sign_up(state.gate(), parsed, password, client, timeouts).await?;
    let created = session_created(opened);
    Ok(HttpResponse::Created().json(SignupCreated {
        company: company.into(),
        user: created.user,
        token: created.token,
        session_id: created.session_id,
        expires_at: created.expires_at,
    }))
}

/// Signs in. Too many failures per account or address get 429 with Retry-After.
#[utoipa::path(request_body = SignInRequest, responses(
    (status = 201, body = SessionCreated), (status = 401, description = "invalid_credentials"),
    (status = 429, description = "rate_limited")), tag = "identity")]
#[post("/v1/sessions")]
pub async fn sign_in(
    state: web::Data<AppState>,
    req: HttpRequest,
    body: web::Json<SignInRequest>,
) -> Result<HttpResponse, ApiError> {
    let body = body.into_inner();
    let client = client_info(&req, parse_optional_device(body.device_id)?);
    let rules = state.sign_in_rules();
    let opened =
        operations::sign_in(state.gate(), rules, &body.email, body.password, client).await?;
    Ok(HttpResponse::Created().json(session_created(opened)))
}

/// Sets an invited user's password from their invitation token.
#[utoipa::path(request_body = AcceptInvitationRequest, responses((status = 200, body = UserView), (status = 404)), tag = "users")]
#[post("/v1/invitations/accept")]
pub async fn accept_invitation(
    state: web::Data<AppState>,
    body: web::Json<AcceptInvitationRequest>,
) -> Result<HttpResponse, ApiError> {
    let body = body.into_inner();
    let password =
        Password::parse(&body.password).map_err(|p| ApiError::invalid_field("password", p))?;
    let user = operations::accept_invitation(state.gate(), body.token, password).await?;
    Ok(HttpResponse::Ok().json(UserView::from(user)))
}
