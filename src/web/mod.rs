//! The edge both faces share: the error contract and how domain errors map to it, the request
//! extractors and what a request says about its client, and the middleware (credentials first,
//! request limits, metrics, language).

pub mod content_type;
pub mod credentials;
pub mod domain_errors;
pub mod error;
pub mod extract;
pub mod limits;
pub mod locale;
pub mod metrics;
pub mod rate_limit;
pub mod request;
