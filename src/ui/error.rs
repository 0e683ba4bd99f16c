//! What a page answers when it cannot show what was asked: the sign-in page for a missing or
//! ended session, otherwise an HTML page with the API's status and message in the reader's
//! language, inside the menu when the person is signed in.

use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::error::{PathError, QueryPayloadError, UrlencodedError};
use actix_web::http::header::{self, HeaderValue};
use actix_web::http::{Method, StatusCode};
use actix_web::middleware::Next;
use actix_web::{HttpMessage, HttpRequest, HttpResponse, ResponseError};
use askama::Template;

use super::cookies::{self, SIGN_IN_PATH};
use super::lang::Lang;
use super::page::Page;
use super::{return_path, Nav, FORM_LIMIT_BYTES};
use crate::authz::AuthzError;
use crate::identity::IdentityError;
use crate::seats::SeatsError;
use crate::web::error::{current_locale, ApiError, ErrorCode};

#[derive(Debug)]
pub enum PageError {
    /// No valid session: go and sign in.
    SignIn,
    /// A form without this session's token.
    Forgery,
    Api(ApiError),
}

impl std::fmt::Display for PageError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::SignIn => f.write_str("sign-in required"),
            Self::Forgery => f.write_str("form token missing or wrong"),
            Self::Api(error) => error.fmt(f),
        }
    }
}

impl PageError {
    /// A form past its limit, refused before it is read.
    pub fn form_too_large(limit_bytes: usize) -> Self {
        let kib = limit_bytes / 1024;
        Self::Api(ApiError::new(
            ErrorCode::PayloadTooLarge,
            format!("This form is larger than the {kib} KiB the page accepts."),
            format!("Ce formulaire dépasse les {kib} Kio que la page accepte."),
        ))
    }

    /// A form that cannot be read into the page's fields: missing, repeated or garbled ones.
    /// The parser's words go to the log, not to the reader, whose language they are not in.
    pub fn unreadable_form(cause: &dyn std::fmt::Display) -> Self {
        tracing::debug!(%cause, "page form refused");
        Self::Api(ApiError::new(
            ErrorCode::InvalidInput,
            UNREADABLE_FORM[0],
            UNREADABLE_FORM[1],
        ))
    }

    /// A form body that could not be read: too large (413) or cut short (400).
    pub fn unreadable_body(error: &actix_web::Error) -> Self {
        if error.as_response_error().status_code() == StatusCode::PAYLOAD_TOO_LARGE {
            Self::form_too_large(FORM_LIMIT_BYTES)
        } else {
            Self::unreadable_form(error)
        }
    }
}

/// What a page says of a form it cannot read, in English and French.
const UNREADABLE_FORM: [&str; 2] = [
    "This form is incomplete or damaged. Fill it in again.",
    "Ce formulaire est incomplet ou abîmé. Remplissez-le à nouveau.",
];

pub fn unreadable_form_message(t: Lang) -> &'static str {
    t.t(UNREADABLE_FORM[0], UNREADABLE_FORM[1])
}

/// What a page says of a form without this session's token.
pub fn forgery_message(t: Lang) -> &'static str {
    t.t(
        "This form is out of date or did not come from this site. Reload the page and try again.",
        "Ce formulaire est périmé ou ne vient pas de ce site. Rechargez la page et réessayez.",
    )
}

/// `web::Form` under `/ui`: the page's own error page, 413 past the limit, else 400.
pub fn form_error(error: UrlencodedError, _: &HttpRequest) -> actix_web::Error {
    match error {
        UrlencodedError::Overflow { limit, .. } => PageError::form_too_large(limit),
        other => PageError::unreadable_form(&other),
    }
    .into()
}

/// `web::Query` under `/ui`: a page address with a value it cannot read.
pub fn query_error(error: QueryPayloadError, _: &HttpRequest) -> actix_web::Error {
    tracing::debug!(%error, "page query refused");
    PageError::Api(ApiError::new(
        ErrorCode::InvalidInput,
        "This page's address holds a value the page cannot read. Go back and try again.",
        "L'adresse de cette page contient une valeur illisible. Revenez en arrière et réessayez.",
    ))
    .into()
}

/// `web::Path` under `/ui`: as an unknown page.
pub fn path_error(error: PathError, _: &HttpRequest) -> actix_web::Error {
    tracing::debug!(%error, "page path refused");
    PageError::Api(ApiError::not_found()).into()
}

/// Any other path under `/ui`.
pub async fn not_found() -> Result<HttpResponse, PageError> {
    Err(PageError::Api(ApiError::not_found()))
}

impl From<ApiError> for PageError {
    fn from(error: ApiError) -> Self {
        match error.code {
            ErrorCode::Unauthenticated => Self::SignIn,
            _ => Self::Api(error),
        }
    }
}

macro_rules! via_api_error {
    ($($error:ty),+) => {
        $(impl From<$error> for PageError {
            fn from(error: $error) -> Self {
                ApiError::from(error).into()
            }
        })+
    };
}

via_api_error!(SeatsError, IdentityError, AuthzError);

impl From<askama::Error> for PageError {
    fn from(error: askama::Error) -> Self {
        Self::Api(ApiError::internal(&error))
    }
}

#[derive(Template)]
#[template(path = "ui/error.html")]
struct ErrorPage<'a> {
    t: Lang,
    /// The menu, when the person is signed in.
    nav: Option<Nav>,
    status: u16,
    message: &'a str,
}

impl ErrorPage<'_> {
    fn response(&self, status: StatusCode) -> HttpResponse {
        match self.render() {
            Ok(html) => HttpResponse::build(status)
                .content_type("text/html; charset=utf-8")
                .insert_header((header::CACHE_CONTROL, "no-store"))
                .body(html),
            Err(error) => ApiError::internal(&error).error_response(),
        }
    }
}

/// What an error page said, kept on the answer for `in_layout`.
#[derive(Clone)]
struct Failure(String);

/// Shows an error of a signed-in page inside the page's menu and language (the error itself
/// is answered before the page is known), and sends a person without a session to sign in
/// and back to the page they asked for.
pub async fn in_layout(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, actix_web::Error> {
    let mut answer = next.call(req).await?.map_into_boxed_body();
    if answer.request().method() == Method::GET && goes_to_sign_in(&answer) {
        let asked = answer
            .request()
            .uri()
            .path_and_query()
            .map(|p| p.to_string());
        if let Some(back) = asked.as_deref().and_then(return_path::same_site) {
            let location = format!("{SIGN_IN_PATH}?next={}", return_path::as_query_value(back));
            if let Ok(value) = HeaderValue::from_str(&location) {
                answer.headers_mut().insert(header::LOCATION, value);
            }
        }
        return Ok(answer);
    }
    let failure = answer.response().extensions().get::<Failure>().cloned();
    let page = answer.request().extensions().get::<Page>().cloned();
    let (Some(Failure(message)), Some(page)) = (failure, page) else {
        return Ok(answer);
    };
    let status = answer.status();
    let shown = ErrorPage {
        t: page.t,
        nav: Some(Nav::new(&page, "")),
        status: status.as_u16(),
        message: &message,
    };
    let (request, _) = answer.into_parts();
    Ok(ServiceResponse::new(request, shown.response(status)))
}

fn goes_to_sign_in(answer: &ServiceResponse<BoxBody>) -> bool {
    answer.status() == StatusCode::SEE_OTHER
        && answer
            .headers()
            .get(header::LOCATION)
            .is_some_and(|location| location == SIGN_IN_PATH)
}

impl ResponseError for PageError {
    fn status_code(&self) -> StatusCode {
        match self {
            // What went wrong is a missing session; the answer itself redirects (see below).
            Self::SignIn => StatusCode::UNAUTHORIZED,
            Self::Forgery => StatusCode::FORBIDDEN,
            Self::Api(error) => error.code.status(),
        }
    }

    fn error_response(&self) -> HttpResponse {
        let t = Lang::new(current_locale());
        let message = match self {
            Self::SignIn => {
                return HttpResponse::SeeOther()
                    .insert_header((header::LOCATION, cookies::SIGN_IN_PATH))
                    .cookie(cookies::removal(cookies::SESSION_COOKIE))
                    .finish();
            }
            Self::Forgery => forgery_message(t),
            Self::Api(error) => error.message(t.locale()),
        };
        let status = self.status_code();
        let page = ErrorPage {
            t,
            nav: None,
            status: status.as_u16(),
            message,
        };
        let mut response = page.response(status);
        response
            .extensions_mut()
            .insert(Failure(message.to_owned()));
        response
    }
}
