//! Sign-in events into sessions: idle gaps, stray sign-outs, devices and logins kept apart.

use super::*;
use chrono::TimeZone;

fn at(hour: u32, minute: u32, second: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2025, 3, 4, hour, minute, second)
        .single()
        .expect("valid test time")
}

fn event(kind: EventKind, time: DateTime<Utc>, device: &str) -> SignInEvent {
    SignInEvent {
        login: "team@acme.test".into(),
        event: kind,
        time,
        ip: Some("10.0.0.1".into()),
        user_agent: Some("Firefox".into()),
        device_id: Some(device.into()),
        latitude: Some(48.85),
        longitude: Some(2.35),
        country: Some("FR".into()),
    }
}

fn idle() -> TimeDelta {
    TimeDelta::minutes(30)
}

#[test]
fn sign_in_activity_sign_out_is_one_session() {
    let events = vec![
        event(EventKind::SignIn, at(9, 0, 0), "a"),
        event(EventKind::Activity, at(9, 20, 0), "a"),
        event(EventKind::SignOut, at(9, 45, 0), "a"),
    ];
    let (sessions, notes) = sessions_from_events(&events, idle());
    assert!(notes.is_empty());
    assert_eq!(sessions.len(), 1);
    assert_eq!(sessions[0].started_at, at(9, 0, 0));
    assert_eq!(sessions[0].last_active_at, at(9, 45, 0));
    assert_eq!(sessions[0].location.map(|p| p.latitude), Some(48.85));
}

#[test]
fn idle_gap_splits_and_idle_tail_is_not_use() {
    let events = vec![
        event(EventKind::SignIn, at(9, 0, 0), "a"),
        event(EventKind::Activity, at(9, 10, 0), "a"),
        event(EventKind::Activity, at(11, 0, 0), "a"),
    ];
    let (sessions, _) = sessions_from_events(&events, idle());
    assert_eq!(sessions.len(), 2);
    assert_eq!(sessions[0].last_active_at, at(9, 10, 0));
    assert_eq!(sessions[1].started_at, at(11, 0, 0));
}

#[test]
fn activity_slightly_before_sign_in_is_the_same_session() {
    let events = vec![
        event(EventKind::SignIn, at(9, 0, 5), "a"),
        event(EventKind::Activity, at(9, 0, 0), "a"),
        event(EventKind::Activity, at(9, 5, 0), "a"),
    ];
    let (sessions, _) = sessions_from_events(&events, idle());
    assert_eq!(sessions.len(), 1);
    assert_eq!(sessions[0].started_at, at(9, 0, 0));
    assert_eq!(sessions[0].last_active_at, at(9, 5, 0));
}

#[test]
fn identical_timestamps_do_not_split() {
    let events = vec![
        event(EventKind::SignOut, at(9, 0, 0), "a"),
        event(EventKind::Activity, at(9, 0, 0), "a"),
        event(EventKind::SignIn, at(9, 0, 0), "a"),
    ];
    let (sessions, notes) = sessions_from_events(&events, idle());
    assert_eq!(sessions.len(), 1);
    assert!(notes.is_empty());
}

#[test]
fn devices_and_logins_are_separate_streams() {
    let mut other_login = event(EventKind::SignIn, at(9, 1, 0), "a");
    other_login.login = "other@acme.test".into();
    let events = vec![
        event(EventKind::SignIn, at(9, 0, 0), "a"),
        event(EventKind::SignIn, at(9, 0, 30), "b"),
        other_login,
        event(EventKind::Activity, at(9, 30, 0), "b"),
    ];
    let (sessions, _) = sessions_from_events(&events, idle());
    assert_eq!(sessions.len(), 3);
    let b = sessions.iter().find(|s| s.device.as_deref() == Some("b"));
    assert_eq!(b.map(|s| s.last_active_at), Some(at(9, 30, 0)));
}

#[test]
fn stray_and_late_sign_outs_are_noted() {
    let events = vec![
        event(EventKind::SignOut, at(8, 0, 0), "a"),
        event(EventKind::SignIn, at(9, 0, 0), "a"),
        event(EventKind::SignOut, at(12, 0, 0), "a"),
    ];
    let (sessions, notes) = sessions_from_events(&events, idle());
    assert_eq!(sessions.len(), 1);
    assert_eq!(sessions[0].last_active_at, at(9, 0, 0));
    let codes: Vec<_> = notes.iter().map(|n| (n.event_index, n.code)).collect();
    assert_eq!(
        codes,
        vec![
            (0, EventNoteCode::SignOutWithoutSession),
            (2, EventNoteCode::SignOutAfterIdle)
        ]
    );
}

#[test]
fn re_import_gives_the_same_ids() {
    let events = vec![event(EventKind::SignIn, at(9, 0, 0), "a")];
    let (first, _) = sessions_from_events(&events, idle());
    let (second, _) = sessions_from_events(&events, idle());
    assert_eq!(first[0].session_id, second[0].session_id);
    assert!(first[0].session_id.starts_with("ext-"));
}

#[test]
fn device_key_falls_back_to_browser_and_address() {
    let mut record = sessions_from_events(&[event(EventKind::SignIn, at(9, 0, 0), "")], idle())
        .0
        .remove(0);
    assert_eq!(
        record.device_key(),
        DeviceKey::Browser {
            user_agent: Some("Firefox"),
            ip: Some("10.0.0.1")
        }
    );
    record.ip = None;
    record.user_agent = None;
    assert_eq!(record.device_key().label(), "an unidentified device");
}

#[test]
fn invalid_coordinates_are_no_location() {
    let mut bad = event(EventKind::SignIn, at(9, 0, 0), "a");
    bad.latitude = Some(123.0);
    let (sessions, _) = sessions_from_events(&[bad], idle());
    assert_eq!(sessions[0].location, None);
    assert_eq!(EventKind::parse("sign_out"), Some(EventKind::SignOut));
    assert_eq!(EventKind::parse("login"), None);
    assert_eq!(EventKind::Activity.as_str(), "activity");
}
