//! Seat advice: the cheapest plan and role mix that is honest, one person per login.
//!
//! Every person proven behind a login gets a login of their own, with the least role that
//! covers the work the login was seen doing. Admin and accountant logins keep their kind of
//! role (an accountant is free up to the plan's allowance). Then the cheapest listed plan whose
//! seat limit holds the billable people is chosen.

use std::collections::BTreeMap;

use serde::Serialize;

use super::plans::{PlanCatalog, SeatPlan};
use crate::identity::roles::{Plan, Role};
use crate::seats::detectors::duty::{DutyGroup, DutySet};

/// The work of one active login.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LoginWork {
    pub login: String,
    pub role: Role,
    /// Proven people behind the login (0 when unobserved; the seat still holds one person).
    pub people: u32,
    /// Every group the login acted in.
    pub duties: DutySet,
}

/// Stable codes beside the English reasons, for pages and tests.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ReasonCode {
    SharedLogin,
    RoleFromObservedWork,
    CurrentPlanTooSmall,
    CurrentPlanFits,
    CheaperPlanFits,
    LargerPlanNeeded,
    NeedsCustomPlan,
    AccountantBeyondFree,
    FreeRoleNotAllowed,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Reason {
    pub code: ReasonCode,
    pub message: String,
}

/// One shared login to split into one login per person.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LoginSplit {
    pub login: String,
    pub people: u32,
    /// The role of each person, the first keeping the existing login.
    pub roles: Vec<Role>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SeatAdvice {
    pub current_plan: Plan,
    pub current_limit: u32,
    /// Billable seats the honest setup needs on the current plan.
    pub current_billable_needed: u32,
    pub current_monthly_cents: Option<i64>,
    /// People behind the active logins: the proven headcount, at least one per login.
    pub people_observed: u32,
    pub recommended_plan: Plan,
    pub recommended_limit: u32,
    /// Billable seats the honest setup needs on the recommended plan.
    pub billable_needed: u32,
    /// None for a custom plan, which has no list price.
    pub advised_monthly_cents: Option<i64>,
    pub role_mix: BTreeMap<Role, u32>,
    pub splits: Vec<LoginSplit>,
    pub reasons: Vec<Reason>,
}

/// Advise the cheapest honest plan and role mix for a company's active logins.
pub fn advise(logins: &[LoginWork], current: SeatPlan, catalog: &PlanCatalog) -> SeatAdvice {
    let mut reasons = Vec::new();
    let mut mix: BTreeMap<Role, u32> = BTreeMap::new();
    let mut splits = Vec::new();
    for work in logins {
        let roles = roles_for(work);
        explain_login(work, &roles, &mut reasons);
        for role in &roles {
            *mix.entry(*role).or_default() += 1;
        }
        if roles.len() > 1 {
            splits.push(LoginSplit {
                login: work.login.clone(),
                people: roles.len() as u32,
                roles,
            });
        }
    }
    let now = fit(&mix, current, catalog);
    let chosen = choose(&mix, current, catalog);
    explain_choice(&now, &chosen, catalog, &mut reasons);
    SeatAdvice {
        current_plan: current.plan,
        current_limit: current.limit,
        current_billable_needed: now.billable,
        current_monthly_cents: catalog.monthly_cents(current.plan),
        people_observed: mix.values().sum(),
        recommended_plan: chosen.plan.plan,
        recommended_limit: chosen.plan.limit,
        billable_needed: chosen.billable,
        advised_monthly_cents: chosen.price,
        role_mix: chosen.mix,
        splits,
        reasons,
    }
}

/// The least role covering a set of observed work; None when no work was observed.
pub fn role_for_duties(duties: DutySet) -> Option<Role> {
    use DutyGroup::{Purchases, Reports, Sales, Time};
    if duties.is_empty() {
        return None;
    }
    let within = |allowed: &[DutyGroup]| duties.iter().all(|group| allowed.contains(&group));
    Some(if within(&[Reports]) {
        Role::ReportsOnly
    } else if within(&[Time]) {
        Role::TimeTracking
    } else if within(&[Sales, Time]) {
        Role::StandardSales
    } else if within(&[Purchases, Time]) {
        Role::StandardPurchases
    } else {
        // Accounting, several duties, or reports beside a duty: only standard_all covers it.
        Role::StandardAll
    })
}

fn roles_for(work: &LoginWork) -> Vec<Role> {
    (0..work.people.max(1))
        .map(|person| match work.role {
            Role::Accountant => Role::Accountant,
            Role::PrimaryAdmin if person == 0 => Role::PrimaryAdmin,
            // One primary admin per company; the others behind an admin login already used
            // admin powers, so the advice keeps them rather than guess less.
            Role::PrimaryAdmin | Role::CompanyAdmin => Role::CompanyAdmin,
            role => role_for_duties(work.duties).unwrap_or(role),
        })
        .collect()
}

fn explain_login(work: &LoginWork, roles: &[Role], reasons: &mut Vec<Reason>) {
    if roles.len() > 1 {
        let names: Vec<&str> = roles.iter().map(|role| role.as_str()).collect();
        reasons.push(Reason {
            code: ReasonCode::SharedLogin,
            message: format!(
                "{} is used by at least {} people: give each person a login of their own ({})",
                work.login,
                roles.len(),
                names.join(", ")
            ),
        });
    }
    if let Some(&role) = roles.first().filter(|role| **role != work.role) {
        let work_names: Vec<&str> = work.duties.iter().map(DutyGroup::as_str).collect();
        reasons.push(Reason {
            code: ReasonCode::RoleFromObservedWork,
            message: format!(
                "{}: the work seen ({}) needs {} rather than {}",
                work.login,
                work_names.join(", "),
                role.as_str(),
                work.role.as_str()
            ),
        });
    }
}

/// A plan with the role mix adapted to it.
#[derive(Debug, Clone)]
struct Fit {
    plan: SeatPlan,
    mix: BTreeMap<Role, u32>,
    billable: u32,
    /// People whose free role the plan refuses, moved to `standard_all`.
    upgraded: u32,
    price: Option<i64>,
}

impl Fit {
    fn fits(&self) -> bool {
        self.billable <= self.plan.limit
    }
}

fn fit(mix: &BTreeMap<Role, u32>, plan: SeatPlan, catalog: &PlanCatalog) -> Fit {
    let mut adapted: BTreeMap<Role, u32> = BTreeMap::new();
    let mut upgraded = 0;
    for (&role, &count) in mix {
        // standard_all is the least billable role that reads every report and keeps a
        // timesheet, so it covers whatever the refused free role did.
        let role = if !plan.plan.admits_free_role(role) {
            upgraded += count;
            Role::StandardAll
        } else {
            role
        };
        *adapted.entry(role).or_default() += count;
    }
    let accountants = adapted.get(&Role::Accountant).copied().unwrap_or(0);
    let billable = adapted
        .iter()
        .filter(|(role, _)| role.is_billable())
        .map(|(_, count)| *count)
        .sum::<u32>()
        + accountants.saturating_sub(plan.free_accountants());
    Fit {
        plan,
        mix: adapted,
        billable,
        upgraded,
        price: catalog.monthly_cents(plan.plan),
    }
}

/// A custom plan that already fits stays (its price is unknown, so nothing listed can be
/// shown cheaper); otherwise the cheapest listed plan that fits; otherwise a custom limit.
fn choose(mix: &BTreeMap<Role, u32>, current: SeatPlan, catalog: &PlanCatalog) -> Fit {
    let current_fit = fit(mix, current, catalog);
    if current.plan == Plan::Custom && current_fit.fits() {
        return current_fit;
    }
    let cheapest = SeatPlan::LISTED
        .into_iter()
        .map(|plan| fit(mix, SeatPlan::new(plan, None), catalog))
        .filter(Fit::fits)
        .min_by_key(|fit| fit.price.unwrap_or(i64::MAX));
    cheapest.unwrap_or_else(|| {
        let custom = |limit| SeatPlan {
            plan: Plan::Custom,
            limit,
        };
        let needed = fit(mix, custom(0), catalog).billable;
        fit(mix, custom(needed), catalog)
    })
}

fn explain_choice(now: &Fit, chosen: &Fit, catalog: &PlanCatalog, reasons: &mut Vec<Reason>) {
    let mut say = |code, message: String| reasons.push(Reason { code, message });
    let people: u32 = now.mix.values().sum();
    if !now.fits() {
        say(
            ReasonCode::CurrentPlanTooSmall,
            format!(
                "{people} people need {} billable seats; {} allows {}",
                now.billable,
                now.plan.plan.as_str(),
                now.plan.limit
            ),
        );
    }
    let price = price_words(chosen.price, catalog);
    let (code, verdict) = match (chosen.plan == now.plan, now.fits(), chosen.plan.plan) {
        (true, _, _) => (ReasonCode::CurrentPlanFits, "the current plan fits"),
        (false, _, Plan::Custom) => (ReasonCode::NeedsCustomPlan, "no listed plan fits"),
        (false, false, _) => (ReasonCode::LargerPlanNeeded, "the cheapest plan that fits"),
        (false, true, _) => (ReasonCode::CheaperPlanFits, "a cheaper plan fits"),
    };
    say(
        code,
        format!(
            "{verdict}: {} gives {} billable seats for {} needed, {price}",
            chosen.plan.plan.as_str(),
            chosen.plan.limit,
            chosen.billable
        ),
    );
    let accountants = chosen.mix.get(&Role::Accountant).copied().unwrap_or(0);
    if accountants > chosen.plan.free_accountants() {
        say(
            ReasonCode::AccountantBeyondFree,
            format!(
                "{accountants} accountant users: {} are free on {}, the rest take seats",
                chosen.plan.free_accountants(),
                chosen.plan.plan.as_str()
            ),
        );
    }
    if chosen.upgraded > 0 {
        say(
            ReasonCode::FreeRoleNotAllowed,
            format!(
                "{} does not admit {} of the free users' roles: they need standard_all seats",
                chosen.plan.plan.as_str(),
                chosen.upgraded
            ),
        );
    }
}

fn price_words(cents: Option<i64>, catalog: &PlanCatalog) -> String {
    match cents {
        Some(cents) => format!(
            "{} {}.{:02} a month",
            catalog.currency,
            cents / 100,
            (cents % 100).abs()
        ),
        None => "price on request".to_string(),
    }
}

#[cfg(test)]
mod tests;
