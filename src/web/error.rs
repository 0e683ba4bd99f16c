//! The JSON error contract, in one place: a stable snake_case code, a message in the
//! reader's language, the right status. Server faults show an opaque body; their cause goes
//! to the log.

use std::cell::Cell;

use actix_web::http::{header, StatusCode};
use actix_web::{HttpResponse, ResponseError};
use serde::Serialize;
use serde_json::{Map, Value};

use crate::i18n::Locale;

tokio::task_local! {
    /// The language of the request being served, set by the locale middleware and refined by
    /// authentication (the company's setting) when the request named none.
    pub static REQUEST_LOCALE: Cell<LocaleChoice>;
}

/// The locale of a request and whether the request itself asked for it.
#[derive(Debug, Clone, Copy)]
pub struct LocaleChoice {
    pub locale: Locale,
    pub from_request: bool,
}

pub fn current_locale() -> Locale {
    REQUEST_LOCALE
        .try_with(|choice| choice.get().locale)
        .unwrap_or_default()
}

/// Applies the company's language when the request did not ask for one.
pub fn prefer_company_locale(locale: Locale) {
    let _ = REQUEST_LOCALE.try_with(|choice| {
        if !choice.get().from_request {
            choice.set(LocaleChoice {
                locale,
                from_request: false,
            });
        }
    });
}

/// Machine-readable error codes: the wire contract.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ErrorCode {
    InvalidInput,
    InvalidJson,
    Unauthenticated,
    InvalidCredentials,
    Forbidden,
    NotFound,
    MethodNotAllowed,
    Conflict,
    EmailTaken,
    SeatLimitReached,
    RoleNotInPlan,
    PrimaryAdminRequired,
    ConcurrentSession,
    PayloadTooLarge,
    UnsupportedMediaType,
    InvalidPolicy,
    RateLimited,
    InternalError,
    ServiceUnavailable,
    /// The record's state does not allow the action (editing a sent invoice).
    InvalidState,
    /// An `Idempotency-Key` sent again with another request.
    IdempotencyKeyReused,
    AlreadyExists,
    /// A credit note for more than its invoice has open.
    ExceedsOpenAmount,
    /// A list's `cursor` that the list did not give.
    InvalidCursor,
    /// The request's body did not arrive in time.
    RequestTimeout,
}

impl ErrorCode {
    pub fn status(self) -> StatusCode {
        match self {
            Self::InvalidInput | Self::InvalidJson | Self::InvalidCursor => StatusCode::BAD_REQUEST,
            Self::Unauthenticated | Self::InvalidCredentials => StatusCode::UNAUTHORIZED,
            Self::Forbidden => StatusCode::FORBIDDEN,
            Self::NotFound => StatusCode::NOT_FOUND,
            Self::MethodNotAllowed => StatusCode::METHOD_NOT_ALLOWED,
            Self::Conflict
            | Self::EmailTaken
            | Self::SeatLimitReached
            | Self::RoleNotInPlan
            | Self::PrimaryAdminRequired
            | Self::ConcurrentSession
            | Self::InvalidState
            | Self::AlreadyExists => StatusCode::CONFLICT,
            Self::IdempotencyKeyReused | Self::ExceedsOpenAmount => {
                StatusCode::UNPROCESSABLE_ENTITY
            }
            Self::PayloadTooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            Self::RequestTimeout => StatusCode::REQUEST_TIMEOUT,
            Self::UnsupportedMediaType => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            Self::InvalidPolicy => StatusCode::UNPROCESSABLE_ENTITY,
            Self::RateLimited => StatusCode::TOO_MANY_REQUESTS,
            Self::InternalError => StatusCode::INTERNAL_SERVER_ERROR,
            Self::ServiceUnavailable => StatusCode::SERVICE_UNAVAILABLE,
        }
    }
}

/// An error answer: code, English and French messages, and extra fields (decision id,
/// current state, diagnostics...). Boxed: it travels in every handler's `Result`.
#[derive(Debug, Clone)]
pub struct ApiError(Box<ErrorBody>);

#[derive(Debug, Clone)]
pub struct ErrorBody {
    pub code: ErrorCode,
    pub english: String,
    pub french: String,
    pub extra: Map<String, Value>,
    pub retry_after_secs: Option<u64>,
}

impl std::ops::Deref for ApiError {
    type Target = ErrorBody;

    fn deref(&self) -> &ErrorBody {
        &self.0
    }
}

impl ApiError {
    pub fn new(code: ErrorCode, english: impl Into<String>, french: impl Into<String>) -> Self {
        Self(Box::new(ErrorBody {
            code,
            english: english.into(),
            french: french.into(),
            extra: Map::new(),
            retry_after_secs: None,
        }))
    }

    pub fn with(mut self, key: &str, value: impl Serialize) -> Self {
        self.0.extra.insert(
            key.to_owned(),
            serde_json::to_value(value).unwrap_or(Value::Null),
        );
        self
    }

    /// Adds a `Retry-After` header to the answer.
    pub fn retry_after(mut self, seconds: u64) -> Self {
        self.0.retry_after_secs = Some(seconds);
        self
    }

    pub fn not_found() -> Self {
        Self::new(
            ErrorCode::NotFound,
            "No such resource.",
            "Cette ressource n'existe pas.",
        )
    }

    pub fn unauthenticated() -> Self {
        Self::new(
            ErrorCode::Unauthenticated,
            "A valid session token is required (Authorization: Bearer ...).",
            "Un jeton de session valide est requis (Authorization: Bearer ...).",
        )
    }

    pub fn invalid_field(field: &str, problem: &str) -> Self {
        Self::new(
            ErrorCode::InvalidInput,
            format!("Field `{field}` {problem}."),
            format!("Le champ `{field}` est invalide : {problem}."),
        )
        .with("field", field)
    }

    /// A server fault: the cause goes to the log, the body says nothing of it.
    pub fn internal(cause: &dyn std::fmt::Display) -> Self {
        tracing::error!(error = %cause, "request failed");
        Self::new(
            ErrorCode::InternalError,
            "Something went wrong on our side; it has been logged.",
            "Une erreur interne est survenue ; elle a été journalisée.",
        )
    }

    pub fn message(&self, locale: Locale) -> &str {
        match locale {
            Locale::En => &self.english,
            Locale::Fr => &self.french,
        }
    }
}

impl std::fmt::Display for ApiError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:?}: {}", self.code, self.english)
    }
}

impl ResponseError for ApiError {
    fn status_code(&self) -> StatusCode {
        self.code.status()
    }

    fn error_response(&self) -> HttpResponse {
        let mut body = Map::new();
        body.insert(
            "error".into(),
            serde_json::to_value(self.code).unwrap_or(Value::Null),
        );
        body.insert(
            "message".into(),
            Value::String(self.message(current_locale()).to_owned()),
        );
        for (key, value) in &self.extra {
            body.insert(key.clone(), value.clone());
        }
        let mut response = HttpResponse::build(self.status_code());
        if let Some(seconds) = self.retry_after_secs {
            response.insert_header((header::RETRY_AFTER, seconds.to_string()));
        }
        // Every 401 names the scheme that would be accepted (RFC 9110, section 15.5.2).
        if self.status_code() == StatusCode::UNAUTHORIZED {
            response.insert_header((header::WWW_AUTHENTICATE, "Bearer"));
        }
        response.json(Value::Object(body))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn error_codes_serialize_as_snake_case() {
        let code = serde_json::to_value(ErrorCode::SeatLimitReached).unwrap();
        assert_eq!(code, "seat_limit_reached");
        assert_eq!(ErrorCode::SeatLimitReached.status(), StatusCode::CONFLICT);
        assert_eq!(
            ErrorCode::InvalidPolicy.status(),
            StatusCode::UNPROCESSABLE_ENTITY
        );
    }

    #[actix_web::test]
    async fn the_body_carries_code_message_and_extras() {
        let error = ApiError::not_found().with("id", "x1");
        let response = error.error_response();
        assert_eq!(response.status(), StatusCode::NOT_FOUND);
        let bytes = actix_web::body::to_bytes(response.into_body())
            .await
            .unwrap();
        let body: Value = serde_json::from_slice(&bytes).unwrap();
        assert_eq!(body["error"], "not_found");
        assert_eq!(body["message"], "No such resource.");
        assert_eq!(body["id"], "x1");
    }

    #[test]
    fn every_401_names_the_bearer_scheme_and_no_other_answer_does() {
        for error in [
            ApiError::unauthenticated(),
            ApiError::new(ErrorCode::InvalidCredentials, "", ""),
        ] {
            let response = error.error_response();
            assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
            assert_eq!(
                response.headers().get(header::WWW_AUTHENTICATE).unwrap(),
                "Bearer"
            );
        }
        let response = ApiError::not_found().error_response();
        assert!(!response.headers().contains_key(header::WWW_AUTHENTICATE));
    }
}
