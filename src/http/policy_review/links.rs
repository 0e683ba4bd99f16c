//! Template links: a grant for one user made a new version, or taken back.

use actix_web::{delete, post, web, HttpResponse};
use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};

use crate::app::AppState;
use crate::authz::policy_files::{LinkedResource, TemplateLink};
use crate::policy_admin::operations;
use crate::policy_admin::versions::PolicyVersion;
use crate::web::error::ApiError;
use crate::web::extract::Auth;

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LinkBody {
    /// The id of the policy the link becomes.
    id: String,
    /// The template's `@id`.
    template: String,
    /// The user the grant is for (the template's `?principal`).
    principal: String,
    /// The template's `?resource`, when it has that slot.
    #[serde(default)]
    resource: Option<LinkedResource>,
    expected_version: i64,
    #[serde(default)]
    comment: Option<String>,
}

/// Links a template for a user: a new version, validated and tested like any change.
#[utoipa::path(request_body = LinkBody, responses((status = 201, body = PolicyVersion), (status = 400), (status = 403), (status = 409), (status = 422)),
    tag = "policies", security(("bearer" = [])))]
#[post("/v1/companies/{company_id}/policies/links")]
pub async fn link_template(
    state: web::Data<AppState>,
    Auth(actor): Auth,
    path: web::Path<String>,
    body: web::Json<LinkBody>,
) -> Result<HttpResponse, ApiError> {
    let body = body.into_inner();
    let comment = body
        .comment
        .unwrap_or_else(|| format!("link {} for {}", body.template, body.principal));
    let link = TemplateLink {
        id: body.id,
        template: body.template,
        principal: Some(body.principal),
        resource: body.resource,
    };
    let expected_version = body.expected_version;
    let version = operations::link_template(
        state.gate(),
        actor,
        path.into_inner(),
        link,
        expected_version,
        comment,
    )
    .await?;
    Ok(HttpResponse::Created().json(version))
}

#[derive(Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct UnlinkQuery {
    expected_version: i64,
}

/// Removes a template link: a new version without it.
#[utoipa::path(params(UnlinkQuery), responses((status = 200, body = PolicyVersion), (status = 403), (status = 404), (status = 409)),
    tag = "policies", security(("bearer" = [])))]
#[delete("/v1/companies/{company_id}/policies/links/{link_id}")]
pub async fn unlink_template(
    state: web::Data<AppState>,
    Auth(actor): Auth,
    path: web::Path<(String, String)>,
    query: web::Query<UnlinkQuery>,
) -> Result<HttpResponse, ApiError> {
    let (company_id, link_id) = path.into_inner();
    let expected_version = query.into_inner().expected_version;
    let comment = format!("unlink {link_id}");
    let version = operations::unlink_template(
        state.gate(),
        actor,
        company_id,
        link_id,
        expected_version,
        comment,
    )
    .await?;
    Ok(HttpResponse::Ok().json(version))
}
