//! `serve --demo`: the company of DESIGN.md's problem, seeded on an empty database and
//! audited, so that a newcomer sees real findings at once.
//!
//! Plan `plus` (5 billable seats), the owner and 8 collaborators. Their other accounting app
//! sends its sign-in events: three team logins are each used from several computers at once
//! (sales by 3, purchases by 2, accounting by 2), Julie's own sales login has not been used
//! for six weeks, and the outside accountant signs in once a week. Nine people need nine
//! billable seats, which `plus` cannot give.

use chrono::{DateTime, Datelike, Duration, Utc, Weekday};
use rand::distributions::Alphanumeric;
use rand::Rng;

use crate::alerts::audits::run_audit;
use crate::alerts::settings::{self as alert_settings, AlertSettings};
use crate::authz::{Actor, Authz};
use crate::i18n::Locale;
use crate::identity::companies::{create_company, Signup};
use crate::identity::fields::{DisplayName, Email, Password};
use crate::identity::users::{self, NewUser};
use crate::identity::{passwords, Plan, Role};
use crate::seats::findings::Severity;
use crate::seats::import::{ImportedEvent, ParsedImport};
use crate::seats::service::audit_runs::{AuditConfig, AuditSummary};
use crate::seats::service::imports::import_session_events;
use crate::seats::storage::users::company_ids;
use crate::seats::timeline::{EventKind, SignInEvent};
use crate::seats::SeatsError;
use crate::store::DbConnection;

pub const ADMIN_EMAIL: &str = "claire.martin@batiments-martin.example";
/// The compliance officer of the pages: an accountant user, who reads seats, findings,
/// sessions and the decision log (a free seat).
pub const OFFICER_EMAIL: &str = "sophie.leroy@batiments-martin.example";
const COMPANY_NAME: &str = "Bâtiments Martin";
/// Working days of team activity generated, most recent first.
const WORKDAYS: i64 = 15;
/// Julie's login was last used this many days ago.
const DORMANT_SINCE_DAYS: i64 = 42;

/// A login of the demo: its role, and the devices its people use at the same time.
struct DemoLogin {
    login: &'static str,
    role: Role,
    devices: &'static [&'static str],
}

const TEAMS: [DemoLogin; 3] = [
    DemoLogin {
        login: "ventes@batiments-martin.example",
        role: Role::StandardSales,
        devices: &["ventes-pc-1", "ventes-pc-2", "ventes-portable"],
    },
    DemoLogin {
        login: "achats@batiments-martin.example",
        role: Role::StandardPurchases,
        devices: &["achats-pc-1", "achats-pc-2"],
    },
    DemoLogin {
        login: "compta@batiments-martin.example",
        role: Role::StandardAll,
        devices: &["compta-pc-1", "compta-pc-2"],
    },
];
const JULIE: DemoLogin = DemoLogin {
    login: "julie.petit@batiments-martin.example",
    role: Role::StandardSales,
    devices: &["julie-portable"],
};
const ACCOUNTANT: DemoLogin = DemoLogin {
    login: "expert@cabinet-durand.example",
    role: Role::Accountant,
    devices: &["cabinet-durand-pc"],
};

/// The demo company as seeded: how to sign in, and its first audit.
#[derive(Debug)]
pub struct DemoCompany {
    pub company_id: String,
    pub admin_email: String,
    pub admin_password: String,
    pub officer_email: String,
    pub officer_password: String,
    pub audit: AuditSummary,
}

/// Seeds the demo company and audits it, unless the database already holds a company.
pub fn seed_if_empty(
    conn: &mut DbConnection,
    authz: &Authz,
    config: &AuditConfig,
) -> Result<Option<DemoCompany>, SeatsError> {
    if !company_ids(conn)?.is_empty() {
        return Ok(None);
    }
    let password = random_password();
    let signup = Signup {
        company_name: demo_field(DisplayName::parse(COMPANY_NAME))?,
        plan: Plan::Plus,
        custom_seat_limit: None,
        locale: Locale::Fr,
        email: demo_field(Email::parse(ADMIN_EMAIL))?,
        display_name: demo_field(DisplayName::parse("Claire Martin"))?,
        password_hash: passwords::hash(&demo_field(Password::parse(&password))?),
    };
    let (company, admin) = create_company(conn, signup)?;
    // The admin is mailed about the shared logins the first audit below finds.
    let alerts = AlertSettings {
        recipients: vec![demo_field(Email::parse(ADMIN_EMAIL))?],
        min_severity: Severity::Medium,
        digest_enabled: true,
    };
    alert_settings::save(conn, &company.id, &alerts, 1, Some(&admin.id)).map_err(|error| {
        SeatsError::Invalid {
            field: "demo",
            problem: error.to_string(),
        }
    })?;
    let owner = Actor {
        user_id: admin.id.clone(),
        company_id: company.id.clone(),
        role: Role::PrimaryAdmin,
        active: true,
        session_id: None,
        session_flagged: false,
        client_ip: None,
    };
    let now = crate::clock::now().and_utc();
    let parsed = ParsedImport {
        events: problem_company_events(now)
            .into_iter()
            .enumerate()
            .map(|(index, (event, role))| ImportedEvent {
                row: index + 1,
                event,
                role: Some(role),
            })
            .collect(),
        errors: Vec::new(),
    };
    import_session_events(conn, authz, &owner, &company.id, parsed)?;
    let officer_password = random_password();
    let officer = NewUser {
        email: demo_field(Email::parse(OFFICER_EMAIL))?,
        display_name: demo_field(DisplayName::parse("Sophie Leroy"))?,
        role: Role::Accountant,
        password_hash: Some(passwords::hash(&demo_field(Password::parse(
            &officer_password,
        ))?)),
    };
    users::add_user(conn, authz, &owner, &company.id, officer)?;
    let audit = run_audit(conn, authz, &owner, &company.id, config)?;
    Ok(Some(DemoCompany {
        company_id: company.id,
        admin_email: ADMIN_EMAIL.to_owned(),
        admin_password: password,
        officer_email: OFFICER_EMAIL.to_owned(),
        officer_password,
        audit,
    }))
}

fn random_password() -> String {
    rand::thread_rng()
        .sample_iter(&Alphanumeric)
        .take(20)
        .map(char::from)
        .collect()
}

/// The demo's constants are valid by construction; a failure would be a bug worth naming.
fn demo_field<T>(parsed: Result<T, &'static str>) -> Result<T, SeatsError> {
    parsed.map_err(|problem| SeatsError::Invalid {
        field: "demo",
        problem: problem.to_owned(),
    })
}

/// The sign-in events of the problem company's other app, ending the day before `now`, each
/// with the role of its login.
pub fn problem_company_events(now: DateTime<Utc>) -> Vec<(SignInEvent, Role)> {
    let mut events = Vec::new();
    let today = now.date_naive();
    let workdays = (1..)
        .map(|back| today - Duration::days(back))
        .filter(|day| !matches!(day.weekday(), Weekday::Sat | Weekday::Sun))
        .take(WORKDAYS as usize);
    for (index, day) in workdays.enumerate() {
        let at = |hour: u32, minute: u32| day.and_hms_opt(hour, minute, 0).map(|t| t.and_utc());
        for team in &TEAMS {
            for (seat, device) in team.devices.iter().enumerate() {
                let (Some(start), Some(end)) = (at(8, 30 + 7 * seat as u32), at(12, 0)) else {
                    continue;
                };
                events.extend(working_session(team, device, start, end));
            }
        }
        if index % 5 == 0 {
            if let (Some(start), Some(end)) = (at(14, 0), at(15, 30)) {
                events.extend(working_session(
                    &ACCOUNTANT,
                    ACCOUNTANT.devices[0],
                    start,
                    end,
                ));
            }
        }
    }
    for back in 0..5 {
        let day = today - Duration::days(DORMANT_SINCE_DAYS + back);
        let window = day
            .and_hms_opt(9, 0, 0)
            .zip(day.and_hms_opt(11, 0, 0))
            .map(|(start, end)| (start.and_utc(), end.and_utc()));
        if let Some((start, end)) = window {
            events.extend(working_session(&JULIE, JULIE.devices[0], start, end));
        }
    }
    events
}

/// One person at work: signs in, shows activity every 20 minutes, signs out.
fn working_session(
    login: &DemoLogin,
    device: &str,
    start: DateTime<Utc>,
    end: DateTime<Utc>,
) -> Vec<(SignInEvent, Role)> {
    let event = |kind: EventKind, time: DateTime<Utc>| {
        (
            SignInEvent {
                login: login.login.to_owned(),
                event: kind,
                time,
                // Everyone works from the office, behind one address.
                ip: Some("192.0.2.10".to_owned()),
                user_agent: Some("Mozilla/5.0 (Windows NT 10.0) Firefox/128.0".to_owned()),
                device_id: Some(device.to_owned()),
                latitude: None,
                longitude: None,
                country: Some("FR".to_owned()),
            },
            login.role,
        )
    };
    let mut events = vec![event(EventKind::SignIn, start)];
    let mut time = start + Duration::minutes(20);
    while time < end {
        events.push(event(EventKind::Activity, time));
        time += Duration::minutes(20);
    }
    events.push(event(EventKind::SignOut, end));
    events
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::seats::audit::{audit_company, AuditInput, AuditSettings};
    use crate::seats::findings::FindingKind;
    use crate::seats::plans::{SeatPlan, SeatUser};
    use crate::seats::timeline::sessions_from_events;
    use chrono::TimeZone;

    #[test]
    fn the_demo_events_show_the_problem_company_to_the_auditor() {
        let now = Utc.with_ymd_and_hms(2026, 3, 12, 10, 0, 0).unwrap();
        let events = problem_company_events(now);
        let mut users = vec![SeatUser {
            login: ADMIN_EMAIL.into(),
            role: Role::PrimaryAdmin,
            active: true,
            external: false,
            created_at: Some(now),
        }];
        for (event, role) in &events {
            if !users.iter().any(|user| user.login == event.login) {
                users.push(SeatUser {
                    login: event.login.clone(),
                    role: *role,
                    active: true,
                    external: true,
                    created_at: Some(now),
                });
            }
        }
        let plain: Vec<SignInEvent> = events.into_iter().map(|(event, _)| event).collect();
        let input = AuditInput {
            plan: SeatPlan::new(Plan::Plus, None),
            users,
            sessions: sessions_from_events(&plain, Duration::minutes(30)).0,
            duty_actions: Vec::new(),
            self_conflicts: Vec::new(),
            count_probable_sharing: false,
        };
        let outcome = audit_company(&input, &AuditSettings::default(), now);
        let found: Vec<(FindingKind, Option<&str>, u32)> = outcome
            .findings
            .iter()
            .map(|f| (f.kind, f.login.as_deref(), f.headcount))
            .collect();
        assert_eq!(
            found,
            vec![
                (FindingKind::SharedLogin, Some(TEAMS[1].login), 2),
                (FindingKind::SharedLogin, Some(TEAMS[2].login), 2),
                (FindingKind::SharedLogin, Some(TEAMS[0].login), 3),
                (FindingKind::EffectiveOverLimit, None, 9),
                (FindingKind::DormantSeat, Some(JULIE.login), 0),
            ]
        );
        assert_eq!(outcome.advice.billable_needed, 9);
        assert_eq!(outcome.advice.recommended_plan, Plan::Advanced);
    }
}
