//! Concurrent use: the greatest number of distinct devices working on one login at the same
//! moment, with the window that proves it.
//!
//! Sessions of one device are merged first (two tabs on one laptop are one person). A person
//! closing the laptop and opening the phone overlaps for a moment, so overlaps no longer than
//! the device-switch grace are ignored. Delaying every device's start by the grace does exactly
//! that: the common window of any set of intervals is [max start, min end], and
//! max(start + grace) = max(start) + grace, so every overlap, of any number of devices, shrinks
//! by exactly the grace. A plain sweep over the delayed intervals then counts only overlaps
//! longer than the grace. Sort plus sweep: O(n log n).

use chrono::{DateTime, Utc};
use serde::Serialize;

use super::explain;
use super::index::{LoginTimeline, SessionRef};
use super::timeline::SessionRecord;

/// Concurrent use of one login.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Concurrency {
    /// Most distinct devices in use together beyond the grace; 1 for a login used from one
    /// device at a time, 0 without sessions.
    pub max_devices: u32,
    /// The longest window where `max_devices` devices were all working (when 2 or more).
    pub peak: Option<SharedWindow>,
    /// How many separate periods had two or more devices working together.
    pub shared_periods: u32,
    /// Start of the first such period.
    pub first_shared_at: Option<DateTime<Utc>>,
    /// End of the last such period.
    pub last_shared_at: Option<DateTime<Utc>>,
}

/// Devices all working on one login during one window.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SharedWindow {
    pub start: DateTime<Utc>,
    pub end: DateTime<Utc>,
    pub duration_seconds: i64,
    pub devices: Vec<String>,
    pub sessions: Vec<SessionRef>,
}

/// Use of one device: its sessions merged.
#[derive(Debug, Clone, Copy)]
struct DeviceSpan {
    start: i64,
    end: i64,
    device: u32,
}

/// Measure concurrent use of one login; `grace_seconds` below zero counts as zero.
pub fn measure(
    timeline: &LoginTimeline<'_>,
    sessions: &[SessionRecord],
    grace_seconds: i64,
) -> Concurrency {
    let grace = grace_seconds.max(0);
    let devices = device_spans(timeline);
    let sweep = sweep(&devices, grace);
    let in_use = u32::from(!timeline.spans.is_empty());
    let peak = match sweep.peak {
        Some((at, _)) if sweep.max >= 2 => {
            Some(shared_window(timeline, sessions, &devices, grace, at))
        }
        _ => None,
    };
    Concurrency {
        max_devices: sweep.max.max(in_use),
        peak,
        shared_periods: sweep.periods,
        // The sweep works on delayed starts; the real overlap began one grace earlier.
        first_shared_at: sweep
            .first_shared
            .map(|at| explain::instant(at.saturating_sub(grace))),
        last_shared_at: sweep.last_shared.map(explain::instant),
    }
}

/// Sessions merged per device: overlapping or touching sessions of one device are one use.
fn device_spans(timeline: &LoginTimeline<'_>) -> Vec<DeviceSpan> {
    let mut sorted: Vec<DeviceSpan> = timeline
        .spans
        .iter()
        .map(|span| DeviceSpan {
            start: span.start,
            end: span.end,
            device: span.device,
        })
        .collect();
    sorted.sort_unstable_by_key(|span| (span.device, span.start));
    let mut merged: Vec<DeviceSpan> = Vec::with_capacity(sorted.len());
    for span in sorted {
        match merged.last_mut() {
            Some(last) if last.device == span.device && span.start <= last.end => {
                last.end = last.end.max(span.end);
            }
            _ => merged.push(span),
        }
    }
    merged
}

/// Result of the sweep, in delayed-start seconds.
#[derive(Debug, Default)]
struct Sweep {
    max: u32,
    /// Longest stretch at `max` (earliest on ties).
    peak: Option<(i64, i64)>,
    first_shared: Option<i64>,
    last_shared: Option<i64>,
    periods: u32,
}

impl Sweep {
    /// Account for the count changing from `before` to `after` at `at`, holding until `next`.
    fn record(&mut self, at: i64, before: u32, after: u32, next: Option<i64>) {
        if before < 2 && after >= 2 {
            self.periods += 1;
            self.first_shared.get_or_insert(at);
        }
        if before >= 2 && after < 2 {
            self.last_shared = Some(at);
        }
        let Some(next) = next else { return };
        if after == 0 {
            return;
        }
        let longer = self.peak.is_none_or(|(start, end)| next - at > end - start);
        if after > self.max || (after == self.max && longer) {
            self.max = after;
            self.peak = Some((at, next));
        }
    }
}

fn sweep(devices: &[DeviceSpan], grace: i64) -> Sweep {
    let mut events: Vec<(i64, i32)> = Vec::with_capacity(devices.len() * 2);
    for span in devices {
        let start = span.start.saturating_add(grace);
        // A device used no longer than the grace can never overlap beyond it.
        if start < span.end {
            events.push((start, 1));
            events.push((span.end, -1));
        }
    }
    // Ends sort before starts at the same second: intervals are half-open, so back-to-back
    // sessions do not overlap.
    events.sort_unstable();
    let mut result = Sweep::default();
    let mut count: u32 = 0;
    let mut i = 0;
    while let Some(&(at, _)) = events.get(i) {
        let before = count;
        while let Some(&(time, delta)) = events.get(i) {
            if time != at {
                break;
            }
            count = count.saturating_add_signed(delta);
            i += 1;
        }
        result.record(at, before, count, events.get(i).map(|event| event.0));
    }
    result
}

/// The devices working at delayed time `at`, and their real common window.
fn shared_window(
    timeline: &LoginTimeline<'_>,
    sessions: &[SessionRecord],
    devices: &[DeviceSpan],
    grace: i64,
    at: i64,
) -> SharedWindow {
    let members: Vec<&DeviceSpan> = devices
        .iter()
        .filter(|span| span.start.saturating_add(grace) <= at && at < span.end)
        .collect();
    let start = members.iter().map(|span| span.start).max().unwrap_or(at);
    let end = members.iter().map(|span| span.end).min().unwrap_or(at);
    let is_member = |device: u32| members.iter().any(|span| span.device == device);
    let involved = timeline
        .spans
        .iter()
        .filter(|span| is_member(span.device) && span.start < end && start < span.end)
        .filter_map(|span| timeline.session_ref(sessions, span))
        .collect();
    SharedWindow {
        start: explain::instant(start),
        end: explain::instant(end),
        duration_seconds: end - start,
        devices: members
            .iter()
            .map(|span| timeline.device_label(span.device))
            .collect(),
        sessions: involved,
    }
}

impl SharedWindow {
    /// "device a and device b were all working on this login from ... (2 h 38 min)".
    pub fn explanation(&self) -> String {
        let together = if self.devices.len() == 2 {
            "both"
        } else {
            "all"
        };
        format!(
            "{} were {together} working on this login {} ({})",
            explain::list(&self.devices),
            explain::window(self.start, self.end),
            explain::duration(self.duration_seconds)
        )
    }
}

#[cfg(test)]
pub(super) mod tests {
    use super::super::index::group_by_login;
    use super::*;
    use chrono::{TimeDelta, TimeZone};

    const GRACE: i64 = 120;

    fn at(minute: i64) -> DateTime<Utc> {
        let base = Utc
            .with_ymd_and_hms(2025, 3, 4, 9, 0, 0)
            .single()
            .expect("valid test time");
        base + TimeDelta::minutes(minute)
    }

    fn session(id: &str, device: &str, start: i64, end: i64) -> SessionRecord {
        SessionRecord {
            session_id: id.into(),
            login: "team@acme.test".into(),
            device: Some(device.into()),
            ip: None,
            user_agent: None,
            started_at: at(start),
            last_active_at: at(end),
            location: None,
            country: None,
        }
    }

    fn run(sessions: &[SessionRecord], grace: i64) -> Concurrency {
        let timelines = group_by_login(sessions);
        measure(&timelines[0], sessions, grace)
    }

    #[test]
    fn two_devices_working_together() {
        let sessions = [
            session("s1", "laptop", 2, 160),
            session("s2", "phone", 0, 100),
        ];
        let result = run(&sessions, GRACE);
        assert_eq!(result.max_devices, 2);
        let peak = result.peak.expect("a shared window");
        assert_eq!((peak.start, peak.end), (at(2), at(100)));
        assert_eq!(peak.devices, vec!["device laptop", "device phone"]);
        assert_eq!(peak.sessions.len(), 2);
        assert_eq!(result.first_shared_at, Some(at(2)));
        assert_eq!(result.last_shared_at, Some(at(100)));
        assert_eq!(
            peak.explanation(),
            "device laptop and device phone were both working on this login \
             from Tue 2025-03-04 09:02 to 10:40 UTC (1 h 38 min)"
        );
    }

    #[test]
    fn back_to_back_sessions_are_one_person() {
        let sessions = [
            session("s1", "laptop", 0, 30),
            session("s2", "phone", 30, 60),
        ];
        assert_eq!(run(&sessions, 0).max_devices, 1);
        assert_eq!(run(&sessions, 0).peak, None);
    }

    #[test]
    fn device_switch_within_grace_is_ignored() {
        let sessions = [
            session("s1", "laptop", 0, 31),
            session("s2", "phone", 29, 60),
        ];
        assert_eq!(run(&sessions, GRACE).max_devices, 1);
        // Exactly the grace is still a switch; one second more is not.
        let mut longer = sessions.clone();
        longer[0].last_active_at = at(31) + TimeDelta::seconds(1);
        assert_eq!(run(&longer, GRACE).max_devices, 2);
    }

    #[test]
    fn same_device_two_sessions_is_one_person() {
        let sessions = [
            session("s1", "laptop", 0, 60),
            session("s2", "laptop", 10, 50),
        ];
        assert_eq!(run(&sessions, 0).max_devices, 1);
    }

    #[test]
    fn identical_timestamps_and_instants() {
        let together = [session("s1", "a", 0, 60), session("s2", "b", 0, 60)];
        assert_eq!(run(&together, GRACE).max_devices, 2);
        let instants = [session("s1", "a", 5, 5), session("s2", "b", 5, 5)];
        assert_eq!(run(&instants, 0).max_devices, 1);
    }

    #[test]
    fn never_ended_session_is_in_use_until_its_last_activity() {
        // A session still open (no sign-out) with last activity at minute 20; an idle tab
        // until minute 90 would not change that.
        let sessions = [session("s1", "a", 0, 20), session("s2", "b", 30, 90)];
        assert_eq!(run(&sessions, 0).max_devices, 1);
    }

    #[test]
    fn three_devices_and_the_longest_peak() {
        let sessions = [
            session("s1", "a", 0, 300),
            session("s2", "b", 10, 40),
            session("s3", "c", 20, 30),
            session("s4", "b", 100, 200),
            session("s5", "c", 110, 190),
        ];
        let result = run(&sessions, GRACE);
        assert_eq!(result.max_devices, 3);
        let peak = result.peak.expect("a shared window");
        assert_eq!((peak.start, peak.end), (at(110), at(190)));
        assert_eq!(result.shared_periods, 2);
        assert_eq!(result.first_shared_at, Some(at(10)));
        assert_eq!(result.last_shared_at, Some(at(200)));
    }

    /// Brute force straight from the definition: the most devices that each cover, with their
    /// own sessions, one common window longer than the grace. Windows run between interval
    /// endpoints; coverage is checked minute by minute (all times are whole minutes).
    pub(in super::super) struct Oracle {
        pub max_devices: u32,
        first: Option<i64>,
        last: Option<i64>,
    }

    /// Whether `device` is in use through every minute [m, m + 1) of [from, to).
    fn covers(sessions: &[(u8, i64, i64)], device: u8, from: i64, to: i64) -> bool {
        (from..to).all(|m| {
            sessions
                .iter()
                .any(|&(d, s, e)| d == device && s <= m && m < e)
        })
    }

    /// `sessions` are (device 0..4, start minute, end minute).
    pub(in super::super) fn oracle(sessions: &[(u8, i64, i64)], grace_minutes: i64) -> Oracle {
        let mut points: Vec<i64> = sessions.iter().flat_map(|&(_, s, e)| [s, e]).collect();
        points.sort_unstable();
        points.dedup();
        let mut result = Oracle {
            max_devices: u32::from(!sessions.is_empty()),
            first: None,
            last: None,
        };
        for &from in &points {
            for &to in points.iter().filter(|&&to| to - from > grace_minutes) {
                let count = (0u8..4).filter(|&d| covers(sessions, d, from, to)).count() as u32;
                result.max_devices = result.max_devices.max(count);
                if count >= 2 {
                    result.first = Some(result.first.map_or(from, |f| f.min(from)));
                    result.last = Some(result.last.map_or(to, |l| l.max(to)));
                }
            }
        }
        result
    }

    proptest::proptest! {
        #[test]
        fn matches_the_brute_force_oracle(
            raw in proptest::collection::vec((0u8..4, 0i64..60, 0i64..30), 0..8),
            grace_minutes in 0i64..5,
        ) {
            let sessions: Vec<SessionRecord> = raw
                .iter()
                .enumerate()
                .map(|(i, &(d, s, len))| session(&format!("s{i}"), &format!("d{d}"), s, s + len))
                .collect();
            let truth = oracle(
                &raw.iter().map(|&(d, s, len)| (d, s, s + len)).collect::<Vec<_>>(),
                grace_minutes,
            );
            if sessions.is_empty() {
                return Ok(());
            }
            let result = run(&sessions, grace_minutes * 60);
            proptest::prop_assert_eq!(result.max_devices, truth.max_devices);
            proptest::prop_assert_eq!(result.first_shared_at, truth.first.map(at));
            proptest::prop_assert_eq!(result.last_shared_at, truth.last.map(at));
            proptest::prop_assert_eq!(result.peak.is_some(), truth.max_devices >= 2);
            if let Some(peak) = result.peak {
                // The evidence itself must hold: that many devices, each covering the window.
                proptest::prop_assert_eq!(peak.devices.len() as u32, truth.max_devices);
                proptest::prop_assert!(peak.duration_seconds > grace_minutes * 60);
                let from = (peak.start - at(0)).num_minutes();
                let to = (peak.end - at(0)).num_minutes();
                for label in &peak.devices {
                    let device: u8 = label.trim_start_matches("device d").parse().unwrap_or(99);
                    let own: Vec<_> = raw.iter().map(|&(d, s, len)| (d, s, s + len)).collect();
                    proptest::prop_assert!(covers(&own, device, from, to));
                }
            }
        }
    }

    #[test]
    fn chained_switches_never_add_up() {
        let sessions = [
            session("s1", "a", 0, 61),
            session("s2", "b", 60, 121),
            session("s3", "c", 120, 181),
        ];
        assert_eq!(run(&sessions, GRACE).max_devices, 1);
    }
}
