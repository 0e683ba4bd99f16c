//! What the signed-in person may do in their own company, so that the pages show only the
//! menus and buttons they may use. Decided by the company's active policies as the access
//! review decides them, in one batch and without logging: nothing is done or read yet, and
//! the action itself is decided (and logged) again when the person takes it.

use std::collections::HashSet;

use super::access_review::{access, Access};
use super::errors::PolicyAdminError;
use super::service::active_engine;
use crate::authz::{Action, Actor, Authz};
use crate::identity::companies::{find_header, CompanyHeader};
use crate::store::DbConnection;

/// Actions the person may take, on some record of their company at least.
#[derive(Debug, Clone, Default)]
pub struct Permissions(HashSet<Action>);

impl Permissions {
    pub fn allows(&self, action: Action) -> bool {
        self.0.contains(&action)
    }
}

/// The person's company as the pages head it, and what they may do in it.
#[derive(Debug, Clone)]
pub struct OwnAccess {
    pub company: CompanyHeader,
    pub may: Permissions,
}

pub fn own_access(
    conn: &mut DbConnection,
    authz: &Authz,
    actor: &Actor,
) -> Result<OwnAccess, PolicyAdminError> {
    let company = find_header(conn, &actor.company_id)?;
    let (setup, engine) = active_engine(conn, authz, &actor.company_id)?;
    let may = Action::ALL
        .iter()
        .copied()
        .filter(|&action| access(&engine, actor, &setup.rules, action) != Access::Denied)
        .collect();
    Ok(OwnAccess {
        company,
        may: Permissions(may),
    })
}
