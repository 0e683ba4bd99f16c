//! The decision log for an investigator: search by time, person, action and decision, page
//! by page, with page views (the `view_*` reads every visit logs) hidden unless asked; people
//! and records by name; each record on its own page with its inputs in words, the policies
//! that decided it and its place in the hash chain; the search as CSV; the chain's check on
//! demand.

mod record;
mod words;

use std::collections::HashMap;

use actix_web::http::header;
use actix_web::{get, web, HttpResponse};
use askama::Template;
use chrono::{DateTime, NaiveDateTime};
use serde::Deserialize;

use super::error::PageError;
use super::labels::{self, action_groups, ActionGroup};
use super::lang::{Lang, When};
use super::session::Page;
use super::{html, Nav};
use crate::app::AppState;
use crate::authz::decision_log::{ChainCheck, DecisionFilter, DecisionRecord, Reads};
use crate::authz::decision_names::{Names, Person};
use crate::authz::decision_views::{to_csv_with_emails, DecisionView};
use crate::authz::{decisions, operations, Action};
use crate::web::error::ApiError;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(search)
        .service(export_csv)
        .service(record::show_record);
}

/// Rows of one page of the search.
const PAGE_ROWS: i64 = 100;

/// The search form's fields, as the browser sends them (empty means any).
#[derive(Deserialize, Default, Clone)]
struct Search {
    #[serde(default)]
    from: String,
    #[serde(default)]
    to: String,
    #[serde(default)]
    user_id: String,
    #[serde(default)]
    action: String,
    #[serde(default)]
    decision: String,
    /// Any value shows the page views.
    #[serde(default)]
    views: String,
    cursor: Option<i64>,
    /// Any value asks for the chain check.
    check: Option<String>,
}

impl Search {
    fn filter(&self) -> Result<DecisionFilter, ApiError> {
        let allowed = match self.decision.as_str() {
            "" => None,
            "allow" => Some(true),
            "deny" => Some(false),
            _ => return Err(ApiError::invalid_field("decision", "must be allow or deny")),
        };
        if !self.action.is_empty() && Action::parse(&self.action).is_none() {
            return Err(ApiError::invalid_field(
                "action",
                "is not an action of the schema",
            ));
        }
        Ok(DecisionFilter {
            from: instant("from", &self.from)?,
            to: instant("to", &self.to)?,
            user_id: non_empty(&self.user_id),
            action: non_empty(&self.action),
            allowed,
            before_seq: self.cursor,
        })
    }

    /// Page views are hidden unless asked for, or unless the action searched is one.
    fn reads(&self) -> Reads {
        if self.shows_views() || self.action.starts_with("view_") {
            Reads::Shown
        } else {
            Reads::Hidden
        }
    }

    fn shows_views(&self) -> bool {
        !self.views.is_empty()
    }

    /// The query string of this search without its cursor, for links; `views` as given.
    fn query_with_views(&self, views: bool) -> String {
        serde_urlencoded::to_string([
            ("from", self.from.as_str()),
            ("to", self.to.as_str()),
            ("user_id", self.user_id.as_str()),
            ("action", self.action.as_str()),
            ("decision", self.decision.as_str()),
            ("views", if views { "1" } else { "" }),
        ])
        .unwrap_or_default()
    }
}

fn non_empty(text: &str) -> Option<String> {
    (!text.trim().is_empty()).then(|| text.trim().to_owned())
}

/// An RFC 3339 instant, or the browser's `datetime-local` value taken as UTC.
fn instant(field: &'static str, text: &str) -> Result<Option<NaiveDateTime>, ApiError> {
    let text = text.trim();
    if text.is_empty() {
        return Ok(None);
    }
    DateTime::parse_from_rfc3339(text)
        .map(|at| at.naive_utc())
        .or_else(|_| NaiveDateTime::parse_from_str(text, "%Y-%m-%dT%H:%M"))
        .or_else(|_| NaiveDateTime::parse_from_str(text, "%Y-%m-%dT%H:%M:%S"))
        .map(Some)
        .map_err(|_| ApiError::invalid_field(field, "must be a date and time (UTC)"))
}

/// One decision as a line of the log's page.
struct DecisionLine {
    id: String,
    seq: i64,
    at: When,
    user: Option<Person>,
    action: String,
    resource: String,
    allowed: bool,
    /// The deciding policies' ids (code); empty for a deny no policy permitted.
    policies: Vec<String>,
}

#[derive(Template)]
#[template(path = "ui/decisions.html")]
struct DecisionsPage {
    t: Lang,
    nav: Nav,
    company_id: String,
    search: Search,
    query: String,
    /// The same search with page views switched the other way.
    toggle_views: String,
    shows_views: bool,
    people: Vec<(String, Person)>,
    groups: Vec<ActionGroup>,
    lines: Vec<DecisionLine>,
    next: Option<i64>,
    check: Option<ChainCheck>,
}

#[get("/ui/companies/{company_id}/decisions")]
async fn search(
    state: web::Data<AppState>,
    page: Page,
    path: web::Path<String>,
    query: web::Query<Search>,
) -> Result<HttpResponse, PageError> {
    let company_id = path.into_inner();
    let search = query.into_inner();
    let filter = search.filter()?;
    let wants_check = search.check.is_some();
    let found = operations::read_log(
        state.gate(),
        page.actor.clone(),
        company_id.clone(),
        (filter, search.reads(), PAGE_ROWS),
        wants_check,
    )
    .await?;
    let t = page.t;
    let (records, next) = found.page;
    let lines = records
        .iter()
        .map(|record| line(t, record, &found.names))
        .collect();
    let mut people: Vec<(String, Person)> = found.names.people.into_iter().collect();
    people.sort_by(|a, b| a.1.name.cmp(&b.1.name));
    let shows_views = search.shows_views();
    html(&DecisionsPage {
        nav: Nav::new(&page, "decisions"),
        t,
        company_id,
        query: search.query_with_views(shows_views),
        toggle_views: search.query_with_views(!shows_views),
        shows_views,
        people,
        groups: action_groups(t),
        search,
        lines,
        next,
        check: found.check,
    })
}

fn line(t: Lang, record: &DecisionRecord, names: &Names) -> DecisionLine {
    DecisionLine {
        id: record.id.clone(),
        seq: record.seq,
        at: t.when(record.decided_at),
        user: record
            .user_id
            .as_deref()
            .and_then(|id| names.person(id))
            .cloned(),
        action: labels::action_named(t, &record.action),
        resource: words::resource(t, &record.resource_type, &record.resource_id, names),
        allowed: record.decision == "allow",
        policies: words::policy_ids(&record.policy_ids),
    }
}

/// The search as CSV, page views included, up to the log's largest page; the API's cursor
/// pages beyond. The columns are the API's, and the user's email last.
#[get("/ui/companies/{company_id}/decisions.csv")]
async fn export_csv(
    state: web::Data<AppState>,
    page: Page,
    path: web::Path<String>,
    query: web::Query<Search>,
) -> Result<HttpResponse, PageError> {
    let company_id = path.into_inner();
    let filter = query.filter()?;
    let actor = page.actor.clone();
    let (records, people) =
        operations::export_log(state.gate(), actor, company_id, filter, decisions::MAX_PAGE)
            .await?;
    let emails: HashMap<String, String> = people
        .into_iter()
        .map(|(id, person)| (id, person.email))
        .collect();
    let views: Vec<DecisionView> = records.into_iter().map(DecisionView::from).collect();
    let csv = to_csv_with_emails(&views, &|user_id| emails.get(user_id).cloned())
        .map_err(|error| ApiError::internal(&error))?;
    Ok(HttpResponse::Ok()
        .content_type("text/csv; charset=utf-8")
        .insert_header((
            header::CONTENT_DISPOSITION,
            "attachment; filename=\"decisions.csv\"",
        ))
        .body(csv))
}
