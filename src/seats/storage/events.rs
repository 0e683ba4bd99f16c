//! Imported sign-in events, stored once each: re-importing adds nothing.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use sha2::{Digest, Sha256};

use crate::seats::records::SessionEventRow;
use crate::seats::timeline::SignInEvent;
use crate::store::schema::session_events;
use crate::store::DbConnection;

/// Rows per insert statement: 13 columns stay far below both backends' parameter limits.
const INSERT_CHUNK_ROWS: usize = 1_000;

/// Stores events, skipping those already stored; returns how many were new.
pub fn insert_events(
    conn: &mut DbConnection,
    company_id: &str,
    events: &[SignInEvent],
    now: NaiveDateTime,
) -> QueryResult<usize> {
    let rows: Vec<SessionEventRow> = events
        .iter()
        .map(|event| SessionEventRow {
            id: uuid::Uuid::now_v7().to_string(),
            company_id: company_id.to_owned(),
            login: event.login.clone(),
            event: event.event.as_str().to_owned(),
            occurred_at: event.time.naive_utc(),
            ip: event.ip.clone(),
            user_agent: event.user_agent.clone(),
            device_id: event.device_id.clone(),
            latitude: event.latitude,
            longitude: event.longitude,
            country: event.country.clone(),
            dedup_key: dedup_key(event),
            imported_at: now,
        })
        .collect();
    let mut inserted = 0;
    for chunk in rows.chunks(INSERT_CHUNK_ROWS) {
        inserted += match conn {
            DbConnection::Sqlite(c) => diesel::insert_or_ignore_into(session_events::table)
                .values(chunk)
                .execute(c)?,
            DbConnection::Postgres(c) => diesel::insert_into(session_events::table)
                .values(chunk)
                .on_conflict_do_nothing()
                .execute(c)?,
        };
    }
    Ok(inserted)
}

/// The identity of an event for idempotent imports: login, event, time, device id, address
/// and user agent. A location or country given later does not make it a new event.
fn dedup_key(event: &SignInEvent) -> String {
    let mut hasher = Sha256::new();
    let time = event.time.timestamp_micros().to_string();
    let parts = [
        event.login.as_str(),
        event.event.as_str(),
        time.as_str(),
        event.device_id.as_deref().unwrap_or(""),
        event.ip.as_deref().unwrap_or(""),
        event.user_agent.as_deref().unwrap_or(""),
    ];
    for part in parts {
        hasher.update(part.as_bytes());
        // A separator no field can hold keeps ("ab", "c") apart from ("a", "bc").
        hasher.update([0xff]);
    }
    hex::encode(hasher.finalize())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::seats::timeline::EventKind;
    use chrono::{TimeZone, Utc};

    fn event(device: Option<&str>) -> SignInEvent {
        SignInEvent {
            login: "team@x.test".into(),
            event: EventKind::SignIn,
            time: Utc.with_ymd_and_hms(2026, 3, 2, 9, 0, 0).unwrap(),
            ip: Some("10.0.0.1".into()),
            user_agent: None,
            device_id: device.map(Into::into),
            latitude: None,
            longitude: None,
            country: None,
        }
    }

    #[test]
    fn the_same_event_has_the_same_key_and_another_device_another() {
        assert_eq!(dedup_key(&event(Some("a"))), dedup_key(&event(Some("a"))));
        assert_ne!(dedup_key(&event(Some("a"))), dedup_key(&event(Some("b"))));
        assert_ne!(dedup_key(&event(Some("a"))), dedup_key(&event(None)));
        let mut located = event(Some("a"));
        located.latitude = Some(48.8);
        located.longitude = Some(2.3);
        assert_eq!(dedup_key(&located), dedup_key(&event(Some("a"))));
    }
}
