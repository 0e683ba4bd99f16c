//! Seat counting per ROLES.md, and the price table.
//!
//! Roles, plans, limits and free allowances are the product rules of `identity::roles`, the
//! one place they live; this module counts with them. Prices change with the vendor and live
//! in config (`PlanCatalog`).

use std::collections::{BTreeMap, HashMap};

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::identity::roles::{takes_billable_seat, Plan, Role};

/// A company's plan with its billable-seat limit (a custom plan carries its own).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct SeatPlan {
    pub plan: Plan,
    pub limit: u32,
}

impl SeatPlan {
    /// The plans with a list price, smallest first.
    pub const LISTED: [Plan; 4] = [
        Plan::SimpleStart,
        Plan::Essentials,
        Plan::Plus,
        Plan::Advanced,
    ];

    /// `custom_limit` matters for `Plan::Custom` only, as in `Plan::seat_limit`.
    pub fn new(plan: Plan, custom_limit: Option<i64>) -> SeatPlan {
        SeatPlan {
            plan,
            limit: count(plan.seat_limit(custom_limit)),
        }
    }

    /// Accountant users that take no seat.
    pub fn free_accountants(self) -> u32 {
        count(self.plan.free_accountants())
    }
}

/// Limits are i64 in `identity` (database columns); counts here are never negative.
fn count(value: i64) -> u32 {
    u32::try_from(value.max(0)).unwrap_or(u32::MAX)
}

/// A user of the company as seat counting sees it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SeatUser {
    pub login: String,
    pub role: Role,
    /// Disabled users hold no seat.
    pub active: bool,
    /// Imported from another app: counts as that app would count it.
    #[serde(default)]
    pub external: bool,
    /// When the user was added; lets the auditor tell a new user from a dormant one.
    #[serde(default)]
    pub created_at: Option<DateTime<Utc>>,
}

/// Seats used against the plan.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SeatCount {
    pub plan: Plan,
    pub limit: u32,
    /// Billable users by role; accountants beyond the free count appear here too.
    pub billable_by_role: BTreeMap<Role, u32>,
    pub free_by_role: BTreeMap<Role, u32>,
    pub accountants_billable: u32,
    pub billable_total: u32,
    /// Billable users minus the limit; negative means room left.
    pub over_by: i64,
    /// External logins among the billable users.
    pub external_billable: u32,
    /// The logins holding a billable seat, in the order given.
    pub billable_logins: Vec<String>,
    /// Active users whose free role the plan does not admit.
    pub not_allowed_on_plan: Vec<String>,
}

/// Count seats of active users. Accountants are free in the order given (the service passes
/// users oldest first), so the newest accountant is the one that takes a seat.
pub fn count_seats(users: &[SeatUser], plan: SeatPlan) -> SeatCount {
    let mut count = SeatCount {
        plan: plan.plan,
        limit: plan.limit,
        billable_by_role: BTreeMap::new(),
        free_by_role: BTreeMap::new(),
        accountants_billable: 0,
        billable_total: 0,
        over_by: 0,
        external_billable: 0,
        billable_logins: Vec::new(),
        not_allowed_on_plan: Vec::new(),
    };
    let mut accountants_before = 0i64;
    for user in users.iter().filter(|user| user.active) {
        let billable = takes_billable_seat(user.role, plan.plan, accountants_before);
        accountants_before += i64::from(user.role == Role::Accountant);
        if billable {
            *count.billable_by_role.entry(user.role).or_default() += 1;
            count.billable_total += 1;
            count.accountants_billable += u32::from(user.role == Role::Accountant);
            count.external_billable += u32::from(user.external);
            count.billable_logins.push(user.login.clone());
        } else if plan.plan.admits_free_role(user.role) {
            *count.free_by_role.entry(user.role).or_default() += 1;
        } else {
            count.not_allowed_on_plan.push(user.login.clone());
        }
    }
    count.over_by = i64::from(count.billable_total) - i64::from(count.limit);
    count
}

/// People behind the billable seats: each billable login counts the people proven behind it
/// (at least one: the seat is held even when unused), and accountant logins count their
/// people against the free accountant allowance.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct EffectiveSeats {
    pub limit: u32,
    pub people: u32,
    /// People minus the limit; negative means room left.
    pub over_by: i64,
    /// Billable logins used by more than one person, with their people.
    pub shared_logins: BTreeMap<String, u32>,
}

/// `people` gives the proven headcount per login (absent: nobody observed).
pub fn effective_seats(
    users: &[SeatUser],
    plan: SeatPlan,
    people: &HashMap<&str, u32>,
) -> EffectiveSeats {
    let mut total = 0u32;
    let mut accountants = 0u32;
    let mut shared_logins = BTreeMap::new();
    for user in users.iter().filter(|user| user.active) {
        let behind = people.get(user.login.as_str()).copied().unwrap_or(0).max(1);
        match user.role {
            Role::Accountant => accountants += behind,
            role if role.is_billable() => total += behind,
            _ => continue,
        }
        if behind > 1 {
            shared_logins.insert(user.login.clone(), behind);
        }
    }
    total += accountants.saturating_sub(plan.free_accountants());
    let limit = plan.limit;
    EffectiveSeats {
        limit,
        people: total,
        over_by: i64::from(total) - i64::from(limit),
        shared_logins,
    }
}

/// Monthly list prices, in cents, by plan. Lives in config; a missing field keeps its default.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct PlanCatalog {
    pub currency: String,
    pub simple_start_monthly_cents: i64,
    pub essentials_monthly_cents: i64,
    pub plus_monthly_cents: i64,
    pub advanced_monthly_cents: i64,
}

impl Default for PlanCatalog {
    fn default() -> Self {
        PlanCatalog {
            currency: "USD".to_string(),
            simple_start_monthly_cents: 1900,
            essentials_monthly_cents: 3300,
            plus_monthly_cents: 4700,
            advanced_monthly_cents: 10000,
        }
    }
}

impl PlanCatalog {
    /// The list price; a custom plan has none.
    pub fn monthly_cents(&self, plan: Plan) -> Option<i64> {
        match plan {
            Plan::SimpleStart => Some(self.simple_start_monthly_cents),
            Plan::Essentials => Some(self.essentials_monthly_cents),
            Plan::Plus => Some(self.plus_monthly_cents),
            Plan::Advanced => Some(self.advanced_monthly_cents),
            Plan::Custom => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn user(login: &str, role: Role) -> SeatUser {
        SeatUser {
            login: login.into(),
            role,
            active: true,
            external: false,
            created_at: None,
        }
    }

    fn listed(plan: Plan) -> SeatPlan {
        SeatPlan::new(plan, None)
    }

    #[test]
    fn seat_plans_take_identity_limits() {
        assert_eq!(listed(Plan::Plus).limit, 5);
        assert_eq!(SeatPlan::new(Plan::Custom, Some(12)).limit, 12);
        assert_eq!(SeatPlan::new(Plan::Custom, Some(-3)).limit, 0);
        assert_eq!(listed(Plan::Advanced).free_accountants(), 3);
        assert_eq!(
            serde_json::to_value(SeatPlan::new(Plan::Custom, Some(12))).ok(),
            Some(serde_json::json!({"plan": "custom", "limit": 12}))
        );
    }

    #[test]
    fn third_accountant_counts_and_disabled_users_do_not() {
        let mut users = vec![
            user("owner@x", Role::PrimaryAdmin),
            user("a1@x", Role::Accountant),
            user("a2@x", Role::Accountant),
            user("a3@x", Role::Accountant),
            user("viewer@x", Role::ReportsOnly),
            user("gone@x", Role::StandardAll),
        ];
        users[5].active = false;
        let count = count_seats(&users, listed(Plan::Plus));
        assert_eq!(count.billable_total, 2);
        assert_eq!(count.accountants_billable, 1);
        assert_eq!(count.free_by_role.get(&Role::Accountant), Some(&2));
        assert_eq!(count.free_by_role.get(&Role::ReportsOnly), Some(&1));
        assert_eq!(count.over_by, -3);
        assert_eq!(
            count.billable_logins,
            vec!["owner@x".to_string(), "a3@x".to_string()]
        );
        // Advanced gives three free accountants.
        assert_eq!(
            count_seats(&users, listed(Plan::Advanced)).billable_total,
            1
        );
    }

    #[test]
    fn external_logins_count_and_free_roles_follow_the_plan() {
        let mut users = vec![
            user("a@x", Role::StandardAll),
            user("b@x", Role::StandardSales),
        ];
        users[1].external = true;
        users.push(user("clock@x", Role::TimeTracking));
        users.push(user("viewer@x", Role::ReportsOnly));
        let count = count_seats(&users, listed(Plan::Essentials));
        assert_eq!(count.billable_total, 2);
        assert_eq!(count.external_billable, 1);
        assert_eq!(count.not_allowed_on_plan, vec!["viewer@x".to_string()]);
        assert_eq!(count_seats(&users, listed(Plan::SimpleStart)).over_by, 1);
    }

    #[test]
    fn effective_seats_count_people_behind_logins() {
        let users = vec![
            user("owner@x", Role::PrimaryAdmin),
            user("sales@x", Role::StandardSales),
            user("books@x", Role::Accountant),
            user("viewer@x", Role::ReportsOnly),
        ];
        let people = HashMap::from([("sales@x", 4), ("books@x", 3), ("viewer@x", 2)]);
        let effective = effective_seats(&users, listed(Plan::Plus), &people);
        assert_eq!(effective.people, 1 + 4 + 1);
        assert_eq!(effective.over_by, 1);
        assert_eq!(effective.shared_logins.get("sales@x"), Some(&4));
    }

    #[test]
    fn catalog_defaults_fill_missing_prices() {
        let catalog: PlanCatalog =
            serde_json::from_str(r#"{"plus_monthly_cents": 5000}"#).unwrap_or_default();
        assert_eq!(catalog.monthly_cents(Plan::Plus), Some(5000));
        assert_eq!(catalog.monthly_cents(Plan::Advanced), Some(10000));
        assert_eq!(catalog.monthly_cents(Plan::Custom), None);
    }
}
