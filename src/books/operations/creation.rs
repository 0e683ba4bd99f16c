//! How a create was asked for.

use crate::books::IdempotencyKey;

/// How a create was asked for: with the closing-date override or not, and the client's
/// `Idempotency-Key`.
#[derive(Debug, Clone, Default)]
pub struct Creation {
    pub override_closing_date: bool,
    pub key: Option<IdempotencyKey>,
}

impl Creation {
    /// The override and the key, as the domain functions take them.
    pub fn parts(&self) -> (bool, Option<&IdempotencyKey>) {
        (self.override_closing_date, self.key.as_ref())
    }
}
