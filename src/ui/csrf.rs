//! Cross-site request forgery tokens. A signed-in page's token is an HMAC-SHA256 of a fixed
//! label keyed by the session token, which only the browser holding the cookie knows: any node
//! can check it without shared state, it changes with every session, and a forged form from
//! another site cannot know it. Before sign-in, a cookie carries a random value and the form
//! the token keyed by it (double submit).

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use hmac::{Hmac, Mac};
use rand::RngCore;
use sha2::Sha256;

type HmacSha256 = Hmac<Sha256>;

const LABEL: &[u8] = b"seatwarden page form v1";

fn mac(session_token: &str) -> HmacSha256 {
    let mut mac = HmacSha256::new_from_slice(session_token.as_bytes())
        .expect("HMAC accepts keys of any length");
    mac.update(LABEL);
    mac
}

/// The token a signed-in page puts in its forms.
pub fn token_for(session_token: &str) -> String {
    URL_SAFE_NO_PAD.encode(mac(session_token).finalize().into_bytes())
}

/// Whether a submitted token belongs to the session, compared in constant time.
pub fn verify(session_token: &str, submitted: &str) -> bool {
    let Ok(bytes) = URL_SAFE_NO_PAD.decode(submitted.trim()) else {
        return false;
    };
    mac(session_token).verify_slice(&bytes).is_ok()
}

/// A fresh random value for the sign-in cookie, the key of the sign-in form's token.
pub fn random_token() -> String {
    let mut bytes = [0_u8; 32];
    rand::thread_rng().fill_bytes(&mut bytes);
    URL_SAFE_NO_PAD.encode(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_token_is_accepted_only_for_its_own_session() {
        let token = token_for("swt_session_a");
        assert!(verify("swt_session_a", &token));
        assert!(!verify("swt_session_b", &token));
        assert!(!verify("swt_session_a", ""));
        assert!(!verify("swt_session_a", "not base64 !"));
        assert_ne!(token, token_for("swt_session_b"));
    }

    #[test]
    fn the_sign_in_form_needs_the_same_random_value_as_its_cookie() {
        let cookie = random_token();
        assert!(verify(&cookie, &token_for(&cookie)));
        assert!(!verify(&random_token(), &token_for(&cookie)));
    }
}
