//! Concurrent use against a brute-force oracle, with the device-switch grace.

use super::*;
use crate::seats::detectors::test_sessions::{at, session};
use crate::seats::index::group_by_login;
use chrono::TimeDelta;

const GRACE: i64 = 120;

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
pub(in crate::seats) struct Oracle {
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
pub(in crate::seats) fn oracle(sessions: &[(u8, i64, i64)], grace_minutes: i64) -> Oracle {
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
