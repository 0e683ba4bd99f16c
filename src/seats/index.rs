//! Sessions grouped by login, sorted once, with devices numbered per login.
//!
//! Every signal works on a `LoginTimeline`: plain integers (Unix seconds, device numbers,
//! session positions) that point back into the caller's sessions, so a million sessions are
//! grouped without copying a single string.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use serde::Serialize;

use super::timeline::{DeviceKey, SessionRecord};

/// One session of a login as an interval of use.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Span {
    /// Start of use, Unix seconds.
    pub start: i64,
    /// End of use (last activity), Unix seconds; never before `start`.
    pub end: i64,
    /// Device number within the login's `devices`.
    pub device: u32,
    /// Position of the session in the slice the timeline was built from.
    pub session: usize,
}

/// A session named in evidence.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SessionRef {
    pub session_id: String,
    pub device: String,
    pub ip: Option<String>,
    pub started_at: DateTime<Utc>,
    pub last_active_at: DateTime<Utc>,
}

/// All sessions of one login, sorted by start.
#[derive(Debug, Clone)]
pub struct LoginTimeline<'a> {
    pub login: &'a str,
    /// Sorted by (start, end, session).
    pub spans: Vec<Span>,
    /// Device keys by device number.
    pub devices: Vec<DeviceKey<'a>>,
}

impl<'a> LoginTimeline<'a> {
    /// Human words for a device number.
    pub fn device_label(&self, device: u32) -> String {
        self.devices
            .get(device as usize)
            .map_or_else(|| "an unidentified device".to_string(), DeviceKey::label)
    }

    /// The session behind a span, for evidence.
    pub fn session_ref(&self, sessions: &[SessionRecord], span: &Span) -> Option<SessionRef> {
        let session = sessions.get(span.session)?;
        Some(SessionRef {
            session_id: session.session_id.clone(),
            device: self.device_label(span.device),
            ip: session.ip.clone(),
            started_at: session.started_at,
            last_active_at: session.last_active_at,
        })
    }

    /// The latest end of use over all sessions, Unix seconds.
    pub fn last_end(&self) -> Option<i64> {
        self.spans.iter().map(|span| span.end).max()
    }
}

/// Group sessions by login (logins sorted, so output order never depends on input order).
/// O(n log n): one hash lookup per session, a counting sort by login, a sort per login.
pub fn group_by_login(sessions: &[SessionRecord]) -> Vec<LoginTimeline<'_>> {
    let mut login_ids: HashMap<&str, u32> = HashMap::new();
    let mut logins: Vec<&str> = Vec::new();
    let mut login_of: Vec<u32> = Vec::with_capacity(sessions.len());
    for session in sessions {
        let next_id = logins.len() as u32;
        let id = *login_ids.entry(session.login.as_str()).or_insert(next_id);
        if id == next_id {
            logins.push(session.login.as_str());
        }
        login_of.push(id);
    }
    let by_login = bucket_by_login(&login_of, logins.len());
    let mut devices: HashMap<DeviceKey<'_>, u32> = HashMap::new();
    let mut timelines: Vec<LoginTimeline<'_>> = logins
        .iter()
        .zip(by_login)
        .map(|(login, members)| build_timeline(login, &members, sessions, &mut devices))
        .collect();
    timelines.sort_unstable_by(|a, b| a.login.cmp(b.login));
    timelines
}

/// Session positions per login id, by counting sort (stable, linear).
fn bucket_by_login(login_of: &[u32], logins: usize) -> Vec<Vec<usize>> {
    let mut counts = vec![0usize; logins];
    for &id in login_of {
        counts[id as usize] += 1;
    }
    let mut buckets: Vec<Vec<usize>> = counts.into_iter().map(Vec::with_capacity).collect();
    for (position, &id) in login_of.iter().enumerate() {
        buckets[id as usize].push(position);
    }
    buckets
}

/// `devices` is a scratch map reused across logins to avoid one allocation per login.
fn build_timeline<'a>(
    login: &'a str,
    members: &[usize],
    sessions: &'a [SessionRecord],
    devices: &mut HashMap<DeviceKey<'a>, u32>,
) -> LoginTimeline<'a> {
    devices.clear();
    let mut keys: Vec<DeviceKey<'a>> = Vec::new();
    let mut spans: Vec<Span> = Vec::with_capacity(members.len());
    for &position in members {
        let session = &sessions[position];
        let key = session.device_key();
        let next = keys.len() as u32;
        let device = *devices.entry(key).or_insert(next);
        if device == next {
            keys.push(key);
        }
        let (start, end) = session.span_seconds();
        spans.push(Span {
            start,
            end,
            device,
            session: position,
        });
    }
    spans.sort_unstable_by_key(|span| (span.start, span.end, span.session));
    LoginTimeline {
        login,
        spans,
        devices: keys,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{DateTime, TimeZone, Utc};

    fn at(minute: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2025, 3, 4, 9, minute, 0)
            .single()
            .expect("valid test time")
    }

    fn session(id: &str, login: &str, device: Option<&str>, start: u32, end: u32) -> SessionRecord {
        SessionRecord {
            session_id: id.into(),
            login: login.into(),
            device: device.map(Into::into),
            ip: Some("10.0.0.1".into()),
            user_agent: Some("Firefox".into()),
            started_at: at(start),
            last_active_at: at(end),
            location: None,
            country: None,
        }
    }

    #[test]
    fn groups_sorts_and_numbers_devices() {
        let sessions = vec![
            session("s1", "b@x.test", Some("laptop"), 30, 40),
            session("s2", "a@x.test", Some("phone"), 10, 20),
            session("s3", "b@x.test", Some("laptop"), 5, 8),
            session("s4", "b@x.test", None, 1, 2),
        ];
        let timelines = group_by_login(&sessions);
        let logins: Vec<_> = timelines.iter().map(|t| t.login).collect();
        assert_eq!(logins, vec!["a@x.test", "b@x.test"]);
        let b = &timelines[1];
        let order: Vec<_> = b.spans.iter().map(|s| s.session).collect();
        assert_eq!(order, vec![3, 2, 0]);
        assert_eq!(b.devices.len(), 2);
        assert_eq!(b.spans[1].device, b.spans[2].device);
        assert_eq!(b.device_label(b.spans[1].device), "device laptop");
        assert_eq!(b.last_end(), Some(at(40).timestamp()));
    }

    #[test]
    fn end_before_start_is_an_instant() {
        let sessions = vec![session("s1", "a@x.test", Some("d"), 30, 29)];
        let timelines = group_by_login(&sessions);
        let span = timelines[0].spans[0];
        assert_eq!(span.start, span.end);
    }
}
