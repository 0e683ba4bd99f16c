//! The list a request reads: the cursor it passed back is opened here, at the edge, against
//! the list's scope (method, path and filters), and the next page's cursor sealed for the
//! same scope. The domain pages by raw sort keys and never sees a sealed cursor.

use std::future::{ready, Ready};

use actix_web::dev::Payload;
use actix_web::{web, FromRequest, HttpRequest};

use crate::app::AppState;
use crate::paging::{CursorKey, Page, PagingError};
use crate::web::error::ApiError;

/// Query parameters that page a list rather than choose what it holds.
const PAGING_PARAMETERS: [&str; 2] = ["cursor", "limit"];

pub struct Listing {
    key: CursorKey,
    scope: String,
}

impl Listing {
    /// The raw cursor inside the one the client passed back, if this list sealed it; an
    /// absent or empty cursor starts the list.
    pub fn open(&self, cursor: Option<&str>) -> Result<Option<String>, PagingError> {
        cursor
            .filter(|sealed| !sealed.is_empty())
            .map(|sealed| self.key.open(&self.scope, sealed))
            .transpose()
    }

    /// A next page's raw cursor, sealed for this list.
    pub fn seal(&self, raw: Option<String>) -> Option<String> {
        raw.map(|raw| self.key.seal(&self.scope, &raw))
    }

    /// The page with its next cursor sealed.
    pub fn sealed<T>(&self, page: Page<T>) -> Page<T> {
        Page {
            next: self.seal(page.next),
            items: page.items,
        }
    }
}

impl FromRequest for Listing {
    type Error = ApiError;
    type Future = Ready<Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        ready(listing(req))
    }
}

fn listing(req: &HttpRequest) -> Result<Listing, ApiError> {
    let state = req
        .app_data::<web::Data<AppState>>()
        .ok_or_else(|| ApiError::internal(&"application state missing"))?;
    // A query that does not decode is the list's own extractor's error to give.
    let mut parameters: Vec<(String, String)> =
        serde_urlencoded::from_str(req.query_string()).unwrap_or_default();
    parameters.retain(|(name, _)| !PAGING_PARAMETERS.contains(&name.as_str()));
    parameters.sort();
    let filters = serde_urlencoded::to_string(&parameters).unwrap_or_default();
    Ok(Listing {
        key: state.cursor_key.clone(),
        scope: format!("{} {}?{filters}", req.method(), req.path()),
    })
}
