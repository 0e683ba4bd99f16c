//! Black-box API tests: the real server on a fresh database per test.

mod cli;
mod enforcement;
mod helpers;
mod identity;
mod seats;
mod sessions;
mod system;
mod users;
