//! Findings drafted from the signals: kinds, severities, fingerprints and their words.

use super::*;
use crate::identity::roles::{Plan, Role};
use crate::seats::plans::{count_seats, SeatPlan};
use chrono::TimeZone;

fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2025, 3, 31, 12, 0, 0)
        .single()
        .expect("valid test time")
}

fn user(login: &str, role: Role) -> SeatUser {
    SeatUser {
        login: login.into(),
        role,
        active: true,
        external: false,
        created_at: None,
    }
}

#[test]
fn one_person_is_no_shared_login() {
    let headcount = Headcount {
        people: 1,
        proofs: Vec::new(),
        first_proof_at: None,
        last_proof_at: None,
    };
    assert_eq!(shared_login("a@x", &headcount, &[], None), None);
}

#[test]
fn over_limit_is_company_wide_and_stable() {
    let users: Vec<SeatUser> = (0..7)
        .map(|i| user(&format!("u{i}@x"), Role::StandardAll))
        .collect();
    let seats = count_seats(&users, SeatPlan::new(Plan::Plus, None));
    let draft = over_limit(&seats, now()).expect("over the limit");
    assert_eq!(draft.fingerprint, "over_limit");
    assert_eq!(draft.headcount, 7);
    assert_eq!(draft.evidence["over_by"], 2);
    assert_eq!(
        draft.evidence["summary"],
        "7 billable users on plus, which allows 5: 2 over"
    );
    assert_eq!(
        over_limit(
            &count_seats(&users[..5], SeatPlan::new(Plan::Plus, None)),
            now()
        ),
        None
    );
}

#[test]
fn dormant_after_thirty_days_but_not_a_new_user() {
    let old = user("Old@X", Role::StandardAll);
    let last = now() - TimeDelta::days(45);
    let draft = dormant_seat(&old, Some(last), now(), 30).expect("dormant");
    assert_eq!(draft.fingerprint, "dormant_seat:old@x");
    assert_eq!(draft.evidence["idle_days"], 45);
    assert_eq!(draft.first_seen, last + TimeDelta::days(30));
    assert_eq!(
        dormant_seat(&old, Some(now() - TimeDelta::days(3)), now(), 30),
        None
    );
    let mut new = user("new@x", Role::StandardAll);
    new.created_at = Some(now() - TimeDelta::days(2));
    assert_eq!(dormant_seat(&new, None, now(), 30), None);
    let never = dormant_seat(&user("ghost@x", Role::StandardAll), None, now(), 30);
    assert!(never.is_some_and(|d| d.evidence["summary"]
        .as_str()
        .is_some_and(|s| s.contains("never"))));
}
