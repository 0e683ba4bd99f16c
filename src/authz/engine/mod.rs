//! The Cedar engine: policies loaded and validated once, typed requests built from the few
//! entities one decision needs, and fail-closed answers.

mod entities;
#[cfg(test)]
mod tests;

use std::collections::{HashMap, HashSet};

use cedar_policy::{
    Authorizer, Decision as CedarDecision, Entities, Entity, EntityTypeName, PolicySet, Request,
};
use chrono::NaiveDate;
use sha2::{Digest, Sha256};

use super::actions::Action;
use super::policy_files::LoadedPolicies;
use super::policy_slices::PolicySlices;
use super::resource::{Resource, ResourceKind};
use crate::roles::Role;
pub use entities::date_number;
use entities::{type_name, uid, EntityTypes};

/// Who acts: the signed-in user and the session they act through.
#[derive(Debug, Clone)]
pub struct Actor {
    pub user_id: String,
    pub company_id: String,
    pub role: Role,
    pub active: bool,
    pub session_id: Option<String>,
    pub session_flagged: bool,
    pub client_ip: Option<String>,
}

/// The company settings the rules read, loaded in the transaction that acts.
#[derive(Debug, Clone, PartialEq)]
pub struct CompanyRules {
    pub closing_date: Option<NaiveDate>,
    pub enforcement_mode: String,
    pub sod_enabled: bool,
}

/// What the caller asks beyond the action itself.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Options {
    pub override_closing_date: bool,
    /// For `update_user`: the role asked for.
    pub requested_role: Option<Role>,
}

/// Cedar's answer, with what explains it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verdict {
    pub allowed: bool,
    /// The permits that allowed it, or the forbids that denied it.
    pub policy_ids: Vec<String>,
    pub errors: Vec<String>,
}

pub struct Engine {
    policies: LoadedPolicies,
    /// Each action's entity with its groups as ancestors, built once from the schema: a
    /// request then builds entities of three or four members, not of every action.
    actions: HashMap<Action, Entity>,
    /// The resource types each action applies to, from the schema. Requests are built here
    /// from typed parts, so this is the one check of the schema's that they could fail.
    applies_to: HashMap<Action, HashSet<ResourceKind>>,
    slices: PolicySlices,
    types: EntityTypes,
    authorizer: Authorizer,
    version: String,
    named_users: HashSet<String>,
}

#[derive(Debug, thiserror::Error)]
pub enum EngineError {
    #[error("the schema does not declare action `{0}`")]
    MissingAction(&'static str),
    #[error("cannot build the action hierarchy: {0}")]
    ActionEntities(String),
    #[error("action `{0}` must have users as its principals")]
    PrincipalNotUser(&'static str),
    #[error("cannot split the policies by role and action: {0}")]
    Slices(String),
}

impl Engine {
    pub fn new(policies: LoadedPolicies) -> Result<Self, EngineError> {
        let action_entities = policies
            .schema
            .action_entities()
            .map_err(|e| EngineError::ActionEntities(e.to_string()))?;
        let action_type = type_name("Action");
        let types = EntityTypes::new();
        let mut actions = HashMap::new();
        let mut applies_to = HashMap::new();
        for action in Action::ALL {
            let action_uid = uid(&action_type, action.name());
            let entity = action_entities
                .get(&action_uid)
                .ok_or(EngineError::MissingAction(action.name()))?;
            actions.insert(*action, entity.clone());
            let schema = &policies.schema;
            let principals_are_users = schema
                .principals_for_action(&action_uid)
                .is_some_and(|mut users| users.all(|t| t == &types.user));
            if !principals_are_users {
                return Err(EngineError::PrincipalNotUser(action.name()));
            }
            let resource_types: HashSet<&EntityTypeName> = schema
                .resources_for_action(&action_uid)
                .ok_or(EngineError::MissingAction(action.name()))?
                .collect();
            let kinds = types
                .kinds
                .iter()
                .filter(|(_, name)| resource_types.contains(name))
                .map(|(kind, _)| *kind)
                .collect();
            applies_to.insert(*action, kinds);
        }
        let slices = PolicySlices::new(
            &policies.policies,
            &action_entities,
            |action| uid(&action_type, action.name()),
            |role| uid(&types.role, role.as_str()),
        )
        .map_err(EngineError::Slices)?;
        let version = digest_policies(&policies.policies.to_string());
        let named_users = named_users(&policies.policies, &types.user);
        Ok(Self {
            named_users,
            policies,
            actions,
            applies_to,
            slices,
            types,
            authorizer: Authorizer::new(),
            version,
        })
    }

    pub fn version(&self) -> &str {
        &self.version
    }

    pub fn policies(&self) -> &LoadedPolicies {
        &self.policies
    }

    /// The resource types `action` applies to, in the order of `ResourceKind::ALL`.
    pub fn resource_kinds(&self, action: Action) -> Vec<ResourceKind> {
        ResourceKind::ALL
            .into_iter()
            .filter(|kind| self.applies_to[&action].contains(kind))
            .collect()
    }

    /// Whether this engine and `other` decide `role` doing `action` alike: the policies
    /// that can apply are the same.
    pub fn decides_alike(&self, other: &Engine, role: Role, action: Action) -> bool {
        self.slices.get(role, action).text == other.slices.get(role, action).text
    }

    /// Users some policy names (a linked template, `principal == User::"..."`): their
    /// access may differ from their role's.
    pub fn named_users(&self) -> &HashSet<String> {
        &self.named_users
    }

    /// A policy's effect and text, by id.
    pub fn policy_text(&self, id: &str) -> Option<(cedar_policy::Effect, String)> {
        let policy = self
            .policies
            .policies
            .policy(&cedar_policy::PolicyId::new(id))?;
        Some((policy.effect(), policy.to_string()))
    }

    /// Decides. Any failure to build the request is a deny carrying the error.
    pub fn decide(
        &self,
        actor: &Actor,
        rules: &CompanyRules,
        action: Action,
        resource: &Resource,
        options: Options,
    ) -> Verdict {
        match self.evaluate(actor, rules, action, resource, options) {
            Ok(verdict) => verdict,
            Err(error) => Verdict {
                allowed: false,
                policy_ids: Vec::new(),
                errors: vec![error],
            },
        }
    }

    fn evaluate(
        &self,
        actor: &Actor,
        rules: &CompanyRules,
        action: Action,
        resource: &Resource,
        options: Options,
    ) -> Result<Verdict, String> {
        if !self.applies_to[&action].contains(&resource.kind) {
            return Err(format!(
                "action `{}` does not apply to a {} resource",
                action.name(),
                resource.kind.type_name()
            ));
        }
        let principal = self.types.principal(actor)?;
        let resource_entity = self.types.resource(resource)?;
        let owner = self.types.owner(actor, resource)?;
        let slice = self.slices.get(actor.role, action);
        let action_entity = &self.actions[&action];
        // No schema here: the request's types are right by construction (the test below
        // checks it against the schema) and the action's resource types were checked above.
        let request = Request::new(
            principal.uid(),
            action_entity.uid(),
            resource_entity.uid(),
            self.types.context(actor, rules, options)?,
            None,
        )
        .map_err(|e| e.to_string())?;
        // A user acting on themselves is already in the entities as the principal.
        let resource_is_principal = resource_entity.uid() == principal.uid();
        let entities = Entities::from_entities(
            [principal]
                .into_iter()
                .chain(slice.reads_action.then(|| action_entity.clone()))
                .chain((!resource_is_principal).then_some(resource_entity))
                .chain(owner),
            None,
        )
        .map_err(|e| e.to_string())?;
        let response = self
            .authorizer
            .is_authorized(&request, &slice.policies, &entities);
        let errors: Vec<String> = response
            .diagnostics()
            .errors()
            .map(|e| e.to_string())
            .collect();
        Ok(Verdict {
            // A policy that errored may have been the forbid that mattered: fail closed.
            allowed: response.decision() == CedarDecision::Allow && errors.is_empty(),
            policy_ids: response
                .diagnostics()
                .reason()
                .map(|id| id.to_string())
                .collect(),
            errors,
        })
    }
}

/// Ids of the users the policies name anywhere (scopes or conditions).
fn named_users(policies: &PolicySet, user_type: &EntityTypeName) -> HashSet<String> {
    fn walk(value: &serde_json::Value, user_type: &str, found: &mut HashSet<String>) {
        match value {
            serde_json::Value::Object(map) => {
                if map.get("type").and_then(|t| t.as_str()) == Some(user_type) {
                    if let Some(id) = map.get("id").and_then(|i| i.as_str()) {
                        found.insert(id.to_owned());
                    }
                }
                map.values().for_each(|v| walk(v, user_type, found));
            }
            serde_json::Value::Array(items) => items.iter().for_each(|v| walk(v, user_type, found)),
            _ => {}
        }
    }
    let mut found = HashSet::new();
    let user_type = user_type.to_string();
    for policy in policies.policies() {
        if let Ok(est) = policy.to_json() {
            walk(&est, &user_type, &mut found);
        }
    }
    found
}

/// A short digest of the policies' canonical text, recorded with every decision.
fn digest_policies(text: &str) -> String {
    hex::encode(&Sha256::digest(text.as_bytes())[..6])
}
