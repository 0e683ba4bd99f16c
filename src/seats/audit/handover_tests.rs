//! Hand-over sharing through the whole audit: probable beside the proven bound, never an
//! accusation of an honest pattern.

use super::{audit_company, AuditInput, AuditOutcome, AuditSettings};
use crate::identity::roles::{Plan, Role};
use crate::seats::detectors::handover::tests::*;
use crate::seats::findings::{EvidenceClass, FindingKind};
use crate::seats::plans::{SeatPlan, SeatUser};
use crate::seats::timeline::{GeoPoint, SessionRecord};

fn audit(sessions: Vec<SessionRecord>) -> AuditOutcome {
    audit_company(
        &audit_input_of(sessions),
        &AuditSettings::default(),
        at(40, 0),
    )
}

fn accused(sessions: Vec<SessionRecord>) -> Vec<FindingKind> {
    audit(sessions)
        .findings
        .iter()
        .map(|finding| finding.kind)
        .filter(|kind| {
            matches!(
                kind,
                FindingKind::SharedLogin | FindingKind::ImpossibleTravel
            )
        })
        .collect()
}

fn located(mut session: SessionRecord, latitude: f64, longitude: f64) -> SessionRecord {
    session.location = Some(GeoPoint {
        latitude,
        longitude,
    });
    session
}

/// Honest people whose days look busy: none of them is accused of anything.
#[test]
fn honest_traps_are_never_flagged() {
    let mut laptop_then_phone = Vec::new();
    let mut forgotten_session = Vec::new();
    let mut vpn_hop = Vec::new();
    let mut vpn_hop_without_id = Vec::new();
    let mut work_and_home = Vec::new();
    let mut now_and_then = Vec::new();
    for day in weekdays(28) {
        laptop_then_phone.push(use_of(
            Some("laptop"),
            MAC_FIREFOX,
            day,
            8 * 60,
            12 * 60 + 58,
        ));
        laptop_then_phone.push(use_of(Some("phone"), IPHONE, day, 13 * 60, 17 * 60));
        // Signed in at the office and never signed out: the session ends at its last
        // activity; the same person checks in from home in the evening.
        forgotten_session.push(use_of(
            Some("office"),
            WINDOWS_CHROME,
            day,
            9 * 60,
            17 * 60 + 30,
        ));
        forgotten_session.push(use_of(
            Some("office"),
            WINDOWS_CHROME,
            day,
            17 * 60 + 45,
            17 * 60 + 46,
        ));
        forgotten_session.push(use_of(
            Some("home"),
            MAC_FIREFOX,
            day,
            18 * 60 + 30,
            19 * 60 + 45,
        ));
        // The VPN comes up at 13:00 every day: the address changes, the computer does not.
        let mut morning = use_of(Some("laptop"), MAC_FIREFOX, day, 8 * 60, 12 * 60 + 59);
        let mut afternoon = use_of(Some("laptop"), MAC_FIREFOX, day, 13 * 60, 18 * 60);
        afternoon.ip = Some("198.51.100.7".into());
        vpn_hop.push(morning.clone());
        vpn_hop.push(afternoon.clone());
        morning.device = None;
        afternoon.device = None;
        vpn_hop_without_id.push(morning);
        vpn_hop_without_id.push(afternoon);
        // A desktop at work, a laptop at home after the commute.
        work_and_home.push(use_of(
            Some("desktop"),
            WINDOWS_CHROME,
            day,
            9 * 60,
            17 * 60 + 30,
        ));
        work_and_home.push(use_of(
            Some("laptop"),
            MAC_FIREFOX,
            day,
            18 * 60 + 15,
            21 * 60,
        ));
        // Moves from the desktop to the laptop once in a while, at whatever time.
        if day % 6 == 2 {
            let switch = 10 * 60 + (day * 37) % 300;
            now_and_then.push(use_of(Some("desktop"), WINDOWS_CHROME, day, 9 * 60, switch));
            now_and_then.push(use_of(
                Some("laptop"),
                MAC_FIREFOX,
                day,
                switch + 5,
                17 * 60,
            ));
        } else {
            now_and_then.push(use_of(
                Some("desktop"),
                WINDOWS_CHROME,
                day,
                9 * 60,
                17 * 60,
            ));
        }
    }
    // A train from Paris to Lyon: 390 km in two hours, on two computers.
    let train_trip = vec![
        located(
            use_of(Some("desktop"), WINDOWS_CHROME, 3, 8 * 60, 10 * 60),
            48.8566,
            2.3522,
        ),
        located(
            use_of(Some("laptop"), MAC_FIREFOX, 3, 12 * 60 + 10, 15 * 60),
            45.7640,
            4.8357,
        ),
    ];
    for (name, trap) in [
        ("laptop then phone", laptop_then_phone),
        ("forgotten session", forgotten_session),
        ("VPN hop", vpn_hop),
        ("VPN hop without device id", vpn_hop_without_id),
        ("desktop at work, laptop at home", work_and_home),
        ("desktop to laptop now and then", now_and_then),
        ("train trip", train_trip),
    ] {
        assert_eq!(accused(trap), vec![], "{name}");
    }
}

#[test]
fn the_audit_reports_hand_over_sharing_as_probable_beside_the_proven_bound() {
    let outcome = audit(front_desk(21));
    let finding = &outcome.findings[0];
    assert_eq!(finding.kind, FindingKind::SharedLogin);
    assert_eq!(finding.evidence_class, EvidenceClass::Probable);
    assert_eq!((finding.headcount, finding.headcount_estimate), (1, 2));
    assert_eq!(finding.evidence["estimate"], 2);
    assert!(finding.evidence["summary_fr"]
        .as_str()
        .is_some_and(|text| text.starts_with("probablement 2 personnes")));
    // Seats and advice keep the proven figures unless the company counts probable sharing.
    assert_eq!(outcome.effective.people, 1);
    assert_eq!(outcome.advice.people_observed, 1);
    let input = AuditInput {
        count_probable_sharing: true,
        ..audit_input_of(front_desk(21))
    };
    let counted = audit_company(&input, &AuditSettings::default(), at(40, 0));
    assert_eq!(counted.effective.people, 2);
    assert_eq!(counted.advice.people_observed, 2);
}

fn audit_input_of(sessions: Vec<SessionRecord>) -> AuditInput {
    AuditInput {
        plan: SeatPlan::new(Plan::Plus, None),
        users: vec![SeatUser {
            login: LOGIN.into(),
            role: Role::StandardAll,
            active: true,
            external: false,
            created_at: None,
        }],
        sessions,
        duty_actions: Vec::new(),
        self_conflicts: Vec::new(),
        count_probable_sharing: false,
    }
}

const AGENTS: [&str; 3] = [WINDOWS_CHROME, MAC_FIREFOX, LINUX_FIREFOX];

/// `people` people in turn, each on their own workstation, every day of `days` (some days
/// off); shift changes near fixed hours, with `gaps` minutes between (negative: overlap).
fn shifts(
    people: usize,
    days: i64,
    off: &[bool],
    jitter: &[i64],
    gaps: &[i64],
) -> Vec<SessionRecord> {
    let length = 14 * 60 / people as i64;
    let mut sessions = Vec::new();
    for day in (0..days).filter(|&d| !off[d as usize % off.len()]) {
        let mut start = 6 * 60;
        for (person, agent) in AGENTS.iter().enumerate().take(people) {
            let index = (day as usize * people + person) % jitter.len();
            let end = 6 * 60 + length * (person as i64 + 1) + jitter[index];
            sessions.push(use_of(
                Some(&format!("desk-{person}")),
                agent,
                day,
                start,
                end,
            ));
            start = end + gaps[index % gaps.len()];
        }
    }
    sessions
}

proptest::proptest! {
    #[test]
    fn generated_shift_schedules_are_probable_with_the_right_estimate(
        people in 2usize..=3,
        days in 14i64..40,
        off in proptest::collection::vec(proptest::bool::weighted(0.15), 7),
        jitter in proptest::collection::vec(-20i64..=20, 1..12),
        gaps in proptest::collection::vec(-2i64..=15, 1..12),
    ) {
        let sessions = shifts(people, days, &off, &jitter, &gaps);
        let worked = (0..days).filter(|&d| !off[d as usize % off.len()]).count();
        proptest::prop_assume!(worked >= 10);
        let outcome = audit(sessions);
        let login = &outcome.logins[0];
        proptest::prop_assert!(login.headcount.people <= people as u32);
        let found = login.handover.as_ref();
        proptest::prop_assert_eq!(found.map(|h| h.estimate), Some(people as u32));
        let finding = &outcome.findings[0];
        proptest::prop_assert_eq!(finding.headcount_estimate, people as u32);
        proptest::prop_assert_eq!(finding.evidence_class, EvidenceClass::Probable);
    }

    #[test]
    fn the_proven_bound_never_exceeds_the_people_generated(
        people in 1usize..=3,
        days in 1i64..30,
        off in proptest::collection::vec(proptest::bool::ANY, 7),
        jitter in proptest::collection::vec(-60i64..=60, 1..12),
        gaps in proptest::collection::vec(-90i64..=30, 1..12),
    ) {
        let outcome = audit(shifts(people, days, &off, &jitter, &gaps));
        for login in &outcome.logins {
            proptest::prop_assert!(login.headcount.people <= people as u32);
            proptest::prop_assert!(login.estimate() <= people as u32);
        }
        for finding in &outcome.findings {
            proptest::prop_assert!(finding.headcount <= people as u32);
        }
    }

    #[test]
    fn generated_single_person_days_are_never_flagged(
        days in 10i64..60,
        starts in proptest::collection::vec(7 * 60i64..10 * 60, 60),
        ends in proptest::collection::vec(15 * 60i64..18 * 60, 60),
        evenings in proptest::collection::vec(proptest::option::weighted(0.6, (45i64..180, 30i64..180)), 60),
        moves in proptest::collection::vec(proptest::option::weighted(0.25, (10 * 60i64..16 * 60, 0i64..20)), 60),
        phone in proptest::collection::vec(proptest::option::weighted(0.3, 0i64..6 * 60), 60),
    ) {
        let mut sessions = Vec::new();
        // Every day drawn on its own: a person's days differ.
        for day in 0..days {
            let d = day as usize;
            let (start, end) = (starts[d], ends[d]);
            // At work on the desktop, sometimes moving to the laptop for the rest of the day.
            match moves[d] {
                Some((switch, gap)) if switch > start && switch + gap < end => {
                    sessions.push(use_of(Some("desktop"), WINDOWS_CHROME, day, start, switch));
                    sessions.push(use_of(Some("laptop"), MAC_FIREFOX, day, switch + gap, end));
                }
                _ => sessions.push(use_of(Some("desktop"), WINDOWS_CHROME, day, start, end)),
            }
            // Home in the evening, after the commute.
            if let Some((commute, length)) = evenings[d] {
                let from = end + commute;
                sessions.push(use_of(Some("laptop"), MAC_FIREFOX, day, from, (from + length).min(24 * 60 - 1)));
            }
            // A look at the phone before work.
            if let Some(minute) = phone[d] {
                sessions.push(use_of(Some("phone"), IPHONE, day, minute, minute + 10));
            }
        }
        let outcome = audit(sessions);
        let login = &outcome.logins[0];
        proptest::prop_assert_eq!(&login.handover, &None);
        proptest::prop_assert!(outcome
            .findings
            .iter()
            .all(|finding| finding.kind != FindingKind::SharedLogin));
    }
}
