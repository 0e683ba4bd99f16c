//! The shared-login flag of sessions, which `enforce` acts on: set for logins with an
//! unresolved, proven shared-login finding, cleared otherwise.

use std::collections::BTreeSet;

use diesel::prelude::*;

use crate::seats::findings::{fingerprint, EvidenceClass, FindingKind};
use crate::seats::records::{evidence_class, FindingState};
use crate::store::schema::{findings, sessions, users};
use crate::store::DbConnection;

/// Flags the sessions of every login with an unresolved, proven shared-login finding, and
/// clears the flag of logins whose finding was resolved or is only probable: under `enforce` a
/// flag costs writes, which a probability must not. Returns the open sessions now flagged.
pub fn sync_flags(conn: &mut DbConnection, company_id: &str) -> QueryResult<usize> {
    let shared: Vec<(Option<String>, FindingState, String)> = findings::table
        .filter(findings::company_id.eq(company_id))
        .filter(findings::kind.eq(FindingKind::SharedLogin.as_str()))
        .select((findings::login, findings::state, findings::evidence))
        .load(conn)?;
    let (mut flagged, mut cleared) = (BTreeSet::new(), BTreeSet::new());
    for (login, state, evidence) in shared {
        let Some(login) = login else { continue };
        let unresolved =
            state != FindingState::Resolved && evidence_class(&evidence) == EvidenceClass::Proven;
        if unresolved {
            flagged.insert(login);
        } else {
            cleared.insert(login);
        }
    }
    cleared.retain(|login| !flagged.contains(login));
    // Two statements for all the logins, not two per login: this runs on the writer's thread.
    set_logins_flag(conn, company_id, &cleared, false)?;
    set_logins_flag(conn, company_id, &flagged, true)
}

/// Sets the shared-login flag on the open sessions of a login (clearing reaches every session).
pub fn set_login_flag(
    conn: &mut DbConnection,
    company_id: &str,
    login: &str,
    flagged: bool,
) -> QueryResult<usize> {
    set_logins_flag(
        conn,
        company_id,
        &BTreeSet::from([login.to_owned()]),
        flagged,
    )
}

/// `set_login_flag` for several logins at once; the count is of the sessions updated.
fn set_logins_flag(
    conn: &mut DbConnection,
    company_id: &str,
    logins: &BTreeSet<String>,
    flagged: bool,
) -> QueryResult<usize> {
    if logins.is_empty() {
        return Ok(0);
    }
    let holders = users::table
        .filter(users::company_id.eq(company_id))
        .filter(users::email.eq_any(logins))
        .select(users::id);
    let targets = sessions::table
        .filter(sessions::company_id.eq(company_id))
        .filter(sessions::user_id.eq_any(holders));
    if flagged {
        diesel::update(targets.filter(sessions::ended_at.is_null()))
            .set(sessions::flagged.eq(true))
            .execute(conn)
    } else {
        diesel::update(targets.filter(sessions::flagged.eq(true)))
            .set(sessions::flagged.eq(false))
            .execute(conn)
    }
}

/// Whether the login carries a proven shared-login finding nobody resolved yet.
pub fn shared_login_unresolved(
    conn: &mut DbConnection,
    company_id: &str,
    login: &str,
) -> QueryResult<bool> {
    let fingerprint = fingerprint(FindingKind::SharedLogin, Some(login));
    let evidence: Vec<String> = findings::table
        .filter(findings::company_id.eq(company_id))
        .filter(findings::fingerprint.eq(fingerprint))
        .filter(findings::state.ne(FindingState::Resolved))
        .select(findings::evidence)
        .load(conn)?;
    Ok(evidence
        .iter()
        .any(|text| evidence_class(text) == EvidenceClass::Proven))
}
