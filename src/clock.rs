//! Instants as the database keeps them: UTC, to the microsecond.

use chrono::{DateTime, NaiveDateTime, SecondsFormat, Utc};

/// Now, truncated to microseconds so that a value read back equals the value written.
pub fn now() -> NaiveDateTime {
    let now = Utc::now();
    DateTime::from_timestamp_micros(now.timestamp_micros())
        .unwrap_or(now)
        .naive_utc()
}

/// RFC 3339 in UTC, as the API shows instants.
pub fn rfc3339(instant: NaiveDateTime) -> String {
    instant.and_utc().to_rfc3339_opts(SecondsFormat::Secs, true)
}
