//! Sign-up, sessions and user management over HTTP: parse, call the domain, answer.

mod entry;
mod sessions;
mod settings;
mod users;

pub use entry::*;
pub use sessions::*;
pub use settings::*;
pub use users::*;
