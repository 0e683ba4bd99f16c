//! The accounting core over HTTP: parse the request into domain types, call one operation of
//! `books::operations`, answer.

mod accounts;
mod caller;
mod documents;
mod journal;
mod parse;
mod parties;
mod purchases;
mod reports;
mod sales;
mod timesheets;

use actix_web::{web, HttpResponse};
use serde::Serialize;
use utoipa::OpenApi;

use crate::books::{Created, Saved};
use crate::web::error::ApiError;

/// What every books handler answers.
type Answer = Result<HttpResponse, ApiError>;

pub fn configure(cfg: &mut web::ServiceConfig) {
    parties::configure(cfg);
    accounts::configure(cfg);
    sales::configure(cfg);
    purchases::configure(cfg);
    journal::configure(cfg);
    timesheets::configure(cfg);
    reports::configure(cfg);
}

/// The books' part of the OpenAPI document.
pub fn openapi() -> utoipa::openapi::OpenApi {
    let mut document = parties::Api::openapi();
    for part in [
        accounts::Api::openapi(),
        sales::Api::openapi(),
        purchases::Api::openapi(),
        journal::Api::openapi(),
        timesheets::Api::openapi(),
        reports::Api::openapi(),
    ] {
        document.merge(part);
    }
    document
}

/// 200 with the record.
fn found<T: Serialize>(view: T) -> Answer {
    Ok(HttpResponse::Ok().json(view))
}

/// 201 with the new record, or with the first answer to the same key and request.
fn created<T: Serialize>(created: Created<T>) -> Answer {
    Ok(match created {
        Created::New(view) => HttpResponse::Created().json(view),
        Created::Replayed(body) => HttpResponse::Created().json(body),
    })
}

/// 200 with the saved record, or 409 `conflict` with the current one.
fn saved<T: Serialize>(saved: Saved<T>) -> Answer {
    match saved {
        Saved::Done(view) => Ok(HttpResponse::Ok().json(view)),
        Saved::Stale(conflict) => Err((*conflict).into()),
    }
}
