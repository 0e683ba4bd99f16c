//! Logins of another app's events that no user of the company has: written into identity's
//! users as external users, who hold seats and cannot sign in.

use std::collections::{BTreeMap, HashSet};

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::identity::models::{status, UserRow};
use crate::identity::Role;
use crate::store::schema::users;
use crate::store::DbConnection;

/// Adds the logins no user of the company has yet, as external users with their role: they
/// hold seats as the other app counts them, and cannot sign in here. Returns their emails.
pub fn create_external_users(
    conn: &mut DbConnection,
    company_id: &str,
    logins: &BTreeMap<String, Role>,
    now: NaiveDateTime,
) -> QueryResult<Vec<String>> {
    let known: HashSet<String> = users::table
        .filter(users::company_id.eq(company_id))
        .select(users::email)
        .load::<String>(conn)?
        .into_iter()
        .collect();
    let mut created = Vec::new();
    for (login, role) in logins.iter().filter(|(l, _)| !known.contains(*l)) {
        let user = UserRow {
            id: uuid::Uuid::now_v7().to_string(),
            company_id: company_id.to_owned(),
            email: login.clone(),
            display_name: login.clone(),
            role: role.as_str().to_owned(),
            password_hash: None,
            status: status::EXTERNAL.to_owned(),
            invitation_hash: None,
            version: 1,
            created_at: now,
            updated_at: now,
        };
        diesel::insert_into(users::table)
            .values(&user)
            .execute(conn)?;
        created.push(login.clone());
    }
    Ok(created)
}
