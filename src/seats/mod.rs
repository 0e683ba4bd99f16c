//! The seat auditor: seats against the plan, shared credentials, the people behind each
//! login, and the cheapest honest plan.
//!
//! The auditor reads sessions (`timeline`, indexed per login by `index`), runs the
//! `detectors` on each login, turns what they prove into `findings`, counts seats against the
//! `plans` and writes the `advice`; `audit` runs them all over one company. All of that is
//! pure: plain data in, findings out. `import` parses other apps' sign-in events, `storage`
//! reads and writes the tables, `service` holds the authorized use cases over a connection
//! and `operations` runs them through the gate, as the API and the pages call them.

pub mod advice;
pub mod audit;
pub mod days;
pub mod detectors;
pub mod error;
pub mod explain;
pub mod findings;
pub mod import;
pub mod index;
pub mod operations;
pub mod plans;
pub mod records;
pub mod service;
pub mod setting_views;
pub mod settings;
pub mod storage;
pub(crate) mod text_enum;
pub mod timeline;

pub use error::SeatsError;
