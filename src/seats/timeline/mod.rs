//! Input of the seat auditor: sessions (native or imported), and sessions rebuilt from the
//! sign-in events that other apps send us.
//!
//! A session is *in use* from its start to its last sign of activity: a tab left open and idle
//! is not a second person, so nothing here ever stretches a session past its last activity.

use chrono::{DateTime, TimeDelta, Utc};
use serde::{Deserialize, Serialize};

/// A place on the globe, in decimal degrees.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct GeoPoint {
    pub latitude: f64,
    pub longitude: f64,
}

impl GeoPoint {
    /// Geo-IP data comes from other apps: a point off the globe (or NaN) is no location at all,
    /// rather than a location that could accuse someone of flying around the world.
    pub fn is_valid(&self) -> bool {
        self.latitude.is_finite()
            && self.longitude.is_finite()
            && self.latitude.abs() <= 90.0
            && self.longitude.abs() <= 180.0
    }
}

/// One session of one login, as the auditor sees it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SessionRecord {
    pub session_id: String,
    /// The login (email) the session belongs to.
    pub login: String,
    /// Device id; when absent the device is known by user agent and IP address.
    pub device: Option<String>,
    pub ip: Option<String>,
    pub user_agent: Option<String>,
    pub started_at: DateTime<Utc>,
    /// End of use: the last sign of activity, or the sign-out.
    pub last_active_at: DateTime<Utc>,
    /// Where the sign-in came from, when known.
    pub location: Option<GeoPoint>,
    pub country: Option<String>,
}

/// What tells two devices apart, borrowed from a session so that grouping a million sessions
/// allocates no strings.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum DeviceKey<'a> {
    /// A device id given by the app.
    Id(&'a str),
    /// No device id: a browser is known by its user agent at its address. Sessions that carry
    /// neither collapse into one unknown device, since nothing proves they are distinct.
    Browser {
        user_agent: Option<&'a str>,
        ip: Option<&'a str>,
    },
}

impl DeviceKey<'_> {
    /// Words for a person reading the evidence.
    pub fn label(&self) -> String {
        match self {
            DeviceKey::Id(id) => format!("device {id}"),
            DeviceKey::Browser {
                user_agent: None,
                ip: None,
            } => "an unidentified device".to_string(),
            DeviceKey::Browser { user_agent, ip } => format!(
                "browser \"{}\" at {}",
                user_agent.unwrap_or("unknown agent"),
                ip.unwrap_or("unknown address")
            ),
        }
    }
}

impl SessionRecord {
    pub fn device_key(&self) -> DeviceKey<'_> {
        match non_empty(self.device.as_deref()) {
            Some(id) => DeviceKey::Id(id),
            None => DeviceKey::Browser {
                user_agent: non_empty(self.user_agent.as_deref()),
                ip: non_empty(self.ip.as_deref()),
            },
        }
    }

    /// The sign-in location when it is a real place.
    pub fn known_location(&self) -> Option<GeoPoint> {
        self.location.filter(GeoPoint::is_valid)
    }

    /// Start and end in Unix seconds. Clocks of other apps may put the last activity slightly
    /// before the start; such a session is taken as an instant, never as a negative interval.
    pub fn span_seconds(&self) -> (i64, i64) {
        let start = self.started_at.timestamp();
        (start, self.last_active_at.timestamp().max(start))
    }
}

fn non_empty(value: Option<&str>) -> Option<&str> {
    value.filter(|v| !v.trim().is_empty())
}

/// Kind of an imported sign-in event.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EventKind {
    SignIn,
    SignOut,
    Activity,
}

impl EventKind {
    pub fn parse(text: &str) -> Option<EventKind> {
        match text.trim() {
            "sign_in" => Some(EventKind::SignIn),
            "sign_out" => Some(EventKind::SignOut),
            "activity" => Some(EventKind::Activity),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            EventKind::SignIn => "sign_in",
            EventKind::SignOut => "sign_out",
            EventKind::Activity => "activity",
        }
    }

    /// At identical timestamps a sign-in opens before activity is counted and a sign-out
    /// closes last, so that equal clocks never split a session.
    fn rank(self) -> u8 {
        match self {
            EventKind::SignIn => 0,
            EventKind::Activity => 1,
            EventKind::SignOut => 2,
        }
    }
}

/// One imported event, already validated by the importer (the `role` column is the
/// importer's business, not the auditor's).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SignInEvent {
    pub login: String,
    pub event: EventKind,
    pub time: DateTime<Utc>,
    #[serde(default)]
    pub ip: Option<String>,
    #[serde(default)]
    pub user_agent: Option<String>,
    #[serde(default)]
    pub device_id: Option<String>,
    #[serde(default)]
    pub latitude: Option<f64>,
    #[serde(default)]
    pub longitude: Option<f64>,
    #[serde(default)]
    pub country: Option<String>,
}

impl SignInEvent {
    fn device_key(&self) -> DeviceKey<'_> {
        match non_empty(self.device_id.as_deref()) {
            Some(id) => DeviceKey::Id(id),
            None => DeviceKey::Browser {
                user_agent: non_empty(self.user_agent.as_deref()),
                ip: non_empty(self.ip.as_deref()),
            },
        }
    }

    fn location(&self) -> Option<GeoPoint> {
        let point = GeoPoint {
            latitude: self.latitude?,
            longitude: self.longitude?,
        };
        point.is_valid().then_some(point)
    }
}

/// Why an event did not shape a session; reported back to the importer, never fatal.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum EventNoteCode {
    SignOutWithoutSession,
    SignOutAfterIdle,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct EventNote {
    /// Position of the event in the slice given to `sessions_from_events`.
    pub event_index: usize,
    pub code: EventNoteCode,
    pub message: String,
}

/// A session being rebuilt, still borrowing from its events.
struct OpenSession<'a> {
    opening: &'a SignInEvent,
    signed_in: bool,
    started_at: DateTime<Utc>,
    last_active_at: DateTime<Utc>,
}

impl OpenSession<'_> {
    fn into_record(self) -> SessionRecord {
        let event = self.opening;
        SessionRecord {
            session_id: imported_session_id(event, self.started_at),
            login: event.login.clone(),
            device: event.device_id.clone(),
            ip: event.ip.clone(),
            user_agent: event.user_agent.clone(),
            started_at: self.started_at,
            last_active_at: self.last_active_at,
            location: event.location(),
            country: event.country.clone(),
        }
    }
}

/// Rebuild sessions from imported events: a `sign_in` followed by `activity` of the same login
/// and device until `sign_out` or an idle gap longer than `idle_timeout`; activity with no
/// open session opens one. Runs in O(n log n).
pub fn sessions_from_events(
    events: &[SignInEvent],
    idle_timeout: TimeDelta,
) -> (Vec<SessionRecord>, Vec<EventNote>) {
    let mut order: Vec<usize> = (0..events.len()).collect();
    order.sort_by(|&a, &b| {
        let (x, y) = (&events[a], &events[b]);
        (x.login.as_str(), x.device_key(), x.time, x.event.rank()).cmp(&(
            y.login.as_str(),
            y.device_key(),
            y.time,
            y.event.rank(),
        ))
    });
    let mut builder = Builder {
        idle_timeout,
        open: None,
        sessions: Vec::new(),
        notes: Vec::new(),
    };
    let mut previous: Option<&SignInEvent> = None;
    for index in order {
        let event = &events[index];
        let same_stream = previous
            .is_some_and(|p| p.login == event.login && p.device_key() == event.device_key());
        if !same_stream {
            builder.close();
        }
        builder.apply(index, event);
        previous = Some(event);
    }
    builder.close();
    (builder.sessions, builder.notes)
}

/// State machine over the time-ordered events of one login on one device.
struct Builder<'a> {
    idle_timeout: TimeDelta,
    open: Option<OpenSession<'a>>,
    sessions: Vec<SessionRecord>,
    notes: Vec<EventNote>,
}

impl<'a> Builder<'a> {
    fn close(&mut self) {
        if let Some(open) = self.open.take() {
            self.sessions.push(open.into_record());
        }
    }

    fn open(&mut self, event: &'a SignInEvent) {
        self.close();
        self.open = Some(OpenSession {
            opening: event,
            signed_in: event.event == EventKind::SignIn,
            started_at: event.time,
            last_active_at: event.time,
        });
    }

    /// Whether the open session is still alive at `time` (events arrive in time order).
    fn alive_at(&self, time: DateTime<Utc>) -> bool {
        self.open
            .as_ref()
            .is_some_and(|open| time - open.last_active_at <= self.idle_timeout)
    }

    fn apply(&mut self, index: usize, event: &'a SignInEvent) {
        match event.event {
            EventKind::SignIn => self.sign_in(event),
            EventKind::Activity => self.activity(event),
            EventKind::SignOut => self.sign_out(index, event),
        }
    }

    fn sign_in(&mut self, event: &'a SignInEvent) {
        let alive = self.alive_at(event.time);
        match self.open.as_mut() {
            // Clock skew: activity stamped slightly before its own sign-in opened a session
            // implicitly; the sign-in belongs to that session, not to a second one.
            Some(open) if alive && !open.signed_in => {
                open.signed_in = true;
                open.opening = event;
                open.last_active_at = event.time;
            }
            _ => self.open(event),
        }
    }

    fn activity(&mut self, event: &'a SignInEvent) {
        if self.alive_at(event.time) {
            if let Some(open) = self.open.as_mut() {
                open.last_active_at = event.time;
            }
        } else {
            self.open(event);
        }
    }

    fn sign_out(&mut self, index: usize, event: &'a SignInEvent) {
        if self.alive_at(event.time) {
            if let Some(open) = self.open.as_mut() {
                open.last_active_at = event.time;
            }
            self.close();
            return;
        }
        // An expired session ended at its last activity; a late sign-out is no sign of use.
        let code = if self.open.is_some() {
            EventNoteCode::SignOutAfterIdle
        } else {
            EventNoteCode::SignOutWithoutSession
        };
        self.close();
        self.notes.push(EventNote {
            event_index: index,
            code,
            message: match code {
                EventNoteCode::SignOutAfterIdle => {
                    "sign_out after the session had gone idle; the session ends at its last activity"
                }
                EventNoteCode::SignOutWithoutSession => "sign_out with no session open on this device",
            }
            .to_string(),
        });
    }
}

/// A stable id for an imported session, so that importing the same events twice yields the
/// same sessions (storage can upsert on it). FNV-1a, because std's hasher may change between
/// Rust releases and ids are stored.
fn imported_session_id(event: &SignInEvent, started_at: DateTime<Utc>) -> String {
    const OFFSET: u64 = 0xcbf2_9ce4_8422_2325;
    const PRIME: u64 = 0x0100_0000_01b3;
    let device = event.device_key().label();
    let started = started_at.timestamp_micros().to_le_bytes();
    let parts: [&[u8]; 3] = [event.login.as_bytes(), device.as_bytes(), &started];
    let mut hash = OFFSET;
    for part in parts {
        for byte in part.iter().chain(std::iter::once(&0xff)) {
            hash = (hash ^ u64::from(*byte)).wrapping_mul(PRIME);
        }
    }
    format!("ext-{hash:016x}")
}

#[cfg(test)]
mod tests;
