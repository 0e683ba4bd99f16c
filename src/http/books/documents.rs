//! The routes every kind of document and payment shares, written once: list, create, read,
//! edit a draft and move it along its status machine. The kinds' own handlers (in `sales` and
//! `purchases`) name the route, its OpenAPI operation and its kind, and call these.

use std::borrow::Cow;

use actix_web::{web, HttpRequest};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use utoipa::openapi::schema::{ArrayBuilder, ObjectBuilder, Schema, SchemaType, Type};
use utoipa::openapi::{Ref, RefOr};
use utoipa::{PartialSchema, ToSchema};

use super::answers::{created, found, saved, Answer};
use super::caller::{Caller, Paging};
use super::parse::{idempotency_key, optional_version, override_requested};
use crate::books::document_model::{Draft, Editable};
use crate::books::filed::Filed;
use crate::books::operations::{self, Asked, Creation};
use crate::books::Page;
use crate::http::versions::expected_version;
use crate::web::error::ApiError;

/// A request body that writes a document or a payment, parsed into what its kind takes.
pub trait DocumentRequest: DeserializeOwned + Serialize {
    type Input;
    fn parse(&self) -> Result<Self::Input, ApiError>;
    /// The `version` and `override_closing_date` fields, when the body has them.
    fn options(&self) -> (Option<i64>, Option<bool>);
}

/// Send, void, approve: the version may be named; the override may be asked for.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ActionRequest {
    version: Option<i64>,
    override_closing_date: Option<bool>,
}

/// 200 with a page of the kind's records.
pub async fn list<K: Filed>(caller: Caller, path: web::Path<String>, paging: Paging) -> Answer
where
    K::View: Listed,
{
    let company_id = path.into_inner();
    let request = paging.request.clone();
    let page = operations::list_records::<K>(&caller.gate, caller.actor, company_id, request);
    found(DocumentList::from(paging.sealed(page.await?)))
}

/// 201 with the new record (or the first answer to a repeated `Idempotency-Key`).
pub async fn create<K, R>(
    caller: Caller,
    (req, path): (HttpRequest, web::Path<String>),
    body: web::Json<R>,
) -> Answer
where
    K: Filed,
    R: DocumentRequest<Input = K::Input>,
{
    let body = body.into_inner();
    let key = idempotency_key(&req, &body)?;
    let override_closing_date = override_requested(&req, body.options().1)?;
    let input = body.parse()?;
    let creation = Creation {
        override_closing_date,
        key,
    };
    let company_id = path.into_inner();
    created(
        operations::create_record::<K>(&caller.gate, caller.actor, company_id, input, creation)
            .await?,
    )
}

/// 200 with the record the path names.
pub async fn get<K: Filed>(caller: Caller, path: web::Path<(String, String)>) -> Answer {
    found(operations::get_record::<K>(&caller.gate, caller.actor, path.into_inner()).await?)
}

/// 200 with the changed draft, or 409 `conflict` with the current one.
pub async fn update<K, R>(
    caller: Caller,
    (req, path): (HttpRequest, web::Path<(String, String)>),
    body: web::Json<R>,
) -> Answer
where
    K: Editable,
    R: DocumentRequest<Input = Draft>,
{
    let body = body.into_inner();
    let (version, override_field) = body.options();
    let version = expected_version(&req, version)?;
    let override_closing_date = override_requested(&req, override_field)?;
    let draft = body.parse()?;
    let asked = (version, override_closing_date);
    let target = path.into_inner();
    saved(operations::update_draft::<K>(&caller.gate, caller.actor, target, asked, draft).await?)
}

/// The move a step's request asks for: the document the path names, from the version and with
/// the override the request names.
pub fn asked(
    req: &HttpRequest,
    path: web::Path<(String, String)>,
    (version, override_closing_date): (Option<i64>, Option<bool>),
) -> Result<Asked, ApiError> {
    let expected_version = optional_version(req, version)?;
    let override_closing_date = override_requested(req, override_closing_date)?;
    let (company_id, id) = path.into_inner();
    Ok(Asked {
        company_id,
        id,
        expected_version,
        override_closing_date,
    })
}

/// The move a send, void or approve asks for, from its optional body.
pub fn step_asked(
    req: &HttpRequest,
    path: web::Path<(String, String)>,
    body: Option<web::Json<ActionRequest>>,
) -> Result<Asked, ApiError> {
    let body = body.map(web::Json::into_inner).unwrap_or_default();
    asked(req, path, (body.version, body.override_closing_date))
}

/// A view listed in pages of its own schema name (`InvoiceList` for `InvoiceView`).
pub trait Listed: ToSchema {
    const LIST: &'static str;
}

/// A page of documents or payments; `next_cursor` repeats `next`.
#[derive(Serialize)]
pub struct DocumentList<V> {
    items: Vec<V>,
    next: Option<String>,
    next_cursor: Option<String>,
}

impl<V> From<Page<V>> for DocumentList<V> {
    fn from(page: Page<V>) -> Self {
        Self {
            items: page.items,
            next_cursor: page.next.clone(),
            next: page.next,
        }
    }
}

impl<V: Listed> PartialSchema for DocumentList<V> {
    fn schema() -> RefOr<Schema> {
        let optional_text = || SchemaType::from_iter([Type::String, Type::Null]);
        ObjectBuilder::new()
            .property(
                "items",
                ArrayBuilder::new().items(Ref::from_schema_name(V::name())),
            )
            .required("items")
            .property("next", ObjectBuilder::new().schema_type(optional_text()))
            .property(
                "next_cursor",
                ObjectBuilder::new()
                    .schema_type(optional_text())
                    .description(Some("The same as `next`.")),
            )
            .into()
    }
}

impl<V: Listed> ToSchema for DocumentList<V> {
    fn name() -> Cow<'static, str> {
        Cow::Borrowed(V::LIST)
    }

    fn schemas(schemas: &mut Vec<(String, RefOr<Schema>)>) {
        schemas.push((V::name().into_owned(), V::schema()));
        V::schemas(schemas);
    }
}
