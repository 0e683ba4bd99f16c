//! Black-box API tests: the real server on a fresh database per test.

mod decision_point;
mod decisions;
mod helpers;
mod identity;
mod roles_table;
mod sessions;
mod system;
mod users;
