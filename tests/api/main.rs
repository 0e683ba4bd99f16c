//! Black-box API tests: the real server on a fresh database per test.

mod books_sales;
mod books_support;
mod helpers;
mod identity;
mod sessions;
mod system;
mod users;
