//! Deciding with the built-in policies: requests built from typed parts, fail-closed answers.

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
    let principal = engine.types.principal(actor)?;
    let resource_entity = engine.types.resource(resource)?;
    let owner = engine.types.owner(actor, resource)?;
    let action_entity = engine.actions[&action].clone();
    let request = Request::new(
        principal.uid(),
        action_entity.uid(),
        resource_entity.uid(),
        engine.types.context(actor, rules, options)?,
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
    let response = engine
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
    let (actor, rules, _, options) = scenarios(Role::PrimaryAdmin, ResourceKind::Bill)[0].clone();
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
