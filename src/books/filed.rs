//! What the books keep of every kind of document and payment, read and written the same way:
//! listed, created (from the kind's input) and read. Estimates, invoices and bills are
//! created from a draft; a credit note from the invoice it credits; a payment from the
//! document it pays.

use std::marker::PhantomData;

use serde::Serialize;

use super::credit_notes::{self, CreditNoteInput, CreditNotes};
use super::document_model::{self as model, DocumentKind, Draft, Editable};
use super::payments::{self, Paid, PaymentInput};
use super::{BooksError, Created, IdempotencyKey, Page, PageRequest};
use crate::authz::{Actor, Authz};
use crate::store::DbConnection;

/// A kind of record the books file.
pub trait Filed: 'static {
    /// What a create takes.
    type Input: Clone + Send + 'static;
    type View: Serialize + Send + 'static;

    fn list(
        conn: &mut DbConnection,
        authz: &Authz,
        actor: &Actor,
        company_id: &str,
        request: &PageRequest,
    ) -> Result<Page<Self::View>, BooksError>;

    /// Creates one, with or without the closing-date override, answering the first result
    /// again for a repeated idempotency key.
    fn create(
        conn: &mut DbConnection,
        authz: &Authz,
        actor: &Actor,
        company_id: &str,
        input: Self::Input,
        asked: (bool, Option<&IdempotencyKey>),
    ) -> Result<Created<Self::View>, BooksError>;

    fn get(
        conn: &mut DbConnection,
        authz: &Authz,
        actor: &Actor,
        company_id: &str,
        id: &str,
    ) -> Result<Self::View, BooksError>;
}

/// Estimates, invoices and bills: written as drafts, then edited.
impl<K: Editable> Filed for K {
    type Input = Draft;
    type View = K::View;

    fn list(
        conn: &mut DbConnection,
        authz: &Authz,
        actor: &Actor,
        company_id: &str,
        request: &PageRequest,
    ) -> Result<Page<K::View>, BooksError> {
        model::list::<K>(conn, authz, actor, company_id, request)
    }

    fn create(
        conn: &mut DbConnection,
        authz: &Authz,
        actor: &Actor,
        company_id: &str,
        draft: Draft,
        (override_closing_date, key): (bool, Option<&IdempotencyKey>),
    ) -> Result<Created<K::View>, BooksError> {
        model::create::<K>(
            conn,
            authz,
            actor,
            company_id,
            draft,
            override_closing_date,
            key,
        )
    }

    fn get(
        conn: &mut DbConnection,
        authz: &Authz,
        actor: &Actor,
        company_id: &str,
        id: &str,
    ) -> Result<K::View, BooksError> {
        model::get::<K>(conn, authz, actor, company_id, id)
    }
}

impl Filed for CreditNotes {
    type Input = CreditNoteInput;
    type View = <CreditNotes as DocumentKind>::View;

    fn list(
        conn: &mut DbConnection,
        authz: &Authz,
        actor: &Actor,
        company_id: &str,
        request: &PageRequest,
    ) -> Result<Page<Self::View>, BooksError> {
        model::list::<CreditNotes>(conn, authz, actor, company_id, request)
    }

    fn create(
        conn: &mut DbConnection,
        authz: &Authz,
        actor: &Actor,
        company_id: &str,
        input: CreditNoteInput,
        (override_closing_date, key): (bool, Option<&IdempotencyKey>),
    ) -> Result<Created<Self::View>, BooksError> {
        credit_notes::create(
            conn,
            authz,
            actor,
            company_id,
            input,
            override_closing_date,
            key,
        )
    }

    fn get(
        conn: &mut DbConnection,
        authz: &Authz,
        actor: &Actor,
        company_id: &str,
        id: &str,
    ) -> Result<Self::View, BooksError> {
        model::get::<CreditNotes>(conn, authz, actor, company_id, id)
    }
}

/// The payments of a `K` document: customer payments of invoices, bill payments of bills.
pub struct PaymentsOf<K>(PhantomData<K>);

impl<K: Paid> Filed for PaymentsOf<K> {
    type Input = PaymentInput;
    type View = K::Payment;

    fn list(
        conn: &mut DbConnection,
        authz: &Authz,
        actor: &Actor,
        company_id: &str,
        request: &PageRequest,
    ) -> Result<Page<K::Payment>, BooksError> {
        payments::list::<K>(conn, authz, actor, company_id, request)
    }

    fn create(
        conn: &mut DbConnection,
        authz: &Authz,
        actor: &Actor,
        company_id: &str,
        input: PaymentInput,
        asked: (bool, Option<&IdempotencyKey>),
    ) -> Result<Created<K::Payment>, BooksError> {
        payments::record::<K>(conn, authz, actor, company_id, input, asked)
    }

    fn get(
        conn: &mut DbConnection,
        authz: &Authz,
        actor: &Actor,
        company_id: &str,
        id: &str,
    ) -> Result<K::Payment, BooksError> {
        payments::get::<K>(conn, authz, actor, company_id, id)
    }
}
