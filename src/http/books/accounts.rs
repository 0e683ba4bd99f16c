//! The chart of accounts.

use actix_web::{get, post, route, web, HttpRequest};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::answers::{created, found, saved, Answer};
use super::caller::{Caller, PageQuery, Paging};
use super::parse::idempotency_key;
use crate::books::accounts::{account_problem, AccountNames, AccountView};
use crate::books::chart::Account;
use crate::books::ledger::parse_class;
use crate::books::operations;
use crate::http::listing::Listing;
use crate::http::versions::expected_version;
use crate::web::error::ApiError;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(list_accounts)
        .service(create_account)
        .service(update_account);
}

#[derive(utoipa::OpenApi)]
#[openapi(paths(list_accounts, create_account, update_account))]
pub struct Api;

#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AccountRequest {
    /// 3 to 10 digits of the French chart (PCG), starting with 1 to 8.
    number: String,
    name_fr: String,
    name_en: String,
    /// asset, liability, equity, income or expense; needed only when the number does not tell.
    class: Option<String>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AccountChangeRequest {
    name_fr: String,
    name_en: String,
    version: Option<i64>,
}

#[derive(Serialize, ToSchema)]
pub struct AccountList {
    items: Vec<AccountView>,
    next: Option<String>,
}

/// The chart of accounts, in number order.
#[utoipa::path(params(PageQuery), responses((status = 200, body = AccountList), (status = 403)), tag = "accounting", security(("bearer" = [])))]
#[get("/v1/companies/{company_id}/accounts")]
pub async fn list_accounts(
    caller: Caller,
    path: web::Path<String>,
    query: web::Query<PageQuery>,
    listing: Listing,
) -> Answer {
    let paging = Paging::new(query, listing)?;
    let request = paging.request.clone();
    let page = operations::list_accounts(&caller.gate, caller.actor, path.into_inner(), request);
    found(paging.sealed(page.await?))
}

/// Adds an account to the chart.
#[utoipa::path(request_body = AccountRequest, responses((status = 201, body = AccountView), (status = 400), (status = 403), (status = 409, description = "already_exists")), tag = "accounting", security(("bearer" = [])))]
#[post("/v1/companies/{company_id}/accounts")]
pub async fn create_account(
    caller: Caller,
    req: HttpRequest,
    path: web::Path<String>,
    body: web::Json<AccountRequest>,
) -> Answer {
    let body = body.into_inner();
    let key = idempotency_key(&req, &body)?;
    let class = match body.class.as_deref() {
        None => None,
        Some(name) => Some(parse_class(name).ok_or_else(|| {
            ApiError::invalid_field(
                "class",
                "must be asset, liability, equity, income or expense",
            )
        })?),
    };
    let account = Account::new(body.number.trim(), &body.name_fr, &body.name_en, class)
        .map_err(account_problem)?;
    let company_id = path.into_inner();
    created(operations::create_account(&caller.gate, caller.actor, company_id, account, key).await?)
}

/// Renames an account, from the version the caller saw.
#[utoipa::path(put, path = "/v1/companies/{company_id}/accounts/{id}", request_body = AccountChangeRequest, responses((status = 200, body = AccountView), (status = 409, description = "conflict")), tag = "accounting", security(("bearer" = [])))]
#[route(
    "/v1/companies/{company_id}/accounts/{id}",
    method = "PUT",
    method = "PATCH"
)]
pub async fn update_account(
    caller: Caller,
    req: HttpRequest,
    path: web::Path<(String, String)>,
    body: web::Json<AccountChangeRequest>,
) -> Answer {
    let body = body.into_inner();
    let version = expected_version(&req, body.version)?;
    let names = AccountNames {
        name_fr: body.name_fr,
        name_en: body.name_en,
    };
    let target = path.into_inner();
    saved(operations::update_account(&caller.gate, caller.actor, target, version, names).await?)
}
