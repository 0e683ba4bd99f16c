//! Black-box API tests: the real server on a fresh database per test.

mod alerts;
mod books_concurrency;
mod books_credit_notes;
mod books_ledger;
mod books_roles;
mod books_sales;
mod books_support;
mod browser;
mod cli;
mod credentials;
mod decision_point;
mod decisions;
mod enforcement;
mod helpers;
mod identity;
mod pages;
mod pages_browser;
mod paging;
mod policies;
mod reads;
mod roles_table;
mod seats;
mod seats_handover;
mod sessions;
mod system;
mod users;
