//! Reads of the stored findings: a page of the listing, one finding, those of some
//! fingerprints, the unresolved ones and the people they prove behind each login.

use std::collections::HashMap;

use diesel::prelude::*;

use crate::paging::{Page, SortedPageRequest};
use crate::seats::findings::{FindingKind, Severity};
use crate::seats::records::{headcount_estimate, FindingRow, FindingState};
use crate::store::schema::findings;
use crate::store::DbConnection;

/// People behind each login with an unresolved shared-login finding: the proven lower bound,
/// or the estimate when the company counts probable sharing.
pub fn unresolved_headcounts(
    conn: &mut DbConnection,
    company_id: &str,
    count_probable: bool,
) -> QueryResult<HashMap<String, u32>> {
    let rows: Vec<(Option<String>, i64, String)> = findings::table
        .filter(findings::company_id.eq(company_id))
        .filter(findings::kind.eq(FindingKind::SharedLogin.as_str()))
        .filter(findings::state.ne(FindingState::Resolved))
        .select((findings::login, findings::headcount, findings::evidence))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .filter_map(|(login, proven, evidence)| {
            let people = if count_probable {
                headcount_estimate(&evidence, proven)
            } else {
                proven
            };
            Some((login?, u32::try_from(people).unwrap_or(0)))
        })
        .collect())
}

/// Filters of a findings listing; absent means any.
#[derive(Debug, Clone, Copy, Default)]
pub struct FindingFilter {
    pub state: Option<FindingState>,
    pub kind: Option<FindingKind>,
    pub severity: Option<Severity>,
}

diesel::define_sql_function! {
    fn coalesce(value: diesel::sql_types::Nullable<diesel::sql_types::Text>, otherwise: diesel::sql_types::Text) -> diesel::sql_types::Text;
}

/// Which page of the findings: sorted by kind, login (none first) and id.
pub type FindingPageRequest = SortedPageRequest<3>;

/// A page of the company's findings, by kind, then login, then id.
pub fn list_findings(
    conn: &mut DbConnection,
    company_id: &str,
    filter: FindingFilter,
    request: &FindingPageRequest,
) -> QueryResult<Page<FindingRow>> {
    let mut query = findings::table
        .filter(findings::company_id.eq(company_id))
        .into_boxed();
    if let Some(state) = filter.state {
        query = query.filter(findings::state.eq(state));
    }
    if let Some(kind) = filter.kind {
        query = query.filter(findings::kind.eq(kind.as_str()));
    }
    if let Some(severity) = filter.severity {
        query = query.filter(findings::severity.eq(severity));
    }
    // Both backends sort a missing login the same way: as an empty one.
    let login = || coalesce(findings::login, "");
    if let Some([kind, after_login, id]) = request.after.clone() {
        query = query.filter(
            findings::kind
                .gt(kind.clone())
                .or(findings::kind
                    .eq(kind.clone())
                    .and(login().gt(after_login.clone())))
                .or(findings::kind
                    .eq(kind)
                    .and(login().eq(after_login))
                    .and(findings::id.gt(id))),
        );
    }
    let rows = query
        .order((findings::kind.asc(), login().asc(), findings::id.asc()))
        .limit(request.fetch())
        .select(FindingRow::as_select())
        .load(conn)?;
    let keys = |row: &FindingRow| {
        let login = row.login.clone().unwrap_or_default();
        vec![row.kind.clone(), login, row.id.clone()]
    };
    Ok(Page::cut(rows, request.limit, keys, |row| row))
}

pub fn find_finding(
    conn: &mut DbConnection,
    company_id: &str,
    finding_id: &str,
) -> QueryResult<Option<FindingRow>> {
    findings::table
        .filter(findings::company_id.eq(company_id))
        .filter(findings::id.eq(finding_id))
        .select(FindingRow::as_select())
        .get_result(conn)
        .optional()
}

/// Every finding of the company not yet resolved, whatever their number: the daily digest
/// sums them all up.
pub fn unresolved_findings(
    conn: &mut DbConnection,
    company_id: &str,
) -> QueryResult<Vec<FindingRow>> {
    findings::table
        .filter(findings::company_id.eq(company_id))
        .filter(findings::state.ne(FindingState::Resolved))
        .select(FindingRow::as_select())
        .load(conn)
}

/// The stored findings of the given fingerprints, in the order given.
pub fn findings_by_fingerprint(
    conn: &mut DbConnection,
    company_id: &str,
    fingerprints: &[&str],
) -> QueryResult<Vec<FindingRow>> {
    let mut rows: HashMap<String, FindingRow> = findings::table
        .filter(findings::company_id.eq(company_id))
        .filter(findings::fingerprint.eq_any(fingerprints))
        .select(FindingRow::as_select())
        .load(conn)?
        .into_iter()
        .map(|row| (row.fingerprint.clone(), row))
        .collect();
    Ok(fingerprints
        .iter()
        .filter_map(|print| rows.remove(*print))
        .collect())
}
