//! Device and address spread: days on which one login signed in from more devices or IP
//! addresses than one person plausibly uses. Supporting evidence only: one person can own a
//! laptop, a phone and a tablet, so spread never raises the headcount on its own.

use chrono::{DateTime, NaiveDate};
use serde::{Deserialize, Serialize};

use crate::seats::index::{LoginTimeline, Span};
use crate::seats::timeline::SessionRecord;

const SECONDS_PER_DAY: i64 = 86_400;

/// Most devices and addresses per day before a day is reported.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct SpreadLimits {
    pub max_devices_per_day: u32,
    pub max_ips_per_day: u32,
}

impl Default for SpreadLimits {
    fn default() -> Self {
        SpreadLimits {
            max_devices_per_day: 3,
            max_ips_per_day: 4,
        }
    }
}

/// A day (UTC, by sign-in) above a limit.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SpreadDay {
    pub day: NaiveDate,
    pub device_count: u32,
    pub ip_count: u32,
    pub devices: Vec<String>,
    pub ips: Vec<String>,
}

/// Days of one login above the limits, in date order.
pub fn busy_days(
    timeline: &LoginTimeline<'_>,
    sessions: &[SessionRecord],
    limits: SpreadLimits,
) -> Vec<SpreadDay> {
    let mut days = Vec::new();
    // Spans are sorted by start, so each day is one contiguous run.
    for day_spans in timeline
        .spans
        .chunk_by(|a, b| a.start.div_euclid(SECONDS_PER_DAY) == b.start.div_euclid(SECONDS_PER_DAY))
    {
        if let Some(day) = judge_day(timeline, sessions, day_spans, limits) {
            days.push(day);
        }
    }
    days
}

fn judge_day(
    timeline: &LoginTimeline<'_>,
    sessions: &[SessionRecord],
    spans: &[Span],
    limits: SpreadLimits,
) -> Option<SpreadDay> {
    let first = spans.first()?;
    let mut devices: Vec<u32> = spans.iter().map(|span| span.device).collect();
    devices.sort_unstable();
    devices.dedup();
    let mut ips: Vec<&str> = spans
        .iter()
        .filter_map(|span| sessions.get(span.session)?.ip.as_deref())
        .collect();
    ips.sort_unstable();
    ips.dedup();
    let (device_count, ip_count) = (devices.len() as u32, ips.len() as u32);
    if device_count <= limits.max_devices_per_day && ip_count <= limits.max_ips_per_day {
        return None;
    }
    Some(SpreadDay {
        day: DateTime::from_timestamp(first.start, 0)?.date_naive(),
        device_count,
        ip_count,
        devices: devices
            .into_iter()
            .map(|device| timeline.device_label(device))
            .collect(),
        ips: ips.into_iter().map(str::to_string).collect(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::seats::index::group_by_login;
    use chrono::{TimeDelta, TimeZone, Utc};

    fn sign_in(day: u32, hour: u32, device: &str, ip: &str) -> SessionRecord {
        let start = Utc
            .with_ymd_and_hms(2025, 3, day, hour, 0, 0)
            .single()
            .expect("valid test time");
        SessionRecord {
            session_id: format!("{day}-{hour}-{device}"),
            login: "team@acme.test".into(),
            device: Some(device.into()),
            ip: Some(ip.into()),
            user_agent: None,
            started_at: start,
            last_active_at: start + TimeDelta::minutes(10),
            location: None,
            country: None,
        }
    }

    fn run(sessions: &[SessionRecord]) -> Vec<SpreadDay> {
        let timelines = group_by_login(sessions);
        busy_days(&timelines[0], sessions, SpreadLimits::default())
    }

    #[test]
    fn four_devices_in_a_day_is_reported() {
        let sessions = [
            sign_in(4, 8, "a", "10.0.0.1"),
            sign_in(4, 9, "b", "10.0.0.1"),
            sign_in(4, 10, "c", "10.0.0.2"),
            sign_in(4, 11, "d", "10.0.0.2"),
            sign_in(5, 8, "a", "10.0.0.1"),
        ];
        let days = run(&sessions);
        assert_eq!(days.len(), 1);
        assert_eq!(
            days[0].day,
            NaiveDate::from_ymd_opt(2025, 3, 4).expect("date")
        );
        assert_eq!((days[0].device_count, days[0].ip_count), (4, 2));
    }

    #[test]
    fn many_addresses_on_one_device_is_reported() {
        let sessions: Vec<_> = (0..5)
            .map(|i| sign_in(4, 8 + i, "phone", &format!("10.0.0.{i}")))
            .collect();
        let days = run(&sessions);
        assert_eq!(days.len(), 1);
        assert_eq!((days[0].device_count, days[0].ip_count), (1, 5));
    }

    #[test]
    fn a_normal_day_is_quiet() {
        let sessions = [
            sign_in(4, 8, "laptop", "10.0.0.1"),
            sign_in(4, 12, "phone", "10.0.0.9"),
            sign_in(4, 14, "laptop", "10.0.0.1"),
        ];
        assert!(run(&sessions).is_empty());
    }
}
