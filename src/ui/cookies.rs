//! Pages use the API's sessions through a cookie: `HttpOnly` (no script reads it),
//! `SameSite=Lax` (no other site's form carries it), `Secure` when the service is reached
//! through https.

use actix_web::cookie::{time::OffsetDateTime, Cookie, SameSite};

use crate::i18n::Locale;
use crate::web::locale::LANGUAGE_COOKIE;

pub const SESSION_COOKIE: &str = "sw_session";
/// Holds the random key of the sign-in form's token until the sign-in.
pub const SIGN_IN_COOKIE: &str = "sw_signin";
pub const SIGN_IN_PATH: &str = "/ui/sign-in";
const COOKIE_PATH: &str = "/ui";

/// The session token's cookie, ending with the session.
pub fn session_cookie(
    token: &str,
    expires_at: chrono::NaiveDateTime,
    secure: bool,
) -> Cookie<'static> {
    let mut cookie = base_cookie(SESSION_COOKIE, token.to_owned(), secure);
    cookie.set_same_site(SameSite::Lax);
    if let Ok(expires) = OffsetDateTime::from_unix_timestamp(expires_at.and_utc().timestamp()) {
        cookie.set_expires(expires);
    }
    cookie
}

/// The language the person chose with the switch, for a year.
pub fn language_cookie(locale: Locale, secure: bool) -> Cookie<'static> {
    let mut cookie = base_cookie(LANGUAGE_COOKIE, locale.as_str().to_owned(), secure);
    cookie.set_same_site(SameSite::Lax);
    cookie.set_max_age(actix_web::cookie::time::Duration::days(365));
    cookie
}

/// The sign-in form's cookie: sent back only to this site's own forms.
pub fn sign_in_cookie(value: String, secure: bool) -> Cookie<'static> {
    let mut cookie = base_cookie(SIGN_IN_COOKIE, value, secure);
    cookie.set_same_site(SameSite::Strict);
    cookie
}

fn base_cookie(name: &'static str, value: String, secure: bool) -> Cookie<'static> {
    let mut cookie = Cookie::new(name, value);
    cookie.set_http_only(true);
    cookie.set_path(COOKIE_PATH);
    cookie.set_secure(secure);
    cookie
}

/// A cookie that clears `name` in the browser.
pub fn removal(name: &'static str) -> Cookie<'static> {
    let mut cookie = Cookie::new(name, "");
    cookie.set_path(COOKIE_PATH);
    cookie.make_removal();
    cookie
}
