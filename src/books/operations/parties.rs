//! Customers and vendors: one set of operations, told the kind of party.

use crate::authz::{Actor, Gate};
use crate::books::parties::{self, PartyInput, PartyKind, PartyView};
use crate::books::{BooksError, Created, IdempotencyKey, Page, PageRequest, Saved};

pub async fn list_parties(
    gate: &Gate,
    actor: Actor,
    (company_id, kind): (String, PartyKind),
    request: PageRequest,
) -> Result<Page<PartyView>, BooksError> {
    gate.read(move |conn, authz| parties::list(conn, authz, &actor, &company_id, kind, &request))
        .await
}

/// Adds a party; a retry with the same `key` answers the first result.
pub async fn create_party(
    gate: &Gate,
    actor: Actor,
    (company_id, kind): (String, PartyKind),
    input: PartyInput,
    key: Option<IdempotencyKey>,
) -> Result<Created<PartyView>, BooksError> {
    gate.act(move |conn, authz| {
        let input = input.clone();
        parties::create(conn, authz, &actor, &company_id, kind, input, key.as_ref())
    })
    .await
}

pub async fn get_party(
    gate: &Gate,
    actor: Actor,
    (company_id, kind): (String, PartyKind),
    id: String,
) -> Result<PartyView, BooksError> {
    gate.read(move |conn, authz| parties::get(conn, authz, &actor, &company_id, kind, &id))
        .await
}

/// Changes a party from the version the caller saw.
pub async fn update_party(
    gate: &Gate,
    actor: Actor,
    (company_id, kind): (String, PartyKind),
    (id, expected_version): (String, i64),
    input: PartyInput,
) -> Result<Saved<PartyView>, BooksError> {
    gate.act(move |conn, authz| {
        let target = (kind, id.as_str());
        let input = input.clone();
        parties::update(
            conn,
            authz,
            &actor,
            &company_id,
            target,
            expected_version,
            input,
        )
    })
    .await
}
