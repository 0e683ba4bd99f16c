//! How a books handler answers: the record found, created or saved.

use actix_web::HttpResponse;
use serde::Serialize;

use crate::books::{Created, Saved};
use crate::web::error::ApiError;

/// What every books handler answers.
pub type Answer = Result<HttpResponse, ApiError>;

/// 200 with the record.
pub fn found<T: Serialize>(view: T) -> Answer {
    Ok(HttpResponse::Ok().json(view))
}

/// 201 with the new record, or with the first answer to the same key and request.
pub fn created<T: Serialize>(created: Created<T>) -> Answer {
    Ok(match created {
        Created::New(view) => HttpResponse::Created().json(view),
        Created::Replayed(body) => HttpResponse::Created().json(body),
    })
}

/// 200 with the saved record, or 409 `conflict` with the current one.
pub fn saved<T: Serialize>(saved: Saved<T>) -> Answer {
    match saved {
        Saved::Done(view) => Ok(HttpResponse::Ok().json(view)),
        Saved::Stale(conflict) => Err((*conflict).into()),
    }
}
