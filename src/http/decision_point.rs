//! `/v1/authorize`: the decision point for external apps, and the API keys they use.

use actix_web::http::header;
use actix_web::{post, web, HttpMessage, HttpRequest, HttpResponse};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::app::AppState;
use crate::authz::decision_log::PendingDecision;
use crate::authz::decision_point::{self, Caller, ExternalRequest, PrincipalRef, MAX_BATCH};
use crate::authz::{operations, Action, Options, Resource, ResourceKind};
use crate::identity::sessions::Authenticated;
use crate::roles::Role;
use crate::web::credentials;
use crate::web::error::ApiError;
use crate::web::extract::Auth;
use crate::web::request::{bearer_token, client_ip};

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PrincipalInput {
    user_id: Option<String>,
    email: Option<String>,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ResourceInput {
    /// An entity type of the schema: Invoice, Bill, Customer, JournalEntry, User...
    #[serde(rename = "type")]
    kind: String,
    id: String,
    created_by: Option<String>,
    posted_by: Option<String>,
    bill_created_by: Option<String>,
    owner: Option<String>,
    owner_role: Option<String>,
    /// YYYY-MM-DD
    date: Option<String>,
    amount_cents: Option<i64>,
    /// Reports: which report.
    kind_label: Option<String>,
    /// Users: their role.
    role: Option<String>,
    active: Option<bool>,
}

#[derive(Deserialize, ToSchema, Default)]
#[serde(deny_unknown_fields)]
pub struct ContextInput {
    #[serde(default)]
    override_closing_date: bool,
    session_id: Option<String>,
    #[serde(default)]
    session_flagged: bool,
    client_ip: Option<String>,
    requested_role: Option<String>,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AuthorizeRequest {
    principal: PrincipalInput,
    /// An action of the schema, e.g. approve_bill.
    action: String,
    resource: ResourceInput,
    #[serde(default)]
    context: ContextInput,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AuthorizeBatchRequest {
    requests: Vec<AuthorizeRequest>,
}

#[derive(Serialize, ToSchema)]
pub struct AuthorizeResponse {
    decision_id: String,
    /// allow or deny
    decision: &'static str,
    /// The permits that allowed, or the forbids that denied.
    policy_ids: Vec<String>,
    errors: Vec<String>,
}

#[derive(Serialize, ToSchema)]
pub struct AuthorizeBatchResponse {
    items: Vec<AuthorizeResponse>,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ApiKeyRequest {
    name: String,
}

#[derive(Serialize, ToSchema)]
pub struct ApiKeyCreated {
    id: String,
    name: String,
    /// Shown once: only its hash is stored.
    key: String,
    created_at: String,
}

fn parse_request(
    index: Option<usize>,
    input: AuthorizeRequest,
) -> Result<ExternalRequest, ApiError> {
    let field = |name: &str| match index {
        Some(i) => format!("requests[{i}].{name}"),
        None => name.to_owned(),
    };
    let invalid = |name: &str, problem: &str| ApiError::invalid_field(&field(name), problem);
    let principal = match (input.principal.user_id, input.principal.email) {
        (Some(id), None) => PrincipalRef::UserId(id),
        (None, Some(email)) => PrincipalRef::Email(email.trim().to_lowercase()),
        _ => {
            return Err(invalid(
                "principal",
                "must give exactly one of user_id and email",
            ))
        }
    };
    let action = Action::parse(&input.action)
        .ok_or_else(|| invalid("action", "is not an action of the schema"))?;
    let resource = parse_resource(input.resource)
        .map_err(|(name, problem)| invalid(&format!("resource.{name}"), problem))?;
    let requested_role = input
        .context
        .requested_role
        .map(|r| Role::parse(&r).ok_or_else(|| invalid("context.requested_role", "is not a role")))
        .transpose()?;
    Ok(ExternalRequest {
        principal,
        action,
        resource,
        options: Options {
            override_closing_date: input.context.override_closing_date,
            requested_role,
        },
        session_id: input.context.session_id,
        session_flagged: input.context.session_flagged,
        client_ip: input.context.client_ip,
    })
}

/// The resource's company is left blank: it is always the caller's, set when deciding.
fn parse_resource(input: ResourceInput) -> Result<Resource, (&'static str, &'static str)> {
    let kind =
        ResourceKind::parse(&input.kind).ok_or(("type", "is not a resource type of the schema"))?;
    if input.id.is_empty() || input.id.len() > 256 {
        return Err(("id", "must have 1 to 256 characters"));
    }
    let mut resource = Resource::new(kind, input.id, "");
    resource.created_by = input.created_by;
    resource.posted_by = input.posted_by;
    resource.bill_created_by = input.bill_created_by;
    resource.owner = input.owner;
    resource.owner_role = input.owner_role;
    resource.amount_cents = input.amount_cents;
    resource.active = input.active;
    resource.label = input.kind_label.or(input.role);
    resource.date = input
        .date
        .map(|d| {
            NaiveDate::parse_from_str(&d, "%Y-%m-%d").map_err(|_| ("date", "must be YYYY-MM-DD"))
        })
        .transpose()?;
    Ok(resource)
}

fn answer(decision: &PendingDecision) -> AuthorizeResponse {
    AuthorizeResponse {
        decision_id: decision.id.clone(),
        decision: if decision.allowed { "allow" } else { "deny" },
        policy_ids: decision.policy_ids.clone(),
        errors: decision.errors.clone(),
    }
}

/// The company of an admin session allowed to use the decision point (that use is logged as
/// a decision too).
async fn session_company(
    state: &AppState,
    req: &HttpRequest,
    token: String,
) -> Result<String, ApiError> {
    let done = req.extensions().get::<Authenticated>().cloned();
    let authenticated = match done {
        Some(authenticated) => authenticated,
        None => credentials::authenticate(state, token, client_ip(req)).await?,
    };
    let actor = authenticated.actor;
    let company_id = actor.company_id.clone();
    operations::authorize_session_caller(state.gate(), actor).await?;
    Ok(company_id)
}

/// Decides for the caller (a company API key, or an admin session), within the company's
/// request budget, and answers only once the decisions are committed to the log.
async fn decide_and_log(
    state: &AppState,
    req: &HttpRequest,
    token: String,
    requests: Vec<ExternalRequest>,
) -> Result<Vec<PendingDecision>, ApiError> {
    let caller = if decision_point::is_api_key(&token) {
        Caller::ApiKey(token)
    } else {
        Caller::Company(session_company(state, req, token).await?)
    };
    Ok(state.decision_point.decide(caller, requests).await?)
}

/// Decides one request of an external app. Authenticated by a company API key or an admin
/// session; answered once the decision is durably logged.
#[utoipa::path(request_body = AuthorizeRequest, responses(
    (status = 200, body = AuthorizeResponse), (status = 400), (status = 401), (status = 429)),
    tag = "decision point", security(("bearer" = [])))]
#[post("/v1/authorize")]
pub async fn authorize(
    state: web::Data<AppState>,
    req: HttpRequest,
    body: web::Json<AuthorizeRequest>,
) -> Result<HttpResponse, ApiError> {
    let token = bearer_token(&req).ok_or_else(ApiError::unauthenticated)?;
    let request = parse_request(None, body.into_inner())?;
    let decisions = decide_and_log(&state, &req, token, vec![request]).await?;
    Ok(HttpResponse::Ok().json(answer(&decisions[0])))
}

/// Decides up to 100 requests at once, in order.
#[utoipa::path(request_body = AuthorizeBatchRequest, responses(
    (status = 200, body = AuthorizeBatchResponse), (status = 400), (status = 401), (status = 429)),
    tag = "decision point", security(("bearer" = [])))]
#[post("/v1/authorize/batch")]
pub async fn authorize_batch(
    state: web::Data<AppState>,
    req: HttpRequest,
    body: web::Json<AuthorizeBatchRequest>,
) -> Result<HttpResponse, ApiError> {
    let token = bearer_token(&req).ok_or_else(ApiError::unauthenticated)?;
    let inputs = body.into_inner().requests;
    if inputs.is_empty() || inputs.len() > MAX_BATCH {
        return Err(ApiError::invalid_field(
            "requests",
            "must hold 1 to 100 requests",
        ));
    }
    let requests = inputs
        .into_iter()
        .enumerate()
        .map(|(i, input)| parse_request(Some(i), input))
        .collect::<Result<Vec<_>, _>>()?;
    let decisions = decide_and_log(&state, &req, token, requests).await?;
    Ok(HttpResponse::Ok().json(AuthorizeBatchResponse {
        items: decisions.iter().map(answer).collect(),
    }))
}

/// Issues an API key for the company's external apps (admins).
#[utoipa::path(request_body = ApiKeyRequest, responses((status = 201, body = ApiKeyCreated), (status = 403)),
    tag = "decision point", security(("bearer" = [])))]
#[post("/v1/companies/{company_id}/api-keys")]
pub async fn create_api_key(
    state: web::Data<AppState>,
    Auth(actor): Auth,
    path: web::Path<String>,
    body: web::Json<ApiKeyRequest>,
) -> Result<HttpResponse, ApiError> {
    let name = body.into_inner().name.trim().to_owned();
    if name.is_empty() || name.chars().count() > 100 {
        return Err(ApiError::invalid_field(
            "name",
            "must have 1 to 100 characters",
        ));
    }
    let company_id = path.into_inner();
    let (row, key) = operations::create_api_key(state.gate(), actor, company_id, name).await?;
    Ok(HttpResponse::Created()
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .json(ApiKeyCreated {
            id: row.id,
            name: row.name,
            key,
            created_at: crate::clock::rfc3339(row.created_at),
        }))
}
