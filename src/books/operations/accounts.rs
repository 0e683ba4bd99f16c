//! The chart of accounts.

use crate::authz::{Actor, Gate};
use crate::books::accounts::{self, AccountNames, AccountView};
use crate::books::chart::Account;
use crate::books::{BooksError, Created, IdempotencyKey, Page, PageRequest, Saved};

/// A page of the chart, in number order.
pub async fn list_accounts(
    gate: &Gate,
    actor: Actor,
    company_id: String,
    request: PageRequest,
) -> Result<Page<AccountView>, BooksError> {
    gate.read(move |conn, authz| accounts::list(conn, authz, &actor, &company_id, &request))
        .await
}

/// Adds an account; a retry with the same `key` answers the first result.
pub async fn create_account(
    gate: &Gate,
    actor: Actor,
    company_id: String,
    account: Account,
    key: Option<IdempotencyKey>,
) -> Result<Created<AccountView>, BooksError> {
    gate.act(move |conn, authz| {
        let account = account.clone();
        accounts::create(conn, authz, &actor, &company_id, account, key.as_ref())
    })
    .await
}

/// Renames an account from the version the caller saw.
pub async fn update_account(
    gate: &Gate,
    actor: Actor,
    (company_id, id): (String, String),
    expected_version: i64,
    names: AccountNames,
) -> Result<Saved<AccountView>, BooksError> {
    gate.act(move |conn, authz| {
        let names = names.clone();
        accounts::update(
            conn,
            authz,
            &actor,
            &company_id,
            &id,
            expected_version,
            names,
        )
    })
    .await
}
