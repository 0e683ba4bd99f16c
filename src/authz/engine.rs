//! The Cedar engine: policies loaded and validated once, typed requests built from the few
//! entities one decision needs, and fail-closed answers.

use std::collections::{HashMap, HashSet};
use std::str::FromStr;

use cedar_policy::{
    Authorizer, Context, Decision as CedarDecision, Entities, Entity, EntityId, EntityTypeName,
    EntityUid, Request, RestrictedExpression,
};
use chrono::{Datelike, NaiveDate};
use sha2::{Digest, Sha256};

use super::actions::Action;
use super::policy_files::LoadedPolicies;
use super::resource::{Resource, ResourceKind};
use crate::identity::Role;

const NAMESPACE: &str = "Seatwarden";

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
    kind_types: HashMap<ResourceKind, EntityTypeName>,
    user_type: EntityTypeName,
    company_type: EntityTypeName,
    role_type: EntityTypeName,
    authorizer: Authorizer,
    version: String,
}

#[derive(Debug, thiserror::Error)]
pub enum EngineError {
    #[error("the schema does not declare action `{0}`")]
    MissingAction(&'static str),
    #[error("cannot build the action hierarchy: {0}")]
    ActionEntities(String),
}

impl Engine {
    pub fn new(policies: LoadedPolicies) -> Result<Self, EngineError> {
        let action_entities = policies
            .schema
            .action_entities()
            .map_err(|e| EngineError::ActionEntities(e.to_string()))?;
        let action_type = type_name("Action");
        let mut actions = HashMap::new();
        for action in Action::ALL {
            let entity = action_entities
                .get(&uid(&action_type, action.name()))
                .ok_or(EngineError::MissingAction(action.name()))?;
            actions.insert(*action, entity.clone());
        }
        let kind_types = ResourceKind::ALL
            .into_iter()
            .map(|kind| (kind, type_name(kind.type_name())))
            .collect();
        let version = digest_policies(&policies.policies.to_string());
        Ok(Self {
            policies,
            actions,
            kind_types,
            user_type: type_name("User"),
            company_type: type_name("Company"),
            role_type: type_name("Role"),
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
        let principal = self.principal_entity(actor)?;
        let resource_entity = self.resource_entity(resource)?;
        let owner = self.owner_entity(actor, resource)?;
        let action_entity = self.actions[&action].clone();
        let request = Request::new(
            principal.uid(),
            action_entity.uid(),
            resource_entity.uid(),
            self.context(actor, rules, options)?,
            Some(&self.policies.schema),
        )
        .map_err(|e| e.to_string())?;
        // A user acting on themselves is already in the entities as the principal.
        let resource_is_principal = resource_entity.uid() == principal.uid();
        let entities = Entities::from_entities(
            [action_entity, principal]
                .into_iter()
                .chain((!resource_is_principal).then_some(resource_entity))
                .chain(owner),
            None,
        )
        .map_err(|e| e.to_string())?;
        let response = self
            .authorizer
            .is_authorized(&request, &self.policies.policies, &entities);
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

    fn user_uid(&self, id: &str) -> EntityUid {
        uid(&self.user_type, id)
    }

    fn company_uid(&self, id: &str) -> RestrictedExpression {
        RestrictedExpression::new_entity_uid(uid(&self.company_type, id))
    }

    fn principal_entity(&self, actor: &Actor) -> Result<Entity, String> {
        let attrs = HashMap::from([
            ("company".to_owned(), self.company_uid(&actor.company_id)),
            (
                "role".to_owned(),
                RestrictedExpression::new_string(actor.role.as_str().to_owned()),
            ),
            (
                "active".to_owned(),
                RestrictedExpression::new_bool(actor.active),
            ),
        ]);
        let parents = HashSet::from([uid(&self.role_type, actor.role.as_str())]);
        Entity::new(self.user_uid(&actor.user_id), attrs, parents).map_err(|e| e.to_string())
    }

    /// The owner of a session, with their role: the rules spare the primary admin's sessions.
    /// The principal is already in the entities when they own the resource.
    fn owner_entity(&self, actor: &Actor, resource: &Resource) -> Result<Option<Entity>, String> {
        let (Some(owner), Some(role)) = (&resource.owner, &resource.owner_role) else {
            return Ok(None);
        };
        if owner == &actor.user_id {
            return Ok(None);
        }
        let attrs = HashMap::from([
            ("company".to_owned(), self.company_uid(&resource.company_id)),
            (
                "role".to_owned(),
                RestrictedExpression::new_string(role.clone()),
            ),
            ("active".to_owned(), RestrictedExpression::new_bool(true)),
        ]);
        let parents = HashSet::from([uid(&self.role_type, role)]);
        Entity::new(self.user_uid(owner), attrs, parents)
            .map(Some)
            .map_err(|e| e.to_string())
    }

    fn resource_entity(&self, resource: &Resource) -> Result<Entity, String> {
        let mut attrs =
            HashMap::from([("company".to_owned(), self.company_uid(&resource.company_id))]);
        let user_refs = [
            ("created_by", &resource.created_by),
            ("posted_by", &resource.posted_by),
            ("bill_created_by", &resource.bill_created_by),
            ("owner", &resource.owner),
        ];
        for (name, value) in user_refs {
            if let Some(user_id) = value {
                attrs.insert(
                    name.to_owned(),
                    RestrictedExpression::new_entity_uid(self.user_uid(user_id)),
                );
            }
        }
        if let Some(date) = resource.date {
            attrs.insert(
                "date".to_owned(),
                RestrictedExpression::new_long(date_number(date)),
            );
        }
        self.insert_kind_attributes(resource, &mut attrs);
        let kind_type = &self.kind_types[&resource.kind];
        Entity::new(uid(kind_type, &resource.id), attrs, HashSet::new()).map_err(|e| e.to_string())
    }

    /// Attributes whose name depends on the entity type.
    fn insert_kind_attributes(
        &self,
        resource: &Resource,
        attrs: &mut HashMap<String, RestrictedExpression>,
    ) {
        use ResourceKind as K;
        if let Some(cents) = resource.amount_cents {
            let name = match resource.kind {
                K::Payment | K::BillPayment => Some("amount_cents"),
                K::Estimate | K::Invoice | K::Bill => Some("total_cents"),
                _ => None,
            };
            if let Some(name) = name {
                attrs.insert(name.to_owned(), RestrictedExpression::new_long(cents));
            }
        }
        match resource.kind {
            K::Report => {
                let kind = resource.label.clone().unwrap_or_default();
                attrs.insert("kind".to_owned(), RestrictedExpression::new_string(kind));
            }
            K::User => {
                let role = resource.label.clone().unwrap_or_default();
                attrs.insert("role".to_owned(), RestrictedExpression::new_string(role));
                let active = resource.active.unwrap_or(false);
                attrs.insert("active".to_owned(), RestrictedExpression::new_bool(active));
            }
            _ => {}
        }
    }

    fn context(
        &self,
        actor: &Actor,
        rules: &CompanyRules,
        options: Options,
    ) -> Result<Context, String> {
        let mut pairs = vec![
            (
                "session_flagged".to_owned(),
                RestrictedExpression::new_bool(actor.session_flagged),
            ),
            (
                "enforcement_mode".to_owned(),
                RestrictedExpression::new_string(rules.enforcement_mode.clone()),
            ),
            (
                "override_closing_date".to_owned(),
                RestrictedExpression::new_bool(options.override_closing_date),
            ),
            (
                "sod_enabled".to_owned(),
                RestrictedExpression::new_bool(rules.sod_enabled),
            ),
        ];
        if let Some(session_id) = &actor.session_id {
            pairs.push((
                "session_id".to_owned(),
                RestrictedExpression::new_string(session_id.clone()),
            ));
        }
        if let Some(date) = rules.closing_date {
            pairs.push((
                "closing_date".to_owned(),
                RestrictedExpression::new_long(date_number(date)),
            ));
        }
        if let Some(role) = options.requested_role {
            pairs.push((
                "requested_role".to_owned(),
                RestrictedExpression::new_string(role.as_str().to_owned()),
            ));
        }
        if let Some(ip) = &actor.client_ip {
            pairs.push((
                "client_ip".to_owned(),
                RestrictedExpression::new_string(ip.clone()),
            ));
        }
        Context::from_pairs(pairs).map_err(|e| e.to_string())
    }
}

/// Dates reach Cedar as YYYYMMDD numbers, which compare like the dates.
pub fn date_number(date: NaiveDate) -> i64 {
    i64::from(date.year()) * 10_000 + i64::from(date.month()) * 100 + i64::from(date.day())
}

fn type_name(name: &str) -> EntityTypeName {
    EntityTypeName::from_str(&format!("{NAMESPACE}::{name}"))
        .expect("entity type names of the schema are valid identifiers")
}

fn uid(type_name: &EntityTypeName, id: &str) -> EntityUid {
    EntityUid::from_type_name_and_id(type_name.clone(), EntityId::new(id))
}

/// A short digest of the policies' canonical text, recorded with every decision.
fn digest_policies(text: &str) -> String {
    hex::encode(&Sha256::digest(text.as_bytes())[..6])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_become_comparable_numbers() {
        let date = NaiveDate::from_ymd_opt(2026, 11, 29).unwrap();
        assert_eq!(date_number(date), 20_261_129);
    }
}
