//! Black-box API tests: the real server on a fresh database per test.

mod helpers;
mod identity;
mod sessions;
mod system;
mod users;
