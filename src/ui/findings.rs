//! Findings: the list, and one finding with the timeline of its login's sessions, its
//! evidence and the buttons to acknowledge, resolve or reopen it.

use actix_web::{get, post, web, HttpResponse};
use askama::Template;
use chrono::{NaiveDate, TimeDelta};
use serde::Deserialize;
use serde_json::Value;

use super::charts::{timeline, Span, Timeline, WIDTH};
use super::error::PageError;
use super::lang::{when, Lang};
use super::session::{Page, Posted};
use super::{html, see_other, Nav};
use crate::app::AppState;
use crate::seats::explain;
use crate::seats::operations;
use crate::seats::records::{FindingRow, FindingState};
use crate::seats::service::findings::StateChange;
use crate::seats::storage::findings::FindingFilter;
use crate::web::error::ApiError;

/// A finding as a row of a page, its words in the reader's language.
struct FindingLine {
    id: String,
    kind: &'static str,
    severity: String,
    severity_label: &'static str,
    state: String,
    state_label: &'static str,
    login: String,
    headcount: i64,
    summary: String,
    first_seen: String,
    last_seen: String,
    version: i64,
    note: String,
}

impl FindingLine {
    fn new(t: Lang, row: &FindingRow) -> Self {
        let evidence: Value = serde_json::from_str(&row.evidence).unwrap_or(Value::Null);
        Self {
            id: row.id.clone(),
            kind: t.finding_kind(&row.kind),
            severity_label: t.severity(row.severity.as_str()),
            severity: row.severity.as_str().to_owned(),
            state_label: t.finding_state(row.state.as_str()),
            state: row.state.as_str().to_owned(),
            login: row.login.clone().unwrap_or_default(),
            headcount: row.headcount,
            summary: evidence["summary"].as_str().unwrap_or_default().to_owned(),
            first_seen: when(row.first_seen),
            last_seen: when(row.last_seen),
            version: row.version,
            note: row.resolution_note.clone().unwrap_or_default(),
        }
    }
}

#[derive(Template)]
#[template(path = "ui/findings.html")]
struct FindingsPage {
    t: Lang,
    nav: Nav,
    company_id: String,
    findings: Vec<FindingLine>,
}

#[get("/ui/companies/{company_id}/findings")]
async fn list(
    state: web::Data<AppState>,
    page: Page,
    path: web::Path<String>,
) -> Result<HttpResponse, PageError> {
    let company_id = path.into_inner();
    let rows = operations::all_findings(
        state.gate(),
        page.actor.clone(),
        company_id.clone(),
        FindingFilter::default(),
    )
    .await?;
    html(&FindingsPage {
        nav: Nav::new(&page, "findings"),
        t: page.t,
        company_id,
        findings: rows
            .iter()
            .map(|row| FindingLine::new(page.t, row))
            .collect(),
    })
}

/// One proof of the evidence, in words.
struct ProofLine {
    people: u64,
    explanation: String,
}

/// One session drawn on the timeline, as a row of the evidence table.
struct SessionLine {
    device: String,
    started: String,
    ended: String,
    duration: String,
    address: String,
}

#[derive(Template)]
#[template(path = "ui/finding.html")]
struct FindingPage {
    t: Lang,
    nav: Nav,
    company_id: String,
    finding: FindingLine,
    proofs: Vec<ProofLine>,
    facts: Vec<(String, String)>,
    day: String,
    previous_day: String,
    next_day: String,
    has_login: bool,
    chart: Timeline,
    width: f64,
    sessions: Vec<SessionLine>,
}

#[derive(Deserialize)]
struct DayQuery {
    day: Option<String>,
}

#[get("/ui/companies/{company_id}/findings/{finding_id}")]
async fn show(
    state: web::Data<AppState>,
    page: Page,
    path: web::Path<(String, String)>,
    query: web::Query<DayQuery>,
) -> Result<HttpResponse, PageError> {
    let day = query
        .day
        .as_deref()
        .filter(|text| !text.is_empty())
        .map(|text| {
            NaiveDate::parse_from_str(text, "%Y-%m-%d")
                .map_err(|_| ApiError::invalid_field("day", "must be a date YYYY-MM-DD"))
        })
        .transpose()?;
    let (company_id, finding_id) = path.into_inner();
    let found = operations::finding_day(
        state.gate(),
        page.actor.clone(),
        company_id.clone(),
        finding_id,
        day,
        state.settings.session_idle_timeout,
    )
    .await?;
    let t = page.t;
    let evidence: Value = serde_json::from_str(&found.finding.evidence).unwrap_or(Value::Null);
    let mut sessions = found.sessions;
    sessions.sort_by(|a, b| (a.started_at, &a.session_id).cmp(&(b.started_at, &b.session_id)));
    let spans: Vec<Span> = sessions
        .iter()
        .map(|session| Span {
            device: session.device_key().label(),
            start: session.started_at,
            end: session.last_active_at,
        })
        .collect();
    let from = found.day.and_time(chrono::NaiveTime::MIN).and_utc();
    html(&FindingPage {
        nav: Nav::new(&page, "findings"),
        company_id,
        finding: FindingLine::new(t, &found.finding),
        proofs: proofs(&evidence),
        facts: facts(&evidence),
        day: found.day.to_string(),
        previous_day: (found.day - TimeDelta::days(1)).to_string(),
        next_day: (found.day + TimeDelta::days(1)).to_string(),
        has_login: found.finding.login.is_some(),
        chart: timeline(&spans, from, from + TimeDelta::days(1)),
        width: WIDTH,
        sessions: sessions
            .iter()
            .zip(&spans)
            .map(|(session, span)| SessionLine {
                device: span.device.clone(),
                started: session.started_at.format("%H:%M").to_string(),
                ended: session.last_active_at.format("%H:%M").to_string(),
                duration: explain::duration(
                    (session.last_active_at - session.started_at).num_seconds(),
                ),
                address: session.ip.clone().unwrap_or_default(),
            })
            .collect(),
        t,
    })
}

fn proofs(evidence: &Value) -> Vec<ProofLine> {
    evidence["proofs"]
        .as_array()
        .map(|proofs| {
            proofs
                .iter()
                .map(|proof| ProofLine {
                    people: proof["people"].as_u64().unwrap_or_default(),
                    explanation: proof["explanation"].as_str().unwrap_or_default().to_owned(),
                })
                .collect()
        })
        .unwrap_or_default()
}

/// The evidence's other facts, by name; lists are shown as compact JSON.
fn facts(evidence: &Value) -> Vec<(String, String)> {
    let Some(fields) = evidence.as_object() else {
        return Vec::new();
    };
    fields
        .iter()
        .filter(|(name, _)| !matches!(name.as_str(), "summary" | "proofs"))
        .map(|(name, value)| {
            let text = match value {
                Value::String(text) => text.clone(),
                other => other.to_string(),
            };
            (name.replace('_', " "), text)
        })
        .collect()
}

#[derive(Deserialize)]
struct StateForm {
    state: String,
    note: Option<String>,
    version: i64,
}

#[post("/ui/companies/{company_id}/findings/{finding_id}/state")]
async fn change_state(
    state: web::Data<AppState>,
    posted: Posted<StateForm>,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, PageError> {
    let (company_id, finding_id) = path.into_inner();
    let form = posted.form;
    let change = StateChange {
        state: FindingState::parse(&form.state).ok_or_else(|| {
            ApiError::invalid_field("state", "must be open, acknowledged or resolved")
        })?,
        note: form.note,
        expected_version: form.version,
    };
    let location = format!("/ui/companies/{company_id}/findings/{finding_id}");
    operations::change_finding_state(
        state.gate(),
        posted.page.actor.clone(),
        company_id,
        finding_id,
        change,
    )
    .await?;
    Ok(see_other(&location))
}
