//! Roles, plans and user statuses of ROLES.md, parsed once at the edge: what identity
//! stores and authorization decides by, so it sits below both.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    PrimaryAdmin,
    CompanyAdmin,
    StandardAll,
    StandardSales,
    StandardPurchases,
    ReportsOnly,
    TimeTracking,
    Accountant,
}

impl Role {
    pub const ALL: [Role; 8] = [
        Role::PrimaryAdmin,
        Role::CompanyAdmin,
        Role::StandardAll,
        Role::StandardSales,
        Role::StandardPurchases,
        Role::ReportsOnly,
        Role::TimeTracking,
        Role::Accountant,
    ];

    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|role| role.as_str() == text)
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Role::PrimaryAdmin => "primary_admin",
            Role::CompanyAdmin => "company_admin",
            Role::StandardAll => "standard_all",
            Role::StandardSales => "standard_sales",
            Role::StandardPurchases => "standard_purchases",
            Role::ReportsOnly => "reports_only",
            Role::TimeTracking => "time_tracking",
            Role::Accountant => "accountant",
        }
    }

    /// Always billable, whatever the plan. Accountants are billable only past the plan's
    /// free count, which `seats` decides.
    pub fn is_billable(self) -> bool {
        matches!(
            self,
            Role::PrimaryAdmin
                | Role::CompanyAdmin
                | Role::StandardAll
                | Role::StandardSales
                | Role::StandardPurchases
        )
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Plan {
    SimpleStart,
    Essentials,
    Plus,
    Advanced,
    Custom,
}

impl Plan {
    pub const ALL: [Plan; 5] = [
        Plan::SimpleStart,
        Plan::Essentials,
        Plan::Plus,
        Plan::Advanced,
        Plan::Custom,
    ];

    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|plan| plan.as_str() == text)
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Plan::SimpleStart => "simple_start",
            Plan::Essentials => "essentials",
            Plan::Plus => "plus",
            Plan::Advanced => "advanced",
            Plan::Custom => "custom",
        }
    }

    /// Billable users the plan allows; a custom plan carries the company's own limit.
    pub fn seat_limit(self, custom_limit: Option<i64>) -> i64 {
        match self {
            Plan::SimpleStart => 1,
            Plan::Essentials => 3,
            Plan::Plus => 5,
            Plan::Advanced => 25,
            Plan::Custom => custom_limit.unwrap_or(0),
        }
    }

    /// Accountant users that do not take a billable seat.
    pub fn free_accountants(self) -> i64 {
        match self {
            Plan::Advanced => 3,
            _ => 2,
        }
    }

    /// Whether the plan admits a user of this free role at all.
    pub fn admits_free_role(self, role: Role) -> bool {
        !matches!(
            (self, role),
            (Plan::SimpleStart, Role::ReportsOnly | Role::TimeTracking)
                | (Plan::Essentials, Role::ReportsOnly)
        )
    }
}

/// Whether a user with `role` takes a billable seat, given how many accountants already hold
/// free places before it.
pub fn takes_billable_seat(role: Role, plan: Plan, accountants_before: i64) -> bool {
    role.is_billable()
        || (role == Role::Accountant && accountants_before >= plan.free_accountants())
}

/// User statuses as stored.
pub mod user_status {
    pub const ACTIVE: &str = "active";
    pub const DISABLED: &str = "disabled";
    /// Added without a password: waits for the invitation to be accepted.
    pub const INVITED: &str = "invited";
    /// A login imported from another app: counts as a seat, cannot sign in here.
    pub const EXTERNAL: &str = "external";
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_role_round_trips_through_its_name() {
        for role in Role::ALL {
            assert_eq!(Role::parse(role.as_str()), Some(role));
        }
        assert_eq!(Role::parse("admin"), None);
    }

    #[test]
    fn the_third_accountant_takes_a_seat_on_plus_but_not_on_advanced() {
        assert!(!takes_billable_seat(Role::Accountant, Plan::Plus, 1));
        assert!(takes_billable_seat(Role::Accountant, Plan::Plus, 2));
        assert!(!takes_billable_seat(Role::Accountant, Plan::Advanced, 2));
        assert!(!takes_billable_seat(Role::ReportsOnly, Plan::Plus, 10));
    }
}
