//! Optimistic concurrency at the edge: the version an update starts from.

use actix_web::http::header;
use actix_web::HttpRequest;

use crate::web::error::ApiError;

/// The version from `If-Match` (`"3"`, `W/"3"` or `3`) or the body's `version` field. One of
/// them is required; when both are given they must agree. A version is from 1 to one less
/// than `i64::MAX`: the store writes the next one, so the largest could never be followed.
pub fn expected_version(req: &HttpRequest, body_version: Option<i64>) -> Result<i64, ApiError> {
    let from_header = match req.headers().get(header::IF_MATCH) {
        None => None,
        Some(value) => Some(
            parse_if_match(value.to_str().unwrap_or_default()).ok_or_else(|| {
                ApiError::invalid_field("If-Match", "must hold a version number, e.g. \"3\"")
            })?,
        ),
    };
    match (from_header, body_version) {
        (Some(a), Some(b)) if a != b => Err(ApiError::invalid_field(
            "version",
            "differs from the If-Match header",
        )),
        (Some(version), _) | (None, Some(version)) if (1..i64::MAX).contains(&version) => {
            Ok(version)
        }
        (None, None) => Err(ApiError::invalid_field(
            "version",
            "is required (or an If-Match header) so that no concurrent change is lost",
        )),
        _ => Err(ApiError::invalid_field(
            "version",
            &format!("must be from 1 to {}", i64::MAX - 1),
        )),
    }
}

fn parse_if_match(value: &str) -> Option<i64> {
    let value = value.trim();
    let value = value.strip_prefix("W/").unwrap_or(value);
    value.trim_matches('"').parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use actix_web::test::TestRequest;

    #[test]
    fn if_match_and_body_version_are_read() {
        let req = TestRequest::default()
            .insert_header((header::IF_MATCH, "W/\"4\""))
            .to_http_request();
        assert_eq!(expected_version(&req, None).unwrap(), 4);
        assert_eq!(expected_version(&req, Some(4)).unwrap(), 4);
        assert!(expected_version(&req, Some(5)).is_err());
        let bare = TestRequest::default().to_http_request();
        assert_eq!(expected_version(&bare, Some(2)).unwrap(), 2);
        assert!(expected_version(&bare, None).is_err());
        assert!(expected_version(&bare, Some(0)).is_err());
        assert!(expected_version(&bare, Some(i64::MAX)).is_err());
        assert_eq!(
            expected_version(&bare, Some(i64::MAX - 1)).unwrap(),
            i64::MAX - 1
        );
    }
}
