//! The outbox as admins see it: every mail with its recipient, state, attempts and last
//! error, so an address that never receives is visible.

use serde::Serialize;

use super::error::AlertsError;
use super::message;
use super::outbox::listing::{self, AlertFilter};
use super::outbox::{AlertRow, AlertState};
use crate::authz::{Action, Actor, Authz, Options, Resource, ResourceKind};
use crate::clock::rfc3339;
use crate::identity::companies::find_company;
use crate::store::DbConnection;

/// Most alerts one page lists.
pub const MAX_PAGE: i64 = 200;

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct AlertView {
    pub id: String,
    /// finding or digest
    pub kind: String,
    pub finding_id: Option<String>,
    pub recipient: String,
    pub subject: Option<String>,
    /// queued (waiting for its first or next attempt), sent, or failed (refused for good)
    pub state: String,
    pub delivered: bool,
    pub attempts: i64,
    pub last_error: Option<String>,
    /// When the next attempt is due, while queued.
    pub next_attempt_at: Option<String>,
    pub created_at: String,
    pub sent_at: Option<String>,
}

impl From<AlertRow> for AlertView {
    fn from(row: AlertRow) -> Self {
        let queued = row.state == AlertState::Queued;
        Self {
            subject: message::subject(&row),
            delivered: row.sent_at.is_some(),
            next_attempt_at: queued.then(|| rfc3339(row.next_attempt_at)),
            id: row.id,
            kind: row.kind,
            finding_id: row.finding_id,
            recipient: row.recipient,
            state: row.state.as_str().to_owned(),
            attempts: row.attempts,
            last_error: row.last_error,
            created_at: rfc3339(row.created_at),
            sent_at: row.sent_at.map(rfc3339),
        }
    }
}

/// One page of alerts, newest first; `next` is the cursor of the following page.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct AlertPage {
    pub items: Vec<AlertView>,
    pub next: Option<String>,
}

pub fn list_alerts(
    conn: &mut DbConnection,
    authz: &Authz,
    actor: &Actor,
    company_id: &str,
    filter: &AlertFilter,
) -> Result<AlertPage, AlertsError> {
    let resource = Resource::company_wide(ResourceKind::Settings, company_id);
    authz.authorize(
        conn,
        actor,
        Action::ViewAlerts,
        &resource,
        Options::default(),
    )?;
    find_company(conn, company_id)?;
    let rows = listing::list(conn, company_id, filter)?;
    let full = i64::try_from(rows.len()).unwrap_or(i64::MAX) == filter.limit;
    let next = full
        .then(|| rows.last().map(|row| row.id.clone()))
        .flatten();
    Ok(AlertPage {
        items: rows.into_iter().map(AlertView::from).collect(),
        next,
    })
}
