//! What a decision was decided on, recorded with it so that a proposed policy change can
//! replay it: the principal's role and state, the company's rules, the resource's attributes
//! and the caller's options. Ids the log already holds (user, session, resource, client
//! address) are not repeated.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::engine::{Actor, CompanyRules, Options};
use super::resource::{Resource, ResourceKind};
use crate::roles::Role;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DecisionInputs {
    pub role: String,
    pub active: bool,
    #[serde(default, skip_serializing_if = "is_false")]
    pub session_flagged: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub closing_date: Option<NaiveDate>,
    pub enforcement_mode: String,
    pub sod_enabled: bool,
    /// Set only when it is not the actor's company (a cross-tenant attempt).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resource_company_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub created_by: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub posted_by: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bill_created_by: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub owner: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub owner_role: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub date: Option<NaiveDate>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub amount_cents: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resource_active: Option<bool>,
    #[serde(default, skip_serializing_if = "is_false")]
    pub override_closing_date: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub requested_role: Option<String>,
}

fn is_false(value: &bool) -> bool {
    !*value
}

/// A decision rebuilt from the log: what the engine is asked again.
#[derive(Debug, Clone)]
pub struct Replayable {
    pub actor: Actor,
    pub rules: CompanyRules,
    pub resource: Resource,
    pub options: Options,
}

impl DecisionInputs {
    pub fn new(actor: &Actor, rules: &CompanyRules, resource: &Resource, options: Options) -> Self {
        Self {
            role: actor.role.as_str().to_owned(),
            active: actor.active,
            session_flagged: actor.session_flagged,
            closing_date: rules.closing_date,
            enforcement_mode: rules.enforcement_mode.clone(),
            sod_enabled: rules.sod_enabled,
            resource_company_id: (resource.company_id != actor.company_id)
                .then(|| resource.company_id.clone()),
            created_by: resource.created_by.clone(),
            posted_by: resource.posted_by.clone(),
            bill_created_by: resource.bill_created_by.clone(),
            owner: resource.owner.clone(),
            owner_role: resource.owner_role.clone(),
            date: resource.date,
            amount_cents: resource.amount_cents,
            label: resource.label.clone(),
            resource_active: resource.active,
            override_closing_date: options.override_closing_date,
            requested_role: options.requested_role.map(|r| r.as_str().to_owned()),
        }
    }

    /// The compact JSON kept in the log.
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).expect("plain fields serialize")
    }

    /// The request again, from the logged ids and these inputs; None when the log names a
    /// role or resource type this service no longer knows.
    #[allow(clippy::too_many_arguments)]
    pub fn replayable(
        self,
        company_id: &str,
        user_id: &str,
        session_id: Option<String>,
        client_ip: Option<String>,
        resource_type: &str,
        resource_id: &str,
    ) -> Option<Replayable> {
        let actor = Actor {
            user_id: user_id.to_owned(),
            company_id: company_id.to_owned(),
            role: Role::parse(&self.role)?,
            active: self.active,
            session_id,
            session_flagged: self.session_flagged,
            client_ip,
        };
        let resource = Resource {
            kind: ResourceKind::parse(resource_type)?,
            id: resource_id.to_owned(),
            company_id: self
                .resource_company_id
                .unwrap_or_else(|| company_id.to_owned()),
            created_by: self.created_by,
            posted_by: self.posted_by,
            bill_created_by: self.bill_created_by,
            owner: self.owner,
            owner_role: self.owner_role,
            date: self.date,
            amount_cents: self.amount_cents,
            label: self.label,
            active: self.resource_active,
        };
        let options = Options {
            override_closing_date: self.override_closing_date,
            requested_role: match self.requested_role {
                Some(role) => Some(Role::parse(&role)?),
                None => None,
            },
        };
        Some(Replayable {
            actor,
            rules: CompanyRules {
                closing_date: self.closing_date,
                enforcement_mode: self.enforcement_mode,
                sod_enabled: self.sod_enabled,
            },
            resource,
            options,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_decision_replays_with_the_inputs_it_was_decided_on() {
        let actor = Actor {
            user_id: "u-1".into(),
            company_id: "c-1".into(),
            role: Role::StandardSales,
            active: true,
            session_id: Some("s-1".into()),
            session_flagged: true,
            client_ip: Some("10.0.0.1".into()),
        };
        let rules = CompanyRules {
            closing_date: NaiveDate::from_ymd_opt(2026, 6, 30),
            enforcement_mode: "enforce".into(),
            sod_enabled: false,
        };
        let resource = Resource::new(ResourceKind::Invoice, "inv-1", "c-2")
            .created_by("u-2")
            .amount(12_000);
        let options = Options {
            override_closing_date: true,
            requested_role: Some(Role::Accountant),
        };
        let json = DecisionInputs::new(&actor, &rules, &resource, options).to_json();
        let inputs: DecisionInputs = serde_json::from_str(&json).unwrap();
        let again = inputs
            .replayable(
                "c-1",
                "u-1",
                Some("s-1".into()),
                Some("10.0.0.1".into()),
                "Invoice",
                "inv-1",
            )
            .unwrap();
        assert_eq!(again.rules, rules);
        assert_eq!(again.resource, resource);
        assert_eq!(again.options, options);
        assert_eq!(again.actor.role, Role::StandardSales);
        assert!(again.actor.session_flagged);
    }
}
