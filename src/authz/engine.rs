//! The Cedar engine: policies loaded and validated once, typed requests built from the few
//! entities one decision needs, and fail-closed answers.

use std::collections::{HashMap, HashSet};
use std::str::FromStr;

use cedar_policy::{
    Authorizer, Context, Decision as CedarDecision, Entities, Entity, EntityId, EntityTypeName,
    EntityUid, PolicySet, Request, RestrictedExpression,
};
use chrono::{Datelike, NaiveDate};
use sha2::{Digest, Sha256};

use super::actions::Action;
use super::policy_files::LoadedPolicies;
use super::policy_slices::PolicySlices;
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
    /// The resource types each action applies to, from the schema. Requests are built here
    /// from typed parts, so this is the one check of the schema's that they could fail.
    applies_to: HashMap<Action, HashSet<ResourceKind>>,
    slices: PolicySlices,
    kind_types: HashMap<ResourceKind, EntityTypeName>,
    user_type: EntityTypeName,
    company_type: EntityTypeName,
    role_type: EntityTypeName,
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
        let user_type = type_name("User");
        let role_type = type_name("Role");
        let kind_types: HashMap<ResourceKind, EntityTypeName> = ResourceKind::ALL
            .into_iter()
            .map(|kind| (kind, type_name(kind.type_name())))
            .collect();
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
                .is_some_and(|mut types| types.all(|t| t == &user_type));
            if !principals_are_users {
                return Err(EngineError::PrincipalNotUser(action.name()));
            }
            let resource_types: HashSet<&EntityTypeName> = schema
                .resources_for_action(&action_uid)
                .ok_or(EngineError::MissingAction(action.name()))?
                .collect();
            let kinds = kind_types
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
            |role| uid(&role_type, role.as_str()),
        )
        .map_err(EngineError::Slices)?;
        let version = digest_policies(&policies.policies.to_string());
        let named_users = named_users(&policies.policies, &user_type);
        Ok(Self {
            named_users,
            policies,
            actions,
            applies_to,
            slices,
            kind_types,
            user_type,
            company_type: type_name("Company"),
            role_type,
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
        let principal = self.principal_entity(actor)?;
        let resource_entity = self.resource_entity(resource)?;
        let owner = self.owner_entity(actor, resource)?;
        let slice = self.slices.get(actor.role, action);
        let action_entity = &self.actions[&action];
        // No schema here: the request's types are right by construction (the test below
        // checks it against the schema) and the action's resource types were checked above.
        let request = Request::new(
            principal.uid(),
            action_entity.uid(),
            resource_entity.uid(),
            self.context(actor, rules, options)?,
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::authz::load_builtin;

    const COMPANY: &str = "company-1";
    const ME: &str = "user-me";
    const OTHER: &str = "user-other";

    fn day(d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 6, d).unwrap()
    }

    /// What the engine decides with every policy and a request checked against the schema:
    /// the answer the slices and the skipped validation must reproduce.
    fn reference(
        engine: &Engine,
        actor: &Actor,
        rules: &CompanyRules,
        action: Action,
        resource: &Resource,
        options: Options,
    ) -> Result<(bool, Vec<String>), String> {
        let principal = engine.principal_entity(actor)?;
        let resource_entity = engine.resource_entity(resource)?;
        let owner = engine.owner_entity(actor, resource)?;
        let action_entity = engine.actions[&action].clone();
        let request = Request::new(
            principal.uid(),
            action_entity.uid(),
            resource_entity.uid(),
            engine.context(actor, rules, options)?,
            Some(&engine.policies.schema),
        )
        .map_err(|e| e.to_string())?;
        let same = resource_entity.uid() == principal.uid();
        let entities = Entities::from_entities(
            [action_entity, principal]
                .into_iter()
                .chain((!same).then_some(resource_entity))
                .chain(owner),
            None,
        )
        .map_err(|e| e.to_string())?;
        let response =
            engine
                .authorizer
                .is_authorized(&request, &engine.policies.policies, &entities);
        let errors = response.diagnostics().errors().count();
        let mut ids: Vec<String> = response
            .diagnostics()
            .reason()
            .map(|id| id.to_string())
            .collect();
        ids.sort();
        Ok((
            response.decision() == CedarDecision::Allow && errors == 0,
            ids,
        ))
    }

    type Scenario = (Actor, CompanyRules, Resource, Options);

    /// Requests that reach every rule: segregation of duties, closed books and the override,
    /// the tenant wall, flagged sessions under each mode, timesheet and session owners,
    /// role changes, users acting on themselves.
    fn scenarios(role: Role, kind: ResourceKind) -> Vec<Scenario> {
        let actor = Actor {
            user_id: ME.into(),
            company_id: COMPANY.into(),
            role,
            active: true,
            session_id: Some("session-1".into()),
            session_flagged: false,
            client_ip: Some("10.0.0.1".into()),
        };
        let rules = CompanyRules {
            closing_date: Some(day(10)),
            enforcement_mode: "monitor".into(),
            sod_enabled: true,
        };
        let resource = Resource::new(kind, "r-1", COMPANY)
            .created_by(OTHER)
            .dated(day(20))
            .amount(12_000)
            .labelled("profit_and_loss");
        let base: Scenario = (actor, rules, resource, Options::default());
        let with = |change: &dyn Fn(&mut Scenario)| {
            let mut scenario = base.clone();
            change(&mut scenario);
            scenario
        };
        vec![
            base.clone(),
            with(&|s| s.2.created_by = Some(ME.into())),
            with(&|s| s.2.posted_by = Some(ME.into())),
            with(&|s| s.2.bill_created_by = Some(ME.into())),
            with(&|s| {
                s.2.created_by = Some(ME.into());
                s.1.sod_enabled = false;
            }),
            with(&|s| s.2.date = Some(day(10))),
            with(&|s| {
                s.2.date = Some(day(1));
                s.3.override_closing_date = true;
            }),
            with(&|s| s.1.closing_date = None),
            with(&|s| s.2.company_id = "company-2".into()),
            with(&|s| {
                s.0.session_flagged = true;
                s.1.enforcement_mode = "enforce".into();
            }),
            with(&|s| s.0.session_flagged = true),
            with(&|s| s.0.active = false),
            with(&|s| s.2.owner = Some(ME.into())),
            with(&|s| {
                s.2.owner = Some(OTHER.into());
                s.2.owner_role = Some("primary_admin".into());
            }),
            with(&|s| {
                s.2.owner = Some(OTHER.into());
                s.2.owner_role = Some("standard_all".into());
            }),
            with(&|s| s.3.requested_role = Some(Role::PrimaryAdmin)),
            with(&|s| s.3.requested_role = Some(Role::StandardSales)),
            with(&|s| {
                s.2 = Resource::user(ME, COMPANY, role.as_str(), true);
            }),
            with(&|s| {
                s.2 = Resource::user(OTHER, COMPANY, "primary_admin", true);
            }),
            with(&|s| {
                s.2 = Resource::user(OTHER, COMPANY, "standard_all", false);
            }),
        ]
    }

    #[test]
    fn sliced_unvalidated_decisions_match_the_full_validated_ones() {
        let engine = Engine::new(load_builtin().unwrap()).unwrap();
        let mut compared = 0;
        for role in Role::ALL {
            for &action in Action::ALL {
                for kind in ResourceKind::ALL {
                    for (actor, rules, resource, options) in scenarios(role, kind) {
                        if resource.kind != kind {
                            continue;
                        }
                        let got = engine.decide(&actor, &rules, action, &resource, options);
                        if !engine.applies_to[&action].contains(&kind) {
                            assert!(
                                !got.allowed && !got.errors.is_empty(),
                                "{action:?} {kind:?}"
                            );
                            continue;
                        }
                        let want = reference(&engine, &actor, &rules, action, &resource, options)
                            .unwrap_or_else(|e| panic!("{action:?} on {kind:?}: {e}"));
                        let mut ids = got.policy_ids.clone();
                        ids.sort();
                        assert_eq!(
                            (got.allowed, ids),
                            want,
                            "{role:?} {action:?} {kind:?} {actor:?} {rules:?} {resource:?} {options:?}"
                        );
                        compared += 1;
                    }
                }
            }
        }
        assert!(compared > 5_000, "only {compared} decisions compared");
    }

    #[test]
    fn an_action_on_a_resource_type_it_does_not_apply_to_is_denied() {
        let engine = Engine::new(load_builtin().unwrap()).unwrap();
        let (actor, rules, _, options) =
            scenarios(Role::PrimaryAdmin, ResourceKind::Bill)[0].clone();
        let bill = Resource::new(ResourceKind::Bill, "b-1", COMPANY);
        let verdict = engine.decide(&actor, &rules, Action::CreateInvoice, &bill, options);
        assert!(!verdict.allowed);
        assert!(verdict.errors[0].contains("does not apply"), "{verdict:?}");
    }

    #[test]
    fn dates_become_comparable_numbers() {
        let date = NaiveDate::from_ymd_opt(2026, 11, 29).unwrap();
        assert_eq!(date_number(date), 20_261_129);
    }
}
