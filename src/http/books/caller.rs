//! What a books handler is given before its own fields: the caller (the gate its operation
//! acts through, and the signed-in actor) and, for a list, the page asked for.

use std::future::Future;
use std::pin::Pin;

use actix_web::dev::Payload;
use actix_web::{web, FromRequest, HttpRequest};
use serde::Deserialize;

use crate::app::AppState;
use crate::authz::{Actor, Gate};
use crate::books::{Page, PageRequest};
use crate::http::listing::Listing;
use crate::web::error::ApiError;
use crate::web::extract::Auth;

/// The gate and the signed-in actor of a request.
pub struct Caller {
    pub gate: Gate,
    pub actor: Actor,
}

impl FromRequest for Caller {
    type Error = actix_web::Error;
    type Future = Pin<Box<dyn Future<Output = Result<Self, Self::Error>>>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let state = web::Data::<AppState>::from_request(req, payload);
        let auth = Auth::from_request(req, payload);
        Box::pin(async move {
            let gate = state.await?.gate().clone();
            let Auth(actor) = auth.await?;
            Ok(Caller { gate, actor })
        })
    }
}

/// `?limit=&cursor=` of a list.
#[derive(Debug, Deserialize, utoipa::IntoParams, utoipa::ToSchema)]
pub struct PageQuery {
    /// 1 to 200 items; 50 when absent.
    limit: Option<i64>,
    /// The `next_cursor` of the previous page, as it came.
    cursor: Option<String>,
}

/// The page a list asks for, and the list's `Listing` that seals the next cursor.
pub struct Paging {
    pub request: PageRequest,
    listing: Listing,
}

impl Paging {
    /// The page `query` asks for, its cursor opened by the list's `listing`.
    pub fn new(query: web::Query<PageQuery>, listing: Listing) -> Result<Self, ApiError> {
        let query = query.into_inner();
        let cursor = listing.open(query.cursor.as_deref())?;
        let request = PageRequest::parse(query.limit, cursor.as_deref())?;
        Ok(Self { request, listing })
    }

    /// The page with its next cursor sealed for this list.
    pub fn sealed<T>(&self, page: Page<T>) -> Page<T> {
        self.listing.sealed(page)
    }
}
