//! Who can do what: the company's users × every action, from a set of policies and the real
//! roster.
//!
//! Each user is asked every action in ordinary circumstances: in their own company, on a
//! record someone else created or owns, with no amount, an open period, nothing flagged.
//! Allowed then is `allowed`. Denied then but allowed on their own record, or on a record
//! with a small amount (a grant up to an amount), is `conditional`. Otherwise `denied`.
//! Users alike for the policies (same role and state, named by no policy) are asked once.

use std::collections::{BTreeMap, HashMap};

use diesel::prelude::*;
use serde::Serialize;

use crate::authz::{Action, Actor, CompanyRules, Engine, Options, Resource, ResourceKind};
use crate::identity::models::status;
use crate::identity::Role;
use crate::store::schema::users;
use crate::store::DbConnection;

/// Id of the someone-else the ordinary request is about.
const SOMEONE_ELSE: &str = "access-review-other-user";

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Access {
    Denied,
    Conditional,
    Allowed,
}

impl Access {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Denied => "denied",
            Self::Conditional => "conditional",
            Self::Allowed => "allowed",
        }
    }
}

/// A user of the roster, as the review reads them.
#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable, Serialize, utoipa::ToSchema)]
#[diesel(table_name = users)]
pub struct RosterUser {
    pub id: String,
    pub email: String,
    pub display_name: String,
    pub role: String,
    pub status: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct UserAccess {
    #[serde(flatten)]
    pub user: RosterUser,
    /// Action name to access, for every action of the schema.
    pub access: BTreeMap<String, Access>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct AccessReview {
    pub actions: Vec<String>,
    pub users: Vec<UserAccess>,
}

impl AccessReview {
    /// One line per user, one column per action.
    pub fn to_csv(&self) -> Result<Vec<u8>, csv::Error> {
        let mut writer = csv::Writer::from_writer(Vec::new());
        let header = ["user_id", "email", "display_name", "role", "status"]
            .into_iter()
            .chain(self.actions.iter().map(String::as_str));
        writer.write_record(header)?;
        for user in &self.users {
            let fields = [
                user.user.id.as_str(),
                &user.user.email,
                &user.user.display_name,
                &user.user.role,
                &user.user.status,
            ];
            let access = self.actions.iter().map(|action| {
                user.access
                    .get(action)
                    .copied()
                    .unwrap_or(Access::Denied)
                    .as_str()
            });
            writer.write_record(fields.into_iter().chain(access))?;
        }
        writer.into_inner().map_err(|e| e.into_error().into())
    }
}

/// The company's users, by id.
pub fn load_roster(
    conn: &mut DbConnection,
    company_id: &str,
) -> Result<Vec<RosterUser>, diesel::result::Error> {
    users::table
        .filter(users::company_id.eq(company_id))
        .order(users::id.asc())
        .select(RosterUser::as_select())
        .load(conn)
}

/// The review of `roster` under `engine`.
pub fn review(
    engine: &Engine,
    company_id: &str,
    rules: &CompanyRules,
    roster: Vec<RosterUser>,
) -> AccessReview {
    let mut by_kind: HashMap<(Role, bool), BTreeMap<String, Access>> = HashMap::new();
    let users = roster
        .into_iter()
        .map(|user| {
            let access = match actor_of(&user, company_id) {
                None => Action::ALL
                    .iter()
                    .map(|a| (a.name().to_owned(), Access::Denied))
                    .collect(),
                Some(actor) if engine.named_users().contains(&user.id) => {
                    user_access(engine, &actor, rules)
                }
                Some(actor) => by_kind
                    .entry((actor.role, actor.active))
                    .or_insert_with(|| user_access(engine, &actor, rules))
                    .clone(),
            };
            UserAccess { user, access }
        })
        .collect();
    AccessReview {
        actions: Action::ALL.iter().map(|a| a.name().to_owned()).collect(),
        users,
    }
}

/// None for a role this service does not know: such a user is denied everything.
fn actor_of(user: &RosterUser, company_id: &str) -> Option<Actor> {
    Some(Actor {
        user_id: user.id.clone(),
        company_id: company_id.to_owned(),
        role: Role::parse(&user.role)?,
        active: user.status == status::ACTIVE || user.status == status::EXTERNAL,
        session_id: None,
        session_flagged: false,
        client_ip: None,
    })
}

fn user_access(engine: &Engine, actor: &Actor, rules: &CompanyRules) -> BTreeMap<String, Access> {
    Action::ALL
        .iter()
        .map(|&action| {
            (
                action.name().to_owned(),
                access(engine, actor, rules, action),
            )
        })
        .collect()
}

/// The access to `action`, over every resource type it applies to: the most permissive.
pub fn access(engine: &Engine, actor: &Actor, rules: &CompanyRules, action: Action) -> Access {
    let allowed = |resource: &Resource| {
        engine
            .decide(actor, rules, action, resource, Options::default())
            .allowed
    };
    let mut best = Access::Denied;
    for kind in engine.resource_kinds(action) {
        let ordinary = ordinary_resource(kind, &actor.company_id);
        if allowed(&ordinary) {
            return Access::Allowed;
        }
        let own = own_resource(ordinary.clone(), &actor.user_id, actor.role);
        if allowed(&own) || allowed(&ordinary.amount(SMALL_AMOUNT_CENTS)) {
            best = Access::Conditional;
        }
    }
    best
}

/// The amount of the probe for grants up to an amount.
const SMALL_AMOUNT_CENTS: i64 = 1;

/// A record of the company that someone else created or owns, with no date or amount.
fn ordinary_resource(kind: ResourceKind, company_id: &str) -> Resource {
    let resource = Resource::new(kind, "access-review", company_id).created_by(SOMEONE_ELSE);
    match kind {
        ResourceKind::Timesheet | ResourceKind::Session => Resource {
            owner: Some(SOMEONE_ELSE.to_owned()),
            owner_role: Some(Role::StandardAll.as_str().to_owned()),
            ..resource
        },
        ResourceKind::User => {
            Resource::user(SOMEONE_ELSE, company_id, Role::StandardAll.as_str(), true)
        }
        ResourceKind::Report => resource.labelled("profit_and_loss"),
        _ => resource,
    }
}

/// The same record, the user's own.
fn own_resource(resource: Resource, user_id: &str, role: Role) -> Resource {
    match resource.kind {
        ResourceKind::User => Resource::user(user_id, &resource.company_id, role.as_str(), true),
        ResourceKind::Timesheet | ResourceKind::Session => Resource {
            owner: Some(user_id.to_owned()),
            owner_role: Some(role.as_str().to_owned()),
            ..resource
        },
        _ => resource.created_by(user_id),
    }
}

/// One user's access that a change would alter.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct AccessChange {
    pub action: String,
    pub before: Access,
    pub after: Access,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct UserDelta {
    pub user_id: String,
    pub email: String,
    /// Actions whose access grows (denied to conditional or allowed, conditional to allowed).
    pub gained: Vec<AccessChange>,
    /// Actions whose access shrinks.
    pub lost: Vec<AccessChange>,
}

/// Per user, the actions gained and lost from `before` to `after` (same roster, same order).
pub fn delta(before: &AccessReview, after: &AccessReview) -> Vec<UserDelta> {
    before
        .users
        .iter()
        .zip(&after.users)
        .filter_map(|(old, new)| {
            let (mut gained, mut lost) = (Vec::new(), Vec::new());
            for (action, &was) in &old.access {
                let now = new.access.get(action).copied().unwrap_or(Access::Denied);
                let change = AccessChange {
                    action: action.clone(),
                    before: was,
                    after: now,
                };
                match now.cmp(&was) {
                    std::cmp::Ordering::Greater => gained.push(change),
                    std::cmp::Ordering::Less => lost.push(change),
                    std::cmp::Ordering::Equal => {}
                }
            }
            (!gained.is_empty() || !lost.is_empty()).then(|| UserDelta {
                user_id: old.user.id.clone(),
                email: old.user.email.clone(),
                gained,
                lost,
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::authz::load_builtin;

    fn user(id: &str, role: &str) -> RosterUser {
        RosterUser {
            id: id.into(),
            email: format!("{id}@example.fr"),
            display_name: id.into(),
            role: role.into(),
            status: status::ACTIVE.into(),
        }
    }

    fn rules() -> CompanyRules {
        CompanyRules {
            closing_date: None,
            enforcement_mode: "monitor".into(),
            sod_enabled: true,
        }
    }

    #[test]
    fn the_review_follows_the_role_table_with_conditions_on_own_records() {
        let engine = Engine::new(load_builtin().unwrap()).unwrap();
        let roster = vec![user("ann", "standard_sales"), user("bob", "reports_only")];
        let review = review(&engine, "c-1", &rules(), roster);
        let ann = &review.users[0].access;
        assert_eq!(ann["create_invoice"], Access::Allowed);
        assert_eq!(ann["create_bill"], Access::Denied);
        assert_eq!(ann["update_timesheet"], Access::Conditional);
        assert_eq!(review.users[1].access["create_invoice"], Access::Denied);
        let csv = String::from_utf8(review.to_csv().unwrap()).unwrap();
        assert!(csv
            .lines()
            .next()
            .unwrap()
            .starts_with("user_id,email,display_name,role,status,view_customer"));
        assert_eq!(csv.lines().count(), 3);
    }

    #[test]
    fn a_disabled_user_is_denied_everything() {
        let engine = Engine::new(load_builtin().unwrap()).unwrap();
        let mut gone = user("gone", "primary_admin");
        gone.status = status::DISABLED.into();
        let review = review(&engine, "c-1", &rules(), vec![gone]);
        assert!(
            review.users[0]
                .access
                .values()
                .all(|a| *a == Access::Denied),
            "{review:?}"
        );
    }

    #[test]
    fn the_delta_names_what_each_user_gains_and_loses() {
        let engine = Engine::new(load_builtin().unwrap()).unwrap();
        let before = review(
            &engine,
            "c-1",
            &rules(),
            vec![user("ann", "standard_sales")],
        );
        let mut after = before.clone();
        after.users[0]
            .access
            .insert("create_invoice".into(), Access::Denied);
        after.users[0]
            .access
            .insert("create_bill".into(), Access::Allowed);
        let delta = delta(&before, &after);
        assert_eq!(delta[0].lost[0].action, "create_invoice");
        assert_eq!(delta[0].gained[0].action, "create_bill");
    }
}
