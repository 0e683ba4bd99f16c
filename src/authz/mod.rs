//! Authorization: every action of the service is decided by Cedar and logged.

pub mod action_queue;
pub mod actions;
mod decision_chain;
pub mod decision_inputs;
pub mod decision_log;
pub mod decision_names;
pub mod decision_point;
mod decision_record;
mod decision_rows;
pub mod decision_views;
pub mod decisions;
mod deferred;
#[macro_use]
mod error_glue;
pub mod engine;
pub mod engines;
pub mod errors;
pub mod gate;
pub mod group_commit;
pub mod operations;
pub mod policy_files;
pub mod policy_limits;
mod policy_slices;
pub mod policy_tests;
mod reads;
pub mod resource;

use diesel::prelude::*;
use include_dir::{include_dir, Dir};

/// What readiness tells of a read replica.
pub use crate::store::ReplayPosition;
pub use action_queue::ActionQueue;
pub use actions::Action;
pub use engine::{Actor, CompanyRules, Engine, Options, Verdict};
pub use engines::{BasePolicies, Engines, PolicyContent};
pub use errors::AuthzError;
pub use gate::Gate;
pub use reads::{read, read_then_act};
pub use resource::{Resource, ResourceKind};

use decision_inputs::DecisionInputs;
use decision_log::PendingDecision;
use policy_files::{LoadedPolicies, PolicyLoadError};

use crate::store::schema::companies;
use crate::store::{DbConnection, StoreError};

/// The policies shipped in the binary, so `serve` works in an empty directory.
static BUILTIN_POLICIES: Dir<'static> = include_dir!("$CARGO_MANIFEST_DIR/policies");

pub const SCHEMA_FILE: &str = "schema.cedarschema";

/// Stack of the threads that may build a company's engine (the writers, when a version
/// another node saved is first used here): the deepest policy text the limits allow builds
/// with room to spare (`policy_limits` tests it).
pub const WRITER_STACK_BYTES: usize = 8 * 1024 * 1024;

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

/// The built-in policies and tests, as companies start from them.
pub fn builtin_base() -> BasePolicies {
    BasePolicies::from_embedded(&BUILTIN_POLICIES)
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

/// Why `authorize` gave no allow; every domain error converts from it (`action_error!`).
#[derive(Debug)]
pub enum Refusal {
    /// The policies refused: logged by `act` or `read` once the action's writes are undone.
    Denied(Denial),
    /// The company's setup could not be read, or the allow not appended to the log.
    Store(diesel::result::Error),
}

impl From<diesel::result::Error> for Refusal {
    fn from(error: diesel::result::Error) -> Self {
        Self::Store(error)
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
    engines: Engines,
}

impl Authz {
    pub fn new(engines: Engines) -> Self {
        Self { engines }
    }

    /// The base policies' engine: what a company that never changed its policies decides by.
    pub fn engine(&self) -> &Engine {
        self.engines.base()
    }

    pub fn engines(&self) -> &Engines {
        &self.engines
    }

    /// Decides `action` on `resource` for `actor` inside the caller's write transaction, by
    /// the actor's company's active policies. An allow is appended to the log in that
    /// transaction (held until the end of the batch inside `act`) and its id returned; a
    /// denial comes back as the caller's error, for `act` to log once the action's writes are
    /// undone.
    pub fn authorize(
        &self,
        conn: &mut DbConnection,
        actor: &Actor,
        action: Action,
        resource: &Resource,
        options: Options,
    ) -> Result<String, Refusal> {
        let setup = load_company_setup(conn, &actor.company_id)?;
        let engine =
            self.engines
                .for_company(conn, &actor.company_id, setup.policy_hash.as_deref());
        let engine = engine.as_deref().map_err(String::as_str);
        let pending = self.decide(engine, actor, &setup.rules, action, resource, options);
        if pending.allowed {
            let id = pending.id.clone();
            if let Some(pending) = deferred::hold(pending) {
                decision_log::append(conn, [&pending])?;
            }
            return Ok(id);
        }
        Err(Refusal::Denied(Denial {
            other_tenant: resource.company_id != actor.company_id,
            decision: Box::new(pending),
        }))
    }

    /// Decides by `engine` (an error loading it denies) and makes the decision to log, with
    /// the inputs a replay needs.
    pub fn decide(
        &self,
        engine: Result<&Engine, &str>,
        actor: &Actor,
        rules: &CompanyRules,
        action: Action,
        resource: &Resource,
        options: Options,
    ) -> PendingDecision {
        let (verdict, version) = match engine {
            Ok(engine) => (
                engine.decide(actor, rules, action, resource, options),
                engine.version().to_owned(),
            ),
            Err(error) => (
                Verdict {
                    allowed: false,
                    policy_ids: Vec::new(),
                    errors: vec![error.to_owned()],
                },
                String::new(),
            ),
        };
        let inputs = DecisionInputs::new(actor, rules, resource, options).to_json();
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
            policy_version: version,
            inputs: Some(inputs),
        }
    }
}

/// Appends a record that is no decision of `authorize` (a policy change) with the decisions
/// of the action running, or at once outside an action.
pub fn log_decision(
    conn: &mut DbConnection,
    pending: PendingDecision,
) -> Result<(), diesel::result::Error> {
    if let Some(pending) = deferred::hold(pending) {
        decision_log::append(conn, [&pending])?;
    }
    Ok(())
}

/// What a decision reads of its company: the rules, and which policies are active.
#[derive(Debug, Clone, PartialEq)]
pub struct CompanySetup {
    pub rules: CompanyRules,
    /// The active version's content hash; None: the base policies.
    pub policy_hash: Option<String>,
}

/// The company settings the rules read. A missing company denies through the tenant wall.
pub fn load_company_rules(
    conn: &mut DbConnection,
    company_id: &str,
) -> Result<CompanyRules, diesel::result::Error> {
    Ok(load_company_setup(conn, company_id)?.rules)
}

/// The rules and the active policies, in one query.
pub fn load_company_setup(
    conn: &mut DbConnection,
    company_id: &str,
) -> Result<CompanySetup, diesel::result::Error> {
    type Row = (Option<chrono::NaiveDate>, String, bool, Option<String>);
    let row: Option<Row> = companies::table
        .find(company_id)
        .select((
            companies::closing_date,
            companies::enforcement_mode,
            companies::sod_enabled,
            companies::policy_hash,
        ))
        .get_result(conn)
        .optional()?;
    Ok(match row {
        Some((closing_date, enforcement_mode, sod_enabled, policy_hash)) => CompanySetup {
            rules: CompanyRules {
                closing_date,
                enforcement_mode,
                sod_enabled,
            },
            policy_hash,
        },
        None => CompanySetup {
            rules: CompanyRules {
                closing_date: None,
                enforcement_mode: "monitor".into(),
                sod_enabled: true,
            },
            policy_hash: None,
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
