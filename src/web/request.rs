//! What a request says about its client: the bearer token, the peer address, the user agent.

use actix_web::http::header;
use actix_web::HttpRequest;

use crate::identity::sessions::ClientInfo;

pub fn bearer_token(req: &HttpRequest) -> Option<String> {
    let value = req.headers().get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = value.split_once(' ')?;
    let token = token.trim();
    (scheme.eq_ignore_ascii_case("bearer") && !token.is_empty()).then(|| token.to_owned())
}

/// The peer address. Forwarded headers are not trusted: a client could forge them to dodge
/// the per-address sign-in limit.
pub fn client_ip(req: &HttpRequest) -> Option<String> {
    req.peer_addr().map(|addr| addr.ip().to_string())
}

/// Address and user agent of the request, with the device id the client may give.
pub fn client_info(req: &HttpRequest, device_id: Option<String>) -> ClientInfo {
    ClientInfo {
        ip: client_ip(req),
        user_agent: req
            .headers()
            .get(header::USER_AGENT)
            .and_then(|v| v.to_str().ok())
            .map(|agent| agent.chars().take(512).collect()),
        device_id,
    }
}
