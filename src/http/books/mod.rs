//! The accounting core over HTTP: parse the request into domain types, call one operation of
//! `books::operations`, answer.

mod accounts;
mod answers;
mod caller;
mod documents;
mod journal;
mod parse;
mod parties;
mod purchases;
mod reports;
mod sales;
mod timesheets;

use actix_web::web;
use utoipa::OpenApi;

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
