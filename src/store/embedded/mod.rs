//! The embedded backend: manifests from folders, workflows and binding errors in redb.
//!
//! Takes the manifest folders, the data folder and the size of redb's page cache; returns an
//! [`EmbeddedStore`] that implements [`Store`]. Manifests are loaded into the catalog at start
//! and reloaded when a file changes (see `watch`); a broken file is reported by name and line,
//! and the last good state stays in force. Created Workflows and binding-error records are
//! written to `<data-dir>/flowgate.redb` and survive restarts.
//!
//! Writes go through one writer thread (`writer.rs`) that groups the creates and records
//! waiting at the same moment into one durable transaction (group commit), so concurrent
//! writers share a commit instead of queueing for one each; every write is acknowledged only
//! after its transaction is on disk. Reads (`list_*`, `get_workflow`) are concurrent read
//! transactions on tokio's blocking pool, never on an HTTP worker thread. Memory is bounded
//! by the page cache (`--db-cache-size`), the writer's queue and its batch size.

mod writer;

use std::path::{Path, PathBuf};
use std::sync::Arc;

use async_trait::async_trait;
use redb::{Database, ReadableDatabase, TableDefinition};

use self::writer::Writer;
use super::{BindingErrorRecord, Store, StoreError};
use crate::model::Workflow;

/// `namespace/name` → Workflow JSON.
const WORKFLOWS: TableDefinition<&str, &[u8]> = TableDefinition::new("workflows");
/// `namespace/<20-digit sequence>` → BindingErrorRecord JSON.
const BINDING_ERRORS: TableDefinition<&str, &[u8]> = TableDefinition::new("binding_errors");
/// Counters (`seq`: the last sequence number used).
const META: TableDefinition<&str, u64> = TableDefinition::new("meta");

/// Binding-error records kept per namespace; older ones are deleted.
pub const MAX_BINDING_ERRORS_PER_NAMESPACE: usize = 1000;

/// The database file name inside `--data-dir`.
pub const DB_FILE: &str = "flowgate.redb";

/// The default size of redb's page cache (`--db-cache-size 16`, in MiB).
pub const DEFAULT_CACHE_BYTES: usize = 16 * 1024 * 1024;

/// The redb-backed store. Clones share the database and its writer; the writer stops (after
/// finishing every queued write) when the last clone is dropped.
#[derive(Clone)]
pub struct EmbeddedStore {
    inner: Arc<Inner>,
}

/// Fields drop in order: the writer first (it drains its queue and its thread is joined),
/// then the database handle.
struct Inner {
    writer: Writer,
    db: Arc<Database>,
}

fn db_err(e: impl std::fmt::Display) -> StoreError {
    StoreError::Database(e.to_string())
}

fn storage_err(e: redb::StorageError) -> StoreError {
    match e {
        redb::StorageError::Io(io) => StoreError::Transient(format!("database I/O: {io}")),
        other => db_err(other),
    }
}

fn commit_err(e: redb::CommitError) -> StoreError {
    match e {
        redb::CommitError::Storage(s) => storage_err(s),
        other => db_err(other),
    }
}

fn table_err(e: redb::TableError) -> StoreError {
    match e {
        redb::TableError::Storage(s) => storage_err(s),
        other => db_err(other),
    }
}

fn txn_err(e: redb::TransactionError) -> StoreError {
    match e {
        redb::TransactionError::Storage(s) => storage_err(s),
        other => db_err(other),
    }
}

fn decode<T: serde::de::DeserializeOwned>(key: &str, bytes: &[u8]) -> Result<T, StoreError> {
    serde_json::from_slice(bytes).map_err(|e| StoreError::Corrupt {
        key: key.to_string(),
        reason: e.to_string(),
    })
}

/// The half-open key range of one namespace: `ns/` .. `ns0` (`'0'` follows `'/'`).
fn ns_range(namespace: &str) -> (String, String) {
    (format!("{namespace}/"), format!("{namespace}0"))
}

impl EmbeddedStore {
    /// Opens (or creates) the database under `data_dir` with the default page cache
    /// ([`DEFAULT_CACHE_BYTES`]).
    pub fn open(data_dir: &Path) -> Result<EmbeddedStore, StoreError> {
        EmbeddedStore::open_with_cache(data_dir, DEFAULT_CACHE_BYTES)
    }

    /// Opens (or creates) the database under `data_dir`; redb's page cache (read cache and
    /// write buffer together) holds at most `cache_bytes`. Starts the writer thread.
    pub fn open_with_cache(
        data_dir: &Path,
        cache_bytes: usize,
    ) -> Result<EmbeddedStore, StoreError> {
        std::fs::create_dir_all(data_dir)
            .map_err(|e| db_err(format!("cannot create {}: {e}", data_dir.display())))?;
        let path: PathBuf = data_dir.join(DB_FILE);
        let mut builder = Database::builder();
        builder.set_cache_size(cache_bytes);
        let db = builder
            .create(&path)
            .map_err(|e| db_err(format!("{}: {e}", path.display())))?;
        let txn = db.begin_write().map_err(txn_err)?;
        txn.open_table(WORKFLOWS).map_err(table_err)?;
        txn.open_table(BINDING_ERRORS).map_err(table_err)?;
        txn.open_table(META).map_err(table_err)?;
        txn.commit().map_err(commit_err)?;
        let db = Arc::new(db);
        let writer = Writer::start(db.clone())?;
        Ok(EmbeddedStore {
            inner: Arc::new(Inner { writer, db }),
        })
    }

    async fn blocking<T, F>(&self, f: F) -> Result<T, StoreError>
    where
        T: Send + 'static,
        F: FnOnce(&Database) -> Result<T, StoreError> + Send + 'static,
    {
        let db = self.inner.db.clone();
        tokio::task::spawn_blocking(move || f(&db))
            .await
            .map_err(|e| StoreError::Transient(format!("database task failed: {e}")))?
    }
}

fn scan<T: serde::de::DeserializeOwned>(
    db: &Database,
    def: TableDefinition<&str, &[u8]>,
    namespace: &str,
) -> Result<Vec<T>, StoreError> {
    let txn = db.begin_read().map_err(txn_err)?;
    let table = txn.open_table(def).map_err(table_err)?;
    let (lo, hi) = ns_range(namespace);
    let mut out = Vec::new();
    for row in table.range(lo.as_str()..hi.as_str()).map_err(storage_err)? {
        let (k, v) = row.map_err(storage_err)?;
        out.push(decode(k.value(), v.value())?);
    }
    Ok(out)
}

#[async_trait]
impl Store for EmbeddedStore {
    async fn create_workflow(&self, wf: Workflow) -> Result<Workflow, StoreError> {
        self.inner.writer.create(wf).await
    }

    async fn list_workflows(&self, namespace: &str) -> Result<Vec<Workflow>, StoreError> {
        let ns = namespace.to_string();
        self.blocking(move |db| scan(db, WORKFLOWS, &ns)).await
    }

    async fn get_workflow(
        &self,
        namespace: &str,
        name: &str,
    ) -> Result<Option<Workflow>, StoreError> {
        let key = format!("{namespace}/{name}");
        self.blocking(move |db| {
            let txn = db.begin_read().map_err(txn_err)?;
            let table = txn.open_table(WORKFLOWS).map_err(table_err)?;
            let row = table.get(key.as_str()).map_err(storage_err)?;
            row.map(|v| decode(&key, v.value())).transpose()
        })
        .await
    }

    async fn record_binding_error(&self, record: BindingErrorRecord) -> Result<(), StoreError> {
        self.inner.writer.record(record).await
    }

    async fn list_binding_errors(
        &self,
        namespace: &str,
        limit: usize,
    ) -> Result<Vec<BindingErrorRecord>, StoreError> {
        let ns = namespace.to_string();
        let mut all: Vec<BindingErrorRecord> = self
            .blocking(move |db| scan(db, BINDING_ERRORS, &ns))
            .await?;
        let skip = all.len().saturating_sub(limit);
        Ok(all.split_off(skip))
    }
}

#[cfg(test)]
mod tests;
