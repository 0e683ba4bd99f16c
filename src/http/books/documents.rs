//! The books' documents and payments over HTTP: one set of handlers, generic over the domain
//! function they call, and the macros that give each kind's routes their names, paths and
//! bodies in the OpenAPI document.

use actix_web::{web, HttpRequest, HttpResponse};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::{created, idempotency_key, optional_version, override_requested, page_request, run};
use super::{saved, PageQuery};
use crate::app::AppState;
use crate::authz::{Actor, Authz};
use crate::books::document_model::Move;
use crate::books::{BooksError, Created, IdempotencyKey, Page, PageRequest, Saved};
use crate::http::listing::Listing;
use crate::http::versions::expected_version;
use crate::store::DbConnection;
use crate::web::error::ApiError;
use crate::web::extract::Auth;

/// A request body that writes a document or a payment.
pub trait DocumentRequest: DeserializeOwned + Serialize + Send + 'static {
    /// What the domain takes.
    type Input: Clone + Send + 'static;
    fn parse(&self) -> Result<Self::Input, ApiError>;
    /// The `version` and `override_closing_date` fields, when the body has them.
    fn options(&self) -> (Option<i64>, Option<bool>);
}

/// The domain functions the handlers call.
pub type ListFn<V> =
    fn(&mut DbConnection, &Authz, &Actor, &str, &PageRequest) -> Result<Page<V>, BooksError>;
pub type CreateFn<I, V> = fn(
    &mut DbConnection,
    &Authz,
    &Actor,
    &str,
    I,
    bool,
    Option<&IdempotencyKey>,
) -> Result<Created<V>, BooksError>;
pub type GetFn<V> = fn(&mut DbConnection, &Authz, &Actor, &str, &str) -> Result<V, BooksError>;
pub type UpdateFn<I, V> = fn(
    &mut DbConnection,
    &Authz,
    &Actor,
    (&str, &str),
    i64,
    I,
    bool,
) -> Result<Saved<V>, BooksError>;
/// A move of a status machine (send, void, approve).
pub type StepFn<V> =
    fn(&mut DbConnection, &Authz, &Actor, Move<'_>) -> Result<Saved<V>, BooksError>;

/// Send, void, approve: the version may be named; the override may be asked for.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ActionRequest {
    version: Option<i64>,
    override_closing_date: Option<bool>,
}

pub async fn list<V: Send + 'static>(
    state: web::Data<AppState>,
    Auth(actor): Auth,
    path: web::Path<String>,
    (query, listing): (web::Query<PageQuery>, &Listing),
    list: ListFn<V>,
) -> Result<Page<V>, ApiError> {
    let request = page_request(query.into_inner(), listing)?;
    let company_id = path.into_inner();
    run(&state, move |conn, authz| {
        list(conn, authz, &actor, &company_id, &request)
    })
    .await
}

pub async fn create<R: DocumentRequest, V: Serialize + Send + 'static>(
    state: web::Data<AppState>,
    Auth(actor): Auth,
    (req, path): (HttpRequest, web::Path<String>),
    body: web::Json<R>,
    create: CreateFn<R::Input, V>,
) -> Result<HttpResponse, ApiError> {
    let body = body.into_inner();
    let key = idempotency_key(&req, &body)?;
    let override_closing_date = override_requested(&req, body.options().1)?;
    let input = body.parse()?;
    let company_id = path.into_inner();
    let result = run(&state, move |conn, authz| {
        let input = input.clone();
        let key = key.as_ref();
        create(
            conn,
            authz,
            &actor,
            &company_id,
            input,
            override_closing_date,
            key,
        )
    })
    .await?;
    Ok(created(result))
}

pub async fn get<V: Serialize + Send + 'static>(
    state: web::Data<AppState>,
    Auth(actor): Auth,
    path: web::Path<(String, String)>,
    get: GetFn<V>,
) -> Result<HttpResponse, ApiError> {
    let (company_id, id) = path.into_inner();
    let view = run(&state, move |conn, authz| {
        get(conn, authz, &actor, &company_id, &id)
    })
    .await?;
    Ok(HttpResponse::Ok().json(view))
}

pub async fn update<R: DocumentRequest, V: Serialize + Send + 'static>(
    state: web::Data<AppState>,
    Auth(actor): Auth,
    (req, path): (HttpRequest, web::Path<(String, String)>),
    body: web::Json<R>,
    update: UpdateFn<R::Input, V>,
) -> Result<HttpResponse, ApiError> {
    let body = body.into_inner();
    let (version, override_field) = body.options();
    let version = expected_version(&req, version)?;
    let override_closing_date = override_requested(&req, override_field)?;
    let input = body.parse()?;
    let (company_id, id) = path.into_inner();
    let result = run(&state, move |conn, authz| {
        let target = (company_id.as_str(), id.as_str());
        let input = input.clone();
        update(
            conn,
            authz,
            &actor,
            target,
            version,
            input,
            override_closing_date,
        )
    })
    .await?;
    saved(result)
}

/// The move a step's request asks for, from its version and override.
pub fn requested_move(
    req: &HttpRequest,
    (version, override_closing_date): (Option<i64>, Option<bool>),
) -> Result<(Option<i64>, bool), ApiError> {
    Ok((
        optional_version(req, version)?,
        override_requested(req, override_closing_date)?,
    ))
}

pub async fn step<V: Serialize + Send + 'static>(
    state: web::Data<AppState>,
    Auth(actor): Auth,
    req: HttpRequest,
    path: web::Path<(String, String)>,
    body: Option<web::Json<ActionRequest>>,
    act: StepFn<V>,
) -> Result<HttpResponse, ApiError> {
    let body = body.map(web::Json::into_inner).unwrap_or_default();
    let asked = requested_move(&req, (body.version, body.override_closing_date))?;
    run_move(&state, actor, path, asked, act).await
}

/// Runs `act`, a move of the document the path names, from the version and with the override
/// asked for; 200 with the document, or 409 `conflict` with the current one.
pub async fn run_move<V: Serialize + Send + 'static>(
    state: &AppState,
    actor: Actor,
    path: web::Path<(String, String)>,
    (expected_version, override_closing_date): (Option<i64>, bool),
    act: impl Fn(&mut DbConnection, &Authz, &Actor, Move<'_>) -> Result<Saved<V>, BooksError>
        + Send
        + 'static,
) -> Result<HttpResponse, ApiError> {
    let (company_id, id) = path.into_inner();
    let result = run(state, move |conn, authz| {
        let moved = Move {
            target: (company_id.as_str(), id.as_str()),
            expected_version,
            override_closing_date,
            also_dated: None,
        };
        act(conn, authz, &actor, moved)
    })
    .await?;
    saved(result)
}

/// Declares a kind's list, create and read routes (and its edit route, when it has one), each
/// named and calling its domain function; with the page type of its list. The caller imports
/// actix-web's `get`, `post` and `route`.
macro_rules! document_routes {
    (
        tag: $tag:literal,
        collection: $collection:literal,
        item: $item:literal,
        request: $request:ty,
        view: $view:ty,
        page: $page:ident,
        list: ($list:ident, $list_with:expr),
        create: ($create:ident, $create_with:expr),
        get: ($get:ident, $get_with:expr)
        $(, update: ($update:ident, $update_with:expr))?
        $(,)?
    ) => {
        #[derive(serde::Serialize, utoipa::ToSchema)]
        pub struct $page {
            items: Vec<$view>,
            next: Option<String>,
            /// The same as `next`.
            next_cursor: Option<String>,
        }

        #[utoipa::path(
            get,
            path = $collection,
            params(super::PageQuery),
            responses((status = 200, body = $page), (status = 403)),
            tag = $tag,
            security(("bearer" = []))
        )]
        #[get($collection)]
        pub async fn $list(
            state: actix_web::web::Data<crate::app::AppState>,
            auth: crate::web::extract::Auth,
            path: actix_web::web::Path<String>,
            query: actix_web::web::Query<super::PageQuery>,
            listing: crate::http::listing::Listing,
        ) -> Result<actix_web::HttpResponse, crate::web::error::ApiError> {
            let page = super::documents::list(state, auth, path, (query, &listing), $list_with)
                .await
                .map(|page| listing.sealed(page))?;
            Ok(actix_web::HttpResponse::Ok().json($page {
                items: page.items,
                next_cursor: page.next.clone(),
                next: page.next,
            }))
        }

        #[utoipa::path(
            post,
            path = $collection,
            request_body = $request,
            responses(
                (status = 201, body = $view),
                (status = 400),
                (status = 403),
                (status = 409, description = "invalid_state"),
                (status = 422, description = "idempotency_key_reused")
            ),
            tag = $tag,
            security(("bearer" = []))
        )]
        #[post($collection)]
        pub async fn $create(
            state: actix_web::web::Data<crate::app::AppState>,
            auth: crate::web::extract::Auth,
            req: actix_web::HttpRequest,
            path: actix_web::web::Path<String>,
            body: actix_web::web::Json<$request>,
        ) -> Result<actix_web::HttpResponse, crate::web::error::ApiError> {
            super::documents::create(state, auth, (req, path), body, $create_with).await
        }

        #[utoipa::path(
            get,
            path = $item,
            responses((status = 200, body = $view), (status = 403), (status = 404)),
            tag = $tag,
            security(("bearer" = []))
        )]
        #[get($item)]
        pub async fn $get(
            state: actix_web::web::Data<crate::app::AppState>,
            auth: crate::web::extract::Auth,
            path: actix_web::web::Path<(String, String)>,
        ) -> Result<actix_web::HttpResponse, crate::web::error::ApiError> {
            super::documents::get(state, auth, path, $get_with).await
        }

        $(
            #[utoipa::path(
                put,
                path = $item,
                request_body = $request,
                responses(
                    (status = 200, body = $view),
                    (status = 409, description = "conflict or invalid_state")
                ),
                tag = $tag,
                security(("bearer" = []))
            )]
            #[route($item, method = "PUT", method = "PATCH")]
            pub async fn $update(
                state: actix_web::web::Data<crate::app::AppState>,
                auth: crate::web::extract::Auth,
                req: actix_web::HttpRequest,
                path: actix_web::web::Path<(String, String)>,
                body: actix_web::web::Json<$request>,
            ) -> Result<actix_web::HttpResponse, crate::web::error::ApiError> {
                super::documents::update(state, auth, (req, path), body, $update_with).await
            }
        )?
    };
}

/// Declares a move of a kind's status machine as a route (`POST .../{id}/send`).
macro_rules! document_step {
    ($name:ident, $path:literal, $view:ty, $tag:literal, $act:path) => {
        #[utoipa::path(post, path = $path, request_body = super::documents::ActionRequest, responses((status = 200, body = $view), (status = 403), (status = 409, description = "conflict or invalid_state")), tag = $tag, security(("bearer" = [])))]
        #[post($path)]
        pub async fn $name(
            state: actix_web::web::Data<crate::app::AppState>,
            auth: crate::web::extract::Auth,
            req: actix_web::HttpRequest,
            path: actix_web::web::Path<(String, String)>,
            body: Option<actix_web::web::Json<super::documents::ActionRequest>>,
        ) -> Result<actix_web::HttpResponse, crate::web::error::ApiError> {
            super::documents::step(state, auth, req, path, body, $act).await
        }
    };
}

pub(super) use {document_routes, document_step};
