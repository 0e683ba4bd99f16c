//! Looking at policies before and after a change, over HTTP: diff, test, dry-run, access
//! review, explain; and linking templates.

use std::collections::BTreeMap;

use actix_web::{delete, get, post, web, HttpRequest, HttpResponse};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use utoipa::{IntoParams, OpenApi, ToSchema};

use super::decisions::{parse_instant, wants_csv};
use crate::app::AppState;
use crate::authz::policy_files::{LinkedResource, TemplateLink};
use crate::authz::policy_tests::{CaseResult, TestReport};
use crate::authz::{self, Action, Options, Resource, ResourceKind};
use crate::i18n::Locale;
use crate::identity::Role;
use crate::policy_admin::access_review::AccessReview;
use crate::policy_admin::diff::PolicyDiff;
use crate::policy_admin::dry_run::{DryRunReport, Window, MAX_REPLAYED};
use crate::policy_admin::operations;
use crate::policy_admin::service::{self, ExplainReason, ExplainRequest, Explanation, Proposal};
use crate::policy_admin::versions::PolicyVersion;
use crate::web::error::{current_locale, ApiError};
use crate::web::extract::Auth;

/// Logged decisions a dry-run replays when the request names no window.
const DEFAULT_REPLAYED: i64 = 10_000;

#[derive(OpenApi)]
#[openapi(paths(
    diff_versions,
    test_policies,
    dry_run,
    access_review,
    explain,
    link_template,
    unlink_template
))]
struct PolicyReviewDoc;

pub fn openapi() -> utoipa::openapi::OpenApi {
    PolicyReviewDoc::openapi()
}

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(diff_versions)
        .service(test_policies)
        .service(dry_run)
        .service(access_review)
        .service(explain)
        .service(link_template)
        .service(unlink_template);
}

#[derive(Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct DiffQuery {
    /// The older version.
    from: i64,
    /// The newer version (default: the active one).
    to: Option<i64>,
}

/// Two versions compared policy by policy (by `@id`), and their template links.
#[utoipa::path(params(DiffQuery), responses((status = 200, body = PolicyDiff), (status = 403), (status = 404)),
    tag = "policies", security(("bearer" = [])))]
#[get("/v1/companies/{company_id}/policies/diff")]
pub async fn diff_versions(
    state: web::Data<AppState>,
    Auth(actor): Auth,
    path: web::Path<String>,
    query: web::Query<DiffQuery>,
) -> Result<HttpResponse, ApiError> {
    let company_id = path.into_inner();
    let DiffQuery { from, to } = query.into_inner();
    let authz = state.authz.clone();
    let diff = authz::read(&state.store, &state.actions, move |conn| {
        service::diff_versions(conn, &authz, &actor, &company_id, from, to)
    })
    .await?;
    Ok(HttpResponse::Ok().json(diff))
}

/// A proposed text, for tests and dry-runs; absent parts are the active version's.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TestRequest {
    #[serde(default)]
    policies: Option<String>,
    #[serde(default)]
    links: Option<Vec<TemplateLink>>,
    /// Test files by file name; absent: the active version's.
    #[serde(default)]
    #[schema(value_type = Option<Object>)]
    tests: Option<BTreeMap<String, Value>>,
}

#[derive(Serialize, ToSchema)]
pub struct TestRun {
    passed: usize,
    failed: usize,
    cases: Vec<CaseResult>,
}

impl From<TestReport> for TestRun {
    fn from(report: TestReport) -> Self {
        Self {
            passed: report.passed(),
            failed: report.failed(),
            cases: report.cases,
        }
    }
}

/// Runs policy tests against a proposed text, saving nothing.
#[utoipa::path(request_body = TestRequest, responses((status = 200, body = TestRun), (status = 403), (status = 422)),
    tag = "policies", security(("bearer" = [])))]
#[post("/v1/companies/{company_id}/policies/test")]
pub async fn test_policies(
    state: web::Data<AppState>,
    Auth(actor): Auth,
    path: web::Path<String>,
    body: web::Json<TestRequest>,
) -> Result<HttpResponse, ApiError> {
    let TestRequest {
        policies,
        links,
        tests,
    } = body.into_inner();
    let proposal = Proposal { policies, links };
    let report =
        operations::test_policies(&state.gate(), actor, path.into_inner(), proposal, tests).await?;
    Ok(HttpResponse::Ok().json(TestRun::from(report)))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DryRunRequest {
    /// The proposed text (absent: the active one, e.g. to try other links).
    #[serde(default)]
    policies: Option<String>,
    #[serde(default)]
    links: Option<Vec<TemplateLink>>,
    /// Replay the most recent decisions (default 10000, at most 1000000)...
    #[serde(default)]
    last: Option<i64>,
    /// ...or those decided from this instant (RFC 3339)...
    #[serde(default)]
    from: Option<String>,
    /// ...to this one, excluded.
    #[serde(default)]
    to: Option<String>,
}

impl DryRunRequest {
    fn window(&self) -> Result<Window, ApiError> {
        match (self.last, &self.from, &self.to) {
            (Some(_), Some(_), _) | (Some(_), _, Some(_)) => Err(ApiError::invalid_field(
                "last",
                "give either last or from and to",
            )),
            (Some(last), None, None) if !(1..=MAX_REPLAYED).contains(&last) => {
                Err(ApiError::invalid_field("last", "must be from 1 to 1000000"))
            }
            (Some(last), None, None) => Ok(Window::Last(last)),
            (None, Some(from), Some(to)) => Ok(Window::Between {
                from: parse_instant("from", from)?,
                to: parse_instant("to", to)?,
            }),
            (None, Some(_), None) => Err(ApiError::invalid_field("to", "is needed with from")),
            (None, None, Some(_)) => Err(ApiError::invalid_field("from", "is needed with to")),
            (None, None, None) => Ok(Window::Last(DEFAULT_REPLAYED)),
        }
    }
}

/// Replays logged decisions against a proposed text: the decisions that would flip, by
/// user and action, and what each user of the roster would gain and lose.
#[utoipa::path(request_body = DryRunRequest, responses((status = 200, body = DryRunReport), (status = 400), (status = 403), (status = 422)),
    tag = "policies", security(("bearer" = [])))]
#[post("/v1/companies/{company_id}/policies/dry-run")]
pub async fn dry_run(
    state: web::Data<AppState>,
    Auth(actor): Auth,
    path: web::Path<String>,
    body: web::Json<DryRunRequest>,
) -> Result<HttpResponse, ApiError> {
    let body = body.into_inner();
    let window = body.window()?;
    let proposal = Proposal {
        policies: body.policies,
        links: body.links,
    };
    let report =
        operations::dry_run(&state.gate(), actor, path.into_inner(), proposal, window).await?;
    Ok(HttpResponse::Ok().json(report))
}

/// Users × actions under the active policies: allowed, denied, or allowed only under
/// conditions. CSV with `Accept: text/csv`.
#[utoipa::path(responses((status = 200, description = "JSON, or CSV with Accept: text/csv",
        content((AccessReview = "application/json"), (String = "text/csv"))), (status = 403)),
    tag = "policies", security(("bearer" = [])))]
#[get("/v1/companies/{company_id}/access-review")]
pub async fn access_review(
    state: web::Data<AppState>,
    Auth(actor): Auth,
    req: HttpRequest,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let company_id = path.into_inner();
    let authz = state.authz.clone();
    let review = authz::read(&state.store, &state.actions, move |conn| {
        service::access_review(conn, &authz, &actor, &company_id)
    })
    .await?;
    if wants_csv(&req) {
        let csv = review.to_csv().map_err(|e| ApiError::internal(&e))?;
        return Ok(HttpResponse::Ok()
            .content_type("text/csv; charset=utf-8")
            .body(csv));
    }
    Ok(HttpResponse::Ok().json(review))
}

/// The resource asked about, with the attributes the policies read.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ExplainedResource {
    /// An entity type of the schema: `Invoice`, `Bill`, `Timesheet`...
    #[serde(rename = "type")]
    kind: String,
    id: String,
    #[serde(default)]
    created_by: Option<String>,
    #[serde(default)]
    posted_by: Option<String>,
    #[serde(default)]
    bill_created_by: Option<String>,
    #[serde(default)]
    owner: Option<String>,
    #[serde(default)]
    owner_role: Option<String>,
    /// YYYY-MM-DD
    #[serde(default)]
    date: Option<String>,
    /// `total_cents` of documents, `amount_cents` of payments.
    #[serde(default)]
    amount_cents: Option<i64>,
    /// Reports: which report; users: their role.
    #[serde(default)]
    label: Option<String>,
    #[serde(default)]
    active: Option<bool>,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ExplainBody {
    user_id: String,
    action: String,
    resource: ExplainedResource,
    #[serde(default)]
    override_closing_date: bool,
    #[serde(default)]
    requested_role: Option<String>,
    #[serde(default)]
    session_flagged: bool,
}

impl ExplainBody {
    fn parse(self, company_id: &str) -> Result<ExplainRequest, ApiError> {
        let action = Action::parse(&self.action)
            .ok_or_else(|| ApiError::invalid_field("action", "is not an action of the schema"))?;
        let r = self.resource;
        let kind = ResourceKind::parse(&r.kind).ok_or_else(|| {
            ApiError::invalid_field("resource.type", "is not an entity type of the schema")
        })?;
        let date = r
            .date
            .map(|d| {
                NaiveDate::parse_from_str(&d, "%Y-%m-%d")
                    .map_err(|_| ApiError::invalid_field("resource.date", "must be YYYY-MM-DD"))
            })
            .transpose()?;
        let requested_role = self
            .requested_role
            .map(|role| {
                Role::parse(&role)
                    .ok_or_else(|| ApiError::invalid_field("requested_role", "is not a role"))
            })
            .transpose()?;
        Ok(ExplainRequest {
            user_id: self.user_id,
            action,
            resource: Resource {
                created_by: r.created_by,
                posted_by: r.posted_by,
                bill_created_by: r.bill_created_by,
                owner: r.owner,
                owner_role: r.owner_role,
                date,
                amount_cents: r.amount_cents,
                label: r.label,
                active: r.active,
                ..Resource::new(kind, r.id, company_id)
            },
            options: Options {
                override_closing_date: self.override_closing_date,
                requested_role,
            },
            session_flagged: self.session_flagged,
        })
    }
}

#[derive(Serialize, ToSchema)]
pub struct ExplanationView {
    #[serde(flatten)]
    explanation: Explanation,
    /// The decision in words, in the request's language.
    message: String,
}

fn explanation_message(reason: ExplainReason, policies: &[String], locale: Locale) -> String {
    let list = policies.join(", ");
    match (reason, locale) {
        (ExplainReason::Permitted, Locale::En) => format!("Allowed by policy {list}."),
        (ExplainReason::Permitted, Locale::Fr) => format!("Autorisé par la politique {list}."),
        (ExplainReason::ForbiddenByPolicy, Locale::En) => format!("Forbidden by policy {list}."),
        (ExplainReason::ForbiddenByPolicy, Locale::Fr) => {
            format!("Interdit par la politique {list}.")
        }
        (ExplainReason::NoPermit, Locale::En) => "No policy permits this action.".to_owned(),
        (ExplainReason::NoPermit, Locale::Fr) => {
            "Aucune politique n'autorise cette action.".to_owned()
        }
        (ExplainReason::Error, Locale::En) => {
            "The request could not be evaluated, so it is denied.".to_owned()
        }
        (ExplainReason::Error, Locale::Fr) => {
            "La demande n'a pas pu être évaluée ; elle est donc refusée.".to_owned()
        }
    }
}

/// The decision the active policies give a user for an action on a resource, and the
/// policies that determine it, with their text.
#[utoipa::path(request_body = ExplainBody, responses((status = 200, body = ExplanationView), (status = 400), (status = 403)),
    tag = "policies", security(("bearer" = [])))]
#[post("/v1/companies/{company_id}/policies/explain")]
pub async fn explain(
    state: web::Data<AppState>,
    Auth(actor): Auth,
    path: web::Path<String>,
    body: web::Json<ExplainBody>,
) -> Result<HttpResponse, ApiError> {
    let company_id = path.into_inner();
    let request = body.into_inner().parse(&company_id)?;
    let authz = state.authz.clone();
    let explanation = authz::read(&state.store, &state.actions, move |conn| {
        service::explain(conn, &authz, &actor, &company_id, request)
    })
    .await?;
    let ids: Vec<String> = explanation
        .determining_policies
        .iter()
        .map(|p| p.id.clone())
        .collect();
    let message = explanation_message(explanation.reason, &ids, current_locale());
    Ok(HttpResponse::Ok().json(ExplanationView {
        explanation,
        message,
    }))
}

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
        &state.gate(),
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
        &state.gate(),
        actor,
        company_id,
        link_id,
        expected_version,
        comment,
    )
    .await?;
    Ok(HttpResponse::Ok().json(version))
}
