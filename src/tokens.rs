//! Bearer secrets (session tokens, invitation tokens, API keys) are stored only as their
//! SHA-256 hash: identity and authorization both look secrets up by it.

use sha2::{Digest, Sha256};

/// The hex SHA-256 of a secret, as stored.
pub fn hash_token(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}
