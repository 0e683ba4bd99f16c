//! Seatwarden: access policies and seat audit for small-business accounting.

pub mod alerts;
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
pub mod seats;
pub mod startup;
pub mod store;
pub mod telemetry;
pub mod ui;
