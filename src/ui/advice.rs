//! Seat advice in plain words: the plan paid for today against the one the people observed
//! need, one login per person; roles by their labels, and how its headcount relates to the
//! overview's.

use std::collections::BTreeMap;

use actix_web::{get, web, HttpResponse};
use askama::Template;

use super::error::PageError;
use super::labels;
use super::lang::{money, Lang};
use super::session::Page;
use super::{html, Nav};
use crate::app::AppState;
use crate::identity::Role;
use crate::seats::advice::{ReasonCode, SeatAdvice};
use crate::seats::operations;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(show_advice);
}

/// A plan as the pages name it: "plus", "simple start", "custom".
pub(super) fn plan_name(t: Lang, code: &str) -> String {
    match code {
        "custom" => t.t("custom", "sur mesure").to_owned(),
        other => other.replace('_', " "),
    }
}

#[derive(Template)]
#[template(path = "ui/advice.html")]
struct AdvicePage {
    t: Lang,
    nav: Nav,
    today: String,
    verdict: String,
    headcount: String,
    advised: String,
    changes_plan: bool,
    role_mix: Vec<(&'static str, u32, bool)>,
    splits: Vec<(String, String, String)>,
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
        headcount: words.headcount(),
        advised: words.advised(),
        changes_plan: view.advice.recommended_plan != view.advice.current_plan,
        role_mix: view
            .advice
            .role_mix
            .iter()
            .map(|(role, count)| (labels::role(page.t, *role), *count, role.is_billable()))
            .collect(),
        splits: view
            .advice
            .splits
            .iter()
            .map(|split| words.split(&split.login, split.people, &split.roles))
            .collect(),
        reasons: words.reasons(),
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

    fn plan(&self, plan: crate::identity::Plan) -> String {
        plan_name(self.t, plan.as_str())
    }

    fn people(&self, n: u32) -> String {
        self.t
            .count(n as usize, ("person", "people"), ("personne", "personnes"))
    }

    /// "3 × Standard user, sales only and 1 × Accountant".
    fn roles(&self, roles: impl Iterator<Item = (Role, u32)>) -> String {
        let mut counts: BTreeMap<Role, u32> = BTreeMap::new();
        for (role, count) in roles {
            *counts.entry(role).or_default() += count;
        }
        let parts: Vec<String> = counts
            .into_iter()
            .map(|(role, count)| format!("{count} × {}", labels::role(self.t, role)))
            .collect();
        self.t.join(&parts)
    }

    fn today(&self) -> String {
        let a = self.advice;
        let price = money(self.currency, a.current_monthly_cents);
        let plan = self.plan(a.current_plan);
        if self.t.is_french() {
            format!(
                "Aujourd'hui, le forfait {plan} donne {} sièges facturables, pour {price} par mois.",
                a.current_limit
            )
        } else {
            format!(
                "Today the {plan} plan gives {} billable seats, for {price} a month.",
                a.current_limit
            )
        }
    }

    fn verdict(&self) -> String {
        let a = self.advice;
        let fits = a.current_billable_needed <= a.current_limit;
        let people = self.people(a.people_observed);
        let needed = a.current_billable_needed;
        match (self.t.is_french(), fits) {
            (false, true) => format!(
                "{people} were observed at work; with one login each they need {needed} billable seats: the current plan is enough."
            ),
            (false, false) => format!(
                "{people} were observed at work; with one login each they need {needed} billable seats: the current plan is too small."
            ),
            (true, true) => format!(
                "{people} ont été observées au travail ; avec un identifiant chacune, il leur faut {needed} sièges facturables : le forfait actuel suffit."
            ),
            (true, false) => format!(
                "{people} ont été observées au travail ; avec un identifiant chacune, il leur faut {needed} sièges facturables : le forfait actuel est trop petit."
            ),
        }
    }

    /// How the people observed here relate to the overview's "people behind the billable
    /// logins": this page counts everyone at work, free seats included.
    fn headcount(&self) -> String {
        let a = self.advice;
        let billable: u32 = a
            .role_mix
            .iter()
            .filter(|(role, _)| role.is_billable())
            .map(|(_, count)| count)
            .sum();
        let free = a.people_observed.saturating_sub(billable);
        let free_roles = self.roles(
            a.role_mix
                .iter()
                .filter(|(role, _)| !role.is_billable())
                .map(|(role, count)| (*role, *count)),
        );
        let observed = self.people(a.people_observed);
        match (self.t.is_french(), free) {
            (false, 0) => format!(
                "The {observed} counted here all work behind billable logins: the overview's effective headcount counts the same people, from the findings of the last audit."
            ),
            (true, 0) => format!(
                "Les {observed} comptées ici travaillent toutes derrière des identifiants facturables : l'effectif réel de la vue d'ensemble compte les mêmes personnes, d'après les constats du dernier audit."
            ),
            (false, _) => format!(
                "Of the {observed} counted here, {billable} work behind billable logins: the overview's effective headcount counts only them. The other {free} hold free seats ({free_roles})."
            ),
            (true, _) => format!(
                "Sur les {observed} comptées ici, {billable} travaillent derrière des identifiants facturables : l'effectif réel de la vue d'ensemble ne compte qu'elles. Les {free} autres ont des sièges gratuits ({free_roles})."
            ),
        }
    }

    fn advised(&self) -> String {
        let a = self.advice;
        let price = money(self.currency, a.advised_monthly_cents);
        let plan = self.plan(a.recommended_plan);
        if self.t.is_french() {
            format!(
                "Nous conseillons le forfait {plan} : {} sièges facturables, dont {} utilisés, pour {price} par mois.",
                a.recommended_limit, a.billable_needed
            )
        } else {
            format!(
                "We advise the {plan} plan: {} billable seats, {} of them used, for {price} a month.",
                a.recommended_limit, a.billable_needed
            )
        }
    }

    /// The login by name, its email for a title, and what to do in words.
    fn split(&self, login: &str, people: u32, roles: &[Role]) -> (String, String, String) {
        let name = login.split('@').next().unwrap_or(login).to_owned();
        let people = self.people(people);
        let roles = self.roles(roles.iter().map(|role| (*role, 1)));
        let sentence = if self.t.is_french() {
            format!("est utilisé par {people} : un identifiant chacune, soit {roles}.")
        } else {
            format!("is used by {people}: one login each, that is {roles}.")
        };
        (name, login.to_owned(), sentence)
    }

    /// Why, from the advice's reason codes and figures; each kind of reason said once.
    fn reasons(&self) -> Vec<String> {
        let a = self.advice;
        let t = self.t;
        let mut said: Vec<ReasonCode> = Vec::new();
        let mut lines = Vec::new();
        for reason in &a.reasons {
            if said.contains(&reason.code) {
                continue;
            }
            said.push(reason.code);
            let recommended = self.plan(a.recommended_plan);
            let price = money(self.currency, a.advised_monthly_cents);
            let line = match (reason.code, t.is_french()) {
                (ReasonCode::SharedLogin, _) => continue,
                (ReasonCode::RoleFromObservedWork, false) => "Each new login gets the least role that covers the work seen on the shared login.".to_owned(),
                (ReasonCode::RoleFromObservedWork, true) => "Chaque nouvel identifiant reçoit le rôle le plus restreint qui couvre le travail observé sur l'identifiant partagé.".to_owned(),
                (ReasonCode::CurrentPlanTooSmall, false) => format!(
                    "{} need {} billable seats; the {} plan allows {}.",
                    self.people(a.people_observed), a.current_billable_needed, self.plan(a.current_plan), a.current_limit
                ),
                (ReasonCode::CurrentPlanTooSmall, true) => format!(
                    "{} ont besoin de {} sièges facturables ; le forfait {} en permet {}.",
                    self.people(a.people_observed), a.current_billable_needed, self.plan(a.current_plan), a.current_limit
                ),
                (ReasonCode::CurrentPlanFits, false) => "The current plan holds everyone with a login of their own.".to_owned(),
                (ReasonCode::CurrentPlanFits, true) => "Le forfait actuel suffit pour que chacun ait son propre identifiant.".to_owned(),
                (ReasonCode::CheaperPlanFits | ReasonCode::LargerPlanNeeded, false) => format!(
                    "The cheapest plan that fits is {recommended}: {} billable seats for {} needed, {price} a month.",
                    a.recommended_limit, a.billable_needed
                ),
                (ReasonCode::CheaperPlanFits | ReasonCode::LargerPlanNeeded, true) => format!(
                    "Le forfait le moins cher qui convient est {recommended} : {} sièges facturables pour {} nécessaires, {price} par mois.",
                    a.recommended_limit, a.billable_needed
                ),
                (ReasonCode::NeedsCustomPlan, false) => format!(
                    "No listed plan fits: a custom limit of {} seats is needed.",
                    a.recommended_limit
                ),
                (ReasonCode::NeedsCustomPlan, true) => format!(
                    "Aucun forfait du catalogue ne convient : il faut une limite sur mesure de {} sièges.",
                    a.recommended_limit
                ),
                (ReasonCode::AccountantBeyondFree, false) => "Accountants beyond the plan's free allowance take billable seats.".to_owned(),
                (ReasonCode::AccountantBeyondFree, true) => "Les experts-comptables au-delà de ceux que le forfait offre prennent des sièges facturables.".to_owned(),
                (ReasonCode::FreeRoleNotAllowed, false) => format!(
                    "The {recommended} plan does not admit some free roles: those people need a Standard user seat."
                ),
                (ReasonCode::FreeRoleNotAllowed, true) => format!(
                    "Le forfait {recommended} n'admet pas certains rôles gratuits : ces personnes ont besoin d'un siège Utilisateur standard."
                ),
            };
            lines.push(line);
        }
        lines
    }
}
