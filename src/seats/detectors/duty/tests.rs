//! Duty spread: distinct duties on distinct devices at once, and what does not count.

use super::*;
use crate::seats::detectors::test_sessions::{at, session};
use crate::seats::index::group_by_login;

fn action(session: &str, minute: i64, group: DutyGroup) -> DutyAction {
    DutyAction {
        login: "team@acme.test".into(),
        session_id: session.into(),
        at: at(minute),
        group,
    }
}

fn run(sessions: &[SessionRecord], actions: &[DutyAction]) -> DutySpread {
    let timelines = group_by_login(sessions);
    let refs: Vec<&DutyAction> = actions.iter().collect();
    duty_spread(&timelines[0], sessions, &refs, 120)
}

#[test]
fn sales_and_purchases_at_once_on_two_devices() {
    let sessions = [session("s1", "a", 0, 120), session("s2", "b", 30, 90)];
    let actions = [
        action("s1", 10, DutyGroup::Sales),
        action("s2", 40, DutyGroup::Purchases),
    ];
    let spread = run(&sessions, &actions);
    assert_eq!(spread.overlapping_sessions, 1);
    let overlap = &spread.overlaps[0];
    assert_eq!((overlap.start, overlap.end), (at(30), at(90)));
    assert!(overlap.explanation().contains("doing sales"));
    assert_eq!(
        serde_json::to_value(spread.groups).ok(),
        Some(serde_json::json!(["sales", "purchases"]))
    );
}

#[test]
fn morning_sales_and_afternoon_purchases_is_one_person() {
    let sessions = [session("s1", "a", 0, 120), session("s2", "b", 240, 360)];
    let actions = [
        action("s1", 10, DutyGroup::Sales),
        action("s2", 250, DutyGroup::Purchases),
    ];
    assert_eq!(run(&sessions, &actions).overlapping_sessions, 0);
}

#[test]
fn same_duty_on_two_devices_is_not_duty_spread() {
    let sessions = [
        session("s1", "a", 0, 120),
        session("s2", "b", 30, 90),
        session("s3", "c", 500, 600),
    ];
    let actions = [
        action("s1", 10, DutyGroup::Sales),
        action("s2", 40, DutyGroup::Sales),
        action("s3", 510, DutyGroup::Purchases),
    ];
    assert_eq!(run(&sessions, &actions).overlapping_sessions, 0);
}

#[test]
fn one_device_doing_everything_is_one_person() {
    let sessions = [session("s1", "a", 0, 120), session("s2", "a", 30, 90)];
    let actions = [
        action("s1", 10, DutyGroup::Sales),
        action("s2", 40, DutyGroup::Accounting),
    ];
    assert_eq!(run(&sessions, &actions).overlapping_sessions, 0);
}

#[test]
fn mixed_duties_against_a_single_duty() {
    let sessions = [session("s1", "a", 0, 120), session("s2", "b", 30, 90)];
    let actions = [
        action("s1", 10, DutyGroup::Sales),
        action("s1", 11, DutyGroup::Purchases),
        action("s2", 40, DutyGroup::Sales),
        action("ghost", 40, DutyGroup::Accounting),
    ];
    let spread = run(&sessions, &actions);
    assert_eq!(spread.overlapping_sessions, 1);
    assert_eq!(spread.groups.len(), 3);
}

#[test]
fn overlap_within_grace_is_a_switch() {
    let sessions = [session("s1", "a", 0, 61), session("s2", "b", 60, 120)];
    let actions = [
        action("s1", 10, DutyGroup::Sales),
        action("s2", 70, DutyGroup::Purchases),
    ];
    assert_eq!(run(&sessions, &actions).overlapping_sessions, 0);
}

#[test]
fn reports_and_time_are_not_duties() {
    let set: DutySet = [DutyGroup::Reports, DutyGroup::Time, DutyGroup::Sales]
        .into_iter()
        .collect();
    assert_eq!(set.duties().single(), Some(DutyGroup::Sales));
    assert!(set.contains(DutyGroup::Time));
    assert_eq!(set.union(DutySet::default()), set);
}
