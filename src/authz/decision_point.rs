//! The decision point for external apps: the same policies decide for another accounting
//! app, on its users and resources, and every decision goes to the same log.

use std::collections::HashMap;
use std::sync::Arc;

use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde::Serialize;

use super::decision_log::PendingDecision;
use super::errors::AuthzError;
use super::{
    load_company_setup, Action, Actor, Authz, CompanyRules, Engine, Engines, Options, Resource,
    ResourceKind,
};
use crate::roles::{user_status, Role};
use crate::store::schema::{api_keys, users};
use crate::store::DbConnection;
use crate::tokens::hash_token;

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
    )?;
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
    )?;
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

/// What deciding a batch of questions reads, read once for all of them: the callers'
/// companies, each company's rules, and every principal asked about.
pub struct Lookups {
    companies_by_key: HashMap<String, Option<String>>,
    /// Each company's rules and the engine of its active policies.
    rules: HashMap<String, (CompanyRules, Result<Arc<Engine>, String>)>,
    principals: HashMap<(String, PrincipalRef), PrincipalRow>,
}

impl Lookups {
    /// One query per API key and per company for the rules; the principals with one query
    /// per company and kind of reference, instead of one look-up per question.
    pub fn load<'a>(
        conn: &mut DbConnection,
        engines: &Engines,
        questions: impl IntoIterator<Item = (&'a Caller, &'a [ExternalRequest])>,
    ) -> Result<Self, AuthzError> {
        let mut companies_by_key = HashMap::new();
        let mut wanted: HashMap<String, (Vec<&'a str>, Vec<&'a str>)> = HashMap::new();
        for (caller, requests) in questions {
            let company_id = match caller {
                Caller::ApiKey(key) => {
                    if !companies_by_key.contains_key(key) {
                        let company = match authenticate_api_key(conn, key) {
                            Ok(company) => Some(company),
                            Err(AuthzError::Unauthenticated) => None,
                            Err(error) => return Err(error),
                        };
                        companies_by_key.insert(key.clone(), company);
                    }
                    match &companies_by_key[key] {
                        Some(company_id) => company_id.clone(),
                        None => continue,
                    }
                }
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
        let mut rules = HashMap::new();
        let mut principals = HashMap::new();
        for (company_id, (mut ids, mut emails)) in wanted {
            let setup = load_company_setup(conn, &company_id)?;
            let engine = engines.for_company(conn, &company_id, setup.policy_hash.as_deref());
            rules.insert(company_id.clone(), (setup.rules, engine));
            for (refs, by_email) in [(&mut ids, false), (&mut emails, true)] {
                refs.sort_unstable();
                refs.dedup();
                for user in load_principals(conn, &company_id, refs, by_email)? {
                    let principal = if by_email {
                        PrincipalRef::Email(user.email.clone())
                    } else {
                        PrincipalRef::UserId(user.id.clone())
                    };
                    principals.insert((company_id.clone(), principal), user);
                }
            }
        }
        Ok(Self {
            companies_by_key,
            rules,
            principals,
        })
    }

    fn principal(&self, company_id: &str, principal: &PrincipalRef) -> Option<&PrincipalRow> {
        self.principals
            .get(&(company_id.to_owned(), principal.clone()))
    }
}

/// Decides every question of one caller, within its company's budget (`admit`), from what
/// `lookups` read; the decisions are returned to be logged before anyone is answered.
pub fn decide_for_caller(
    authz: &Authz,
    lookups: &Lookups,
    caller: &Caller,
    requests: &[ExternalRequest],
    admit: impl Fn(&str, usize) -> bool,
) -> Result<Vec<PendingDecision>, AuthzError> {
    let company_id = match caller {
        Caller::ApiKey(key) => lookups
            .companies_by_key
            .get(key)
            .cloned()
            .flatten()
            .ok_or(AuthzError::Unauthenticated)?,
        Caller::Company(company_id) => company_id.clone(),
    };
    if !admit(&company_id, requests.len()) {
        return Err(AuthzError::RateLimited);
    }
    let Some((rules, engine)) = lookups.rules.get(&company_id) else {
        return Err(AuthzError::GroupCommit(format!(
            "the rules of company `{company_id}` were not read with its batch"
        )));
    };
    Ok(requests
        .iter()
        .map(|request| {
            let actor = lookups
                .principal(&company_id, &request.principal)
                .and_then(|user| external_actor(user, request));
            match actor {
                Some(actor) => {
                    let resource = Resource {
                        company_id: company_id.clone(),
                        ..request.resource.clone()
                    };
                    authz.decide(
                        engine.as_deref().map_err(String::as_str),
                        &actor,
                        rules,
                        request.action,
                        &resource,
                        request.options,
                    )
                }
                None => unknown_principal(authz, &company_id, request),
            }
        })
        .collect())
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

/// None when the stored role is not one of ours: such a principal is denied, never given a
/// role it does not hold.
fn external_actor(user: &PrincipalRow, request: &ExternalRequest) -> Option<Actor> {
    Some(Actor {
        user_id: user.id.clone(),
        company_id: user.company_id.clone(),
        role: Role::parse(&user.role)?,
        active: user.status == user_status::ACTIVE || user.status == user_status::EXTERNAL,
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
        inputs: None,
    }
}
