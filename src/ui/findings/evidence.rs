//! A finding's evidence as a person reads it: each proof as a sentence, impossible trips as a
//! table, the logins a company finding counts with links to their own findings, and what a
//! dormant seat's days unused are.

use serde_json::Value;

use super::words::{evidence_device, evidence_when, login_name, proof_sentence};
use crate::identity::Role;
use crate::seats::records::FindingRow;
use crate::seats::service::finding_pages::People;
use crate::ui::labels;
use crate::ui::lang::{Lang, When};

/// One proof that `people` people use the login.
pub struct ProofLine {
    pub people: u64,
    pub sentence: String,
}

/// One impossible trip.
pub struct TripLine {
    pub from_device: String,
    pub from_place: String,
    pub from_at: When,
    pub to_device: String,
    pub to_place: String,
    pub to_at: When,
    pub distance: String,
    pub speed: String,
}

/// A login a company finding counts, linked to its own shared-login finding when it has one.
pub struct SeatLine {
    pub name: String,
    pub email: String,
    pub people: Option<u64>,
    pub finding: Option<String>,
    pub state: &'static str,
}

/// What a dormant seat's evidence says.
pub struct Dormant {
    pub idle_days: Option<u64>,
    pub last_used: Option<When>,
    pub role: String,
}

pub struct Evidence {
    pub proofs: Vec<ProofLine>,
    /// The hand-over signal in words, where the audit saw one.
    pub handover: Option<String>,
    pub trips: Vec<TripLine>,
    /// Trips the audit saw, when more than those listed.
    pub more_trips: Option<u64>,
    /// Logins a company finding counts: the shared ones, or every billable one.
    pub logins: Vec<SeatLine>,
    pub by_role: Vec<(&'static str, u64)>,
    pub dormant: Option<Dormant>,
}

impl Evidence {
    pub fn new(t: Lang, row: &FindingRow, related: &[FindingRow], people: &People) -> Self {
        let evidence: Value = serde_json::from_str(&row.evidence).unwrap_or(Value::Null);
        let proofs = evidence["proofs"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|proof| ProofLine {
                people: proof["people"].as_u64().unwrap_or_default(),
                sentence: proof_sentence(t, proof),
            })
            .filter(|line| !line.sentence.is_empty())
            .collect();
        let handover_key = if t.is_french() {
            "summary_fr"
        } else {
            "summary"
        };
        let trips: Vec<TripLine> = evidence["trips"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|trip| trip_line(t, trip))
            .collect();
        let trip_count = evidence["trip_count"].as_u64().unwrap_or_default();
        Self {
            proofs,
            handover: evidence["handover"][handover_key]
                .as_str()
                .map(str::to_owned),
            more_trips: (trip_count > trips.len() as u64).then_some(trip_count),
            trips,
            logins: logins(t, &evidence, related, people),
            by_role: evidence["billable_by_role"]
                .as_object()
                .into_iter()
                .flatten()
                .filter_map(|(role, count)| {
                    Some((labels::role(t, Role::parse(role)?), count.as_u64()?))
                })
                .collect(),
            dormant: (row.kind == "dormant_seat").then(|| Dormant {
                idle_days: evidence["idle_days"].as_u64(),
                last_used: evidence_when(t, &evidence["last_active_at"]),
                role: evidence["role"]
                    .as_str()
                    .and_then(Role::parse)
                    .map(|role| labels::role(t, role).to_owned())
                    .unwrap_or_default(),
            }),
        }
    }
}

fn trip_line(t: Lang, trip: &Value) -> Option<TripLine> {
    let place = |site: &Value| {
        let parts: Vec<String> = [&site["country"], &site["ip"]]
            .iter()
            .filter_map(|part| part.as_str().map(str::to_owned))
            .collect();
        parts.join(" · ")
    };
    let (from, to) = (&trip["from"], &trip["to"]);
    let device = |site: &Value| {
        site["device"]
            .as_str()
            .map(|label| evidence_device(t, label))
            .unwrap_or_default()
    };
    Some(TripLine {
        from_device: device(from),
        from_place: place(from),
        from_at: evidence_when(t, &from["at"])?,
        to_device: device(to),
        to_place: place(to),
        to_at: evidence_when(t, &to["at"])?,
        distance: format!("{:.0} km", trip["distance_km"].as_f64().unwrap_or_default()),
        speed: trip["required_speed_kmh"].as_f64().map_or_else(
            || t.t("at the same moment", "au même moment").to_owned(),
            |kmh| format!("{kmh:.0} km/h"),
        ),
    })
}

/// The logins a company finding counts: the shared logins with their people, else the
/// billable logins; each linked to its shared-login finding when there is one.
fn logins(t: Lang, evidence: &Value, related: &[FindingRow], people: &People) -> Vec<SeatLine> {
    let counted: Vec<(String, Option<u64>)> = match evidence["shared_logins"].as_object() {
        Some(shared) => shared
            .iter()
            .map(|(login, count)| (login.clone(), count.as_u64()))
            .collect(),
        None => evidence["billable_logins"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|login| Some((login.as_str()?.to_owned(), None)))
            .collect(),
    };
    counted
        .into_iter()
        .map(|(login, count)| {
            let finding = related.iter().find(|row| {
                row.login
                    .as_deref()
                    .is_some_and(|other| other.eq_ignore_ascii_case(&login))
            });
            let (name, email) = login_name(people, &login);
            SeatLine {
                name,
                email,
                people: count.or_else(|| finding.and_then(|row| u64::try_from(row.headcount).ok())),
                finding: finding.map(|row| row.id.clone()),
                state: finding.map_or("", |row| t.finding_state(row.state.as_str())),
            }
        })
        .collect()
}
