//! Estimates, invoices, bills, credit notes and payments: listed, created and read the same
//! way, whatever their kind (`Filed`); the drafts of the editable kinds changed.

use super::creation::Creation;
use crate::authz::{Actor, Gate};
use crate::books::document_model::{self as model, Draft, Editable};
use crate::books::filed::Filed;
use crate::books::{BooksError, Created, Page, PageRequest, Saved};

/// A page of a kind's records.
pub async fn list_records<K: Filed>(
    gate: &Gate,
    actor: Actor,
    company_id: String,
    request: PageRequest,
) -> Result<Page<K::View>, BooksError> {
    gate.act(move |conn, authz| K::list(conn, authz, &actor, &company_id, &request))
        .await
}

/// A new record of the kind; a retry with the same key answers the first result.
pub async fn create_record<K: Filed>(
    gate: &Gate,
    actor: Actor,
    company_id: String,
    input: K::Input,
    creation: Creation,
) -> Result<Created<K::View>, BooksError> {
    gate.act(move |conn, authz| {
        let input = input.clone();
        K::create(conn, authz, &actor, &company_id, input, creation.parts())
    })
    .await
}

pub async fn get_record<K: Filed>(
    gate: &Gate,
    actor: Actor,
    (company_id, id): (String, String),
) -> Result<K::View, BooksError> {
    gate.act(move |conn, authz| K::get(conn, authz, &actor, &company_id, &id))
        .await
}

/// Changes a draft from the version the caller saw.
pub async fn update_draft<K: Editable>(
    gate: &Gate,
    actor: Actor,
    (company_id, id): (String, String),
    (expected_version, override_closing_date): (i64, bool),
    draft: Draft,
) -> Result<Saved<K::View>, BooksError> {
    gate.act(move |conn, authz| {
        let target = (company_id.as_str(), id.as_str());
        let draft = draft.clone();
        model::update::<K>(
            conn,
            authz,
            &actor,
            target,
            expected_version,
            draft,
            override_closing_date,
        )
    })
    .await
}
