//! Findings: the list (most severe first, filtered by severity, kind and state), and one
//! finding in people's words: its evidence as sentences and tables, the calendar of the days
//! its login was shared, the timeline of a day with one lane per device, and the buttons to
//! acknowledge, resolve or reopen it for those the company's policies allow.

mod evidence;
pub(super) mod words;

use actix_web::http::{header, StatusCode};
use actix_web::{get, post, web, HttpResponse};
use askama::Template;
use chrono::{DateTime, Datelike, NaiveDate, TimeDelta, Utc};
use serde::Deserialize;

use super::charts::{timeline, Span, Timeline, WIDTH};
use super::error::PageError;
use super::lang::{Lang, When};
use super::session::{Page, Posted};
use super::{html, see_other, Nav};
use crate::app::AppState;
use crate::authz::Action;
use crate::seats::explain;
use crate::seats::findings::Severity;
use crate::seats::operations;
use crate::seats::records::{parse_kind, FindingRow, FindingState, KINDS};
use crate::seats::service::finding_pages::{People, SharedDays};
use crate::seats::service::findings::StateChange;
use crate::seats::storage::findings::FindingFilter;
use crate::seats::SeatsError;
use crate::web::error::ApiError;
use evidence::Evidence;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(list).service(show).service(change_state);
}

/// A finding as a row of a page, its words in the reader's language.
pub(super) struct FindingLine {
    pub id: String,
    pub kind: &'static str,
    pub severity: String,
    pub severity_label: &'static str,
    pub state: String,
    pub state_label: &'static str,
    /// The login by name ("ventes"), its email for a title; empty for company findings.
    pub login: String,
    pub login_email: String,
    /// People behind the login, where the finding counts people.
    pub headcount: Option<i64>,
    pub summary: String,
    pub first_seen: When,
    pub last_seen: When,
    /// Days the login was shared over the lookback (shared-login findings).
    pub shared_days: Option<usize>,
    pub version: i64,
    pub note: String,
}

impl FindingLine {
    pub(super) fn new(
        t: Lang,
        row: &FindingRow,
        people: &People,
        shared: Option<&SharedDays>,
    ) -> Self {
        let (login, login_email) = row
            .login
            .as_deref()
            .map(|login| words::login_name(people, login))
            .unwrap_or_default();
        let counts_people = !matches!(row.kind.as_str(), "dormant_seat" | "over_limit");
        Self {
            id: row.id.clone(),
            kind: t.finding_kind(&row.kind),
            severity_label: t.severity(row.severity.as_str()),
            severity: row.severity.as_str().to_owned(),
            state_label: t.finding_state(row.state.as_str()),
            state: row.state.as_str().to_owned(),
            login,
            login_email,
            headcount: counts_people.then_some(row.headcount),
            summary: words::summary(t, row, people),
            first_seen: t.when(row.first_seen),
            last_seen: t.when(row.last_seen),
            shared_days: shared.map(|days| days.shared.len()),
            version: row.version,
            note: row.resolution_note.clone().unwrap_or_default(),
        }
    }
}

/// The filters of the list, as codes in the address (`?severity=high&kind=shared_login`).
#[derive(Deserialize, Default)]
struct ListQuery {
    severity: Option<String>,
    kind: Option<String>,
    state: Option<String>,
}

impl ListQuery {
    /// Unknown or empty values mean "any", as the form's first choice does.
    fn filter(&self) -> FindingFilter {
        let value = |field: &Option<String>| field.clone().filter(|text| !text.is_empty());
        FindingFilter {
            severity: value(&self.severity).and_then(|text| Severity::parse(&text)),
            kind: value(&self.kind).and_then(|text| parse_kind(&text)),
            state: value(&self.state).and_then(|text| FindingState::parse(&text)),
        }
    }
}

/// One choice of a filter: its code, its words, and whether it is chosen.
struct Choice {
    code: &'static str,
    label: &'static str,
    chosen: bool,
}

#[derive(Template)]
#[template(path = "ui/findings.html")]
struct FindingsPage {
    t: Lang,
    nav: Nav,
    company_id: String,
    findings: Vec<FindingLine>,
    severities: Vec<Choice>,
    kinds: Vec<Choice>,
    states: Vec<Choice>,
    filtered: bool,
}

#[get("/ui/companies/{company_id}/findings")]
async fn list(
    state: web::Data<AppState>,
    page: Page,
    path: web::Path<String>,
    query: web::Query<ListQuery>,
) -> Result<HttpResponse, PageError> {
    let company_id = path.into_inner();
    let filter = query.filter();
    let read = operations::all_findings(
        state.gate(),
        page.actor.clone(),
        company_id.clone(),
        filter,
        state.settings.audit_config(),
    )
    .await?;
    let t = page.t;
    let choices = |codes: Vec<&'static str>,
                   chosen: Option<&'static str>,
                   label: &dyn Fn(&str) -> &'static str| {
        codes
            .into_iter()
            .map(|code| Choice {
                code,
                label: label(code),
                chosen: chosen == Some(code),
            })
            .collect::<Vec<_>>()
    };
    html(&FindingsPage {
        nav: Nav::new(&page, "findings"),
        company_id,
        findings: read
            .findings
            .iter()
            .map(|row| FindingLine::new(t, row, &read.people, read.shared_days.get(&row.id)))
            .collect(),
        severities: choices(
            Severity::ALL.iter().rev().map(|s| s.as_str()).collect(),
            filter.severity.map(Severity::as_str),
            &|code| t.severity(code),
        ),
        kinds: choices(
            KINDS.iter().map(|kind| kind.as_str()).collect(),
            filter.kind.map(|kind| kind.as_str()),
            &|code| t.finding_kind(code),
        ),
        states: choices(
            FindingState::ALL.iter().map(|s| s.as_str()).collect(),
            filter.state.map(FindingState::as_str),
            &|code| t.finding_state(code),
        ),
        filtered: filter.severity.is_some() || filter.kind.is_some() || filter.state.is_some(),
        t,
    })
}

/// One session drawn on the timeline, as a row of the table below it.
struct SessionLine {
    device: String,
    started: When,
    ended: When,
    duration: String,
    address: String,
}

/// One day of the calendar strip; blank cells align the first day on its weekday.
struct CalendarCell {
    day: String,
    label: String,
    shared: bool,
    current: bool,
    blank: bool,
}

struct Calendar {
    cells: Vec<CalendarCell>,
    shared: usize,
    days: usize,
    first: String,
    last: String,
    first_shared: Option<String>,
    last_shared: Option<String>,
}

impl Calendar {
    fn new(t: Lang, days: &SharedDays, current: NaiveDate) -> Self {
        let blanks = days.first.weekday().num_days_from_monday();
        let blank = || CalendarCell {
            day: String::new(),
            label: String::new(),
            shared: false,
            current: false,
            blank: true,
        };
        let cells = (0..blanks)
            .map(|_| blank())
            .chain(
                days.first
                    .iter_days()
                    .take_while(|day| *day <= days.last)
                    .map(|day| CalendarCell {
                        day: day.to_string(),
                        label: t.day(day),
                        shared: days.shared.contains(&day),
                        current: day == current,
                        blank: false,
                    }),
            )
            .collect();
        Self {
            cells,
            shared: days.shared.len(),
            days: (days.last - days.first).num_days() as usize + 1,
            first: t.day(days.first),
            last: t.day(days.last),
            first_shared: days.shared.first().map(|day| t.day(*day)),
            last_shared: days.shared.last().map(|day| t.day(*day)),
        }
    }
}

/// What the follow-up form shows back after a change that was refused.
#[derive(Default)]
struct FormState {
    error: Option<String>,
    note: String,
}

#[derive(Template)]
#[template(path = "ui/finding.html")]
struct FindingPage {
    t: Lang,
    nav: Nav,
    company_id: String,
    finding: FindingLine,
    /// "Acknowledged by Claire Martin", and when.
    state_change: Option<(String, When)>,
    evidence: Evidence,
    calendar: Option<Calendar>,
    day_label: String,
    previous_day: String,
    next_day: String,
    has_login: bool,
    chart: Timeline,
    width: f64,
    sessions: Vec<SessionLine>,
    may_update: bool,
    form: FormState,
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
            NaiveDate::parse_from_str(text, "%Y-%m-%d").map_err(|_| {
                ApiError::new(
                    crate::web::error::ErrorCode::InvalidInput,
                    "This page's day is not a date. Go back and try again.",
                    "Le jour demandé n'est pas une date. Revenez en arrière et réessayez.",
                )
            })
        })
        .transpose()?;
    let (company_id, finding_id) = path.into_inner();
    let shown = finding_page(
        &state,
        &page,
        company_id,
        finding_id,
        day,
        FormState::default(),
    )
    .await?;
    html(&shown)
}

/// The finding page as `page`'s reader sees it, with the follow-up form as given.
async fn finding_page(
    state: &AppState,
    page: &Page,
    company_id: String,
    finding_id: String,
    day: Option<NaiveDate>,
    form: FormState,
) -> Result<FindingPage, PageError> {
    let read = operations::finding_page(
        state.gate(),
        page.actor.clone(),
        company_id.clone(),
        finding_id,
        day,
        state.settings.audit_config(),
    )
    .await?;
    let t = page.t;
    let found = &read.found;
    let mut sessions = found.sessions.clone();
    sessions.sort_by(|a, b| (a.started_at, &a.session_id).cmp(&(b.started_at, &b.session_id)));
    let spans: Vec<Span> = sessions
        .iter()
        .map(|session| Span {
            device: words::session_device(t, session),
            start: session.started_at,
            end: session.last_active_at,
        })
        .collect();
    let (from, to) = found.days.window(found.day);
    let clock = |at: DateTime<Utc>| {
        let local = t.when(at.naive_utc()).local;
        local.get(11..).unwrap_or(&local).to_owned()
    };
    Ok(FindingPage {
        nav: Nav::new(page, "findings"),
        company_id: company_id.clone(),
        finding: FindingLine::new(t, &found.finding, &read.people, read.shared_days.as_ref()),
        state_change: words::state_words(t, &found.finding, &read.people),
        evidence: Evidence::new(t, &found.finding, &read.related, &read.people),
        calendar: read
            .shared_days
            .as_ref()
            .map(|days| Calendar::new(t, days, found.day)),
        day_label: t.day(found.day),
        previous_day: (found.day - TimeDelta::days(1)).to_string(),
        next_day: (found.day + TimeDelta::days(1)).to_string(),
        has_login: found.finding.login.is_some(),
        chart: timeline(&spans, from, to, clock),
        width: WIDTH,
        sessions: sessions
            .iter()
            .zip(&spans)
            .map(|(session, span)| SessionLine {
                device: span.device.clone(),
                started: t.when(session.started_at.naive_utc()),
                ended: t.when(session.last_active_at.naive_utc()),
                duration: explain::duration(
                    (session.last_active_at - session.started_at).num_seconds(),
                ),
                address: session.ip.clone().unwrap_or_default(),
            })
            .collect(),
        may_update: page.may.allows(Action::UpdateFinding),
        form,
        t,
    })
}

#[derive(Deserialize)]
struct StateForm {
    state: String,
    note: Option<String>,
    version: i64,
}

/// A change of state: back to the finding when done; else the finding page again with the
/// reason on the form and the note as typed (a 4xx status).
#[post("/ui/companies/{company_id}/findings/{finding_id}/state")]
async fn change_state(
    state: web::Data<AppState>,
    posted: Posted<StateForm>,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, PageError> {
    let (company_id, finding_id) = path.into_inner();
    let Posted { page, form } = posted;
    let t = page.t;
    let note = form.note.clone().unwrap_or_default();
    let outcome = match FindingState::parse(&form.state) {
        None => Err((
            StatusCode::BAD_REQUEST,
            t.t(
                "Choose acknowledge, resolve or reopen.",
                "Choisissez prendre en compte, résoudre ou rouvrir.",
            )
            .to_owned(),
        )),
        Some(next) => {
            let change = StateChange {
                state: next,
                note: form.note,
                expected_version: form.version,
            };
            let changed = operations::change_finding_state(
                state.gate(),
                page.actor.clone(),
                company_id.clone(),
                finding_id.clone(),
                change,
            )
            .await;
            match changed {
                Ok(_) => Ok(()),
                Err(error) => Err(refusal(t, error)?),
            }
        }
    };
    let (status, message) = match outcome {
        Ok(()) => {
            let location = format!("/ui/companies/{company_id}/findings/{finding_id}");
            return Ok(see_other(&location));
        }
        Err(refused) => refused,
    };
    let form = FormState {
        error: Some(message),
        note,
    };
    let shown = finding_page(&state, &page, company_id, finding_id, None, form).await?;
    Ok(HttpResponse::build(status)
        .content_type("text/html; charset=utf-8")
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .body(shown.render()?))
}

/// A refused change in the reader's words, with its status, to show on the form; what no
/// form can fix (a missing finding, an ended session, the database down) is the error page.
fn refusal(t: Lang, error: SeatsError) -> Result<(StatusCode, String), PageError> {
    let note_problem = match &error {
        SeatsError::Invalid {
            field: "note",
            problem,
        } => Some(if problem.starts_with("is required") {
            t.t(
                "Say what was done: a note is required to resolve a finding.",
                "Dites ce qui a été fait : une note est obligatoire pour résoudre un constat.",
            )
        } else if problem.starts_with("must have at most") {
            t.t(
                "This note is too long: keep it under 2,000 characters.",
                "Cette note est trop longue : restez sous 2 000 caractères.",
            )
        } else {
            t.t(
                "This note holds control characters, which cannot be kept.",
                "Cette note contient des caractères de contrôle, qui ne peuvent pas être gardés.",
            )
        }),
        _ => None,
    };
    let api = ApiError::from(error);
    let status = api.code.status();
    let on_form = status.is_client_error()
        && status != StatusCode::NOT_FOUND
        && status != StatusCode::UNAUTHORIZED;
    if !on_form {
        return Err(api.into());
    }
    let message = note_problem.map_or_else(|| api.message(t.locale()).to_owned(), str::to_owned);
    Ok((status, message))
}
