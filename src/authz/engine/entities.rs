//! The few entities and the context one request is decided on, built from typed parts
//! under the schema's entity type names.

use std::collections::{HashMap, HashSet};
use std::str::FromStr;

use cedar_policy::{Context, Entity, EntityId, EntityTypeName, EntityUid, RestrictedExpression};
use chrono::{Datelike, NaiveDate};

use super::{Actor, CompanyRules, Options};
use crate::authz::resource::{Resource, ResourceKind};

const NAMESPACE: &str = "Seatwarden";

/// The schema's entity type names a request uses, parsed once.
pub(super) struct EntityTypes {
    pub(super) kinds: HashMap<ResourceKind, EntityTypeName>,
    pub(super) user: EntityTypeName,
    pub(super) company: EntityTypeName,
    pub(super) role: EntityTypeName,
}

impl EntityTypes {
    pub(super) fn new() -> Self {
        Self {
            kinds: ResourceKind::ALL
                .into_iter()
                .map(|kind| (kind, type_name(kind.type_name())))
                .collect(),
            user: type_name("User"),
            company: type_name("Company"),
            role: type_name("Role"),
        }
    }

    fn user_uid(&self, id: &str) -> EntityUid {
        uid(&self.user, id)
    }

    fn company_uid(&self, id: &str) -> RestrictedExpression {
        RestrictedExpression::new_entity_uid(uid(&self.company, id))
    }

    pub(super) fn principal(&self, actor: &Actor) -> Result<Entity, String> {
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
        let parents = HashSet::from([uid(&self.role, actor.role.as_str())]);
        Entity::new(self.user_uid(&actor.user_id), attrs, parents).map_err(|e| e.to_string())
    }

    /// The owner of a session, with their role: the rules spare the primary admin's sessions.
    /// The principal is already in the entities when they own the resource.
    pub(super) fn owner(
        &self,
        actor: &Actor,
        resource: &Resource,
    ) -> Result<Option<Entity>, String> {
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
        let parents = HashSet::from([uid(&self.role, role)]);
        Entity::new(self.user_uid(owner), attrs, parents)
            .map(Some)
            .map_err(|e| e.to_string())
    }

    pub(super) fn resource(&self, resource: &Resource) -> Result<Entity, String> {
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
        let kind_type = &self.kinds[&resource.kind];
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
                K::Estimate | K::Invoice | K::Bill | K::CreditNote => Some("total_cents"),
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

    pub(super) fn context(
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

pub(super) fn type_name(name: &str) -> EntityTypeName {
    EntityTypeName::from_str(&format!("{NAMESPACE}::{name}"))
        .expect("entity type names of the schema are valid identifiers")
}

pub(super) fn uid(type_name: &EntityTypeName, id: &str) -> EntityUid {
    EntityUid::from_type_name_and_id(type_name.clone(), EntityId::new(id))
}
