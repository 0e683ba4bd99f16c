//! Impossible travel: two consecutive sign-ins of one login, from distinct devices, whose
//! locations are farther apart than a plane could fly in the time between them.
//!
//! Only consecutive located sign-ins are compared: if every hop of a chain is possible, the
//! whole chain is (triangle inequality), so nothing is missed. Sign-ins from one device are
//! never paired: one device cannot be in two places, so the location was wrong (a VPN), not
//! the number of people. Short distances are geo-IP noise (a city's addresses resolve to
//! different places), so anything under the distance floor is no accusation.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::seats::index::{LoginTimeline, Span};
use crate::seats::timeline::{GeoPoint, SessionRecord};

/// Mean Earth radius (IUGG), km.
const EARTH_RADIUS_KM: f64 = 6371.0088;

/// When travel counts as impossible.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct TravelLimits {
    /// Fastest believable travel, km/h (an airliner).
    pub max_speed_kmh: f64,
    /// Distances below this are geo-IP noise, km.
    pub min_distance_km: f64,
}

impl Default for TravelLimits {
    fn default() -> Self {
        TravelLimits {
            max_speed_kmh: 900.0,
            min_distance_km: 100.0,
        }
    }
}

/// One end of an impossible trip.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SignInSite {
    pub session_id: String,
    pub at: DateTime<Utc>,
    pub device: String,
    pub ip: Option<String>,
    pub country: Option<String>,
    pub location: GeoPoint,
}

/// Two sign-ins too far apart for one person.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TravelPair {
    pub from: SignInSite,
    pub to: SignInSite,
    pub distance_km: f64,
    pub hours_between: f64,
    /// Speed one person would need; absent when both sign-ins happened at the same second.
    pub required_speed_kmh: Option<f64>,
}

impl TravelPair {
    /// "signed in from 10.0.0.1 (FR) at ... and from 10.9.9.9 (JP) at ..., 9712 km apart ...".
    pub fn explanation(&self) -> String {
        let speed = self.required_speed_kmh.map_or_else(
            || "at the same moment".to_string(),
            |kmh| format!("{kmh:.0} km/h"),
        );
        format!(
            "{} signed in at {} and {} at {}: {:.0} km apart in {:.2} h ({speed}), \
             farther than a plane could fly",
            site_words(&self.from),
            crate::seats::explain::moment(self.from.at),
            site_words(&self.to),
            crate::seats::explain::moment(self.to.at),
            self.distance_km,
            self.hours_between
        )
    }
}

fn site_words(site: &SignInSite) -> String {
    let place = match (&site.ip, &site.country) {
        (Some(ip), Some(country)) => format!(" from {ip} ({country})"),
        (Some(ip), None) => format!(" from {ip}"),
        (None, Some(country)) => format!(" from {country}"),
        (None, None) => String::new(),
    };
    format!("{}{place}", site.device)
}

/// Great-circle distance between two points, km (haversine).
pub fn distance_km(a: GeoPoint, b: GeoPoint) -> f64 {
    let (lat_a, lat_b) = (a.latitude.to_radians(), b.latitude.to_radians());
    let half_dlat = (lat_b - lat_a) / 2.0;
    let half_dlon = (b.longitude - a.longitude).to_radians() / 2.0;
    let h = half_dlat.sin().powi(2) + lat_a.cos() * lat_b.cos() * half_dlon.sin().powi(2);
    2.0 * EARTH_RADIUS_KM * h.sqrt().min(1.0).asin()
}

/// All impossible trips of one login, in time order.
pub fn impossible_travel(
    timeline: &LoginTimeline<'_>,
    sessions: &[SessionRecord],
    limits: TravelLimits,
) -> Vec<TravelPair> {
    let located = timeline.spans.iter().filter_map(|span| {
        let session = sessions.get(span.session)?;
        Some((span, session, session.known_location()?))
    });
    let mut pairs = Vec::new();
    let mut previous: Option<(&Span, &SessionRecord, GeoPoint)> = None;
    for current in located {
        if let Some(before) = previous {
            if let Some(pair) = judge(timeline, before, current, limits) {
                pairs.push(pair);
            }
        }
        previous = Some(current);
    }
    pairs
}

fn judge(
    timeline: &LoginTimeline<'_>,
    (from_span, from, from_point): (&Span, &SessionRecord, GeoPoint),
    (to_span, to, to_point): (&Span, &SessionRecord, GeoPoint),
    limits: TravelLimits,
) -> Option<TravelPair> {
    if from_span.device == to_span.device {
        return None;
    }
    let distance_km = distance_km(from_point, to_point);
    let seconds = (to_span.start - from_span.start).max(0) as f64;
    let hours_between = seconds / 3600.0;
    // Compare distance with reach rather than divide, so simultaneous sign-ins need no
    // special case; NaN (never produced by valid points) fails both tests.
    let impossible =
        distance_km >= limits.min_distance_km && distance_km > limits.max_speed_kmh * hours_between;
    if !impossible {
        return None;
    }
    let site = |span: &Span, session: &SessionRecord, location| SignInSite {
        session_id: session.session_id.clone(),
        at: session.started_at,
        device: timeline.device_label(span.device),
        ip: session.ip.clone(),
        country: session.country.clone(),
        location,
    };
    Some(TravelPair {
        from: site(from_span, from, from_point),
        to: site(to_span, to, to_point),
        distance_km: round_to(distance_km, 1),
        hours_between: round_to(hours_between, 2),
        required_speed_kmh: (seconds > 0.0).then(|| round_to(distance_km / hours_between, 1)),
    })
}

/// Evidence is read by people: a few decimals are precise enough.
fn round_to(value: f64, decimals: i32) -> f64 {
    let scale = 10f64.powi(decimals);
    (value * scale).round() / scale
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::seats::detectors::test_sessions::at;
    use crate::seats::index::group_by_login;

    const PARIS: GeoPoint = GeoPoint {
        latitude: 48.8566,
        longitude: 2.3522,
    };
    const VERSAILLES: GeoPoint = GeoPoint {
        latitude: 48.8049,
        longitude: 2.1204,
    };
    const NEW_YORK: GeoPoint = GeoPoint {
        latitude: 40.7128,
        longitude: -74.0060,
    };

    fn sign_in(id: &str, device: &str, minute: i64, place: Option<GeoPoint>) -> SessionRecord {
        SessionRecord {
            session_id: id.into(),
            login: "team@acme.test".into(),
            device: Some(device.into()),
            ip: Some(format!("10.0.0.{}", id.len())),
            user_agent: None,
            started_at: at(minute),
            last_active_at: at(minute + 5),
            location: place,
            country: None,
        }
    }

    fn run(sessions: &[SessionRecord]) -> Vec<TravelPair> {
        let timelines = group_by_login(sessions);
        impossible_travel(&timelines[0], sessions, TravelLimits::default())
    }

    #[test]
    fn haversine_matches_known_distance() {
        let km = distance_km(PARIS, NEW_YORK);
        assert!((km - 5837.0).abs() < 10.0, "{km}");
        assert_eq!(distance_km(PARIS, PARIS), 0.0);
    }

    #[test]
    fn paris_then_new_york_an_hour_later_is_impossible() {
        let pairs = run(&[
            sign_in("s1", "a", 0, Some(PARIS)),
            sign_in("s2", "b", 60, Some(NEW_YORK)),
        ]);
        assert_eq!(pairs.len(), 1);
        let pair = &pairs[0];
        assert_eq!(pair.hours_between, 1.0);
        assert!(pair.required_speed_kmh.is_some_and(|kmh| kmh > 5000.0));
        assert!(pair.explanation().contains("km apart"));
    }

    #[test]
    fn a_long_flight_later_is_possible() {
        let pairs = run(&[
            sign_in("s1", "a", 0, Some(PARIS)),
            sign_in("s2", "b", 8 * 60, Some(NEW_YORK)),
        ]);
        assert!(pairs.is_empty());
    }

    #[test]
    fn city_level_noise_is_no_accusation() {
        let pairs = run(&[
            sign_in("s1", "a", 0, Some(PARIS)),
            sign_in("s2", "b", 0, Some(VERSAILLES)),
        ]);
        assert!(pairs.is_empty());
    }

    #[test]
    fn simultaneous_far_sign_ins_have_no_finite_speed() {
        let pairs = run(&[
            sign_in("s1", "a", 0, Some(PARIS)),
            sign_in("s2", "b", 0, Some(NEW_YORK)),
        ]);
        assert_eq!(pairs.len(), 1);
        assert_eq!(pairs[0].required_speed_kmh, None);
    }

    #[test]
    fn one_device_cannot_be_two_people() {
        let pairs = run(&[
            sign_in("s1", "a", 0, Some(PARIS)),
            sign_in("s2", "a", 30, Some(NEW_YORK)),
        ]);
        assert!(pairs.is_empty());
    }

    #[test]
    fn unknown_and_invalid_locations_are_skipped() {
        let invalid = GeoPoint {
            latitude: f64::NAN,
            longitude: 0.0,
        };
        let pairs = run(&[
            sign_in("s1", "a", 0, Some(PARIS)),
            sign_in("s2", "b", 10, None),
            sign_in("s3", "c", 20, Some(invalid)),
            sign_in("s4", "d", 30, Some(NEW_YORK)),
        ]);
        assert_eq!(pairs.len(), 1);
        assert_eq!(pairs[0].from.session_id, "s1");
        assert_eq!(pairs[0].to.session_id, "s4");
    }
}
