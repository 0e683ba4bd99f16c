//! A company at a glance: seats used against the plan limit, the people behind them, open
//! findings by severity, the last audit.

use actix_web::{get, web, HttpResponse};
use askama::Template;

use super::charts::{seat_chart, SeatChart, WIDTH};
use super::error::PageError;
use super::lang::{when, Lang};
use super::session::Page;
use super::{html, Nav};
use crate::app::AppState;
use crate::seats::findings::Severity;
use crate::seats::operations;
use crate::seats::service::seat_counts::SeatsView;


pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(overview);
}

#[derive(Template)]
#[template(path = "ui/overview.html")]
struct OverviewPage {
    t: Lang,
    nav: Nav,
    company_id: String,
    seats: SeatsView,
    chart: SeatChart,
    width: f64,
    /// Open findings per severity, most severe first.
    open_by_severity: Vec<(&'static str, usize)>,
    open_total: usize,
    last_audit: Option<String>,
}

#[get("/ui/companies/{company_id}")]
async fn overview(
    state: web::Data<AppState>,
    page: Page,
    path: web::Path<String>,
) -> Result<HttpResponse, PageError> {
    let company_id = path.into_inner();
    let (seats, open) =
        operations::overview(state.gate(), page.actor.clone(), company_id.clone()).await?;
    let t = page.t;
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
    let open_by_severity = Severity::ALL
        .iter()
        .rev()
        .map(|severity| {
            let count = open.iter().filter(|row| row.severity == *severity).count();
            (severity.as_str(), count)
        })
        .collect();
    html(&OverviewPage {
        nav: Nav::new(&page, "overview"),
        t,
        company_id,
        chart,
        width: WIDTH,
        open_total: open.len(),
        last_audit: seats
            .last_audit_at
            .as_deref()
            .and_then(|text| chrono::DateTime::parse_from_rfc3339(text).ok())
            .map(|at| when(at.naive_utc())),
        open_by_severity,
        seats,
    })
}
