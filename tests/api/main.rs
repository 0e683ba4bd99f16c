//! Black-box API tests: the real server on a fresh database per test.

mod books_concurrency;
mod books_ledger;
mod books_roles;
mod books_sales;
mod books_support;
mod helpers;
mod identity;
mod sessions;
mod system;
mod users;
