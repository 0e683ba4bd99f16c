//! The company and its users as seat counting sees them.

use diesel::prelude::*;

use crate::identity::models::{status, CompanyRow, UserRow};
use crate::identity::{Plan, Role};
use crate::seats::plans::{SeatPlan, SeatUser};
use crate::store::schema::{companies, users};
use crate::store::DbConnection;

pub fn seat_plan(company: &CompanyRow) -> SeatPlan {
    let plan = Plan::parse(&company.plan).unwrap_or(Plan::Custom);
    SeatPlan::new(plan, company.custom_seat_limit)
}

/// The company's users, oldest first (the order decides which accountants are free).
pub fn company_users(conn: &mut DbConnection, company_id: &str) -> QueryResult<Vec<UserRow>> {
    users::table
        .filter(users::company_id.eq(company_id))
        .order((users::created_at.asc(), users::id.asc()))
        .select(UserRow::as_select())
        .load(conn)
}

/// Users as seat counting sees them: disabled users hold no seat; invited and external ones do.
pub fn seat_users(rows: &[UserRow]) -> Vec<SeatUser> {
    rows.iter()
        .map(|user| SeatUser {
            login: user.email.clone(),
            role: Role::parse(&user.role).unwrap_or(Role::StandardAll),
            active: user.status != status::DISABLED,
            external: user.status == status::EXTERNAL,
            created_at: Some(user.created_at.and_utc()),
        })
        .collect()
}

/// Every company, oldest first (the command line audits them all).
pub fn company_ids(conn: &mut DbConnection) -> QueryResult<Vec<String>> {
    companies::table
        .order((companies::created_at.asc(), companies::id.asc()))
        .select(companies::id)
        .load(conn)
}
