//! What a page answers when it cannot show what was asked: the sign-in page for a missing or
//! ended session, otherwise an HTML page with the API's status and message in the reader's
//! language.

use actix_web::http::{header, StatusCode};
use actix_web::{HttpResponse, ResponseError};
use askama::Template;

use super::lang::Lang;
use super::session;
use crate::authz::AuthzError;
use crate::http::error::{current_locale, ApiError, ErrorCode};
use crate::identity::IdentityError;
use crate::seats::SeatsError;

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
    status: u16,
    message: &'a str,
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
        let t = Lang(current_locale());
        let message = match self {
            Self::SignIn => {
                return HttpResponse::SeeOther()
                    .insert_header((header::LOCATION, session::SIGN_IN_PATH))
                    .cookie(session::removal(session::SESSION_COOKIE))
                    .finish();
            }
            Self::Forgery => t.t(
                "This form is out of date or did not come from this site. Reload the page and try again.",
                "Ce formulaire est périmé ou ne vient pas de ce site. Rechargez la page et réessayez.",
            ),
            Self::Api(error) => error.message(t.0),
        };
        let status = self.status_code();
        let page = ErrorPage {
            t,
            status: status.as_u16(),
            message,
        };
        match page.render() {
            Ok(html) => HttpResponse::build(status)
                .content_type("text/html; charset=utf-8")
                .body(html),
            Err(error) => ApiError::internal(&error).error_response(),
        }
    }
}
