//! Seat advice in plain words: the plan paid for today against the one the people observed
//! need, one login per person.

use actix_web::{get, web, HttpResponse};
use askama::Template;

use super::error::PageError;
use super::lang::{money, Lang};
use super::session::Page;
use super::{html, Nav};
use crate::app::AppState;
use crate::seats::advice::SeatAdvice;
use crate::seats::operations;


pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(show_advice);
}

#[derive(Template)]
#[template(path = "ui/advice.html")]
struct AdvicePage {
    t: Lang,
    nav: Nav,
    today: String,
    verdict: String,
    advised: String,
    changes_plan: bool,
    role_mix: Vec<(&'static str, u32)>,
    splits: Vec<String>,
    reasons: Vec<String>,
}

#[get("/ui/companies/{company_id}/advice")]
async fn show_advice(
    state: web::Data<AppState>,
    page: Page,
    path: web::Path<String>,
) -> Result<HttpResponse, PageError> {
    let config = state.settings.audit_config();
    let view = operations::seat_advice(state.gate(), page.actor.clone(), path.into_inner(), config)
        .await?;
    let currency = &state.settings.seat_audit.catalog.currency;
    let words = Words::new(page.t, &view.advice, currency);
    html(&AdvicePage {
        nav: Nav::new(&page, "advice"),
        t: page.t,
        today: words.today(),
        verdict: words.verdict(),
        advised: words.advised(),
        changes_plan: view.advice.recommended_plan != view.advice.current_plan,
        role_mix: view
            .advice
            .role_mix
            .iter()
            .map(|(role, count)| (role.as_str(), *count))
            .collect(),
        splits: view
            .advice
            .splits
            .iter()
            .map(|split| words.split(&split.login, split.people, &split.roles))
            .collect(),
        reasons: view
            .advice
            .reasons
            .iter()
            .map(|reason| reason.message.clone())
            .collect(),
    })
}

/// The advice's sentences in the reader's language.
struct Words<'a> {
    t: Lang,
    advice: &'a SeatAdvice,
    currency: &'a str,
}

impl<'a> Words<'a> {
    fn new(t: Lang, advice: &'a SeatAdvice, currency: &'a str) -> Self {
        Self {
            t,
            advice,
            currency,
        }
    }

    fn today(&self) -> String {
        let a = self.advice;
        let price = money(self.currency, a.current_monthly_cents);
        if self.t.is_french() {
            format!(
                "Aujourd'hui, le forfait {} donne {} sièges facturables, pour {price} par mois.",
                a.current_plan.as_str(),
                a.current_limit
            )
        } else {
            format!(
                "Today the {} plan gives {} billable seats, for {price} a month.",
                a.current_plan.as_str(),
                a.current_limit
            )
        }
    }

    fn verdict(&self) -> String {
        let a = self.advice;
        let fits = a.current_billable_needed <= a.current_limit;
        match (self.t.is_french(), fits) {
            (false, true) => format!(
                "{} people were observed at work; with one login each they need {} billable seats: the current plan is enough.",
                a.people_observed, a.current_billable_needed
            ),
            (false, false) => format!(
                "{} people were observed at work; with one login each they need {} billable seats: the current plan is too small.",
                a.people_observed, a.current_billable_needed
            ),
            (true, true) => format!(
                "{} personnes ont été observées au travail ; avec un identifiant chacune, il leur faut {} sièges facturables : le forfait actuel suffit.",
                a.people_observed, a.current_billable_needed
            ),
            (true, false) => format!(
                "{} personnes ont été observées au travail ; avec un identifiant chacune, il leur faut {} sièges facturables : le forfait actuel est trop petit.",
                a.people_observed, a.current_billable_needed
            ),
        }
    }

    fn advised(&self) -> String {
        let a = self.advice;
        let price = money(self.currency, a.advised_monthly_cents);
        if self.t.is_french() {
            format!(
                "Nous conseillons le forfait {} : {} sièges facturables, dont {} utilisés, pour {price} par mois.",
                a.recommended_plan.as_str(),
                a.recommended_limit,
                a.billable_needed
            )
        } else {
            format!(
                "We advise the {} plan: {} billable seats, {} of them used, for {price} a month.",
                a.recommended_plan.as_str(),
                a.recommended_limit,
                a.billable_needed
            )
        }
    }

    fn split(&self, login: &str, people: u32, roles: &[crate::identity::Role]) -> String {
        let roles: Vec<String> = roles.iter().map(|role| role.as_str().to_owned()).collect();
        let roles = crate::seats::explain::list(&roles);
        if self.t.is_french() {
            format!("{login} est utilisé par {people} personnes : un identifiant chacune, avec les rôles {roles}.")
        } else {
            format!("{login} is used by {people} people: one login each, with the roles {roles}.")
        }
    }
}
