//! Identity's use cases as both faces call them, over the gate: each picks its transaction
//! (a read on a snapshot, an authorized act in the writer's group commit, or, before anyone
//! is signed in, a transaction of its own).

mod entry;
mod sessions;
mod settings;
mod users;

pub use entry::{accept_invitation, authenticate, sign_in, sign_up};
pub use sessions::{list_sessions, open_sessions_by_user, revoke_session, sign_out};
pub use settings::{locale_settings, set_locale_settings};
pub use users::{
    add_user, all_users, disable_user, enable_user, get_user, list_users, update_user,
};
