//! Parsing imports: CSV and JSON rows, bad rows named by row and field, good rows kept.

use super::*;
use chrono::TimeZone;

fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 3, 10, 12, 0, 0)
        .single()
        .expect("valid test time")
}

const HEADER: &str = "login,event,time,ip,user_agent,device_id,latitude,longitude,country,role";

#[test]
fn a_full_csv_row_becomes_an_event_with_its_role() {
    let text = format!(
        "{HEADER}\nTeam@Build.test,sign_in,2026-03-02T09:15:00+01:00,10.0.0.7,Firefox,pc-1,48.85,2.35,fr,standard_sales\n"
    );
    let parsed = parse_csv(&text, now()).expect("readable");
    assert!(parsed.errors.is_empty(), "{:?}", parsed.errors);
    let event = &parsed.events[0];
    assert_eq!(event.row, 1);
    assert_eq!(event.role, Some(Role::StandardSales));
    assert_eq!(event.event.login, "team@build.test");
    assert_eq!(event.event.event, EventKind::SignIn);
    assert_eq!(
        event.event.time,
        Utc.with_ymd_and_hms(2026, 3, 2, 8, 15, 0).unwrap()
    );
    assert_eq!(event.event.country.as_deref(), Some("FR"));
    assert_eq!(event.event.longitude, Some(2.35));
}

#[test]
fn bad_rows_name_their_row_and_field_and_good_rows_are_kept() {
    let text = format!(
        "{HEADER}\n\
         a@x.test,sign_in,2026-03-02T09:00:00Z,,,,,,,\n\
         not-an-email,teleport,yesterday,999.1.1.1,,,,,,\n\
         b@x.test,activity,2026-03-02T09:00:00Z,,,,91,2,FRA,primary_admin\n\
         c@x.test,sign_out\n"
    );
    let parsed = parse_csv(&text, now()).expect("readable");
    assert_eq!(parsed.events.len(), 1);
    let named: Vec<(usize, &str)> = parsed
        .errors
        .iter()
        .map(|e| (e.row, e.field.as_str()))
        .collect();
    assert_eq!(
        named,
        vec![
            (2, "login"),
            (2, "event"),
            (2, "time"),
            (2, "ip"),
            (3, "latitude"),
            (3, "country"),
            (3, "role"),
            (4, "row"),
        ]
    );
}

#[test]
fn a_header_with_an_unknown_or_missing_column_refuses_the_file() {
    assert!(matches!(
        parse_csv("login,event,when\n", now()),
        Err(ImportError::Header { .. })
    ));
    assert!(matches!(
        parse_csv("login,event\n", now()),
        Err(ImportError::Header { .. })
    ));
    let short = parse_csv(
        "time,event,login\n2026-03-02T09:00:00Z,activity,a@x.test\n",
        now(),
    )
    .expect("columns in any order");
    assert_eq!(short.events.len(), 1);
}

#[test]
fn json_rows_share_the_validation_and_accept_numbers_for_coordinates() {
    let text = r#"[
        {"login": "a@x.test", "event": "sign_in", "time": "2026-03-02T09:00:00Z",
         "latitude": 48.85, "longitude": 2.35, "role": null},
        {"login": "a@x.test", "event": "sign_in", "time": "2026-03-02T09:00:00Z", "colour": "red"},
        {"login": "a@x.test", "event": "activity", "time": "2030-01-01T00:00:00Z"},
        {"login": "a@x.test", "event": "activity", "time": "2026-03-02T09:00:00Z", "latitude": 48.85},
        "nope"
    ]"#;
    let parsed = parse_json(text, now()).expect("readable");
    assert_eq!(parsed.events.len(), 1);
    assert_eq!(parsed.events[0].event.latitude, Some(48.85));
    let named: Vec<(usize, &str)> = parsed
        .errors
        .iter()
        .map(|e| (e.row, e.field.as_str()))
        .collect();
    assert_eq!(
        named,
        vec![(2, "colour"), (3, "time"), (4, "longitude"), (5, "row")]
    );
    assert!(matches!(
        parse_json("{\"login\": 1}", now()),
        Err(ImportError::Unreadable { .. })
    ));
}
