//! Why a session ended, as its row records it and its holder is told.

/// The reasons a session ends, each stored as its name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EndReason {
    /// Past its lifetime.
    Expired,
    /// Unused longer than the idle timeout.
    IdleTimeout,
    /// Its holder or an admin revoked it.
    Revoked,
    /// Its user was disabled.
    UserDisabled,
    /// A newer sign-in of its login on another device took over.
    Superseded,
}

impl EndReason {
    pub fn as_str(self) -> &'static str {
        match self {
            EndReason::Expired => "expired",
            EndReason::IdleTimeout => "idle_timeout",
            EndReason::Revoked => "revoked",
            EndReason::UserDisabled => "user_disabled",
            EndReason::Superseded => "superseded",
        }
    }
}
