//! The decision point for external apps: the same policies decide for another accounting
//! app, on its users and resources, and every decision goes to the same log.

use std::collections::HashMap;

use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde::Serialize;

use super::decision_log::PendingDecision;
use super::errors::AuthzError;
use super::{
    load_company_rules, Action, Actor, Authz, CompanyRules, Options, Resource, ResourceKind,
};
use crate::identity::sessions::hash_token;
use crate::identity::Role;
use crate::store::schema::{api_keys, users};
use crate::store::DbConnection;

/// Requests in one batch call.
pub const MAX_BATCH: usize = 100;
const API_KEY_PREFIX: &str = "swk_";

#[derive(Debug, Clone, Queryable, Selectable, Insertable, Serialize)]
#[diesel(table_name = api_keys)]
pub struct ApiKeyRow {
    pub id: String,
    pub company_id: String,
    pub name: String,
    #[serde(skip)]
    pub key_hash: String,
    pub created_by: String,
    pub created_at: NaiveDateTime,
    pub revoked_at: Option<NaiveDateTime>,
}

/// What deciding for a user needs of their row; the password hash stays in the database.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = users)]
pub struct PrincipalRow {
    pub id: String,
    pub company_id: String,
    pub email: String,
    pub role: String,
    pub status: String,
}

/// Whom an external request is about: a Seatwarden user of the calling company.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum PrincipalRef {
    UserId(String),
    Email(String),
}

/// One question from an external app, parsed.
#[derive(Debug, Clone)]
pub struct ExternalRequest {
    pub principal: PrincipalRef,
    pub action: Action,
    /// Its `company_id` is replaced by the caller's: an app decides only for its own company.
    pub resource: Resource,
    pub options: Options,
    pub session_id: Option<String>,
    pub session_flagged: bool,
    pub client_ip: Option<String>,
}

pub fn is_api_key(token: &str) -> bool {
    token.starts_with(API_KEY_PREFIX)
}

/// Issues a key for the company's external apps; the key is shown once.
pub fn create_api_key(
    conn: &mut DbConnection,
    authz: &Authz,
    actor: &Actor,
    company_id: &str,
    name: &str,
) -> Result<(ApiKeyRow, String), AuthzError> {
    let resource = Resource::company_wide(ResourceKind::Settings, company_id);
    authz.authorize(
        conn,
        actor,
        Action::EditSettings,
        &resource,
        Options::default(),
    )??;
    let key = format!("{API_KEY_PREFIX}{}", uuid::Uuid::new_v4().simple());
    let row = ApiKeyRow {
        id: uuid::Uuid::now_v7().to_string(),
        company_id: company_id.to_owned(),
        name: name.to_owned(),
        key_hash: hash_token(&key),
        created_by: actor.user_id.clone(),
        created_at: crate::clock::now(),
        revoked_at: None,
    };
    diesel::insert_into(api_keys::table)
        .values(&row)
        .execute(conn)?;
    Ok((row, key))
}

/// The company an API key belongs to, if the key is valid and not revoked.
pub fn authenticate_api_key(conn: &mut DbConnection, key: &str) -> Result<String, AuthzError> {
    api_keys::table
        .filter(api_keys::key_hash.eq(hash_token(key)))
        .filter(api_keys::revoked_at.is_null())
        .select(api_keys::company_id)
        .get_result(conn)
        .optional()?
        .ok_or(AuthzError::Unauthenticated)
}

/// An admin session may use the decision point too; that use is itself a decision.
pub fn authorize_session_caller(
    conn: &mut DbConnection,
    authz: &Authz,
    actor: &Actor,
) -> Result<(), AuthzError> {
    let resource = Resource::company_wide(ResourceKind::Settings, &actor.company_id);
    authz.authorize(
        conn,
        actor,
        Action::UseDecisionPoint,
        &resource,
        Options::default(),
    )??;
    Ok(())
}

/// Who asks the decision point.
#[derive(Debug, Clone)]
pub enum Caller {
    /// An external app, by its company's API key, checked in the transaction that decides.
    ApiKey(String),
    /// An admin session of this company, already allowed to use the decision point.
    Company(String),
}

/// Rows read once per transaction: the questions answered together share them.
#[derive(Default)]
pub struct Lookups {
    companies_by_key: HashMap<String, Option<String>>,
    rules: HashMap<String, CompanyRules>,
    principals: HashMap<(String, PrincipalRef), Option<PrincipalRow>>,
}

impl Lookups {
    /// Reads the principals of many callers' questions with one query per company and kind
    /// of reference, instead of one point look-up per question.
    pub fn preload<'a>(
        &mut self,
        conn: &mut DbConnection,
        questions: impl IntoIterator<Item = (&'a Caller, &'a [ExternalRequest])>,
    ) -> Result<(), AuthzError> {
        let mut wanted: HashMap<String, (Vec<&'a str>, Vec<&'a str>)> = HashMap::new();
        for (caller, requests) in questions {
            let company_id = match caller {
                Caller::ApiKey(key) => match self.company_for_key(conn, key)? {
                    Some(company_id) => company_id,
                    None => continue,
                },
                Caller::Company(company_id) => company_id.clone(),
            };
            let (ids, emails) = wanted.entry(company_id).or_default();
            for request in requests {
                match &request.principal {
                    PrincipalRef::UserId(id) => ids.push(id),
                    PrincipalRef::Email(email) => emails.push(email),
                }
            }
        }
        for (company_id, (mut ids, mut emails)) in wanted {
            for (refs, by_email) in [(&mut ids, false), (&mut emails, true)] {
                refs.sort_unstable();
                refs.dedup();
                let found = load_principals(conn, &company_id, refs, by_email)?;
                for reference in refs.iter() {
                    let user = found
                        .iter()
                        .find(|user| reference == if by_email { &user.email } else { &user.id })
                        .cloned();
                    let principal = if by_email {
                        PrincipalRef::Email((*reference).to_owned())
                    } else {
                        PrincipalRef::UserId((*reference).to_owned())
                    };
                    self.principals
                        .insert((company_id.clone(), principal), user);
                }
            }
        }
        Ok(())
    }

    fn company_for_key(
        &mut self,
        conn: &mut DbConnection,
        key: &str,
    ) -> Result<Option<String>, AuthzError> {
        if let Some(company) = self.companies_by_key.get(key) {
            return Ok(company.clone());
        }
        let company = match authenticate_api_key(conn, key) {
            Ok(company) => Some(company),
            Err(AuthzError::Unauthenticated) => None,
            Err(error) => return Err(error),
        };
        self.companies_by_key
            .insert(key.to_owned(), company.clone());
        Ok(company)
    }

    fn rules(
        &mut self,
        conn: &mut DbConnection,
        company_id: &str,
    ) -> Result<CompanyRules, diesel::result::Error> {
        if let Some(rules) = self.rules.get(company_id) {
            return Ok(rules.clone());
        }
        let rules = load_company_rules(conn, company_id)?;
        self.rules.insert(company_id.to_owned(), rules.clone());
        Ok(rules)
    }

    fn principal(
        &mut self,
        conn: &mut DbConnection,
        company_id: &str,
        principal: &PrincipalRef,
    ) -> Result<Option<&PrincipalRow>, diesel::result::Error> {
        let key = (company_id.to_owned(), principal.clone());
        if !self.principals.contains_key(&key) {
            let user = load_principal(conn, company_id, principal)?;
            self.principals.insert(key.clone(), user);
        }
        Ok(self.principals[&key].as_ref())
    }
}

/// Decides every question of one caller, within its company's budget (`admit`); the
/// decisions are returned to be logged before anyone is answered.
pub fn decide_for_caller(
    conn: &mut DbConnection,
    authz: &Authz,
    lookups: &mut Lookups,
    caller: &Caller,
    requests: &[ExternalRequest],
    admit: impl Fn(&str, usize) -> bool,
) -> Result<Vec<PendingDecision>, AuthzError> {
    let company_id = match caller {
        Caller::ApiKey(key) => lookups
            .company_for_key(conn, key)?
            .ok_or(AuthzError::Unauthenticated)?,
        Caller::Company(company_id) => company_id.clone(),
    };
    if !admit(&company_id, requests.len()) {
        return Err(AuthzError::RateLimited);
    }
    let rules = lookups.rules(conn, &company_id)?;
    let mut decisions = Vec::with_capacity(requests.len());
    for request in requests {
        let actor = lookups
            .principal(conn, &company_id, &request.principal)?
            .and_then(|user| external_actor(user, request));
        decisions.push(match actor {
            Some(actor) => {
                let resource = Resource {
                    company_id: company_id.clone(),
                    ..request.resource.clone()
                };
                let verdict = authz.engine().decide(
                    &actor,
                    &rules,
                    request.action,
                    &resource,
                    request.options,
                );
                authz.pending(&actor, request.action, &resource, verdict)
            }
            None => unknown_principal(authz, &company_id, request),
        });
    }
    Ok(decisions)
}

/// The company's users among `refs` (ids, or emails when `by_email`): one query using the
/// index of that column, never a scan of the company.
fn load_principals(
    conn: &mut DbConnection,
    company_id: &str,
    refs: &[&str],
    by_email: bool,
) -> Result<Vec<PrincipalRow>, diesel::result::Error> {
    if refs.is_empty() {
        return Ok(Vec::new());
    }
    if by_email {
        users::table
            .filter(users::company_id.eq(company_id))
            .filter(users::email.eq_any(refs))
            .select(PrincipalRow::as_select())
            .load(conn)
    } else {
        // By primary key alone: with the company in the query too, SQLite may prefer the
        // company's index and scan all its users. Another company's user is dropped here.
        let mut found: Vec<PrincipalRow> = users::table
            .filter(users::id.eq_any(refs))
            .select(PrincipalRow::as_select())
            .load(conn)?;
        found.retain(|user| user.company_id == company_id);
        Ok(found)
    }
}

/// One indexed point look-up: a fixed statement SQLite keeps prepared, whose cost does not
/// grow with the company.
fn load_principal(
    conn: &mut DbConnection,
    company_id: &str,
    principal: &PrincipalRef,
) -> Result<Option<PrincipalRow>, diesel::result::Error> {
    let query = users::table
        .filter(users::company_id.eq(company_id))
        .select(PrincipalRow::as_select());
    match principal {
        PrincipalRef::UserId(id) => query.filter(users::id.eq(id)).get_result(conn).optional(),
        PrincipalRef::Email(email) => query
            .filter(users::email.eq(email))
            .get_result(conn)
            .optional(),
    }
}

/// None when the stored role is not one of ours: such a principal is denied, never given a
/// role it does not hold.
fn external_actor(user: &PrincipalRow, request: &ExternalRequest) -> Option<Actor> {
    Some(Actor {
        user_id: user.id.clone(),
        company_id: user.company_id.clone(),
        role: Role::parse(&user.role)?,
        active: user.status == crate::identity::models::status::ACTIVE
            || user.status == crate::identity::models::status::EXTERNAL,
        session_id: request.session_id.clone(),
        session_flagged: request.session_flagged,
        client_ip: request.client_ip.clone(),
    })
}

/// A principal the company does not have (or with no known role) is denied, and the denial is logged like any other.
fn unknown_principal(
    authz: &Authz,
    company_id: &str,
    request: &ExternalRequest,
) -> PendingDecision {
    let (user_id, label) = match &request.principal {
        PrincipalRef::UserId(id) => (Some(id.clone()), id.clone()),
        PrincipalRef::Email(email) => (None, email.clone()),
    };
    PendingDecision {
        id: uuid::Uuid::now_v7().to_string(),
        company_id: company_id.to_owned(),
        decided_at: crate::clock::now(),
        user_id,
        session_id: request.session_id.clone(),
        action: request.action.name().to_owned(),
        resource_type: request.resource.kind.type_name().to_owned(),
        resource_id: request.resource.id.clone(),
        allowed: false,
        policy_ids: Vec::new(),
        errors: vec![format!(
            "unknown principal `{label}` in this company, or no known role"
        )],
        client_ip: request.client_ip.clone(),
        policy_version: authz.engine().version().to_owned(),
    }
}
