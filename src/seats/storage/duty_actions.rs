//! The duty actions of the decision log: the writes of the books that tell which duty a
//! session was doing, read along their own partial index.

use std::collections::HashMap;
use std::sync::LazyLock;

use chrono::NaiveDateTime;
use diesel::dsl::sql;
use diesel::prelude::*;
use diesel::sql_types::Bool;

use super::time_pages::{self, page_end, within};
use crate::authz::Action;
use crate::seats::detectors::duty::{DutyAction, DutyGroup};
use crate::store::schema::decisions;
use crate::store::DbConnection;

/// The writes of the books that tell which duty a session was doing, and timesheets, which
/// tell the advisor a person needs a time-tracking role at least.
const DUTY_ACTIONS: [(Action, DutyGroup); 23] = [
    (Action::CreateCustomer, DutyGroup::Sales),
    (Action::UpdateCustomer, DutyGroup::Sales),
    (Action::CreateEstimate, DutyGroup::Sales),
    (Action::UpdateEstimate, DutyGroup::Sales),
    (Action::ConvertEstimate, DutyGroup::Sales),
    (Action::CreateInvoice, DutyGroup::Sales),
    (Action::UpdateInvoice, DutyGroup::Sales),
    (Action::SendInvoice, DutyGroup::Sales),
    (Action::VoidInvoice, DutyGroup::Sales),
    (Action::ReceivePayment, DutyGroup::Sales),
    (Action::CreateVendor, DutyGroup::Purchases),
    (Action::UpdateVendor, DutyGroup::Purchases),
    (Action::CreateBill, DutyGroup::Purchases),
    (Action::UpdateBill, DutyGroup::Purchases),
    (Action::ApproveBill, DutyGroup::Purchases),
    (Action::PayBill, DutyGroup::Purchases),
    (Action::PostJournalEntry, DutyGroup::Accounting),
    (Action::ReverseJournalEntry, DutyGroup::Accounting),
    (Action::CreateAccount, DutyGroup::Accounting),
    (Action::UpdateAccount, DutyGroup::Accounting),
    (Action::SetClosingDate, DutyGroup::Accounting),
    (Action::CreateTimesheet, DutyGroup::Time),
    (Action::UpdateTimesheet, DutyGroup::Time),
];

/// The duty group of an action of the decision log, if it is one the auditor reads.
pub fn duty_group(action_name: &str) -> Option<DutyGroup> {
    DUTY_ACTIONS
        .iter()
        .find(|(action, _)| action.name() == action_name)
        .map(|(_, group)| *group)
}

/// `action IN (...)` over `DUTY_ACTIONS`, as literal SQL: the predicate of the partial index
/// `decisions_duty_actions`, which neither planner uses for a list of bound parameters.
static DUTY_ACTIONS_PREDICATE: LazyLock<String> = LazyLock::new(|| {
    let names: Vec<String> = DUTY_ACTIONS
        .iter()
        .map(|(action, _)| format!("'{}'", action.name()))
        .collect();
    format!("action IN ({})", names.join(", "))
});

/// The duty actions of the lookback, read along their own index: the decision log's reads,
/// most of it, are never walked.
pub(super) fn duty_actions(
    conn: &mut DbConnection,
    company_id: &str,
    logins: &HashMap<&str, &str>,
    since: NaiveDateTime,
) -> QueryResult<Vec<DutyAction>> {
    let company_duties = || {
        decisions::table
            .filter(decisions::company_id.eq(company_id))
            .filter(sql::<Bool>(&DUTY_ACTIONS_PREDICATE))
            .into_boxed()
    };
    let rows: Vec<(Option<String>, Option<String>, String, NaiveDateTime)> =
        time_pages::read_by_time(
            conn,
            since,
            |conn, lower| page_end!(conn, company_duties(), decisions::decided_at, lower),
            |conn, window| {
                within!(company_duties(), decisions::decided_at, window)
                    .filter(decisions::decision.eq("allow"))
                    .filter(decisions::session_id.is_not_null())
                    .select((
                        decisions::user_id,
                        decisions::session_id,
                        decisions::action,
                        decisions::decided_at,
                    ))
                    .load(conn)
            },
        )?;
    Ok(rows
        .into_iter()
        .filter_map(|(user_id, session_id, action, at)| {
            Some(DutyAction {
                login: (*logins.get(user_id?.as_str())?).to_owned(),
                session_id: session_id?,
                at: at.and_utc(),
                group: duty_group(&action)?,
            })
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(QueryableByName)]
    struct PlanStep {
        #[diesel(sql_type = diesel::sql_types::Text)]
        detail: String,
    }

    /// How SQLite would run the audit's read of duty actions, given an index clause.
    fn duty_actions_plan(indexed: &str) -> QueryResult<String> {
        let dir = tempfile::tempdir().expect("temp dir");
        let url = crate::store::DatabaseUrl::Sqlite(dir.path().join("plan.db"));
        let store = crate::store::Store::open(&url, 1).expect("store");
        store.migrate().expect("migrations");
        let mut conn = store.connection().expect("connection");
        let steps: Vec<PlanStep> = diesel::sql_query(format!(
            "EXPLAIN QUERY PLAN SELECT decided_at FROM decisions {indexed} \
             WHERE company_id = 'c' AND {} AND decided_at >= '2026-03-02 09:00:00' \
             ORDER BY decided_at LIMIT 1 OFFSET {}",
            *DUTY_ACTIONS_PREDICATE,
            time_pages::PAGE_ROWS - 1
        ))
        .load(&mut *conn)?;
        Ok(steps.into_iter().map(|step| step.detail).collect())
    }

    /// The audit's list of duty actions must be the partial index's, word for word, or the
    /// audit walks the whole decision log again: SQLite refuses `INDEXED BY` an index the
    /// query cannot use, and its planner picks that index unprompted.
    #[test]
    fn the_duty_actions_are_read_along_their_own_index() {
        let forced = duty_actions_plan("INDEXED BY decisions_duty_actions");
        assert!(
            forced.is_ok(),
            "the index does not serve the query: {forced:?}"
        );
        let chosen = duty_actions_plan("").expect("a plan");
        assert!(chosen.contains("decisions_duty_actions"), "plan: {chosen}");
    }

    #[test]
    fn book_writes_map_to_their_duty_and_reads_to_none() {
        assert_eq!(duty_group("create_invoice"), Some(DutyGroup::Sales));
        assert_eq!(duty_group("approve_bill"), Some(DutyGroup::Purchases));
        assert_eq!(
            duty_group("post_journal_entry"),
            Some(DutyGroup::Accounting)
        );
        assert_eq!(duty_group("create_timesheet"), Some(DutyGroup::Time));
        assert_eq!(duty_group("view_invoice"), None);
        assert_eq!(duty_group("view_financial_report"), None);
    }
}
