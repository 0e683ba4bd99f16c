//! The company's users over HTTP: listed, added, changed, disabled and enabled.

use actix_web::{get, patch, post, web, HttpRequest, HttpResponse};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::app::AppState;
use crate::http::listing::Listing;
use crate::http::versions::expected_version;
use crate::identity::fields::{DisplayName, Email, Password};
use crate::identity::models::UserView;
use crate::identity::operations;
use crate::identity::users::{NewUser, UserChanges};
use crate::identity::Role;
use crate::paging::PageRequest;
use crate::web::error::ApiError;
use crate::web::extract::Auth;

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

#[derive(Serialize, ToSchema)]
pub struct UserList {
    items: Vec<UserView>,
    /// The cursor of the next page; null at the end (also as `next_cursor`).
    next: Option<String>,
    next_cursor: Option<String>,
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
    let page = operations::list_users(state.gate(), actor, path.into_inner(), request)
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
    let new_user = NewUser {
        email: Email::parse(&body.email).map_err(|p| ApiError::invalid_field("email", p))?,
        display_name: DisplayName::parse(&body.display_name)
            .map_err(|p| ApiError::invalid_field("display_name", p))?,
        role: parse_role(&body.role)?,
        // Filled in once hashed, off the async workers.
        password_hash: None,
    };
    let password = body
        .password
        .map(|p| Password::parse(&p).map_err(|e| ApiError::invalid_field("password", e)))
        .transpose()?;
    let (user, invitation_token) =
        operations::add_user(state.gate(), actor, path.into_inner(), new_user, password).await?;
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
    let (company_id, user_id) = path.into_inner();
    let user = operations::get_user(state.gate(), actor, company_id, user_id).await?;
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
    let changes = UserChanges {
        expected_version: expected_version(&req, body.version)?,
        role: body.role.as_deref().map(parse_role).transpose()?,
        display_name: body
            .display_name
            .map(|n| DisplayName::parse(&n).map_err(|p| ApiError::invalid_field("display_name", p)))
            .transpose()?,
    };
    let user = operations::update_user(state.gate(), actor, path.into_inner(), changes).await?;
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
    let (company_id, user_id) = path.into_inner();
    let user = operations::disable_user(state.gate(), actor, company_id, user_id).await?;
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
    let (company_id, user_id) = path.into_inner();
    let user = operations::enable_user(state.gate(), actor, company_id, user_id).await?;
    Ok(HttpResponse::Ok().json(UserView::from(user)))
}
