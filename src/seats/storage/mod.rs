//! The seat auditor's storage, one module per thing it stores or reads. Every function takes
//! the caller's connection, so it runs inside the caller's transaction; the large inputs are
//! read a page at a time (`time_pages`).

pub mod duty_actions;
pub mod events;
pub mod external_users;
pub mod finding_upserts;
pub mod findings;
pub mod flags;
pub mod inputs;
pub mod runs;
pub mod sessions;
pub mod time_pages;
pub mod users;
