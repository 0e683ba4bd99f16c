//! Sign-up, sessions and user management over HTTP: parse, call the domain, answer.

mod entry;
mod sessions;
mod users;

pub use entry::*;
pub use sessions::*;
pub use users::*;
