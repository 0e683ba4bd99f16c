//! Sessions for the detectors' tests: one login, its times in minutes after 09:00 UTC on
//! Tuesday 2025-03-04.

use chrono::{DateTime, TimeDelta, TimeZone, Utc};

use crate::seats::timeline::SessionRecord;

pub const LOGIN: &str = "team@acme.test";

pub fn at(minute: i64) -> DateTime<Utc> {
    let base = Utc
        .with_ymd_and_hms(2025, 3, 4, 9, 0, 0)
        .single()
        .expect("valid test time");
    base + TimeDelta::minutes(minute)
}

/// A session of `LOGIN` on `device` from minute `start` to minute `end`.
pub fn session(id: &str, device: &str, start: i64, end: i64) -> SessionRecord {
    SessionRecord {
        session_id: id.into(),
        login: LOGIN.into(),
        device: Some(device.into()),
        ip: None,
        user_agent: None,
        started_at: at(start),
        last_active_at: at(end),
        location: None,
        country: None,
    }
}
