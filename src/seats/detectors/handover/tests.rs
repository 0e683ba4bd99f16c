//! The hand-over signal on its own; its helpers also serve the audit's tests of it.

use super::*;
use crate::seats::index::group_by_login;
use chrono::{TimeDelta, TimeZone};

pub(in crate::seats) const WINDOWS_CHROME: &str =
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 \
    (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36";
pub(in crate::seats) const WINDOWS_CHROME_NEWER: &str =
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) \
    AppleWebKit/537.36 (KHTML, like Gecko) Chrome/121.0.0.0 Safari/537.36";
pub(in crate::seats) const MAC_FIREFOX: &str =
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 10.15; rv:121.0) Gecko/20100101 Firefox/121.0";
pub(in crate::seats) const LINUX_FIREFOX: &str =
    "Mozilla/5.0 (X11; Linux x86_64; rv:115.0) Gecko/20100101 Firefox/115.0";
pub(in crate::seats) const IPHONE: &str = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_1 like Mac OS X) \
    AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.1 Mobile/15E148 Safari/604.1";
pub(in crate::seats) const LOGIN: &str = "desk@hotel.test";
pub(in crate::seats) const GRACE: i64 = 120;

/// Minute `minute` of day `day` (day 0 is Monday 2025-03-03), UTC.
pub(in crate::seats) fn at(day: i64, minute: i64) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2025, 3, 3, 0, 0, 0)
        .single()
        .expect("valid test time")
        + TimeDelta::days(day)
        + TimeDelta::minutes(minute)
}

/// One session of `LOGIN`; `device` None means a browser known only by agent and address.
pub(in crate::seats) fn use_of(
    device: Option<&str>,
    agent: &str,
    day: i64,
    from: i64,
    to: i64,
) -> SessionRecord {
    SessionRecord {
        session_id: format!("{}-{day}-{from}", device.unwrap_or("browser")),
        login: LOGIN.into(),
        device: device.map(Into::into),
        ip: Some("192.0.2.10".into()),
        user_agent: Some(agent.into()),
        started_at: at(day, from),
        last_active_at: at(day, to),
        location: None,
        country: None,
    }
}

fn detect_in(sessions: &[SessionRecord]) -> Option<Handover> {
    let timelines = group_by_login(sessions);
    detect(&timelines[0], sessions, &HandoverLimits::default(), GRACE)
}

/// Weekdays among the first `count` days.
pub(in crate::seats) fn weekdays(count: i64) -> impl Iterator<Item = i64> {
    (0..count).filter(|day| day % 7 < 5)
}

pub(in crate::seats) fn front_desk(days: i64) -> Vec<SessionRecord> {
    let mut sessions = Vec::new();
    for day in weekdays(days) {
        let jitter = (day * 7) % 11 - 5;
        sessions.push(use_of(
            Some("desk-1"),
            WINDOWS_CHROME,
            day,
            8 * 60,
            13 * 60 - 2 + jitter,
        ));
        sessions.push(use_of(
            Some("desk-2"),
            MAC_FIREFOX,
            day,
            13 * 60 + 3 + jitter,
            18 * 60,
        ));
    }
    sessions
}

#[test]
fn a_front_desk_in_two_shifts_is_probably_two_people() {
    let found = detect_in(&front_desk(21)).expect("a hand-over");
    assert_eq!(found.estimate, 2);
    assert_eq!((found.handover_days, found.active_days), (15, 15));
    assert_eq!(found.switches.len(), 1);
    let switch = &found.switches[0];
    assert_eq!(
        (switch.from_device.as_str(), switch.to_device.as_str()),
        ("desk-1", "desk-2")
    );
    assert_eq!(switch.usual_at, "13:00");
    assert_eq!(found.devices[0].usual_start, "08:00");
    assert_eq!(found.devices[0].fingerprint.browser, "Chrome");
    assert_eq!(found.devices[1].usual_end, "18:00");
    assert_eq!(found.first_day, at(0, 0).date_naive());
    assert_eq!(found.last_day, at(18, 0).date_naive());
    assert!(
        found.explanation().starts_with(
            "probably 2 people share this login in shifts, never at the same time: \
             device desk-1 (Chrome 120.0.0.0 on Windows 10) usually from 08:00 to 12:58 UTC"
        ),
        "{}",
        found.explanation()
    );
    assert!(found
        .explanation()
        .ends_with("a hand-over on 15 of the 15 days it was used, from 2025-03-03 to 2025-03-21"));
    assert!(found
        .explanation_fr()
        .contains("il est passé de desk-1 à desk-2 vers 13:00 UTC (15 jours)"));
}

#[test]
fn three_shifts_are_probably_three_people() {
    let mut sessions = Vec::new();
    for day in weekdays(14) {
        sessions.push(use_of(Some("a"), WINDOWS_CHROME, day, 6 * 60, 11 * 60));
        sessions.push(use_of(Some("b"), MAC_FIREFOX, day, 11 * 60 + 5, 16 * 60));
        sessions.push(use_of(Some("c"), LINUX_FIREFOX, day, 16 * 60 + 1, 21 * 60));
    }
    let found = detect_in(&sessions).expect("a hand-over");
    assert_eq!(found.estimate, 3);
    let times: Vec<&str> = found.switches.iter().map(|s| s.usual_at.as_str()).collect();
    assert_eq!(times, vec!["11:02", "16:00"]);
}

#[test]
fn too_few_days_or_too_rare_a_pattern_is_nothing() {
    // Nine days: below the ten the signal needs.
    assert_eq!(detect_in(&front_desk(11)), None);
    // Ten hand-over days among 25 days of use: under half.
    let mut sessions = front_desk(14);
    for day in 20..35 {
        sessions.push(use_of(Some("desk-1"), WINDOWS_CHROME, day, 9 * 60, 17 * 60));
    }
    assert_eq!(detect_in(&sessions), None);
}

#[test]
fn phones_tablets_and_unstable_fingerprints_are_no_workstations() {
    let mut phone = front_desk(21);
    for session in phone
        .iter_mut()
        .filter(|s| s.device.as_deref() == Some("desk-2"))
    {
        session.user_agent = Some(IPHONE.into());
    }
    assert_eq!(detect_in(&phone), None);
    // Two browsers under one device id, in turn: no stable fingerprint.
    let mut mixed = front_desk(21);
    for (i, session) in mixed
        .iter_mut()
        .filter(|s| s.device.as_deref() == Some("desk-2"))
        .enumerate()
    {
        if i % 2 == 0 {
            session.user_agent = Some(WINDOWS_CHROME.into());
        }
    }
    assert_eq!(detect_in(&mixed), None);
    // A browser update moves the version forward: still the same workstation.
    let mut updated = front_desk(21);
    for session in updated.iter_mut().skip(10) {
        if session.device.as_deref() == Some("desk-1") {
            session.user_agent = Some(WINDOWS_CHROME_NEWER.into());
        }
    }
    let found = detect_in(&updated).expect("a hand-over");
    assert_eq!(found.devices[0].fingerprint.version, "121.0.0.0");
    // Going back to the older version is another browser behind the same id.
    updated[20].user_agent = Some(WINDOWS_CHROME.into());
    assert_eq!(detect_in(&updated), None);
}

#[test]
fn limits_out_of_range_are_named() {
    assert_eq!(HandoverLimits::default().out_of_range(), None);
    let bad = HandoverLimits {
        min_day_share: 1.5,
        ..HandoverLimits::default()
    };
    assert_eq!(
        bad.out_of_range(),
        Some("seat_audit.handover.min_day_share")
    );
    let one_day = HandoverLimits {
        min_days: 1,
        ..HandoverLimits::default()
    };
    assert_eq!(one_day.out_of_range(), Some("seat_audit.handover.min_days"));
}
