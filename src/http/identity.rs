//! Sign-up, sessions and user management over HTTP: parse, call the domain, answer.

use actix_web::{delete, get, patch, post, web, HttpRequest, HttpResponse};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::listing::Listing;
use crate::app::AppState;
use crate::authz;
use crate::i18n::Locale;
use crate::identity::companies::{self, Signup};
use crate::identity::fields::{parse_device_id, DisplayName, Email, Password};
use crate::identity::models::{CompanyView, SessionView, UserView};
use crate::identity::sessions::{self, OpenedSession, SessionScope};
use crate::identity::users::{self, NewUser, UserChanges};
use crate::identity::{passwords, IdentityError, Plan, Role};
use crate::paging::{Page, PageRequest};
use crate::store::write_transaction;
use crate::web::error::ApiError;
use crate::web::extract::Auth;
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
pub struct AddUserRequest {
    email: String,
    display_name: String,
    role: String,
    /// Initial password; without it an invitation token is returned.
    password: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct UserCreated {
    #[serde(flatten)]
    user: UserView,
    /// Present when the user was added without a password.
    invitation_token: Option<String>,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateUserRequest {
    /// The version the change starts from (or the `If-Match` header).
    version: Option<i64>,
    role: Option<String>,
    display_name: Option<String>,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AcceptInvitationRequest {
    token: String,
    password: String,
}

#[derive(Serialize, ToSchema)]
pub struct UserList {
    items: Vec<UserView>,
    /// The cursor of the next page; null at the end (also as `next_cursor`).
    next: Option<String>,
    next_cursor: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct SessionList {
    items: Vec<SessionView>,
    /// The cursor of the next page; null at the end (also as `next_cursor`).
    next: Option<String>,
    next_cursor: Option<String>,
}

#[derive(Deserialize, utoipa::IntoParams)]
pub struct SessionFilter {
    /// Only sessions still open.
    active: Option<bool>,
    /// 1 to 200 sessions; 50 when absent.
    limit: Option<i64>,
    /// The `next_cursor` of the previous page.
    cursor: Option<String>,
}

#[derive(Deserialize, utoipa::IntoParams)]
pub struct UserPageQuery {
    /// 1 to 200 users; 50 when absent.
    limit: Option<i64>,
    /// The `next_cursor` of the previous page.
    cursor: Option<String>,
}

fn parse_role(text: &str) -> Result<Role, ApiError> {
    Role::parse(text).ok_or_else(|| {
        ApiError::invalid_field("role", "must be one of primary_admin, company_admin, standard_all, standard_sales, standard_purchases, reports_only, time_tracking, accountant")
    })
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
    let (mut parsed, password) = parse_signup(body)?;
    let timeouts = state.session_timeouts();
    let (company, opened) = state
        .store
        .run(move |conn| {
            parsed.password_hash = passwords::hash(&password);
            write_transaction(conn, |conn| {
                let (company, admin) = companies::create_company(conn, parsed)?;
                let opened = sessions::open_session(conn, &admin, &client, timeouts)?;
                Ok::<_, IdentityError>((company, opened))
            })
        })
        .await?;
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
    // A malformed email cannot match a user: answer like any wrong credential.
    let email = Email::parse(&body.email).map_err(|_| IdentityError::InvalidCredentials)?;
    if body.password.len() > Password::MAX_BYTES {
        return Err(IdentityError::InvalidCredentials.into());
    }
    let (limits, timeouts) = (state.login_limits(), state.session_timeouts());
    let opened = state
        .store
        .run(move |conn| {
            sessions::sign_in(
                conn,
                limits,
                timeouts,
                email.as_str(),
                &body.password,
                &client,
            )
        })
        .await?;
    Ok(HttpResponse::Created().json(session_created(opened)))
}

/// Signs out: ends the session of the token used.
#[utoipa::path(responses((status = 204), (status = 401)), tag = "identity", security(("bearer" = [])))]
#[delete("/v1/sessions/current")]
pub async fn sign_out(
    state: web::Data<AppState>,
    Auth(actor): Auth,
) -> Result<HttpResponse, ApiError> {
    let authz = state.authz.clone();
    authz::act(&state.actions, move |conn| {
        let session_id = actor.session_id.clone().unwrap_or_default();
        sessions::revoke_session(conn, &authz, &actor, &actor.company_id, &session_id)
    })
    .await?;
    Ok(HttpResponse::NoContent().finish())
}

/// The caller's own sessions.
#[utoipa::path(params(SessionFilter), responses((status = 200, body = SessionList)), tag = "identity", security(("bearer" = [])))]
#[get("/v1/sessions")]
pub async fn list_own_sessions(
    state: web::Data<AppState>,
    Auth(actor): Auth,
    filter: web::Query<SessionFilter>,
    cursor: Listing,
) -> Result<HttpResponse, ApiError> {
    let authz = state.authz.clone();
    let only_active = filter.active.unwrap_or(false);
    let after = cursor.open(filter.cursor.as_deref())?;
    let request = PageRequest::parse(filter.limit, after.as_deref())?;
    let page = authz::read(&state.store, &state.actions, move |conn| {
        let company_id = actor.company_id.clone();
        let listing = (SessionScope::Own, only_active);
        sessions::list_sessions(conn, &authz, &actor, &company_id, listing, &request)
    })
    .await?;
    Ok(session_list(cursor.sealed(page)))
}

/// Revokes one of the caller's own sessions.
#[utoipa::path(responses((status = 204), (status = 404)), tag = "identity", security(("bearer" = [])))]
#[delete("/v1/sessions/{session_id}")]
pub async fn revoke_own_session(
    state: web::Data<AppState>,
    Auth(actor): Auth,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let authz = state.authz.clone();
    let session_id = path.into_inner();
    authz::act(&state.actions, move |conn| {
        let company_id = actor.company_id.clone();
        sessions::revoke_session(conn, &authz, &actor, &company_id, &session_id)
    })
    .await?;
    Ok(HttpResponse::NoContent().finish())
}

/// The company's sessions (admins and accountants).
#[utoipa::path(params(SessionFilter), responses((status = 200, body = SessionList), (status = 403)), tag = "identity", security(("bearer" = [])))]
#[get("/v1/companies/{company_id}/sessions")]
pub async fn list_company_sessions(
    state: web::Data<AppState>,
    Auth(actor): Auth,
    path: web::Path<String>,
    filter: web::Query<SessionFilter>,
    cursor: Listing,
) -> Result<HttpResponse, ApiError> {
    let authz = state.authz.clone();
    let company_id = path.into_inner();
    let only_active = filter.active.unwrap_or(false);
    let after = cursor.open(filter.cursor.as_deref())?;
    let request = PageRequest::parse(filter.limit, after.as_deref())?;
    let page = authz::read(&state.store, &state.actions, move |conn| {
        let listing = (SessionScope::Company, only_active);
        sessions::list_sessions(conn, &authz, &actor, &company_id, listing, &request)
    })
    .await?;
    Ok(session_list(cursor.sealed(page)))
}

/// Revokes any session of the company (admins).
#[utoipa::path(responses((status = 204), (status = 403), (status = 404)), tag = "identity", security(("bearer" = [])))]
#[delete("/v1/companies/{company_id}/sessions/{session_id}")]
pub async fn revoke_company_session(
    state: web::Data<AppState>,
    Auth(actor): Auth,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, ApiError> {
    let authz = state.authz.clone();
    let (company_id, session_id) = path.into_inner();
    authz::act(&state.actions, move |conn| {
        sessions::revoke_session(conn, &authz, &actor, &company_id, &session_id)
    })
    .await?;
    Ok(HttpResponse::NoContent().finish())
}

fn session_list(page: Page<crate::identity::models::SessionRow>) -> HttpResponse {
    HttpResponse::Ok().json(SessionList {
        items: page.items.into_iter().map(SessionView::from).collect(),
        next_cursor: page.next.clone(),
        next: page.next,
    })
}

/// The company's users, a page at a time in the order they were added.
#[utoipa::path(params(UserPageQuery), responses((status = 200, body = UserList), (status = 400), (status = 403)), tag = "users", security(("bearer" = [])))]
#[get("/v1/companies/{company_id}/users")]
pub async fn list_users(
    state: web::Data<AppState>,
    Auth(actor): Auth,
    path: web::Path<String>,
    query: web::Query<UserPageQuery>,
    listing: Listing,
) -> Result<HttpResponse, ApiError> {
    let after = listing.open(query.cursor.as_deref())?;
    let request = PageRequest::parse(query.limit, after.as_deref())?;
    let authz = state.authz.clone();
    let company_id = path.into_inner();
    let page = authz::read(&state.store, &state.actions, move |conn| {
        users::list_users(conn, &authz, &actor, &company_id, &request)
    })
    .await
    .map(|page| listing.sealed(page))?;
    Ok(HttpResponse::Ok().json(UserList {
        items: page.items.into_iter().map(UserView::from).collect(),
        next_cursor: page.next.clone(),
        next: page.next,
    }))
}

/// Adds a user. A billable user past the plan's seats gets 409 `seat_limit_reached`.
#[utoipa::path(request_body = AddUserRequest, responses(
    (status = 201, body = UserCreated), (status = 400), (status = 403),
    (status = 409, description = "seat_limit_reached, email_taken, role_not_in_plan")),
    tag = "users", security(("bearer" = [])))]
#[post("/v1/companies/{company_id}/users")]
pub async fn add_user(
    state: web::Data<AppState>,
    Auth(actor): Auth,
    path: web::Path<String>,
    body: web::Json<AddUserRequest>,
) -> Result<HttpResponse, ApiError> {
    let body = body.into_inner();
    let company_id = path.into_inner();
    let email = Email::parse(&body.email).map_err(|p| ApiError::invalid_field("email", p))?;
    let display_name = DisplayName::parse(&body.display_name)
        .map_err(|p| ApiError::invalid_field("display_name", p))?;
    let role = parse_role(&body.role)?;
    let password = body
        .password
        .map(|p| Password::parse(&p).map_err(|e| ApiError::invalid_field("password", e)))
        .transpose()?;
    // Hashed before the action: the action runs in a group commit that must not wait on it.
    let password_hash = web::block(move || password.as_ref().map(passwords::hash))
        .await
        .map_err(|error| ApiError::internal(&error))?;
    let authz = state.authz.clone();
    let (user, invitation_token) = authz::act(&state.actions, move |conn| {
        let new_user = NewUser {
            email: email.clone(),
            display_name: display_name.clone(),
            role,
            password_hash: password_hash.clone(),
        };
        users::add_user(conn, &authz, &actor, &company_id, new_user)
    })
    .await?;
    Ok(HttpResponse::Created().json(UserCreated {
        user: user.into(),
        invitation_token,
    }))
}

/// One user.
#[utoipa::path(responses((status = 200, body = UserView), (status = 404)), tag = "users", security(("bearer" = [])))]
#[get("/v1/companies/{company_id}/users/{user_id}")]
pub async fn get_user(
    state: web::Data<AppState>,
    Auth(actor): Auth,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, ApiError> {
    let authz = state.authz.clone();
    let (company_id, user_id) = path.into_inner();
    let user = authz::read(&state.store, &state.actions, move |conn| {
        users::get_user(conn, &authz, &actor, &company_id, &user_id)
    })
    .await?;
    Ok(HttpResponse::Ok().json(UserView::from(user)))
}

/// Changes a user's role or name, from the version the caller saw.
#[utoipa::path(request_body = UpdateUserRequest, responses(
    (status = 200, body = UserView), (status = 409, description = "conflict: stale version")),
    tag = "users", security(("bearer" = [])))]
#[patch("/v1/companies/{company_id}/users/{user_id}")]
pub async fn update_user(
    state: web::Data<AppState>,
    Auth(actor): Auth,
    req: HttpRequest,
    path: web::Path<(String, String)>,
    body: web::Json<UpdateUserRequest>,
) -> Result<HttpResponse, ApiError> {
    let body = body.into_inner();
    let (company_id, user_id) = path.into_inner();
    let changes = UserChanges {
        expected_version: super::versions::expected_version(&req, body.version)?,
        role: body.role.as_deref().map(parse_role).transpose()?,
        display_name: body
            .display_name
            .map(|n| DisplayName::parse(&n).map_err(|p| ApiError::invalid_field("display_name", p)))
            .transpose()?,
    };
    let authz = state.authz.clone();
    let user = authz::act(&state.actions, move |conn| {
        users::update_user(conn, &authz, &actor, &company_id, &user_id, changes.clone())
    })
    .await?;
    Ok(HttpResponse::Ok().json(UserView::from(user)))
}

/// Disables a user; all their sessions end at once.
#[utoipa::path(responses((status = 200, body = UserView), (status = 403), (status = 404)), tag = "users", security(("bearer" = [])))]
#[post("/v1/companies/{company_id}/users/{user_id}/disable")]
pub async fn disable_user(
    state: web::Data<AppState>,
    Auth(actor): Auth,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, ApiError> {
    let authz = state.authz.clone();
    let (company_id, user_id) = path.into_inner();
    let user = authz::act(&state.actions, move |conn| {
        users::disable_user(conn, &authz, &actor, &company_id, &user_id)
    })
    .await?;
    Ok(HttpResponse::Ok().json(UserView::from(user)))
}

/// Re-enables a user, if the plan has a seat for them.
#[utoipa::path(responses((status = 200, body = UserView), (status = 409, description = "seat_limit_reached")), tag = "users", security(("bearer" = [])))]
#[post("/v1/companies/{company_id}/users/{user_id}/enable")]
pub async fn enable_user(
    state: web::Data<AppState>,
    Auth(actor): Auth,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, ApiError> {
    let authz = state.authz.clone();
    let (company_id, user_id) = path.into_inner();
    let user = authz::act(&state.actions, move |conn| {
        users::enable_user(conn, &authz, &actor, &company_id, &user_id)
    })
    .await?;
    Ok(HttpResponse::Ok().json(UserView::from(user)))
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
    let user = state
        .store
        .run(move |conn| {
            let hash = passwords::hash(&password);
            write_transaction(conn, |conn| {
                users::accept_invitation(conn, &body.token, hash)
            })
        })
        .await?;
    Ok(HttpResponse::Ok().json(UserView::from(user)))
}
