//! Scheduled audits and email alerts that are never lost.
//!
//! `schedule` parses the jobs' cron expressions, `scheduler` runs them (once per tick across
//! nodes, through `lease`), `jobs` holds their bodies. `settings` are a company's recipients
//! and thresholds; `audits` stores an audit and queues in the same transaction the mails its
//! changes call for, in the `outbox`; `message` writes them in the company's language and
//! `mailer` sends them over SMTP. `operations` runs the use cases through the gate, as the
//! API calls them.

pub mod audits;
pub mod error;
pub mod jobs;
pub mod lease;
pub mod mailer;
pub mod message;
pub mod operations;
pub mod outbox;
pub mod schedule;
pub mod scheduler;
pub mod service;
pub mod settings;
pub mod settings_view;

pub use error::AlertsError;
