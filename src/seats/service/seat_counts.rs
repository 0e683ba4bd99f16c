//! Seats against the plan with the people behind them, and the advice of an audit of the
//! data as it is now.

use std::collections::{BTreeMap, HashMap};

use serde::Serialize;

use super::audit_runs::{read_audit, AuditConfig};
use crate::authz::{Actor, Authz};
use crate::clock::rfc3339;
use crate::identity::companies::find_company;
use crate::identity::Role;
use crate::seats::advice::SeatAdvice;
use crate::seats::error::SeatsError;
use crate::seats::plans::{count_seats, effective_seats};
use crate::seats::settings::{authorize_seats_view, counts_probable_sharing};
use crate::seats::storage;
use crate::store::DbConnection;

/// Seats against the plan, with the people the last audit proved behind the billable logins.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct SeatsView {
    pub plan: String,
    pub limit: u32,
    pub billable_total: u32,
    #[schema(value_type = Object)]
    pub billable_by_role: BTreeMap<Role, u32>,
    #[schema(value_type = Object)]
    pub free_by_role: BTreeMap<Role, u32>,
    pub accountants: AccountantSeats,
    /// Billable users minus the limit; negative means seats left.
    pub over_by: i64,
    pub over_limit: bool,
    pub external_billable: u32,
    pub billable_logins: Vec<String>,
    /// Active users whose free role the plan does not admit.
    pub not_allowed_on_plan: Vec<String>,
    /// People behind the billable logins (a proven lower bound from unresolved shared-login
    /// findings, at least one per login; with `count_probable_sharing`, their estimates).
    pub estimated_people: u32,
    /// Estimated people minus the limit.
    pub effective_over_by: i64,
    #[schema(value_type = Object)]
    pub shared_logins: BTreeMap<String, u32>,
    pub last_audit_at: Option<String>,
    /// Whether the company counts probable (hand-over) sharing in these figures.
    pub count_probable_sharing: bool,
}

/// Accountant users per ROLES.md: free up to the plan's allowance, billable beyond.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct AccountantSeats {
    pub total: u32,
    pub free_allowance: u32,
    pub free: u32,
    pub billable: u32,
}

pub fn seats(
    conn: &mut DbConnection,
    authz: &Authz,
    actor: &Actor,
    company_id: &str,
) -> Result<SeatsView, SeatsError> {
    authorize_seats_view(conn, authz, actor, company_id)?;
    let company = find_company(conn, company_id)?;
    let plan = storage::users::seat_plan(&company);
    let users = storage::users::seat_users(&storage::users::company_users(conn, company_id)?);
    let seats = count_seats(&users, plan);
    let count_probable_sharing = counts_probable_sharing(conn, company_id)?;
    let headcounts =
        storage::findings::unresolved_headcounts(conn, company_id, count_probable_sharing)?;
    let people: HashMap<&str, u32> = headcounts
        .iter()
        .map(|(login, people)| (login.as_str(), *people))
        .collect();
    let effective = effective_seats(&users, plan, &people);
    let accountants_total = users
        .iter()
        .filter(|user| user.active && user.role == Role::Accountant)
        .count() as u32;
    Ok(SeatsView {
        plan: seats.plan.as_str().to_owned(),
        limit: seats.limit,
        billable_total: seats.billable_total,
        accountants: AccountantSeats {
            total: accountants_total,
            free_allowance: plan.free_accountants(),
            free: accountants_total - seats.accountants_billable,
            billable: seats.accountants_billable,
        },
        over_by: seats.over_by,
        over_limit: seats.over_by > 0,
        external_billable: seats.external_billable,
        billable_by_role: seats.billable_by_role,
        free_by_role: seats.free_by_role,
        billable_logins: seats.billable_logins,
        not_allowed_on_plan: seats.not_allowed_on_plan,
        estimated_people: effective.people,
        effective_over_by: effective.over_by,
        shared_logins: effective.shared_logins,
        last_audit_at: storage::runs::last_run_at(conn, company_id)?.map(rfc3339),
        count_probable_sharing,
    })
}

/// The advice of an audit of the data as it is now; nothing is stored.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct SeatAdviceView {
    pub audited_at: String,
    /// current_plan, people_observed, recommended_plan, billable_needed, role_mix, splits,
    /// reasons...
    #[schema(value_type = Object)]
    pub advice: SeatAdvice,
}

pub fn seat_advice(
    conn: &mut DbConnection,
    authz: &Authz,
    actor: &Actor,
    company_id: &str,
    config: &AuditConfig,
) -> Result<SeatAdviceView, SeatsError> {
    authorize_seats_view(conn, authz, actor, company_id)?;
    let audit = read_audit(conn, company_id, config)?;
    Ok(SeatAdviceView {
        audited_at: rfc3339(audit.now),
        advice: audit.outcome.advice,
    })
}
