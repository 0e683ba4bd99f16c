//! Headcount: a proven lower bound on the people behind one login, with the proof.
//!
//! Each signal proves a number of people on its own: k distinct devices working at the same
//! moment are k people; an impossible trip between two devices, a self-conflict between two
//! devices, two devices doing different duties at once are two. The bound is the largest of
//! these; never a sum, since the same two people may show up in several signals.

use chrono::{DateTime, Utc};
use serde::Serialize;

use super::concurrency::{Concurrency, SharedWindow};
use super::conflicts::ConflictProof;
use super::duty::{DutyOverlap, DutySpread};
use super::travel::TravelPair;

/// What one proof rests on.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum ProofDetail {
    ConcurrentDevices { window: SharedWindow },
    ImpossibleTravel { pair: TravelPair },
    SelfConflict { conflict: ConflictProof },
    DutySpread { overlap: DutyOverlap },
}

/// One proof that at least `people` people use the login, in words and in data.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Proof {
    pub people: u32,
    pub explanation: String,
    #[serde(flatten)]
    pub detail: ProofDetail,
}

/// People behind one login.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Headcount {
    /// Proven lower bound: 0 without sessions, 1 for a login in use, more with proof.
    pub people: u32,
    /// One proof per signal that proves two people or more.
    pub proofs: Vec<Proof>,
    /// Earliest and latest moments any proof covers.
    pub first_proof_at: Option<DateTime<Utc>>,
    pub last_proof_at: Option<DateTime<Utc>>,
}

/// The signals of one login.
#[derive(Debug, Clone, Copy)]
pub struct Signals<'a> {
    pub concurrency: &'a Concurrency,
    pub travel: &'a [TravelPair],
    pub conflicts: &'a [ConflictProof],
    pub duty: &'a DutySpread,
}

impl Headcount {
    /// "at least 3 people use this login: device a, device b and device c were all ...".
    pub fn explanation(&self) -> String {
        let strongest: Vec<String> = self
            .proofs
            .iter()
            .filter(|proof| proof.people == self.people)
            .map(|proof| proof.explanation.clone())
            .collect();
        match strongest.as_slice() {
            [] => format!(
                "{} person observed on this login, no proof of more",
                self.people
            ),
            _ => format!(
                "at least {} people use this login: {}",
                self.people,
                strongest.join("; ")
            ),
        }
    }
}

/// Combine the signals of one login into its headcount.
pub fn headcount(signals: Signals<'_>) -> Headcount {
    let proofs = proofs(signals);
    let in_use = signals.concurrency.max_devices.min(1);
    let people = proofs
        .iter()
        .map(|proof| proof.people)
        .fold(in_use, u32::max);
    let (first_proof_at, last_proof_at) = proof_span(signals);
    Headcount {
        people,
        proofs,
        first_proof_at,
        last_proof_at,
    }
}

fn proofs(signals: Signals<'_>) -> Vec<Proof> {
    let mut proofs = Vec::new();
    if let Some(window) = signals.concurrency.peak.as_ref() {
        proofs.push(Proof {
            people: signals.concurrency.max_devices,
            explanation: window.explanation(),
            detail: ProofDetail::ConcurrentDevices {
                window: window.clone(),
            },
        });
    }
    if let Some(pair) = fastest(signals.travel) {
        proofs.push(Proof {
            people: 2,
            explanation: pair.explanation(),
            detail: ProofDetail::ImpossibleTravel { pair: pair.clone() },
        });
    }
    if let Some(conflict) = signals.conflicts.first() {
        proofs.push(Proof {
            people: 2,
            explanation: conflict.explanation(),
            detail: ProofDetail::SelfConflict {
                conflict: conflict.clone(),
            },
        });
    }
    if let Some(overlap) = signals.duty.overlaps.first() {
        proofs.push(Proof {
            people: 2,
            explanation: overlap.explanation(),
            detail: ProofDetail::DutySpread {
                overlap: overlap.clone(),
            },
        });
    }
    proofs
}

/// The most convincing trip: simultaneous sign-ins first, then the highest speed.
fn fastest(pairs: &[TravelPair]) -> Option<&TravelPair> {
    let speed = |pair: &TravelPair| pair.required_speed_kmh.unwrap_or(f64::INFINITY);
    pairs.iter().max_by(|a, b| speed(a).total_cmp(&speed(b)))
}

fn proof_span(signals: Signals<'_>) -> (Option<DateTime<Utc>>, Option<DateTime<Utc>>) {
    let concurrency = signals.concurrency;
    let firsts = concurrency
        .first_shared_at
        .into_iter()
        .chain(signals.travel.iter().map(|pair| pair.from.at))
        .chain(signals.conflicts.iter().map(|conflict| conflict.at))
        .chain(signals.duty.overlaps.iter().map(|overlap| overlap.start));
    let lasts = concurrency
        .last_shared_at
        .into_iter()
        .chain(signals.travel.iter().map(|pair| pair.to.at))
        .chain(signals.conflicts.iter().map(|conflict| conflict.at))
        .chain(signals.duty.overlaps.iter().map(|overlap| overlap.end));
    (firsts.min(), lasts.max())
}

#[cfg(test)]
mod tests {
    use super::super::conflicts::{conflict_proofs, SelfConflict};
    use super::super::{concurrency, travel};
    use super::*;
    use crate::seats::detectors::test_sessions::{self, at};
    use crate::seats::index::group_by_login;
    use crate::seats::timeline::{GeoPoint, SessionRecord};

    fn session(id: &str, device: &str, start: i64, end: i64, lat: f64) -> SessionRecord {
        SessionRecord {
            location: Some(GeoPoint {
                latitude: lat,
                longitude: 2.35,
            }),
            ..test_sessions::session(id, device, start, end)
        }
    }

    fn count(sessions: &[SessionRecord], conflicts: &[SelfConflict]) -> Headcount {
        let timelines = group_by_login(sessions);
        let timeline = &timelines[0];
        let concurrency = concurrency::measure(timeline, sessions, 120);
        let travel = travel::impossible_travel(timeline, sessions, Default::default());
        let refs: Vec<&SelfConflict> = conflicts.iter().collect();
        let conflicts = conflict_proofs(timeline, sessions, &refs);
        headcount(Signals {
            concurrency: &concurrency,
            travel: &travel,
            conflicts: &conflicts,
            duty: &DutySpread::default(),
        })
    }

    #[test]
    fn one_device_at_a_time_is_one_person() {
        let sessions = [
            session("s1", "a", 0, 30, 48.8),
            session("s2", "b", 40, 90, 48.8),
        ];
        let result = count(&sessions, &[]);
        assert_eq!(result.people, 1);
        assert!(result.proofs.is_empty());
        assert_eq!(result.first_proof_at, None);
    }

    #[test]
    fn three_devices_at_once_is_three_people() {
        let sessions = [
            session("s1", "a", 0, 60, 48.8),
            session("s2", "b", 10, 60, 48.8),
            session("s3", "c", 20, 60, 48.8),
        ];
        let result = count(&sessions, &[]);
        assert_eq!(result.people, 3);
        assert!(result.explanation().starts_with("at least 3 people"));
    }

    #[test]
    fn impossible_travel_alone_proves_two() {
        // Paris then 1000 km further south 30 minutes later, sessions never overlapping.
        let sessions = [
            session("s1", "a", 0, 10, 48.8),
            session("s2", "b", 30, 40, 39.8),
        ];
        let result = count(&sessions, &[]);
        assert_eq!(result.people, 2);
        assert_eq!(result.first_proof_at, Some(at(0)));
        assert_eq!(result.last_proof_at, Some(at(30)));
        let json = serde_json::to_value(&result.proofs[0]).unwrap_or_default();
        assert_eq!(json["kind"], "impossible_travel");
    }

    #[test]
    fn self_conflict_between_devices_proves_two() {
        let sessions = [
            session("s1", "a", 0, 10, 48.8),
            session("s2", "b", 11, 20, 48.8),
        ];
        let conflict = SelfConflict {
            login: "team@acme.test".into(),
            at: at(10),
            session_a: "s1".into(),
            session_b: "s2".into(),
            record: "bill:B-7".into(),
        };
        assert_eq!(count(&sessions, &[conflict]).people, 2);
    }

    #[test]
    fn no_sessions_is_nobody() {
        let result = headcount(Signals {
            concurrency: &Concurrency {
                max_devices: 0,
                peak: None,
                shared_periods: 0,
                first_shared_at: None,
                last_shared_at: None,
            },
            travel: &[],
            conflicts: &[],
            duty: &DutySpread::default(),
        });
        assert_eq!(result.people, 0);
    }
}
