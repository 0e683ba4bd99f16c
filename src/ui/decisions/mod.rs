//! The decision log: search by time, user, action and decision, page by page; the same search
//! as CSV; and the hash chain's check on demand.

use std::collections::HashMap;

use actix_web::http::header;
use actix_web::{get, web, HttpResponse};
use askama::Template;
use chrono::{DateTime, NaiveDateTime};
use serde::Deserialize;

use super::error::PageError;
use super::lang::{when, Lang};
use super::session::Page;
use super::{html, Nav};
use crate::app::AppState;
use crate::authz::decision_log::{ChainCheck, DecisionFilter, DecisionRecord};
use crate::authz::decision_views::{to_csv, DecisionView};
use crate::authz::{decisions, operations, Action};
use crate::identity::operations as people;
use crate::web::error::ApiError;

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

    /// The query string of this search without its cursor, for links.
    fn query(&self) -> String {
        serde_urlencoded::to_string([
            ("from", self.from.as_str()),
            ("to", self.to.as_str()),
            ("user_id", self.user_id.as_str()),
            ("action", self.action.as_str()),
            ("decision", self.decision.as_str()),
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

struct DecisionLine {
    seq: i64,
    at: String,
    user: String,
    action: String,
    resource: String,
    allowed: bool,
    policies: String,
}


pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(search).service(export_csv);
}

#[derive(Template)]
#[template(path = "ui/decisions.html")]
struct DecisionsPage {
    t: Lang,
    nav: Nav,
    company_id: String,
    search: Search,
    query: String,
    users: Vec<(String, String)>,
    actions: Vec<&'static str>,
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
    let gate = state.gate();
    let ((records, next), check) = operations::search_decisions(
        gate,
        page.actor.clone(),
        company_id.clone(),
        (filter, PAGE_ROWS),
        wants_check,
    )
    .await?;
    let people = people::all_users(gate, page.actor.clone(), company_id.clone()).await?;
    let names: HashMap<&str, &str> = people
        .iter()
        .map(|user| (user.id.as_str(), user.email.as_str()))
        .collect();
    let lines = records.iter().map(|record| line(record, &names)).collect();
    html(&DecisionsPage {
        nav: Nav::new(&page, "decisions"),
        t: page.t,
        company_id,
        query: search.query(),
        users: people
            .iter()
            .map(|user| (user.id.clone(), user.email.clone()))
            .collect(),
        actions: Action::ALL.iter().map(|action| action.name()).collect(),
        search,
        lines,
        next,
        check,
    })
}

fn line(record: &DecisionRecord, names: &HashMap<&str, &str>) -> DecisionLine {
    let user = record.user_id.as_deref().unwrap_or_default();
    DecisionLine {
        seq: record.seq,
        at: when(record.decided_at),
        user: names.get(user).copied().unwrap_or(user).to_owned(),
        action: record.action.clone(),
        resource: format!("{} {}", record.resource_type, record.resource_id),
        allowed: record.decision == "allow",
        policies: record.policy_ids.replace(',', ", "),
    }
}

/// The search as CSV, up to the log's largest page; the API's cursor pages beyond.
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
    let (records, _) =
        operations::list_decisions(state.gate(), actor, company_id, filter, decisions::MAX_PAGE)
            .await?;
    let views: Vec<DecisionView> = records.into_iter().map(DecisionView::from).collect();
    let csv = to_csv(&views).map_err(|error| ApiError::internal(&error))?;
    Ok(HttpResponse::Ok()
        .content_type("text/csv; charset=utf-8")
        .insert_header((
            header::CONTENT_DISPOSITION,
            "attachment; filename=\"decisions.csv\"",
        ))
        .body(csv))
}
