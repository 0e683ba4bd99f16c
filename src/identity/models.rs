//! Rows of the identity tables and the views the API shows of them.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use serde::Serialize;

use crate::clock::rfc3339;
pub use crate::roles::user_status as status;
use crate::store::schema::{companies, sessions, users};

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = companies)]
pub struct CompanyRow {
    pub id: String,
    pub name: String,
    pub plan: String,
    pub custom_seat_limit: Option<i64>,
    pub locale: String,
    pub enforcement_mode: String,
    pub sod_enabled: bool,
    pub closing_date: Option<NaiveDate>,
    pub version: i64,
    pub lock_seq: i64,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = users)]
pub struct UserRow {
    pub id: String,
    pub company_id: String,
    pub email: String,
    pub display_name: String,
    pub role: String,
    pub password_hash: Option<String>,
    pub status: String,
    pub invitation_hash: Option<String>,
    pub version: i64,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = sessions)]
pub struct SessionRow {
    pub id: String,
    pub company_id: String,
    pub user_id: String,
    pub token_hash: String,
    pub created_at: NaiveDateTime,
    pub last_seen_at: NaiveDateTime,
    pub expires_at: NaiveDateTime,
    pub ended_at: Option<NaiveDateTime>,
    pub end_reason: Option<String>,
    pub ip: Option<String>,
    pub user_agent: Option<String>,
    pub device_id: Option<String>,
    pub flagged: bool,
}

#[derive(Debug, Clone, Serialize, PartialEq, utoipa::ToSchema)]
pub struct CompanyView {
    pub id: String,
    pub name: String,
    pub plan: String,
    pub custom_seat_limit: Option<i64>,
    pub locale: String,
    pub enforcement_mode: String,
    pub sod_enabled: bool,
    pub closing_date: Option<NaiveDate>,
    pub version: i64,
    pub created_at: String,
}

impl From<CompanyRow> for CompanyView {
    fn from(row: CompanyRow) -> Self {
        Self {
            id: row.id,
            name: row.name,
            plan: row.plan,
            custom_seat_limit: row.custom_seat_limit,
            locale: row.locale,
            enforcement_mode: row.enforcement_mode,
            sod_enabled: row.sod_enabled,
            closing_date: row.closing_date,
            version: row.version,
            created_at: rfc3339(row.created_at),
        }
    }
}

#[derive(Debug, Clone, Serialize, PartialEq, utoipa::ToSchema)]
pub struct UserView {
    pub id: String,
    pub company_id: String,
    pub email: String,
    pub display_name: String,
    pub role: String,
    pub status: String,
    pub version: i64,
    pub created_at: String,
    pub updated_at: String,
}

impl From<UserRow> for UserView {
    fn from(row: UserRow) -> Self {
        Self {
            id: row.id,
            company_id: row.company_id,
            email: row.email,
            display_name: row.display_name,
            role: row.role,
            status: row.status,
            version: row.version,
            created_at: rfc3339(row.created_at),
            updated_at: rfc3339(row.updated_at),
        }
    }
}

#[derive(Debug, Clone, Serialize, PartialEq, utoipa::ToSchema)]
pub struct SessionView {
    pub id: String,
    pub user_id: String,
    pub created_at: String,
    pub last_seen_at: String,
    pub expires_at: String,
    pub ended_at: Option<String>,
    pub end_reason: Option<String>,
    pub ip: Option<String>,
    pub user_agent: Option<String>,
    pub device_id: Option<String>,
    pub active: bool,
    pub flagged: bool,
}

impl From<SessionRow> for SessionView {
    fn from(row: SessionRow) -> Self {
        Self {
            active: row.ended_at.is_none(),
            id: row.id,
            user_id: row.user_id,
            created_at: rfc3339(row.created_at),
            last_seen_at: rfc3339(row.last_seen_at),
            expires_at: rfc3339(row.expires_at),
            ended_at: row.ended_at.map(rfc3339),
            end_reason: row.end_reason,
            ip: row.ip,
            user_agent: row.user_agent,
            device_id: row.device_id,
            flagged: row.flagged,
        }
    }
}
