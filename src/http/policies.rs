//! Policy administration over HTTP: the active policies, changes, history and rollback.

use std::collections::BTreeMap;

use actix_web::{get, post, put, web, HttpResponse};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use utoipa::{OpenApi, ToSchema};

use crate::app::AppState;
use crate::authz::policy_files::TemplateLink;
use crate::policy_admin::operations;
use crate::policy_admin::versions::{PolicyVersion, ProposedChange, VersionSummary};
use crate::web::error::ApiError;
use crate::web::extract::Auth;

#[derive(OpenApi)]
#[openapi(paths(get_policies, put_policies, list_versions, get_version, rollback))]
struct PoliciesDoc;

pub fn openapi() -> utoipa::openapi::OpenApi {
    PoliciesDoc::openapi()
}

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(get_policies)
        .service(put_policies)
        .service(list_versions)
        .service(get_version)
        .service(rollback);
}

/// A new text for the company's policies.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PolicyUpdate {
    /// Cedar policies and templates, each with a unique `@id("...")`.
    policies: String,
    /// The version the change starts from (409 if another is active).
    expected_version: i64,
    #[serde(default)]
    comment: Option<String>,
    /// Template links; absent: the active version's.
    #[serde(default)]
    links: Option<Vec<TemplateLink>>,
    /// Policy test files by file name; absent: the active version's.
    #[serde(default)]
    #[schema(value_type = Option<Object>)]
    tests: Option<BTreeMap<String, Value>>,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RollbackRequest {
    /// The version to restore.
    version: i64,
    expected_version: i64,
    #[serde(default)]
    comment: Option<String>,
}

/// The company's active policies and their version.
#[utoipa::path(responses((status = 200, body = PolicyVersion), (status = 403)),
    tag = "policies", security(("bearer" = [])))]
#[get("/v1/companies/{company_id}/policies")]
pub async fn get_policies(
    state: web::Data<AppState>,
    Auth(actor): Auth,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let company_id = path.into_inner();
    let version = operations::active_version(state.gate(), actor, company_id).await?;
    Ok(HttpResponse::Ok().json(version))
}

/// Replaces the company's policies: validated against the schema, tested, then active for
/// the very next request.
#[utoipa::path(request_body = PolicyUpdate, responses(
    (status = 200, body = PolicyVersion), (status = 403),
    (status = 409, description = "another version is active"),
    (status = 422, description = "invalid policies (diagnostics with line and column) or failed tests")),
    tag = "policies", security(("bearer" = [])))]
#[put("/v1/companies/{company_id}/policies")]
pub async fn put_policies(
    state: web::Data<AppState>,
    Auth(actor): Auth,
    path: web::Path<String>,
    body: web::Json<PolicyUpdate>,
) -> Result<HttpResponse, ApiError> {
    let body = body.into_inner();
    let change = ProposedChange {
        expected_version: body.expected_version,
        policies: body.policies,
        links: body.links,
        tests: body.tests,
        comment: body.comment.unwrap_or_default(),
    };
    let version =
        operations::change_policies(state.gate(), actor, path.into_inner(), change).await?;
    Ok(HttpResponse::Ok().json(version))
}

/// Every version of the company's policies, newest first, in one page: `next` and
/// `next_cursor` are always null (a company keeps few versions), so the list pages like
/// every other one.
#[derive(Serialize, ToSchema)]
pub struct VersionList {
    items: Vec<VersionSummary>,
    /// Always null: every version is on the one page.
    next: Option<String>,
    /// Always null: every version is on the one page.
    next_cursor: Option<String>,
}

impl VersionList {
    fn all(items: Vec<VersionSummary>) -> Self {
        Self {
            items,
            next: None,
            next_cursor: None,
        }
    }
}

/// Every version of the company's policies, newest first, on one page (`next_cursor` null).
#[utoipa::path(responses((status = 200, body = VersionList), (status = 403)),
    tag = "policies", security(("bearer" = [])))]
#[get("/v1/companies/{company_id}/policies/versions")]
pub async fn list_versions(
    state: web::Data<AppState>,
    Auth(actor): Auth,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let company_id = path.into_inner();
    let items = operations::list_versions(state.gate(), actor, company_id).await?;
    Ok(HttpResponse::Ok().json(VersionList::all(items)))
}

/// One version, with its text.
#[utoipa::path(responses((status = 200, body = PolicyVersion), (status = 403), (status = 404)),
    tag = "policies", security(("bearer" = [])))]
#[get("/v1/companies/{company_id}/policies/versions/{version}")]
pub async fn get_version(
    state: web::Data<AppState>,
    Auth(actor): Auth,
    path: web::Path<(String, i64)>,
) -> Result<HttpResponse, ApiError> {
    let (company_id, number) = path.into_inner();
    let version = operations::get_version(state.gate(), actor, company_id, number).await?;
    Ok(HttpResponse::Ok().json(version))
}

/// Makes a new version equal to an old one, validated and tested again.
#[utoipa::path(request_body = RollbackRequest, responses(
    (status = 200, body = PolicyVersion), (status = 403), (status = 404), (status = 409), (status = 422)),
    tag = "policies", security(("bearer" = [])))]
#[post("/v1/companies/{company_id}/policies/rollback")]
pub async fn rollback(
    state: web::Data<AppState>,
    Auth(actor): Auth,
    path: web::Path<String>,
    body: web::Json<RollbackRequest>,
) -> Result<HttpResponse, ApiError> {
    let body = body.into_inner();
    let comment = body
        .comment
        .unwrap_or_else(|| format!("rollback to version {}", body.version));
    let version = operations::rollback(
        state.gate(),
        actor,
        path.into_inner(),
        body.version,
        body.expected_version,
        comment,
    )
    .await?;
    Ok(HttpResponse::Ok().json(version))
}
