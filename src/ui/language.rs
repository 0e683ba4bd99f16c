//! The language switch: the chosen language is kept in a cookie that the request's language
//! middleware reads before `Accept-Language` and the company's setting.

use actix_web::{get, web, HttpResponse};
use serde::Deserialize;

use super::cookies;
use super::error::PageError;
use super::return_path;
use super::see_other;
use crate::app::AppState;
use crate::i18n::Locale;
use crate::web::error::ApiError;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(switch);
}

#[derive(Deserialize)]
struct Back {
    #[serde(default)]
    back: String,
}

/// `/ui/language/fr?back=/ui/companies/…`: the same page again, in French.
#[get("/ui/language/{code}")]
async fn switch(
    state: web::Data<AppState>,
    code: web::Path<String>,
    back: web::Query<Back>,
) -> Result<HttpResponse, PageError> {
    let locale = Locale::parse(&code).ok_or_else(ApiError::not_found)?;
    let mut response = see_other(return_path::same_site(&back.back).unwrap_or("/ui"));
    response
        .add_cookie(&cookies::language_cookie(
            locale,
            state.settings.secure_cookies(),
        ))
        .map_err(|error| ApiError::internal(&error))?;
    Ok(response)
}
