//! The OpenAPI document, generated from the handlers' annotations.

use actix_web::{get, HttpResponse};
use utoipa::openapi::header::HeaderBuilder;
use utoipa::openapi::path::{Operation, ParameterIn, PathItem};
use utoipa::openapi::response::Response;
use utoipa::openapi::schema::{AdditionalProperties, SchemaType};
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::openapi::{ContentBuilder, ObjectBuilder, Ref, RefOr, Schema, Type};
use utoipa::{Modify, OpenApi};

use super::{decision_point, decisions, identity, seats, system};

#[derive(OpenApi)]
#[openapi(
    info(title = "Seatwarden", description = "Access policies and seat audit for small-business accounting."),
    paths(
        system::healthz, system::readyz, system::metrics, serve_document,
        identity::signup, identity::sign_in, identity::sign_out, identity::list_own_sessions,
        identity::revoke_own_session, identity::list_company_sessions,
        identity::revoke_company_session, identity::list_users, identity::add_user,
        identity::get_user, identity::update_user, identity::disable_user,
        identity::enable_user, identity::accept_invitation,
        identity::get_locale_settings, identity::set_locale_settings,
        decisions::list_decisions, decisions::verify_decisions,
        decision_point::authorize, decision_point::authorize_batch, decision_point::create_api_key,
        seats::get_seats, seats::run_audit, seats::list_findings, seats::get_finding,
        seats::update_finding, seats::seat_advice, seats::import_session_events,
        seats::get_enforcement, seats::set_enforcement,
        seats::get_seat_audit_settings, seats::set_seat_audit_settings,
    ),
    components(schemas(crate::web::error::ErrorCode)),
    modifiers(&BearerAuth)
)]
struct ApiDoc;

struct BearerAuth;

impl Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
        );
    }
}

pub fn document() -> utoipa::openapi::OpenApi {
    let mut document = ApiDoc::openapi();
    document.merge(super::books::openapi());
    document.merge(super::alerts::Api::openapi());
    document.merge(super::policies::openapi());
    document.merge(super::policy_review::openapi());
    CommonAnswers.modify(&mut document);
    document
}

/// The schema component every error answer refers to.
const ERROR_SCHEMA: &str = "Error";

/// The answers an operation gives by its kind rather than by what it does, added to every
/// operation that does not document them itself, so that the contract states every answer:
///
/// - a protected operation (one with a security requirement) answers 401 with
///   `WWW-Authenticate: Bearer` without valid credentials, and 403 when a policy denies it
///   (companies edit their own policies, so any action may be denied);
/// - one that takes input (a body, a query, a header, a path parameter that is not any
///   string) answers 400 when the input does not parse or is out of range (`limit`, `cursor`);
/// - one with a path parameter answers 404 for an unknown id (or another company's);
/// - one that takes a body answers 408 when the body does not arrive within the deadline;
/// - one that takes a JSON body answers 413 past the size limit and 415 for any other
///   content type;
/// - every operation answers 429 when the client's address has too many requests in flight;
/// - one under `/v1` answers 503 when the database or the decision log is unavailable.
///
/// 409 and 422 happen only where an operation documents them. Every error answer of every
/// operation gets the error body's schema, 401 its `WWW-Authenticate` and 429 its
/// `Retry-After`.
struct CommonAnswers;

impl Modify for CommonAnswers {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components
            .schemas
            .insert(ERROR_SCHEMA.to_owned(), error_schema());
        for (path, item) in openapi.paths.paths.iter_mut() {
            for operation in operations(item) {
                add_common_answers(path, operation);
            }
        }
    }
}

fn operations(item: &mut PathItem) -> impl Iterator<Item = &mut Operation> {
    [
        item.get.as_mut(),
        item.put.as_mut(),
        item.post.as_mut(),
        item.delete.as_mut(),
        item.patch.as_mut(),
        item.head.as_mut(),
        item.options.as_mut(),
        item.trace.as_mut(),
    ]
    .into_iter()
    .flatten()
}

/// `{"error": ErrorCode, "message": string, ...}`: the fields of the error's own (`field`,
/// `decision_id`, `current`, `diagnostics`, `retry_after_secs`...) come beside the two.
fn error_schema() -> RefOr<Schema> {
    ObjectBuilder::new()
        .schema_type(Type::Object)
        .description(Some(
            "An error: a stable code, a message in the reader's language, and fields of the \
             error's own.",
        ))
        .property("error", Ref::from_schema_name("ErrorCode"))
        .required("error")
        .property(
            "message",
            ObjectBuilder::new().schema_type(Type::String).build(),
        )
        .required("message")
        .additional_properties(Some(AdditionalProperties::<Schema>::FreeForm(true)))
        .into()
}

fn add_common_answers(path: &str, operation: &mut Operation) {
    let protected = operation
        .security
        .as_ref()
        .is_some_and(|requirements| !requirements.is_empty());
    let json_body = operation.request_body.as_ref().is_some_and(|body| {
        body.content
            .keys()
            .any(|content_type| content_type == "application/json")
    });
    let takes_input = operation.request_body.is_some()
        || operation.parameters.iter().flatten().any(|parameter| {
            parameter.parameter_in != ParameterIn::Path || !is_string(&parameter.schema)
        });
    let body = operation.request_body.is_some();
    let statuses = [
        (
            takes_input,
            "400",
            "The request's body, query or path is invalid.",
        ),
        (protected, "401", "No valid session token or API key."),
        (protected, "403", "A policy denies the action."),
        (path.contains('{'), "404", "No such record in the company."),
        (
            body,
            "408",
            "The body did not arrive in time; the connection is closed.",
        ),
        (json_body, "413", "The body is too large."),
        (json_body, "415", "The body is not application/json."),
        (
            true,
            "429",
            "Too many requests in flight from this address (or, where documented, too many \
             sign-in failures or decisions).",
        ),
        (
            path.starts_with("/v1/"),
            "503",
            "The database or the decision log is unavailable; retry shortly.",
        ),
    ];
    let responses = &mut operation.responses.responses;
    for (applies, status, description) in statuses {
        let response = responses.get_mut(status);
        if let Some(RefOr::T(response)) = response {
            // An annotation's bare `(status = 403)` gets the kind's description.
            if response.description.is_empty() {
                response.description = description.to_owned();
            }
        } else if applies && response.is_none() {
            responses.insert(status.to_owned(), Response::new(description).into());
        }
    }
    for (status, response) in responses.iter_mut() {
        if let RefOr::T(response) = response {
            if status.starts_with('4') || status.starts_with('5') {
                document_error(status, response);
            }
        }
    }
}

/// The error body and the headers of an error answer.
fn document_error(status: &str, response: &mut Response) {
    if response.description.is_empty() {
        response.description = match status {
            "409" => "Conflicts with the record's current version or state.",
            "422" => "Well-formed but refused: see the error's code and fields.",
            _ => "An error; see its code.",
        }
        .to_owned();
    }
    if response.content.is_empty() {
        let content = ContentBuilder::new()
            .schema(Some(Ref::from_schema_name(ERROR_SCHEMA)))
            .build();
        response
            .content
            .insert("application/json".to_owned(), content);
    }
    let header = match status {
        "401" => Some((
            "WWW-Authenticate",
            HeaderBuilder::new()
                .schema(
                    ObjectBuilder::new()
                        .schema_type(Type::String)
                        .pattern(Some("^Bearer( |$)")),
                )
                .description(Some("`Bearer`: send `Authorization: Bearer <token>`."))
                .build(),
        )),
        "429" => Some((
            "Retry-After",
            HeaderBuilder::new()
                .schema(ObjectBuilder::new().schema_type(Type::Integer).build())
                .description(Some("Seconds to wait before trying again."))
                .build(),
        )),
        _ => None,
    };
    if let Some((name, header)) = header {
        response.headers.entry(name.to_owned()).or_insert(header);
    }
}

fn is_string(schema: &Option<RefOr<Schema>>) -> bool {
    matches!(
        schema,
        Some(RefOr::T(Schema::Object(object)))
            if object.schema_type == SchemaType::Type(Type::String)
    )
}

/// This document.
#[utoipa::path(
    operation_id = "openapi",
    responses((status = 200, description = "OpenAPI 3 document", body = Object)),
    tag = "system"
)]
#[get("/openapi.json")]
pub async fn serve_document() -> HttpResponse {
    HttpResponse::Ok().json(document())
}
