//! Seat audit at scale: 1,000,000 sessions over 10,000 logins, generated deterministically
//! (every session with a browser's user agent, so the hand-over signal parses them),
//! audited once; prints the audit's wall time and the process's peak memory (VmHWM, which
//! includes the generated input). Goal on a 2-core machine: under 2 s and under 500 MB.
//!
//! Run with `cargo bench --bench seat_audit`.

use std::collections::BTreeMap;
use std::time::Instant;

use chrono::{DateTime, TimeDelta, TimeZone, Utc};
use seatwarden::identity::roles::{Plan, Role};
use seatwarden::seats::audit::{audit_company, AuditInput, AuditSettings};
use seatwarden::seats::detectors::conflicts::SelfConflict;
use seatwarden::seats::detectors::duty::{DutyAction, DutyGroup};
use seatwarden::seats::plans::{SeatPlan, SeatUser};
use seatwarden::seats::timeline::{GeoPoint, SessionRecord};

const LOGINS: usize = 10_000;
const SESSIONS_PER_LOGIN: usize = 100;
/// One session in this many carries a duty action.
const ACTION_EVERY: usize = 10;

/// Cities logins live in: (latitude, longitude, country).
const CITIES: [(f64, f64, &str); 8] = [
    (48.8566, 2.3522, "FR"),
    (45.7640, 4.8357, "FR"),
    (51.5074, -0.1278, "GB"),
    (52.5200, 13.4050, "DE"),
    (40.4168, -3.7038, "ES"),
    (41.9028, 12.4964, "IT"),
    (40.7128, -74.0060, "US"),
    (35.6762, 139.6503, "JP"),
];

/// A tiny xorshift: deterministic data without a dependency.
struct XorShift(u64);

impl XorShift {
    fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        self.0 = x;
        x
    }

    fn below(&mut self, bound: u64) -> u64 {
        self.next() % bound.max(1)
    }
}

/// How one login is used: mostly one person on a laptop and a phone; some shared by a team
/// working at the same time; some handed over from one workstation to the next in daily
/// shifts; some whose sign-ins jump between cities.
#[derive(Clone, Copy)]
enum Usage {
    Honest,
    Shared { people: u64 },
    Shifts { people: u64 },
    Traveling,
}

/// Browsers: a laptop, a phone, and the workstations of teams.
const LAPTOP: &str =
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 10.15; rv:121.0) Gecko/20100101 Firefox/121.0";
const PHONE: &str = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_1 like Mac OS X) \
    AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.1 Mobile/15E148 Safari/604.1";
const WORKSTATIONS: [&str; 4] = [
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) \
     Chrome/120.0.0.0 Safari/537.36",
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:121.0) Gecko/20100101 Firefox/121.0",
    "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) \
     Chrome/120.0.0.0 Safari/537.36",
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) \
     Version/17.1 Safari/605.1.15",
];

fn usage(rng: &mut XorShift) -> Usage {
    match rng.below(100) {
        0..=86 => Usage::Honest,
        87..=89 => Usage::Shifts {
            people: 2 + rng.below(2),
        },
        90..=96 => Usage::Shared {
            people: 2 + rng.below(3),
        },
        _ => Usage::Traveling,
    }
}

fn base_time() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2025, 1, 6, 0, 0, 0)
        .single()
        .unwrap_or_default()
}

fn generate(rng: &mut XorShift) -> AuditInput {
    let mut input = AuditInput {
        plan: SeatPlan::new(Plan::Custom, Some(20_000)),
        users: Vec::with_capacity(LOGINS),
        sessions: Vec::with_capacity(LOGINS * SESSIONS_PER_LOGIN),
        duty_actions: Vec::with_capacity(LOGINS * SESSIONS_PER_LOGIN / ACTION_EVERY),
        self_conflicts: Vec::new(),
        count_probable_sharing: false,
    };
    for login_number in 0..LOGINS {
        let login = format!("user{login_number}@company{}.test", login_number / 25);
        input.users.push(SeatUser {
            login: login.clone(),
            role: [
                Role::StandardAll,
                Role::StandardSales,
                Role::StandardPurchases,
            ][login_number % 3],
            active: true,
            external: login_number.is_multiple_of(10),
            created_at: Some(base_time()),
        });
        generate_login(rng, &login, login_number, &mut input);
    }
    input
}

/// One generated sign-in of a login.
struct SignIn {
    index: usize,
    device: u64,
    start: i64,
    length: i64,
    city: (f64, f64, &'static str),
}

fn generate_login(rng: &mut XorShift, login: &str, login_number: usize, input: &mut AuditInput) {
    let usage = usage(rng);
    let people = match usage {
        Usage::Shared { people } | Usage::Shifts { people } => people,
        _ => 1,
    };
    let home = CITIES[rng.below(CITIES.len() as u64) as usize];
    // Each person runs an independent timeline; a shared login's timelines interleave.
    let mut clocks: Vec<i64> = (0..people).map(|_| rng.below(8 * 3600) as i64).collect();
    for index in 0..SESSIONS_PER_LOGIN {
        let person = index as u64 % people;
        let (start, length) = match usage {
            Usage::Shifts { .. } => shift(rng, index, people),
            _ => {
                let start = clocks[person as usize];
                let length = 300 + rng.below(4 * 3600) as i64;
                clocks[person as usize] = start + length + 600 + rng.below(30 * 3600) as i64;
                (start, length)
            }
        };
        let sign_in = SignIn {
            index,
            // One person switches between a laptop and a phone; a team has a computer each.
            device: match usage {
                Usage::Shared { .. } | Usage::Shifts { .. } => person,
                _ => rng.below(2),
            },
            start,
            length,
            city: match usage {
                Usage::Traveling if rng.below(10) == 0 => {
                    CITIES[rng.below(CITIES.len() as u64) as usize]
                }
                _ => home,
            },
        };
        let account = Account {
            login,
            number: login_number,
            usage,
        };
        push_extras(rng, input, &account, &sign_in);
        let session = session(rng, &account, &sign_in);
        input.sessions.push(session);
    }
}

/// Session `index` of a login handed over every day between `people` workstations: each
/// shift starts up to 5 minutes after its hour and stops 10 minutes before the next one.
fn shift(rng: &mut XorShift, index: usize, people: u64) -> (i64, i64) {
    let shift = 14 * 3600 / people as i64;
    let day = (index as u64 / people) as i64;
    let person = (index as u64 % people) as i64;
    let start = day * 86_400 + 6 * 3600 + person * shift + rng.below(300) as i64;
    (start, shift - 600)
}

/// The login being generated.
struct Account<'a> {
    login: &'a str,
    number: usize,
    usage: Usage,
}

impl Account<'_> {
    fn session_id(&self, index: usize) -> String {
        format!("s{}-{index}", self.number)
    }
}

/// A duty action on every tenth session; a self-conflict early in each shared login.
fn push_extras(
    rng: &mut XorShift,
    input: &mut AuditInput,
    account: &Account<'_>,
    sign_in: &SignIn,
) {
    let login = account.login;
    let session_id = account.session_id(sign_in.index);
    let at = base_time() + TimeDelta::seconds(sign_in.start + 60);
    if sign_in.index.is_multiple_of(ACTION_EVERY) {
        let groups = [
            DutyGroup::Sales,
            DutyGroup::Purchases,
            DutyGroup::Accounting,
        ];
        input.duty_actions.push(DutyAction {
            login: login.to_string(),
            session_id: session_id.clone(),
            at,
            group: groups[rng.below(3) as usize],
        });
    }
    if matches!(account.usage, Usage::Shared { .. }) && sign_in.index == 1 {
        input.self_conflicts.push(SelfConflict {
            login: login.to_string(),
            at,
            session_a: account.session_id(0),
            record: format!("invoice:INV-{}", account.number),
            session_b: session_id,
        });
    }
}

fn session(rng: &mut XorShift, account: &Account<'_>, sign_in: &SignIn) -> SessionRecord {
    let (latitude, longitude, country) = sign_in.city;
    let (device, login_number) = (sign_in.device, account.number);
    SessionRecord {
        session_id: account.session_id(sign_in.index),
        login: account.login.to_string(),
        device: Some(format!("d{login_number}-{device}")),
        ip: Some(format!(
            "10.{}.{}.{device}",
            login_number % 250,
            login_number / 250
        )),
        user_agent: Some(
            match account.usage {
                Usage::Shared { .. } | Usage::Shifts { .. } => WORKSTATIONS[device as usize % 4],
                _ if device == 0 => LAPTOP,
                _ => PHONE,
            }
            .to_string(),
        ),
        started_at: base_time() + TimeDelta::seconds(sign_in.start),
        last_active_at: base_time() + TimeDelta::seconds(sign_in.start + sign_in.length),
        // Geo-IP lands within a few km of the city.
        location: Some(GeoPoint {
            latitude: latitude + (rng.below(100) as f64 - 50.0) / 1000.0,
            longitude: longitude + (rng.below(100) as f64 - 50.0) / 1000.0,
        }),
        country: Some(country.to_string()),
    }
}

/// Peak resident memory of this process, from /proc (Linux), in MiB.
fn peak_memory_mib() -> Option<f64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|line| line.starts_with("VmHWM:"))?;
    let kib: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib / 1024.0)
}

fn main() {
    let mut rng = XorShift(0x5EA7_3A4D_E11A_u64);
    let generating = Instant::now();
    let input = generate(&mut rng);
    let generated_in = generating.elapsed();
    let memory_before = peak_memory_mib();
    let now = base_time() + TimeDelta::days(30);
    let auditing = Instant::now();
    let outcome = audit_company(&input, &AuditSettings::default(), now);
    let audited_in = auditing.elapsed();
    let shared = outcome
        .logins
        .iter()
        .filter(|login| login.headcount.people > 1)
        .count();
    let handed_over = outcome
        .logins
        .iter()
        .filter(|login| login.handover.is_some())
        .count();
    let mut by_kind: BTreeMap<&str, usize> = BTreeMap::new();
    for finding in &outcome.findings {
        *by_kind.entry(finding.kind.as_str()).or_default() += 1;
    }
    println!(
        "seat_audit: {} sessions, {} logins, {} duty actions",
        input.sessions.len(),
        outcome.logins.len(),
        input.duty_actions.len()
    );
    println!("  generated in {:.3} s", generated_in.as_secs_f64());
    println!("  audited in   {:.3} s", audited_in.as_secs_f64());
    println!(
        "  peak memory  {:.0} MiB (after generating: {:.0} MiB)",
        peak_memory_mib().unwrap_or(f64::NAN),
        memory_before.unwrap_or(f64::NAN)
    );
    println!(
        "  shared logins {shared} proven, {handed_over} handed over in shifts (probable), \
         findings {by_kind:?}, effective people {}, advice {}",
        outcome.effective.people,
        outcome.advice.recommended_plan.as_str()
    );
}
