//! Sessions over HTTP: the caller's own and the company's, listed and revoked.

use actix_web::{delete, get, web, HttpResponse};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::app::AppState;
use crate::http::listing::Listing;
use crate::identity::models::{SessionRow, SessionView};
use crate::identity::operations;
use crate::identity::sessions::SessionScope;
use crate::paging::{Page, PageRequest};
use crate::web::error::ApiError;
use crate::web::extract::Auth;

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

/// Signs out: ends the session of the token used.
#[utoipa::path(responses((status = 204), (status = 401)), tag = "identity", security(("bearer" = [])))]
#[delete("/v1/sessions/current")]
pub async fn sign_out(
    state: web::Data<AppState>,
    Auth(actor): Auth,
) -> Result<HttpResponse, ApiError> {
    operations::sign_out(state.gate(), actor).await?;
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
    let company_id = actor.company_id.clone();
    list(&state, actor, company_id, SessionScope::Own, filter, cursor).await
}

/// Revokes one of the caller's own sessions.
#[utoipa::path(responses((status = 204), (status = 404)), tag = "identity", security(("bearer" = [])))]
#[delete("/v1/sessions/{session_id}")]
pub async fn revoke_own_session(
    state: web::Data<AppState>,
    Auth(actor): Auth,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let company_id = actor.company_id.clone();
    operations::revoke_session(state.gate(), actor, company_id, path.into_inner()).await?;
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
    let company_id = path.into_inner();
    list(
        &state,
        actor,
        company_id,
        SessionScope::Company,
        filter,
        cursor,
    )
    .await
}

/// Revokes any session of the company (admins).
#[utoipa::path(responses((status = 204), (status = 403), (status = 404)), tag = "identity", security(("bearer" = [])))]
#[delete("/v1/companies/{company_id}/sessions/{session_id}")]
pub async fn revoke_company_session(
    state: web::Data<AppState>,
    Auth(actor): Auth,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, ApiError> {
    let (company_id, session_id) = path.into_inner();
    operations::revoke_session(state.gate(), actor, company_id, session_id).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// A page of sessions in `scope`, as both listings answer it.
async fn list(
    state: &AppState,
    actor: crate::authz::Actor,
    company_id: String,
    scope: SessionScope,
    filter: web::Query<SessionFilter>,
    cursor: Listing,
) -> Result<HttpResponse, ApiError> {
    let only_active = filter.active.unwrap_or(false);
    let after = cursor.open(filter.cursor.as_deref())?;
    let request = PageRequest::parse(filter.limit, after.as_deref())?;
    let listing = (scope, only_active);
    let page = operations::list_sessions(state.gate(), actor, company_id, listing, request).await?;
    Ok(session_list(cursor.sealed(page)))
}

fn session_list(page: Page<SessionRow>) -> HttpResponse {
    HttpResponse::Ok().json(SessionList {
        items: page.items.into_iter().map(SessionView::from).collect(),
        next_cursor: page.next.clone(),
        next: page.next,
    })
}
