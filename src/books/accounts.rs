//! The chart of accounts of a company: seeded from the French default at sign-up, extended and
//! renamed by the finance staff. Numbers never change: the ledger refers to them.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde::Serialize;

use super::chart::{Account, AccountClass, Chart, ChartError};
use super::common::{
    authorize, page, remember, replayed, stale, start_counters, Created, IdempotencyKey, Page,
    PageRequest, Saved, Stamp,
};
use super::ledger::class_name;
use super::BooksError;
use crate::authz::{Action, Actor, Authz, Resource, ResourceKind};
use crate::store::schema::{accounts, closing_dates};
use crate::store::{is_unique_violation, DbConnection};

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = accounts)]
pub struct AccountRow {
    pub id: String,
    pub company_id: String,
    pub number: String,
    pub name_fr: String,
    pub name_en: String,
    pub class: String,
    pub created_at: NaiveDateTime,
    pub version: i64,
    pub updated_by: Option<String>,
    pub updated_by_session: Option<String>,
    pub updated_at: NaiveDateTime,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct AccountView {
    pub id: String,
    pub number: String,
    pub name_fr: String,
    pub name_en: String,
    /// asset, liability, equity, income or expense
    pub class: String,
    pub version: i64,
    /// Absent for the accounts seeded at sign-up and never changed.
    pub updated_by: Option<String>,
    pub updated_at: String,
}

impl From<AccountRow> for AccountView {
    fn from(row: AccountRow) -> Self {
        Self {
            id: row.id,
            number: row.number,
            name_fr: row.name_fr,
            name_en: row.name_en,
            class: row.class,
            version: row.version,
            updated_by: row.updated_by,
            updated_at: crate::clock::rfc3339(row.updated_at),
        }
    }
}

/// Names of an account, as the client sends them for a change.
#[derive(Debug, Clone)]
pub struct AccountNames {
    pub name_fr: String,
    pub name_en: String,
}

/// Seeds a new company's books, in its sign-up transaction: the default French chart, the
/// counters its numbers come from, and the closing date's version row.
pub fn seed_company(conn: &mut DbConnection, company_id: &str) -> QueryResult<()> {
    let now = crate::clock::now();
    let rows: Vec<AccountRow> = Chart::french_default()
        .accounts()
        .map(|account| row_of(company_id, account, None, now))
        .collect();
    match conn {
        DbConnection::Sqlite(c) => diesel::insert_into(accounts::table)
            .values(&rows)
            .execute(c)?,
        DbConnection::Postgres(c) => diesel::insert_into(accounts::table)
            .values(&rows)
            .execute(c)?,
    };
    start_counters(conn, company_id)?;
    diesel::insert_into(closing_dates::table)
        .values((
            closing_dates::company_id.eq(company_id),
            closing_dates::version.eq(1_i64),
            closing_dates::updated_at.eq(now),
        ))
        .execute(conn)?;
    Ok(())
}

fn row_of(
    company_id: &str,
    account: &Account,
    actor: Option<&Actor>,
    now: NaiveDateTime,
) -> AccountRow {
    AccountRow {
        id: uuid::Uuid::now_v7().to_string(),
        company_id: company_id.to_owned(),
        number: account.number().to_owned(),
        name_fr: account.name_fr().to_owned(),
        name_en: account.name_en().to_owned(),
        class: class_name(account.class()).to_owned(),
        created_at: now,
        version: 1,
        updated_by: actor.map(|a| a.user_id.clone()),
        updated_by_session: actor.and_then(|a| a.session_id.clone()),
        updated_at: now,
    }
}

fn find(conn: &mut DbConnection, company_id: &str, id: &str) -> Result<AccountRow, BooksError> {
    accounts::table
        .filter(accounts::id.eq(id))
        .filter(accounts::company_id.eq(company_id))
        .select(AccountRow::as_select())
        .get_result(conn)
        .optional()?
        .ok_or(BooksError::NotFound)
}

pub fn list(
    conn: &mut DbConnection,
    authz: &Authz,
    actor: &Actor,
    company_id: &str,
    request: &PageRequest,
) -> Result<Page<AccountView>, BooksError> {
    let all = Resource::new(ResourceKind::Account, "all", company_id);
    authorize(conn, authz, actor, Action::ViewAccount, &all)?;
    // Accounts page in chart order: the cursor is an account number.
    let rows: Vec<AccountRow> = accounts::table
        .filter(accounts::company_id.eq(company_id))
        .filter(accounts::number.gt(request.after()))
        .order(accounts::number.asc())
        .limit(request.fetch())
        .select(AccountRow::as_select())
        .load(conn)?;
    Ok(page(
        rows,
        request,
        |row| row.number.clone(),
        AccountView::from,
    ))
}

pub fn create(
    conn: &mut DbConnection,
    authz: &Authz,
    actor: &Actor,
    company_id: &str,
    account: Account,
    key: Option<&IdempotencyKey>,
) -> Result<Created<AccountView>, BooksError> {
    let row = row_of(company_id, &account, Some(actor), crate::clock::now());
    let new = Resource::new(ResourceKind::Account, &row.id, company_id);
    authorize(conn, authz, actor, Action::CreateAccount, &new)?;
    if let Some(body) = replayed(conn, actor, company_id, key)? {
        return Ok(Created::Replayed(body));
    }
    diesel::insert_into(accounts::table)
        .values(&row)
        .execute(conn)
        .map_err(|error| {
            if is_unique_violation(&error) {
                BooksError::AccountExists(row.number.clone())
            } else {
                error.into()
            }
        })?;
    let view = AccountView::from(row);
    remember(conn, actor, company_id, key, &view)?;
    Ok(Created::New(view))
}

/// Renames an account; its number and class stay.
pub fn update(
    conn: &mut DbConnection,
    authz: &Authz,
    actor: &Actor,
    company_id: &str,
    id: &str,
    expected_version: i64,
    names: AccountNames,
) -> Result<Saved<AccountView>, BooksError> {
    let row = find(conn, company_id, id)?;
    let resource = Resource::new(ResourceKind::Account, id, company_id);
    authorize(conn, authz, actor, Action::UpdateAccount, &resource)?;
    let class = super::ledger::parse_class(&row.class).unwrap_or(AccountClass::Asset);
    Account::new(&row.number, &names.name_fr, &names.name_en, Some(class))
        .map_err(account_problem)?;
    if row.version == expected_version {
        let changed = diesel::update(accounts::table.find(id))
            .filter(accounts::version.eq(expected_version))
            .set((
                accounts::name_fr.eq(names.name_fr.trim()),
                accounts::name_en.eq(names.name_en.trim()),
                accounts::version.eq(expected_version + 1),
                accounts::updated_by.eq(Some(&actor.user_id)),
                accounts::updated_by_session.eq(&actor.session_id),
                accounts::updated_at.eq(crate::clock::now()),
            ))
            .execute(conn)?;
        if changed == 1 {
            return Ok(Saved::Done(find(conn, company_id, id)?.into()));
        }
    }
    let current = find(conn, company_id, id)?;
    let stamp = Stamp {
        updated_by: current.updated_by.clone().unwrap_or_default(),
        updated_by_session: current.updated_by_session.clone(),
        updated_at: current.updated_at,
    };
    let view = AccountView::from(current);
    stale(
        conn,
        actor,
        company_id,
        ("account", id),
        expected_version,
        &view,
        &stamp,
    )
}

/// A refused account, as the field of the request it is about.
pub fn account_problem(error: ChartError) -> BooksError {
    let message = error.to_string();
    match error {
        ChartError::InvalidNumber { .. } => BooksError::invalid("number", message),
        ChartError::EmptyName { language, .. }
        | ChartError::NameTooLong { language, .. }
        | ChartError::NameControlCharacters { language, .. } => {
            let field = if language == "French" {
                "name_fr"
            } else {
                "name_en"
            };
            BooksError::invalid(field, message)
        }
        ChartError::ClassRequired { .. } | ChartError::ClassMismatch { .. } => {
            BooksError::invalid("class", message)
        }
        ChartError::Duplicate { number } => BooksError::AccountExists(number),
    }
}
