//! Seatwarden: access policies and seat audit for small-business accounting.

pub mod alerts;
pub mod app;
pub mod authz;
pub mod books;
pub mod cli;
pub mod clock;
pub mod config;
pub mod http;
pub mod i18n;
pub mod identity;
pub mod paging;
pub mod policy_admin;
pub mod roles;
pub mod seats;
pub mod startup;
pub mod store;
pub mod telemetry;
pub mod text;
pub mod tokens;
pub mod ui;
pub mod web;

/// Every request allocates many small strings and maps (Cedar's entities, JSON, rows);
/// mimalloc serves them from per-thread pages instead of glibc's locked arenas.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;
