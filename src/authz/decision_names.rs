//! Who and what the decision log names, as people read them: users by display name and
//! email, records by their number or name. Read once `view_decisions` is authorized: whoever
//! may investigate the log may read the names of what it holds.

use std::collections::{BTreeSet, HashMap};

use diesel::prelude::*;

use super::decision_log::DecisionRecord;
use super::resource::ResourceKind;
use crate::store::schema::{
    bills, credit_notes, customers, estimates, findings, invoices, journal_entries, sessions,
    users, vendors,
};
use crate::store::DbConnection;

/// A user of the company, as pages name them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Person {
    pub name: String,
    pub email: String,
}

/// The names a page of the log needs.
#[derive(Debug, Clone, Default)]
pub struct Names {
    /// Every user of the company, by id.
    pub people: HashMap<String, Person>,
    /// Records by kind and id: their number or name. A session is named by its user's
    /// name, a finding by its login.
    pub records: HashMap<(ResourceKind, String), String>,
}

impl Names {
    pub fn person(&self, user_id: &str) -> Option<&Person> {
        self.people.get(user_id)
    }

    /// The number or name of a record the log names; None for a company-wide resource, an
    /// id that names no record ("own", "all") or a record since deleted.
    pub fn record(&self, resource_type: &str, resource_id: &str) -> Option<&str> {
        let kind = ResourceKind::parse(resource_type)?;
        if kind == ResourceKind::User {
            return self.person(resource_id).map(|person| person.name.as_str());
        }
        self.records
            .get(&(kind, resource_id.to_owned()))
            .map(String::as_str)
    }
}

/// The company's people only: what a CSV export adds to each line.
pub fn people(
    conn: &mut DbConnection,
    company_id: &str,
) -> Result<HashMap<String, Person>, diesel::result::Error> {
    let rows: Vec<(String, String, String)> = users::table
        .filter(users::company_id.eq(company_id))
        .select((users::id, users::display_name, users::email))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .map(|(id, name, email)| (id, Person { name, email }))
        .collect())
}

/// The people of the company and the records `logged` names.
pub fn names_in(
    conn: &mut DbConnection,
    company_id: &str,
    logged: &[DecisionRecord],
) -> Result<Names, diesel::result::Error> {
    let people = people(conn, company_id)?;
    let mut wanted: HashMap<ResourceKind, BTreeSet<String>> = HashMap::new();
    for record in logged {
        if let Some(kind) = ResourceKind::parse(&record.resource_type) {
            wanted
                .entry(kind)
                .or_default()
                .insert(record.resource_id.clone());
        }
    }
    let mut records = HashMap::new();
    for (kind, ids) in wanted {
        let ids: Vec<String> = ids.into_iter().collect();
        let found = record_names(conn, company_id, kind, &ids, &people)?;
        records.extend(found.into_iter().map(|(id, name)| ((kind, id), name)));
    }
    Ok(Names { people, records })
}

/// Numbers or names of the records of one kind; kinds without one give none.
fn record_names(
    conn: &mut DbConnection,
    company_id: &str,
    kind: ResourceKind,
    ids: &[String],
    people: &HashMap<String, Person>,
) -> Result<Vec<(String, String)>, diesel::result::Error> {
    macro_rules! named {
        ($table:ident, $name:expr) => {
            $table::table
                .filter($table::company_id.eq(company_id))
                .filter($table::id.eq_any(ids))
                .select(($table::id, $name))
                .load::<(String, String)>(conn)?
        };
    }
    Ok(match kind {
        ResourceKind::Customer => named!(customers, customers::name),
        ResourceKind::Vendor => named!(vendors, vendors::name),
        ResourceKind::Estimate => named!(estimates, estimates::number),
        ResourceKind::Bill => named!(bills, bills::number),
        ResourceKind::CreditNote => named!(credit_notes, credit_notes::number),
        ResourceKind::Invoice => invoices::table
            .filter(invoices::company_id.eq(company_id))
            .filter(invoices::id.eq_any(ids))
            .filter(invoices::number.is_not_null())
            .select((invoices::id, invoices::number.assume_not_null()))
            .load(conn)?,
        ResourceKind::JournalEntry => journal_entries::table
            .filter(journal_entries::company_id.eq(company_id))
            .filter(journal_entries::id.eq_any(ids))
            .select((journal_entries::id, journal_entries::number))
            .load::<(String, i64)>(conn)?
            .into_iter()
            .map(|(id, number)| (id, number.to_string()))
            .collect(),
        ResourceKind::Finding => findings::table
            .filter(findings::company_id.eq(company_id))
            .filter(findings::id.eq_any(ids))
            .filter(findings::login.is_not_null())
            .select((findings::id, findings::login.assume_not_null()))
            .load(conn)?,
        ResourceKind::Session => named!(sessions, sessions::user_id)
            .into_iter()
            .filter_map(|(id, user_id)| Some((id, people.get(&user_id)?.name.clone())))
            .collect(),
        _ => Vec::new(),
    })
}
