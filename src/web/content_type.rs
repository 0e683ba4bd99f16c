//! The content types the API reads.

use actix_web::mime;
use actix_web::{HttpMessage, HttpRequest};

use super::error::{ApiError, ErrorCode};

/// 415 for a body that says it is JSON of another kind than the contract's
/// (`application/json-patch+json`, `text/json`, `application/json; charset=latin1`) on any
/// API route: actix's JSON extractor would read it as JSON, since its own content-type hook
/// can only widen what it accepts. Other types are refused by the extractor itself.
pub fn foreign_json(req: &HttpRequest) -> Option<ApiError> {
    let mime = req.mime_type().ok().flatten()?;
    let looks_like_json = mime.subtype() == mime::JSON || mime.suffix() == Some(mime::JSON);
    let api_route = req.path().starts_with("/v1/") && req.match_pattern().is_some();
    (looks_like_json && !is_json(&mime) && api_route).then(unsupported_media_type)
}

pub fn unsupported_media_type() -> ApiError {
    ApiError::new(
        ErrorCode::UnsupportedMediaType,
        "Send the body as application/json (UTF-8).",
        "Envoyez le corps en application/json (UTF-8).",
    )
}

/// The JSON content type the contract names: `application/json`, with no parameter but an
/// optional `charset=utf-8` (JSON is UTF-8, RFC 8259). Other `+json` types and other charsets
/// are refused with 415 rather than read as if they were it.
pub fn is_json(mime: &mime::Mime) -> bool {
    mime.type_() == mime::APPLICATION
        && mime.subtype() == mime::JSON
        && mime.suffix().is_none()
        && is_utf8_text(mime)
}

/// No parameter but an optional `charset=utf-8`.
pub fn is_utf8_text(mime: &mime::Mime) -> bool {
    mime.params()
        .all(|(name, value)| name == mime::CHARSET && value.as_str().eq_ignore_ascii_case("utf-8"))
}
