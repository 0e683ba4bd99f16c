//! Authorization: every action of the service is decided by Cedar and logged.

pub mod action_queue;
pub mod actions;
pub mod decision_log;
pub mod decision_point;
pub mod decisions;
mod deferred;
pub mod engine;
pub mod errors;
pub mod group_commit;
pub mod policy_files;
mod policy_slices;
pub mod policy_tests;
mod reads;
pub mod resource;

use diesel::prelude::*;
use include_dir::{include_dir, Dir};

pub use action_queue::ActionQueue;
pub use actions::Action;
pub use engine::{Actor, CompanyRules, Engine, Options, Verdict};
pub use errors::AuthzError;
pub use reads::{read, read_then_act};
pub use resource::{Resource, ResourceKind};

use decision_log::PendingDecision;
use policy_files::{LoadedPolicies, PolicyLoadError};

use crate::store::schema::companies;
use crate::store::{DbConnection, StoreError};

/// The policies shipped in the binary, so `serve` works in an empty directory.
static BUILTIN_POLICIES: Dir<'static> = include_dir!("$CARGO_MANIFEST_DIR/policies");

pub const SCHEMA_FILE: &str = "schema.cedarschema";

/// The built-in schema and policy texts, by file name.
pub fn builtin_sources() -> (String, Vec<(String, String)>) {
    let mut schema = String::new();
    let mut sources = Vec::new();
    for file in BUILTIN_POLICIES.files() {
        let name = file.path().to_string_lossy().into_owned();
        let text = file.contents_utf8().unwrap_or_default().to_owned();
        if name == SCHEMA_FILE {
            schema = text;
        } else if name.ends_with(".cedar") {
            sources.push((name, text));
        }
    }
    sources.sort();
    (schema, sources)
}

pub fn load_builtin() -> Result<LoadedPolicies, PolicyLoadError> {
    let (schema, sources) = builtin_sources();
    policy_files::load_policy_sources(&schema, &sources)
}

/// An action the policies refused, with what the log and the caller need.
#[derive(Debug, Clone, PartialEq)]
pub struct Denial {
    pub decision: Box<PendingDecision>,
    /// The resource is another company's: callers answer as if it did not exist.
    pub other_tenant: bool,
}

impl Denial {
    /// Forbidding policies, or nothing when no policy permits the action.
    pub fn policy_ids(&self) -> &[String] {
        &self.decision.policy_ids
    }
}

/// Errors of the domain functions `act` and `read` run: a denial is logged once the action's writes
/// are undone; an action that failed on the store runs again alone, since the failure may
/// not be its own (a deadlock with a writer outside the queue, a batch that could not commit).
pub trait ActionError {
    fn denial(&self) -> Option<&Denial>;
    fn failed_on_store(&self) -> bool;
}

pub struct Authz {
    engine: Engine,
}

impl Authz {
    pub fn new(engine: Engine) -> Self {
        Self { engine }
    }

    pub fn engine(&self) -> &Engine {
        &self.engine
    }

    /// Decides `action` on `resource` for `actor` inside the caller's write transaction.
    /// An allow is appended to the log in that transaction (held until the end of the batch
    /// inside `act`) and its id returned; a denial comes back as `Err` for `act` to log once
    /// the action's writes are undone.
    pub fn authorize(
        &self,
        conn: &mut DbConnection,
        actor: &Actor,
        action: Action,
        resource: &Resource,
        options: Options,
    ) -> Result<Result<String, Denial>, diesel::result::Error> {
        let rules = load_company_rules(conn, &actor.company_id)?;
        let verdict = self.engine.decide(actor, &rules, action, resource, options);
        let pending = self.pending(actor, action, resource, verdict);
        if pending.allowed {
            let id = pending.id.clone();
            if let Some(pending) = deferred::hold(pending) {
                decision_log::append(conn, [&pending])?;
            }
            return Ok(Ok(id));
        }
        Ok(Err(Denial {
            other_tenant: resource.company_id != actor.company_id,
            decision: Box::new(pending),
        }))
    }

    pub fn pending(
        &self,
        actor: &Actor,
        action: Action,
        resource: &Resource,
        verdict: Verdict,
    ) -> PendingDecision {
        PendingDecision {
            id: uuid::Uuid::now_v7().to_string(),
            // A cross-tenant attempt is logged in the actor's chain: the other company's log
            // is not theirs to write in.
            company_id: actor.company_id.clone(),
            decided_at: crate::clock::now(),
            user_id: Some(actor.user_id.clone()),
            session_id: actor.session_id.clone(),
            action: action.name().to_owned(),
            resource_type: resource.kind.type_name().to_owned(),
            resource_id: resource.id.clone(),
            allowed: verdict.allowed,
            policy_ids: verdict.policy_ids,
            errors: verdict.errors,
            client_ip: actor.client_ip.clone(),
            policy_version: self.engine.version().to_owned(),
        }
    }
}

/// The company settings the rules read. A missing company denies through the tenant wall.
pub fn load_company_rules(
    conn: &mut DbConnection,
    company_id: &str,
) -> Result<CompanyRules, diesel::result::Error> {
    let row: Option<(Option<chrono::NaiveDate>, String, bool)> = companies::table
        .find(company_id)
        .select((
            companies::closing_date,
            companies::enforcement_mode,
            companies::sod_enabled,
        ))
        .get_result(conn)
        .optional()?;
    Ok(match row {
        Some((closing_date, enforcement_mode, sod_enabled)) => CompanyRules {
            closing_date,
            enforcement_mode,
            sod_enabled,
        },
        None => CompanyRules {
            closing_date: None,
            enforcement_mode: "monitor".into(),
            sod_enabled: true,
        },
    })
}

/// Runs an authorized write: `work` authorizes and acts in its own savepoint of a group
/// commit, whose decisions are appended to the log just before the commit; when it ends in a
/// denial, its writes are undone and the denial alone is appended, so every decision is
/// logged and a refused action leaves nothing behind.
pub async fn act<T, E, F>(queue: &ActionQueue, work: F) -> Result<T, E>
where
    F: Fn(&mut DbConnection) -> Result<T, E> + Send + 'static,
    T: Send + 'static,
    E: ActionError + From<StoreError> + From<diesel::result::Error> + Send + 'static,
{
    queue.act(work).await
}
