//! Sign-in events of another app, stored with their unknown logins made external users.

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;

use crate::authz::{Action, Actor, Authz, Options, Resource, ResourceKind};
use crate::identity::companies::lock_company;
use crate::identity::Role;
use crate::seats::error::SeatsError;
use crate::seats::import::{ParsedImport, RowError};
use crate::seats::storage;
use crate::store::DbConnection;

/// What an import did.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ImportReport {
    /// Data rows read.
    pub received: usize,
    /// Valid rows stored now.
    pub imported: usize,
    /// Valid rows already stored by an earlier import.
    pub duplicates: usize,
    /// Rows left out; `errors` says why.
    pub rejected: usize,
    /// Logins that became external users.
    pub users_created: Vec<String>,
    pub errors: Vec<RowError>,
}

pub fn import_session_events(
    conn: &mut DbConnection,
    authz: &Authz,
    actor: &Actor,
    company_id: &str,
    parsed: ParsedImport,
) -> Result<ImportReport, SeatsError> {
    let resource = Resource::company_wide(ResourceKind::Settings, company_id);
    authz.authorize(
        conn,
        actor,
        Action::ImportSessionEvents,
        &resource,
        Options::default(),
    )?;
    import_now(conn, company_id, parsed)
}

/// Stores the valid rows and creates their unknown logins. Unchecked: callers authorize.
pub fn import_now(
    conn: &mut DbConnection,
    company_id: &str,
    parsed: ParsedImport,
) -> Result<ImportReport, SeatsError> {
    // Imports of one company queue here, so two cannot both create the same login.
    lock_company(conn, company_id)?;
    let now = crate::clock::now();
    let mut roles: BTreeMap<String, Role> = BTreeMap::new();
    for imported in &parsed.events {
        let role = roles
            .entry(imported.event.login.clone())
            .or_insert(Role::StandardAll);
        if let Some(given) = imported.role {
            *role = given;
        }
    }
    let users_created =
        storage::external_users::create_external_users(conn, company_id, &roles, now)?;
    let events: Vec<_> = parsed.events.iter().map(|e| e.event.clone()).collect();
    let imported = storage::events::insert_events(conn, company_id, &events, now)?;
    let rejected = parsed
        .errors
        .iter()
        .map(|error| error.row)
        .collect::<BTreeSet<_>>()
        .len();
    Ok(ImportReport {
        received: events.len() + rejected,
        imported,
        duplicates: events.len() - imported,
        rejected,
        users_created,
        errors: parsed.errors,
    })
}
