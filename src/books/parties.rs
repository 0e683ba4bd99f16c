//! Customers and vendors: the parties of invoices and bills. Both tables have the same shape,
//! so one module serves them, choosing the table by `PartyKind`.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde::Serialize;

use super::common::{
    authorize, checked_text, page, remember, replayed, stale, Created, IdempotencyKey, Page,
    PageRequest, Saved, Stamp,
};
use super::BooksError;
use crate::authz::{Action, Actor, Authz, Resource, ResourceKind};
use crate::store::schema::{customers, vendors};
use crate::store::DbConnection;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PartyKind {
    Customer,
    Vendor,
}

impl PartyKind {
    fn resource_kind(self) -> ResourceKind {
        match self {
            Self::Customer => ResourceKind::Customer,
            Self::Vendor => ResourceKind::Vendor,
        }
    }

    fn actions(self) -> (Action, Action, Action) {
        match self {
            Self::Customer => (
                Action::ViewCustomer,
                Action::CreateCustomer,
                Action::UpdateCustomer,
            ),
            Self::Vendor => (
                Action::ViewVendor,
                Action::CreateVendor,
                Action::UpdateVendor,
            ),
        }
    }

    fn record_type(self) -> &'static str {
        match self {
            Self::Customer => "customer",
            Self::Vendor => "vendor",
        }
    }
}

/// Columns in table order: both tables load into this row.
#[derive(Debug, Clone, Queryable)]
pub struct PartyRow {
    pub id: String,
    pub company_id: String,
    pub name: String,
    pub email: Option<String>,
    pub created_by: String,
    pub created_at: NaiveDateTime,
    pub version: i64,
    pub updated_by: String,
    pub updated_by_session: Option<String>,
    pub updated_at: NaiveDateTime,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct PartyView {
    pub id: String,
    pub name: String,
    pub email: Option<String>,
    pub version: i64,
    pub created_by: String,
    pub created_at: String,
    pub updated_by: String,
    pub updated_at: String,
}

impl From<PartyRow> for PartyView {
    fn from(row: PartyRow) -> Self {
        Self {
            id: row.id,
            name: row.name,
            email: row.email,
            version: row.version,
            created_by: row.created_by,
            created_at: crate::clock::rfc3339(row.created_at),
            updated_by: row.updated_by,
            updated_at: crate::clock::rfc3339(row.updated_at),
        }
    }
}

/// A customer or vendor as the client sends it.
#[derive(Debug, Clone)]
pub struct PartyInput {
    pub name: String,
    pub email: Option<String>,
}

impl PartyInput {
    pub fn parse(name: &str, email: Option<&str>) -> Result<Self, BooksError> {
        let name = checked_text("name", name, true)?;
        let email = match email.map(str::trim).filter(|e| !e.is_empty()) {
            None => None,
            Some(email) if email.len() <= 254 && email.contains('@') => Some(email.to_owned()),
            Some(_) => return Err(BooksError::invalid("email", "must be an email address")),
        };
        Ok(Self { name, email })
    }
}

fn resource(kind: PartyKind, company_id: &str, row: Option<&PartyRow>) -> Resource {
    match row {
        Some(row) => {
            Resource::new(kind.resource_kind(), &row.id, company_id).created_by(&row.created_by)
        }
        None => Resource::new(kind.resource_kind(), "all", company_id),
    }
}

pub fn find(
    conn: &mut DbConnection,
    kind: PartyKind,
    company_id: &str,
    id: &str,
) -> Result<PartyRow, BooksError> {
    let row = match kind {
        PartyKind::Customer => customers::table
            .filter(customers::id.eq(id))
            .filter(customers::company_id.eq(company_id))
            .select(customers::all_columns)
            .get_result::<PartyRow>(conn)
            .optional()?,
        PartyKind::Vendor => vendors::table
            .filter(vendors::id.eq(id))
            .filter(vendors::company_id.eq(company_id))
            .select(vendors::all_columns)
            .get_result::<PartyRow>(conn)
            .optional()?,
    };
    row.ok_or(BooksError::NotFound)
}

/// The party a document names, refused as bad input when it is not one of the company's.
pub fn require(
    conn: &mut DbConnection,
    kind: PartyKind,
    company_id: &str,
    id: &str,
    field: &str,
) -> Result<PartyRow, BooksError> {
    find(conn, kind, company_id, id).map_err(|error| match error {
        BooksError::NotFound => {
            BooksError::invalid(field, format!("does not name a {}", kind.record_type()))
        }
        other => other,
    })
}

pub fn create(
    conn: &mut DbConnection,
    authz: &Authz,
    actor: &Actor,
    company_id: &str,
    kind: PartyKind,
    input: PartyInput,
    key: Option<&IdempotencyKey>,
) -> Result<Created<PartyView>, BooksError> {
    let id = uuid::Uuid::now_v7().to_string();
    let (_, create_action, _) = kind.actions();
    let new = Resource::new(kind.resource_kind(), &id, company_id).created_by(&actor.user_id);
    authorize(conn, authz, actor, create_action, &new)?;
    if let Some(body) = replayed(conn, actor, company_id, key)? {
        return Ok(Created::Replayed(body));
    }
    let now = crate::clock::now();
    let row = PartyRow {
        id,
        company_id: company_id.to_owned(),
        name: input.name,
        email: input.email,
        created_by: actor.user_id.clone(),
        created_at: now,
        version: 1,
        updated_by: actor.user_id.clone(),
        updated_by_session: actor.session_id.clone(),
        updated_at: now,
    };
    insert(conn, kind, &row)?;
    let view = PartyView::from(row);
    remember(conn, actor, company_id, key, &view)?;
    Ok(Created::New(view))
}

fn insert(conn: &mut DbConnection, kind: PartyKind, row: &PartyRow) -> Result<(), BooksError> {
    macro_rules! insert_into {
        ($table:ident) => {
            diesel::insert_into($table::table)
                .values((
                    $table::id.eq(&row.id),
                    $table::company_id.eq(&row.company_id),
                    $table::name.eq(&row.name),
                    $table::email.eq(&row.email),
                    $table::created_by.eq(&row.created_by),
                    $table::created_at.eq(row.created_at),
                    $table::version.eq(row.version),
                    $table::updated_by.eq(&row.updated_by),
                    $table::updated_by_session.eq(&row.updated_by_session),
                    $table::updated_at.eq(row.updated_at),
                ))
                .execute(conn)?
        };
    }
    match kind {
        PartyKind::Customer => insert_into!(customers),
        PartyKind::Vendor => insert_into!(vendors),
    };
    Ok(())
}

pub fn list(
    conn: &mut DbConnection,
    authz: &Authz,
    actor: &Actor,
    company_id: &str,
    kind: PartyKind,
    request: &PageRequest,
) -> Result<Page<PartyView>, BooksError> {
    let (view_action, _, _) = kind.actions();
    authorize(
        conn,
        authz,
        actor,
        view_action,
        &resource(kind, company_id, None),
    )?;
    let rows: Vec<PartyRow> = match kind {
        PartyKind::Customer => customers::table
            .filter(customers::company_id.eq(company_id))
            .filter(customers::id.gt(request.after()))
            .order(customers::id.asc())
            .limit(request.fetch())
            .select(customers::all_columns)
            .load(conn)?,
        PartyKind::Vendor => vendors::table
            .filter(vendors::company_id.eq(company_id))
            .filter(vendors::id.gt(request.after()))
            .order(vendors::id.asc())
            .limit(request.fetch())
            .select(vendors::all_columns)
            .load(conn)?,
    };
    Ok(page(rows, request, |row| row.id.clone(), PartyView::from))
}

pub fn get(
    conn: &mut DbConnection,
    authz: &Authz,
    actor: &Actor,
    company_id: &str,
    kind: PartyKind,
    id: &str,
) -> Result<PartyView, BooksError> {
    let row = find(conn, kind, company_id, id)?;
    let (view_action, _, _) = kind.actions();
    authorize(
        conn,
        authz,
        actor,
        view_action,
        &resource(kind, company_id, Some(&row)),
    )?;
    Ok(row.into())
}

pub fn update(
    conn: &mut DbConnection,
    authz: &Authz,
    actor: &Actor,
    company_id: &str,
    (kind, id): (PartyKind, &str),
    expected_version: i64,
    input: PartyInput,
) -> Result<Saved<PartyView>, BooksError> {
    let row = find(conn, kind, company_id, id)?;
    let (_, _, update_action) = kind.actions();
    authorize(
        conn,
        authz,
        actor,
        update_action,
        &resource(kind, company_id, Some(&row)),
    )?;
    if row.version == expected_version {
        let now = crate::clock::now();
        macro_rules! update_in {
            ($table:ident) => {
                diesel::update($table::table.find(id))
                    .filter($table::version.eq(expected_version))
                    .set((
                        $table::name.eq(&input.name),
                        $table::email.eq(&input.email),
                        $table::version.eq(expected_version + 1),
                        $table::updated_by.eq(&actor.user_id),
                        $table::updated_by_session.eq(&actor.session_id),
                        $table::updated_at.eq(now),
                    ))
                    .execute(conn)?
            };
        }
        let changed = match kind {
            PartyKind::Customer => update_in!(customers),
            PartyKind::Vendor => update_in!(vendors),
        };
        if changed == 1 {
            return Ok(Saved::Done(find(conn, kind, company_id, id)?.into()));
        }
    }
    let current = find(conn, kind, company_id, id)?;
    let stamp = Stamp {
        updated_by: current.updated_by.clone(),
        updated_by_session: current.updated_by_session.clone(),
        updated_at: current.updated_at,
    };
    let view = PartyView::from(current);
    stale(
        conn,
        actor,
        company_id,
        (kind.record_type(), id),
        expected_version,
        &view,
        &stamp,
    )
}
