//! Sign-in events imported from other apps (`POST …/seats/events/import`, `seatwarden seats
//! import`): the same bytes as a CSV body and as a JSON body. Nothing may panic, and what is
//! kept must be what the import promises: each row either an event or errors naming it, an
//! event within the range its fields allow.
#![no_main]

use std::collections::BTreeSet;

use chrono::{DateTime, TimeDelta, TimeZone, Utc};
use libfuzzer_sys::fuzz_target;
use seatwarden::identity::Role;
use seatwarden::seats::import::{self, ImportError, ParsedImport, MAX_ROWS};

fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 3, 10, 12, 0, 0)
        .single()
        .expect("a valid instant")
}

fn check(parsed: Result<ParsedImport, ImportError>, now: DateTime<Utc>) {
    let Ok(parsed) = parsed else {
        return;
    };
    let mut event_rows = BTreeSet::new();
    let mut last = 0;
    for imported in &parsed.events {
        assert!(imported.row > last, "event rows in order, each once");
        last = imported.row;
        assert!((1..=MAX_ROWS).contains(&imported.row));
        event_rows.insert(imported.row);
        let event = &imported.event;
        assert!(!event.login.is_empty());
        assert!(event.time <= now + TimeDelta::days(1), "{:?}", event.time);
        assert_eq!(event.latitude.is_some(), event.longitude.is_some());
        if let Some(latitude) = event.latitude {
            assert!(latitude.is_finite() && latitude.abs() <= 90.0);
        }
        if let Some(longitude) = event.longitude {
            assert!(longitude.is_finite() && longitude.abs() <= 180.0);
        }
        if let Some(country) = &event.country {
            assert!(country.len() == 2 && country.bytes().all(|b| b.is_ascii_uppercase()));
        }
        if let Some(agent) = &event.user_agent {
            assert!(agent.chars().count() <= 512);
        }
        if let Some(device) = &event.device_id {
            assert!(!device.is_empty() && device.len() <= 128);
        }
        assert_ne!(imported.role, Some(Role::PrimaryAdmin));
    }
    for error in &parsed.errors {
        assert!(error.row >= 1);
        assert!(
            !event_rows.contains(&error.row),
            "row {} both kept and refused",
            error.row
        );
        // The field is what the client wrote, an empty JSON key included.
        assert!(!error.message.is_empty());
    }
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let now = now();
    check(import::parse_csv(text, now), now);
    check(import::parse_json(text, now), now);
});
