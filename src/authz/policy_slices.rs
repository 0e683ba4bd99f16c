//! The policies that can apply to one role doing one action, chosen once at start.
//!
//! Cedar evaluates every policy of the set it is given, rebuilding its scope as an expression
//! each time: about a microsecond a policy even when the scope cannot match. A decision is
//! handed only the policies whose principal and action scopes can match it, with the parts of
//! the scope known to hold removed. Its answer is unchanged: a policy left out has a scope
//! that is false for that request, so it can neither apply nor err, and a scope part removed
//! was true. `engine.rs` tests this against the full set over every role and action.

use std::collections::{HashMap, HashSet};

use cedar_policy::{
    ActionConstraint, Entities, EntityTypeName, EntityUid, Policy, PolicyId, PolicySet,
    PrincipalConstraint,
};
use serde_json::{json, Value};

use super::actions::Action;
use crate::roles::Role;

pub struct PolicySlices {
    slices: HashMap<(Role, Action), Slice>,
}

pub struct Slice {
    pub policies: PolicySet,
    /// Whether a condition reads the action: only then does Cedar need the action's entity
    /// and its groups (the scopes that did are gone).
    pub reads_action: bool,
    /// The slice's policies, sorted and joined: two slices that read alike decide alike.
    pub text: String,
}

impl PolicySlices {
    /// `actions` holds the action hierarchy; `role_uid` names a role's entity. The principal
    /// of every request has exactly one parent, its role, and role entities have none: so
    /// `principal in Role::"x"` holds exactly when the principal's role is x.
    pub fn new(
        policies: &PolicySet,
        actions: &Entities,
        action_uid: impl Fn(Action) -> EntityUid,
        role_uid: impl Fn(Role) -> EntityUid,
    ) -> Result<Self, String> {
        let role_type = role_uid(Role::PrimaryAdmin).type_name().clone();
        let mut slices = HashMap::new();
        // A policy specializes alike in every slice it joins: once each way, not once a slice
        // (a JSON round trip per role and action took minutes for a deep condition).
        let mut specialized: HashMap<(PolicyId, bool), (Policy, bool)> = HashMap::new();
        for &action in Action::ALL {
            let uid = action_uid(action);
            let groups: HashSet<EntityUid> = actions
                .ancestors(&uid)
                .ok_or_else(|| format!("the action hierarchy lacks `{}`", action.name()))?
                .cloned()
                .collect();
            for role in Role::ALL {
                let role_entity = role_uid(role);
                let mut slice = Slice {
                    policies: PolicySet::new(),
                    reads_action: false,
                    text: String::new(),
                };
                for policy in policies.policies() {
                    let principal = policy.principal_constraint();
                    if action_may_match(policy.action_constraint(), &uid, &groups)
                        && principal_may_match(&principal, &role_entity, &role_type)
                    {
                        let known = principal == PrincipalConstraint::In(role_entity.clone());
                        let key = (policy.id().clone(), known);
                        let (policy, reads_action) = match specialized.get(&key) {
                            Some(done) => done.clone(),
                            None => {
                                let done = specialize(policy, known)?;
                                specialized.insert(key, done.clone());
                                done
                            }
                        };
                        slice.reads_action |= reads_action;
                        slice.policies.add(policy).map_err(|e| e.to_string())?;
                    }
                }
                let mut texts: Vec<String> = slice
                    .policies
                    .policies()
                    .map(|p| format!("{}:{p}", p.id()))
                    .collect();
                texts.sort_unstable();
                slice.text = texts.join("\n");
                slices.insert((role, action), slice);
            }
        }
        Ok(Self { slices })
    }

    pub fn get(&self, role: Role, action: Action) -> &Slice {
        &self.slices[&(role, action)]
    }
}

/// The policy with its action scope, and its principal scope when `principal_holds`,
/// replaced by "any"; and whether its conditions read the action.
fn specialize(policy: &Policy, principal_holds: bool) -> Result<(Policy, bool), String> {
    let mut est = policy.to_json().map_err(|e| e.to_string())?;
    est["action"] = json!({"op": "All"});
    if principal_holds {
        est["principal"] = json!({"op": "All"});
    }
    let reads_action = mentions_action(&est["conditions"]);
    let policy = Policy::from_json(Some(policy.id().clone()), est).map_err(|e| e.to_string())?;
    Ok((policy, reads_action))
}

fn mentions_action(value: &Value) -> bool {
    match value {
        Value::Object(map) => {
            map.get("Var").and_then(Value::as_str) == Some("action")
                || map.values().any(mentions_action)
        }
        Value::Array(items) => items.iter().any(mentions_action),
        _ => false,
    }
}

fn action_may_match(
    constraint: ActionConstraint,
    action: &EntityUid,
    groups: &HashSet<EntityUid>,
) -> bool {
    let is_or_in = |uid: &EntityUid| uid == action || groups.contains(uid);
    match constraint {
        ActionConstraint::Any => true,
        ActionConstraint::Eq(uid) => &uid == action,
        ActionConstraint::In(uids) => uids.iter().any(is_or_in),
    }
}

/// Only a constraint naming another role is known to fail; any other is kept.
fn principal_may_match(
    constraint: &PrincipalConstraint,
    role_uid: &EntityUid,
    role_type: &EntityTypeName,
) -> bool {
    match constraint {
        PrincipalConstraint::In(uid) | PrincipalConstraint::IsIn(_, uid) => {
            uid.type_name() != role_type || uid == role_uid
        }
        PrincipalConstraint::Any | PrincipalConstraint::Eq(_) | PrincipalConstraint::Is(_) => true,
    }
}

#[cfg(test)]
mod tests {
    use std::time::{Duration, Instant};

    use crate::authz::{builtin_base, Engines, PolicyContent, WRITER_STACK_BYTES};

    /// Found by `fuzz/run policy_text`: conditions inside the policy limits (256 `||` within
    /// 31 parentheses, 256 nested `if`) took 90 s and 130 s to build when each policy was
    /// specialized again for each of the hundreds of slices it joins.
    #[test]
    fn a_deep_condition_is_specialized_once_not_once_a_slice() {
        let policy = |condition: String| {
            format!("@id(\"p\") permit(principal, action, resource) when {{ {condition} }};")
        };
        let texts = [
            policy(format!(
                "{}{}{}",
                "(".repeat(31),
                vec!["true"; 256].join(" || "),
                ")".repeat(31)
            )),
            policy(format!("{}true", "if true then true else ".repeat(256))),
        ];
        std::thread::Builder::new()
            .stack_size(WRITER_STACK_BYTES)
            .spawn(move || {
                let engines = Engines::new(builtin_base()).expect("the built-in policies build");
                for text in texts {
                    let started = Instant::now();
                    let content = PolicyContent {
                        text,
                        links: Vec::new(),
                    };
                    engines.build(&content).expect("a valid policy builds");
                    assert!(
                        started.elapsed() < Duration::from_secs(30),
                        "built in {:?}",
                        started.elapsed()
                    );
                }
            })
            .expect("a thread")
            .join()
            .expect("the builds came back");
    }
}
