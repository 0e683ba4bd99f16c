//! A company at a glance, told as its story: the shared logins and who is behind them, seats
//! used against the plan limit, open findings by severity and kind (each count a link to the
//! list it counts), and what changed since the previous audits.

use actix_web::{get, web, HttpResponse};
use askama::Template;

use super::advice::plan_name;
use super::charts::{seat_chart, SeatChart, WIDTH};
use super::error::PageError;
use super::findings::words::login_name;
use super::lang::{Lang, When};
use super::session::Page;
use super::{html, Nav};
use crate::app::AppState;
use crate::seats::findings::{FindingKind, Severity};
use crate::seats::operations;
use crate::seats::records::{FindingRow, FindingState, KINDS};
use crate::seats::service::finding_pages::{AuditTrend, OverviewRead};
use crate::seats::service::seat_counts::SeatsView;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(overview);
}

/// One finding named in the story: a link, its name, its count in words, and what follows
/// it in the sentence (", ", " and ", ".").
struct StoryItem {
    finding_id: String,
    name: String,
    email: String,
    detail: String,
    then: String,
}

/// A sentence of the story: its opening words, then the findings it names.
struct Story {
    id: &'static str,
    opening: String,
    items: Vec<StoryItem>,
}

/// A count that links to the list of what it counts.
struct CountLink {
    code: &'static str,
    label: &'static str,
    count: usize,
    query: String,
}

/// One past audit as a row of the trend table.
struct TrendRow {
    at: When,
    unresolved: i64,
    people: String,
    billable: String,
}

#[derive(Template)]
#[template(path = "ui/overview.html")]
struct OverviewPage {
    t: Lang,
    nav: Nav,
    company_id: String,
    plan: String,
    seats: SeatsView,
    chart: SeatChart,
    width: f64,
    stories: Vec<Story>,
    by_severity: Vec<CountLink>,
    by_kind: Vec<CountLink>,
    open_total: usize,
    unresolved_total: usize,
    trend: Option<String>,
    audits: Vec<TrendRow>,
    last_audit: Option<When>,
}

#[get("/ui/companies/{company_id}")]
async fn overview(
    state: web::Data<AppState>,
    page: Page,
    path: web::Path<String>,
) -> Result<HttpResponse, PageError> {
    let company_id = path.into_inner();
    let read = operations::overview(
        state.gate(),
        page.actor.clone(),
        company_id.clone(),
        state.settings.audit_config(),
    )
    .await?;
    let t = page.t;
    let seats = &read.seats;
    let chart = seat_chart(
        seats.limit,
        &[
            (
                t.t("Billable seats in use", "Sièges facturables")
                    .to_owned(),
                seats.billable_total,
            ),
            (
                t.t("People behind them", "Personnes derrière").to_owned(),
                seats.estimated_people,
            ),
        ],
    );
    let open: Vec<&FindingRow> = read
        .findings
        .findings
        .iter()
        .filter(|row| row.state == FindingState::Open)
        .collect();
    let unresolved_total = read
        .findings
        .findings
        .iter()
        .filter(|row| !row.is_resolved())
        .count();
    let by_severity = Severity::ALL
        .iter()
        .rev()
        .map(|severity| CountLink {
            code: severity.as_str(),
            label: t.severity(severity.as_str()),
            count: open.iter().filter(|row| row.severity == *severity).count(),
            query: format!("?severity={}&state=open", severity.as_str()),
        })
        .collect();
    let by_kind = KINDS
        .iter()
        .map(|kind| CountLink {
            code: kind.as_str(),
            label: t.finding_kind(kind.as_str()),
            count: open.iter().filter(|row| row.kind == kind.as_str()).count(),
            query: format!("?kind={}&state=open", kind.as_str()),
        })
        .filter(|link| link.count > 0)
        .collect();
    html(&OverviewPage {
        nav: Nav::new(&page, "overview"),
        company_id,
        plan: plan_name(t, &seats.plan),
        chart,
        width: WIDTH,
        stories: stories(t, &read),
        open_total: open.len(),
        unresolved_total,
        by_severity,
        by_kind,
        trend: trend(t, &read.audits, unresolved_total),
        audits: read
            .audits
            .iter()
            .map(|audit| TrendRow {
                at: t.when(audit.ran_at),
                unresolved: audit.unresolved,
                people: audit
                    .people
                    .map_or_else(|| "—".to_owned(), |n| n.to_string()),
                billable: audit
                    .billable
                    .map_or_else(|| "—".to_owned(), |n| n.to_string()),
            })
            .collect(),
        last_audit: read.audits.first().map(|audit| t.when(audit.ran_at)),
        seats: read.seats.clone(),
        t,
    })
}

/// The sentences of the story: the shared logins with the people behind each, and the seats
/// nobody uses, each naming its findings.
fn stories(t: Lang, read: &OverviewRead) -> Vec<Story> {
    let unresolved = |kind: FindingKind| -> Vec<&FindingRow> {
        let mut rows: Vec<&FindingRow> = read
            .findings
            .findings
            .iter()
            .filter(|row| row.kind == kind.as_str() && !row.is_resolved() && row.login.is_some())
            .collect();
        rows.sort_by(|a, b| (b.headcount, &a.login).cmp(&(a.headcount, &b.login)));
        rows
    };
    let people = &read.findings.people;
    let mut stories = Vec::new();
    let shared = unresolved(FindingKind::SharedLogin);
    if !shared.is_empty() {
        let details: Vec<String> = shared
            .iter()
            .map(|row| {
                let days = read
                    .findings
                    .shared_days
                    .get(&row.id)
                    .map(|days| days.shared.len())
                    .filter(|days| *days > 0);
                let count = usize::try_from(row.headcount_estimate()).unwrap_or(0);
                let people_words = t.count(count, ("person", "people"), ("personne", "personnes"));
                match days {
                    Some(days) => format!(
                        "{people_words}, {}",
                        t.count(days, ("day", "days"), ("jour", "jours"))
                    ),
                    None => people_words,
                }
            })
            .collect();
        stories.push(Story {
            id: "story-shared",
            opening: t.count(
                shared.len(),
                ("shared login", "shared logins"),
                ("identifiant partagé", "identifiants partagés"),
            ),
            items: items(t, &shared, details, people),
        });
    }
    let dormant = unresolved(FindingKind::DormantSeat);
    if !dormant.is_empty() {
        let details = dormant
            .iter()
            .map(|row| {
                let evidence: serde_json::Value =
                    serde_json::from_str(&row.evidence).unwrap_or_default();
                evidence["idle_days"].as_u64().map_or_else(
                    || t.t("never used", "jamais utilisé").to_owned(),
                    |days| {
                        let days = t.count(
                            usize::try_from(days).unwrap_or(0),
                            ("day", "days"),
                            ("jour", "jours"),
                        );
                        format!("{} {days}", t.t("unused for", "inutilisé depuis"))
                    },
                )
            })
            .collect();
        stories.push(Story {
            id: "story-dormant",
            opening: t.count(
                dormant.len(),
                ("unused seat", "unused seats"),
                ("siège inutilisé", "sièges inutilisés"),
            ),
            items: items(t, &dormant, details, people),
        });
    }
    stories
}

/// The findings of one sentence as links: "ventes (3 people), achats (2) and compta (2)."
fn items(
    t: Lang,
    rows: &[&FindingRow],
    details: Vec<String>,
    people: &crate::seats::service::finding_pages::People,
) -> Vec<StoryItem> {
    let last = rows.len().saturating_sub(1);
    rows.iter()
        .zip(details)
        .enumerate()
        .map(|(index, (row, detail))| {
            let (name, email) = login_name(people, row.login.as_deref().unwrap_or_default());
            let then = if index == last {
                ".".to_owned()
            } else if index + 1 == last {
                format!(" {} ", t.t("and", "et"))
            } else {
                ", ".to_owned()
            };
            StoryItem {
                finding_id: row.id.clone(),
                name,
                email,
                detail,
                then,
            }
        })
        .collect()
}

/// What changed since the previous audit, in one sentence; `None` before a second audit.
fn trend(t: Lang, audits: &[AuditTrend], unresolved_now: usize) -> Option<String> {
    let previous = audits.get(1)?;
    let at = t.when(previous.ran_at);
    let people = match (previous.people, audits.first().and_then(|a| a.people)) {
        (Some(then), Some(now)) if then != now => Some((then, now)),
        _ => None,
    };
    let mut sentence = if t.is_french() {
        format!(
            "Depuis l'audit précédent ({at}) : constats non résolus {} → {unresolved_now}",
            previous.unresolved
        )
    } else {
        format!(
            "Since the previous audit ({at}): unresolved findings {} → {unresolved_now}",
            previous.unresolved
        )
    };
    match people {
        Some((then, now)) => sentence.push_str(&format!(
            "{} {} {then} → {now}.",
            t.t(";", " ;"),
            t.t(
                "people behind the billable logins",
                "personnes derrière les identifiants facturables"
            )
        )),
        None => sentence.push('.'),
    }
    Some(sentence)
}
