//! The audit of one company end to end: findings, seats, the people behind them, advice.

use super::*;
use crate::identity::roles::{Plan, Role};
use crate::seats::advice::ReasonCode;
use crate::seats::detectors::concurrency::tests::oracle;
use crate::seats::detectors::duty::{DutyGroup, DutySet};
use crate::seats::detectors::travel::distance_km;
use crate::seats::findings::{FindingKind, Severity};
use crate::seats::timeline::GeoPoint;
use chrono::{TimeDelta, TimeZone};

fn at(minute: i64) -> DateTime<Utc> {
    let base = Utc
        .with_ymd_and_hms(2025, 3, 3, 8, 0, 0)
        .single()
        .expect("valid test time");
    base + TimeDelta::minutes(minute)
}

fn session(id: &str, login: &str, device: &str, start: i64, end: i64) -> SessionRecord {
    SessionRecord {
        session_id: id.into(),
        login: login.into(),
        device: Some(device.into()),
        ip: Some(format!("10.0.{}.1", device.len())),
        user_agent: None,
        started_at: at(start),
        last_active_at: at(end),
        location: None,
        country: None,
    }
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

fn action(login: &str, session: &str, minute: i64, group: DutyGroup) -> DutyAction {
    DutyAction {
        login: login.into(),
        session_id: session.into(),
        at: at(minute),
        group,
    }
}

/// DESIGN.md's company on `plus`: the owner alone, and two people behind each of four team
/// logins (two for quotes and invoices, one for bills, one for the books), working at the
/// same time from their own computers every weekday of a week.
fn problem_company() -> AuditInput {
    let teams = [
        ("quotes1@build.test", DutyGroup::Sales),
        ("quotes2@build.test", DutyGroup::Sales),
        ("bills@build.test", DutyGroup::Purchases),
        ("books@build.test", DutyGroup::Accounting),
    ];
    let mut sessions = Vec::new();
    let mut duty_actions = Vec::new();
    for day in 0..5 {
        let morning = day * 24 * 60 + 60;
        sessions.push(session(
            &format!("owner-{day}"),
            "owner@build.test",
            "owner-pc",
            morning,
            morning + 480,
        ));
        duty_actions.push(action(
            "owner@build.test",
            &format!("owner-{day}"),
            morning + 5,
            DutyGroup::Accounting,
        ));
        for (team, group) in teams {
            for seat in 0..2 {
                let id = format!("{team}-{day}-{seat}");
                let device = format!("{team}-pc{seat}");
                sessions.push(session(
                    &id,
                    team,
                    &device,
                    morning + seat * 2,
                    morning + 240 + seat * 30,
                ));
                duty_actions.push(action(team, &id, morning + 10, group));
            }
        }
    }
    let mut users = vec![user("owner@build.test", Role::PrimaryAdmin)];
    users.extend(teams.iter().map(|(team, _)| user(team, Role::StandardAll)));
    AuditInput {
        plan: SeatPlan::new(Plan::Plus, None),
        users,
        sessions,
        duty_actions,
        self_conflicts: Vec::new(),
        count_probable_sharing: false,
    }
}

#[test]
fn problem_company_gets_exactly_its_findings_and_advice() {
    let outcome = audit_company(
        &problem_company(),
        &AuditSettings::default(),
        at(7 * 24 * 60),
    );
    let kinds: Vec<(FindingKind, Option<&str>)> = outcome
        .findings
        .iter()
        .map(|finding| (finding.kind, finding.login.as_deref()))
        .collect();
    assert_eq!(
        kinds,
        vec![
            (FindingKind::SharedLogin, Some("bills@build.test")),
            (FindingKind::SharedLogin, Some("books@build.test")),
            (FindingKind::SharedLogin, Some("quotes1@build.test")),
            (FindingKind::SharedLogin, Some("quotes2@build.test")),
            (FindingKind::EffectiveOverLimit, None),
        ]
    );
    let bills = &outcome.findings[0];
    assert_eq!(bills.headcount, 2);
    assert_eq!(bills.first_seen, at(62));
    assert_eq!(bills.last_seen, at(4 * 24 * 60 + 60 + 240));
    assert_eq!(
        bills.evidence["summary"],
        "at least 2 people use this login: device bills@build.test-pc0 and device \
         bills@build.test-pc1 were both working on this login from Mon 2025-03-03 \
         09:02 to 13:00 UTC (3 h 58 min)"
    );
    assert_eq!(outcome.seats.billable_total, 5);
    assert_eq!(outcome.effective.people, 9);
    assert_eq!(outcome.findings[4].severity, Severity::High);
    let advice = &outcome.advice;
    assert_eq!(advice.people_observed, 9);
    assert_eq!(advice.billable_needed, 9);
    assert_eq!(advice.current_limit, 5);
    assert_eq!(advice.recommended_plan, Plan::Advanced);
    assert!(advice
        .reasons
        .iter()
        .any(|reason| reason.code == ReasonCode::CurrentPlanTooSmall));
}

#[test]
fn audit_is_stable_run_after_run() {
    let input = problem_company();
    let settings = AuditSettings::default();
    let first = audit_company(&input, &settings, at(10_000));
    let second = audit_company(&input, &settings, at(10_000));
    assert_eq!(first, second);
    let prints: Vec<&str> = first
        .findings
        .iter()
        .map(|f| f.fingerprint.as_str())
        .collect();
    assert!(prints.contains(&"shared_login:bills@build.test"));
}

#[test]
fn dormant_and_over_limit_seats() {
    let mut input = problem_company();
    input.users.push(user("gone@build.test", Role::StandardAll));
    let mut disabled = user("left@build.test", Role::StandardAll);
    disabled.active = false;
    input.users.push(disabled);
    let outcome = audit_company(&input, &AuditSettings::default(), at(60 * 24 * 60));
    let kinds: Vec<FindingKind> = outcome.findings.iter().map(|f| f.kind).collect();
    assert!(kinds.contains(&FindingKind::OverLimit));
    // Every billable login has gone quiet by day 60, and the new one never signed in.
    let dormant = kinds
        .iter()
        .filter(|k| **k == FindingKind::DormantSeat)
        .count();
    assert_eq!(dormant, 6);
}

#[test]
fn settings_come_from_partial_config() {
    let settings: AuditSettings = serde_json::from_str(
        r#"{"device_switch_grace_seconds": 300, "catalog": {"plus_monthly_cents": 5000}}"#,
    )
    .unwrap_or_default();
    assert_eq!(settings.device_switch_grace_seconds, 300);
    assert_eq!(settings.dormant_days, 30);
    assert_eq!(settings.catalog.plus_monthly_cents, 5000);
    assert_eq!(settings.catalog.advanced_monthly_cents, 10000);
}

/// Places for generated sign-ins: none, Paris, Lyon (390 km), New York.
fn place(index: u8) -> Option<GeoPoint> {
    let (latitude, longitude) = match index {
        1 => (48.8566, 2.3522),
        2 => (45.7640, 4.8357),
        3 => (40.7128, -74.0060),
        _ => return None,
    };
    Some(GeoPoint {
        latitude,
        longitude,
    })
}

/// Brute force of the headcount: the concurrency oracle, and every pair-wise proof checked
/// over all pairs straight from its definition. Returns the people and whether duty spread
/// holds.
fn headcount_oracle(
    raw: &[(u8, i64, i64, u8)],
    conflicts: &[(usize, usize)],
    duties: &[DutySet],
    grace: i64,
) -> (u32, bool) {
    let spans: Vec<(u8, i64, i64)> = raw.iter().map(|&(d, s, len, _)| (d, s, s + len)).collect();
    let mut people = oracle(&spans, grace).max_devices;
    let conflict = conflicts.iter().any(|&(a, b)| raw[a].0 != raw[b].0);
    let duty = (0..raw.len()).any(|i| {
        (0..raw.len()).any(|j| {
            let (a, b) = (duties[i].duties(), duties[j].duties());
            let one_same = a.single().is_some() && a == b;
            let overlap = spans[i].2.min(spans[j].2) - spans[i].1.max(spans[j].1);
            raw[i].0 != raw[j].0 && !a.is_empty() && !b.is_empty() && !one_same && overlap > grace
        })
    });
    // Travel: consecutive located sign-ins in the index's order (start, end, position).
    let mut located: Vec<usize> = (0..raw.len())
        .filter(|&i| place(raw[i].3).is_some())
        .collect();
    located.sort_by_key(|&i| (spans[i].1, spans[i].2, i));
    let travel = located.windows(2).any(|pair| {
        let (a, b) = (pair[0], pair[1]);
        let (Some(pa), Some(pb)) = (place(raw[a].3), place(raw[b].3)) else {
            return false;
        };
        let km = distance_km(pa, pb);
        let hours = (spans[b].1 - spans[a].1) as f64 / 60.0;
        raw[a].0 != raw[b].0 && km >= 100.0 && km > 900.0 * hours
    });
    if conflict || duty || travel {
        people = people.max(2);
    }
    (people, duty)
}

proptest::proptest! {
    #[test]
    fn headcount_matches_the_brute_force_oracle(
        raw in proptest::collection::vec((0u8..4, 0i64..60, 0i64..30, 0u8..5), 1..8),
        conflict_picks in proptest::collection::vec((0usize..8, 0usize..8), 0..2),
        action_picks in proptest::collection::vec((0usize..8, 0usize..5), 0..6),
        grace in 0i64..5,
    ) {
        let n = raw.len();
        let conflicts: Vec<(usize, usize)> = conflict_picks.iter().map(|&(a, b)| (a % n, b % n)).collect();
        let mut duties = vec![DutySet::default(); n];
        let mut input = AuditInput {
            plan: SeatPlan::new(Plan::Plus, None),
            users: Vec::new(),
            sessions: Vec::new(),
            duty_actions: Vec::new(),
            self_conflicts: Vec::new(),
            count_probable_sharing: false,
        };
        for (i, &(d, s, len, p)) in raw.iter().enumerate() {
            let mut record = session(&format!("s{i}"), "team@x", &format!("d{d}"), s, s + len);
            record.location = place(p);
            input.sessions.push(record);
        }
        for &(i, g) in &action_picks {
            let group = DutyGroup::ALL[g];
            duties[i % n] = duties[i % n].with(group);
            input.duty_actions.push(action("team@x", &format!("s{}", i % n), 0, group));
        }
        for &(a, b) in &conflicts {
            input.self_conflicts.push(SelfConflict {
                login: "team@x".into(),
                at: at(0),
                session_a: format!("s{a}"),
                session_b: format!("s{b}"),
                record: "invoice:1".into(),
            });
        }
        let settings = AuditSettings { device_switch_grace_seconds: grace * 60, ..AuditSettings::default() };
        let outcome = audit_company(&input, &settings, at(100));
        let (people, duty) = headcount_oracle(&raw, &conflicts, &duties, grace);
        let login = &outcome.logins[0];
        proptest::prop_assert_eq!(login.headcount.people, people);
        proptest::prop_assert_eq!(login.duty.overlapping_sessions > 0, duty);
        proptest::prop_assert_eq!(login.duty.overlaps.is_empty(), !duty);
    }
}
