//! The company's language and time zone over HTTP.

use actix_web::{get, put, web, HttpRequest, HttpResponse};
use serde::Deserialize;
use utoipa::ToSchema;

use crate::app::AppState;
use crate::http::versions::expected_version;
use crate::i18n::Locale;
use crate::identity::fields::TimeZoneName;
use crate::identity::locale_settings::{LocaleChange, LocaleSettingsView};
use crate::identity::operations;
use crate::web::error::ApiError;
use crate::web::extract::Auth;

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LocaleSettingsUpdate {
    /// en or fr
    locale: String,
    /// An IANA time zone such as Europe/Paris; empty: Europe/Paris for French, UTC otherwise.
    time_zone: String,
    /// The company settings' version the change starts from (or the `If-Match` header).
    version: Option<i64>,
}

/// The company's language and time zone.
#[utoipa::path(responses((status = 200, body = LocaleSettingsView), (status = 403), (status = 404)), tag = "settings", security(("bearer" = [])))]
#[get("/v1/companies/{company_id}/settings/locale")]
pub async fn get_locale_settings(
    state: web::Data<AppState>,
    Auth(actor): Auth,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let view = operations::locale_settings(state.gate(), actor, path.into_inner()).await?;
    Ok(HttpResponse::Ok().json(view))
}

/// Changes the language and time zone, from the company settings' version seen.
#[utoipa::path(request_body = LocaleSettingsUpdate, responses(
    (status = 200, body = LocaleSettingsView), (status = 400), (status = 403),
    (status = 409, description = "conflict: stale version, with the current settings")),
    tag = "settings", security(("bearer" = [])))]
#[put("/v1/companies/{company_id}/settings/locale")]
pub async fn set_locale_settings(
    state: web::Data<AppState>,
    Auth(actor): Auth,
    req: HttpRequest,
    path: web::Path<String>,
    body: web::Json<LocaleSettingsUpdate>,
) -> Result<HttpResponse, ApiError> {
    let body = body.into_inner();
    let change = LocaleChange {
        locale: Locale::parse(&body.locale)
            .filter(|locale| locale.as_str() == body.locale.trim())
            .ok_or_else(|| ApiError::invalid_field("locale", "must be en or fr"))?,
        time_zone: TimeZoneName::parse(&body.time_zone)
            .map_err(|problem| ApiError::invalid_field("time_zone", problem))?,
    };
    let version = expected_version(&req, body.version)?;
    let view =
        operations::set_locale_settings(state.gate(), actor, path.into_inner(), change, version)
            .await?;
    Ok(HttpResponse::Ok().json(view))
}
