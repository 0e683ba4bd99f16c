//! The company's versions compared, and a proposed text tested, replayed against logged
//! decisions, or the active one reviewed user by user, saving nothing.

use std::collections::BTreeMap;

use actix_web::{get, post, web, HttpRequest, HttpResponse};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use utoipa::{IntoParams, ToSchema};

use crate::app::AppState;
use crate::authz::policy_files::TemplateLink;
use crate::authz::policy_tests::{CaseResult, TestReport};
use crate::http::decisions::{parse_instant, wants_csv};
use crate::policy_admin::access_review::AccessReview;
use crate::policy_admin::diff::PolicyDiff;
use crate::policy_admin::dry_run::{DryRunReport, Window, MAX_REPLAYED};
use crate::policy_admin::operations;
use crate::policy_admin::service::Proposal;
use crate::web::error::ApiError;
use crate::web::extract::Auth;

/// Logged decisions a dry-run replays when the request names no window.
const DEFAULT_REPLAYED: i64 = 10_000;

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
    let diff = operations::diff_versions(state.gate(), actor, company_id, from, to).await?;
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
        operations::test_policies(state.gate(), actor, path.into_inner(), proposal, tests).await?;
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
        operations::dry_run(state.gate(), actor, path.into_inner(), proposal, window).await?;
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
    let review = operations::access_review(state.gate(), actor, company_id).await?;
    if wants_csv(&req) {
        let csv = review.to_csv().map_err(|e| ApiError::internal(&e))?;
        return Ok(HttpResponse::Ok()
            .content_type("text/csv; charset=utf-8")
            .body(csv));
    }
    Ok(HttpResponse::Ok().json(review))
}
