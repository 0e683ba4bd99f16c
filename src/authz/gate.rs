//! The one handle a domain operation acts through: the store for its snapshot reads, the
//! queue of the writer for its writes, and the policies that decide both. The faces hold a
//! gate and call the domains' operations with it; only the domains open a connection.

use std::sync::Arc;

use super::{reads, ActionError, ActionQueue, Authz};
use crate::store::{DbConnection, ReplayPosition, Store, StoreError};

#[derive(Clone)]
pub struct Gate {
    store: Store,
    actions: ActionQueue,
    authz: Arc<Authz>,
}

impl Gate {
    pub fn new(store: Store, actions: ActionQueue, authz: Arc<Authz>) -> Self {
        Self {
            store,
            actions,
            authz,
        }
    }

    /// The policies, for the demo company's seeding, which audits what it seeded.
    pub fn authz(&self) -> &Arc<Authz> {
        &self.authz
    }

    /// Runs `work` (which authorizes, then reads) on a snapshot off the writer; its
    /// decisions, a denial included, are logged before it returns.
    pub async fn read<T, E, F>(&self, work: F) -> Result<T, E>
    where
        F: FnOnce(&mut DbConnection, &Authz) -> Result<T, E> + Send + 'static,
        T: Send + 'static,
        E: ActionError + From<StoreError> + From<diesel::result::Error> + Send + 'static,
    {
        self.read_on(&self.store, work).await
    }

    /// Like `read`, for a long read that decides no write (the chain check, a report, the
    /// access review, the dry-run's replay, the log's search, the audit's inputs): on the
    /// read replica when there is one, so that it takes nothing from the primary. It may
    /// see the data as it was a replication delay ago.
    pub async fn read_long<T, E, F>(&self, work: F) -> Result<T, E>
    where
        F: FnOnce(&mut DbConnection, &Authz) -> Result<T, E> + Send + 'static,
        T: Send + 'static,
        E: ActionError + From<StoreError> + From<diesel::result::Error> + Send + 'static,
    {
        self.read_on(&self.store.for_long_reads(), work).await
    }

    async fn read_on<T, E, F>(&self, store: &Store, work: F) -> Result<T, E>
    where
        F: FnOnce(&mut DbConnection, &Authz) -> Result<T, E> + Send + 'static,
        T: Send + 'static,
        E: ActionError + From<StoreError> + From<diesel::result::Error> + Send + 'static,
    {
        let authz = self.authz.clone();
        reads::read(store, &self.actions, move |conn| work(conn, &authz)).await
    }

    /// Runs `work` (which authorizes, then writes) in the writer's group commit: a denial
    /// undoes its writes and is logged alone. `work` may run more than once.
    pub async fn act<T, E, F>(&self, work: F) -> Result<T, E>
    where
        F: Fn(&mut DbConnection, &Authz) -> Result<T, E> + Send + 'static,
        T: Send + 'static,
        E: ActionError + From<StoreError> + From<diesel::result::Error> + Send + 'static,
    {
        let authz = self.authz.clone();
        self.actions.act(move |conn| work(conn, &authz)).await
    }

    /// Reads on a snapshot off the writer, then takes the writer only for `write`, given what
    /// was read; the read's decisions are logged with the write's.
    pub async fn read_then_act<S, T, E, R, W>(&self, read: R, write: W) -> Result<T, E>
    where
        R: FnOnce(&mut DbConnection, &Authz) -> Result<S, E> + Send + 'static,
        W: Fn(&mut DbConnection, &Authz, &S) -> Result<T, E> + Send + 'static,
        S: Send + 'static,
        T: Send + 'static,
        E: ActionError + From<StoreError> + From<diesel::result::Error> + Send + 'static,
    {
        self.read_on_then_act(&self.store, read, write).await
    }

    /// `read_then_act` whose read is long (the seat audit's inputs): the read on the replica
    /// when there is one, the write on the primary.
    pub async fn read_long_then_act<S, T, E, R, W>(&self, read: R, write: W) -> Result<T, E>
    where
        R: FnOnce(&mut DbConnection, &Authz) -> Result<S, E> + Send + 'static,
        W: Fn(&mut DbConnection, &Authz, &S) -> Result<T, E> + Send + 'static,
        S: Send + 'static,
        T: Send + 'static,
        E: ActionError + From<StoreError> + From<diesel::result::Error> + Send + 'static,
    {
        self.read_on_then_act(&self.store.for_long_reads(), read, write)
            .await
    }

    async fn read_on_then_act<S, T, E, R, W>(
        &self,
        store: &Store,
        read: R,
        write: W,
    ) -> Result<T, E>
    where
        R: FnOnce(&mut DbConnection, &Authz) -> Result<S, E> + Send + 'static,
        W: Fn(&mut DbConnection, &Authz, &S) -> Result<T, E> + Send + 'static,
        S: Send + 'static,
        T: Send + 'static,
        E: ActionError + From<StoreError> + From<diesel::result::Error> + Send + 'static,
    {
        let (read_authz, authz) = (self.authz.clone(), self.authz.clone());
        reads::read_then_act(
            store,
            &self.actions,
            move |conn| read(conn, &read_authz),
            move |conn, snapshot| write(conn, &authz, snapshot),
        )
        .await
    }

    /// Whether the database answers, for readiness: the name of its backend when it does.
    pub async fn database_answers(&self) -> Result<&'static str, StoreError> {
        let backend = self.store.backend_name();
        self.store.run(crate::store::ping).await?;
        Ok(backend)
    }

    /// Where the read replica stands, when there is one: for readiness.
    pub async fn replica_position(&self) -> Option<Result<Option<ReplayPosition>, StoreError>> {
        self.store.replica_position().await
    }

    /// Work that no policy decides because no one is signed in yet (checking a session
    /// token, signing in), on a pooled connection off the async threads.
    pub async fn unauthenticated<T, E, F>(&self, work: F) -> Result<T, E>
    where
        F: FnOnce(&mut DbConnection) -> Result<T, E> + Send + 'static,
        T: Send + 'static,
        E: From<StoreError> + Send + 'static,
    {
        self.store.run(work).await
    }
}
