//! The embedded backend: manifests from folders, workflows and binding errors in redb.
//!
//! Takes the manifest folders and the data folder; returns an [`EmbeddedStore`] that
//! implements [`Store`]. Manifests are loaded into the catalog at start and reloaded when a
//! file changes (see `watch`); a broken file is reported by name and line, and the last good
//! state stays in force. Created Workflows and binding-error records are written to
//! `<data-dir>/flowgate.redb` and survive restarts. Every database call runs on tokio's
//! blocking pool, never on an HTTP worker thread.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use async_trait::async_trait;
use redb::{Database, ReadableDatabase, ReadableTable, TableDefinition};

use super::{BindingErrorRecord, EVENT_ID_ANNOTATION, Store, StoreError, now_rfc3339};
use crate::binding::BINDING_LABEL;
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

/// The redb-backed store.
#[derive(Clone)]
pub struct EmbeddedStore {
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
    /// Opens (or creates) the database under `data_dir`.
    pub fn open(data_dir: &Path) -> Result<EmbeddedStore, StoreError> {
        std::fs::create_dir_all(data_dir)
            .map_err(|e| db_err(format!("cannot create {}: {e}", data_dir.display())))?;
        let path: PathBuf = data_dir.join(DB_FILE);
        let db = Database::create(&path).map_err(|e| db_err(format!("{}: {e}", path.display())))?;
        let txn = db.begin_write().map_err(txn_err)?;
        txn.open_table(WORKFLOWS).map_err(table_err)?;
        txn.open_table(BINDING_ERRORS).map_err(table_err)?;
        txn.open_table(META).map_err(table_err)?;
        txn.commit().map_err(commit_err)?;
        Ok(EmbeddedStore { db: Arc::new(db) })
    }

    async fn blocking<T, F>(&self, f: F) -> Result<T, StoreError>
    where
        T: Send + 'static,
        F: FnOnce(&Database) -> Result<T, StoreError> + Send + 'static,
    {
        let db = self.db.clone();
        tokio::task::spawn_blocking(move || f(&db))
            .await
            .map_err(|e| StoreError::Transient(format!("database task failed: {e}")))?
    }
}

fn same_origin(existing: &Workflow, wf: &Workflow) -> bool {
    let id = |w: &Workflow| {
        w.metadata
            .annotation(EVENT_ID_ANNOTATION)
            .map(str::to_owned)
    };
    let binding = |w: &Workflow| w.metadata.label(BINDING_LABEL).map(str::to_owned);
    id(existing).is_some() && id(existing) == id(wf) && binding(existing) == binding(wf)
}

fn create(db: &Database, mut wf: Workflow) -> Result<Workflow, StoreError> {
    let key = format!("{}/{}", wf.metadata.namespace, wf.metadata.name);
    let txn = db.begin_write().map_err(txn_err)?;
    let stored = {
        let mut table = txn.open_table(WORKFLOWS).map_err(table_err)?;
        let existing = match table.get(key.as_str()).map_err(storage_err)? {
            Some(bytes) => Some(decode::<Workflow>(&key, bytes.value())?),
            None => None,
        };
        if let Some(existing) = existing {
            return if same_origin(&existing, &wf) {
                Ok(existing)
            } else {
                Err(StoreError::AlreadyExists {
                    name: wf.metadata.name,
                })
            };
        }
        let mut meta = txn.open_table(META).map_err(table_err)?;
        let seq = meta
            .get("seq")
            .map_err(storage_err)?
            .map_or(0, |g| g.value())
            + 1;
        meta.insert("seq", seq).map_err(storage_err)?;
        wf.metadata.uid = uuid::Uuid::new_v4().to_string();
        wf.metadata.resource_version = seq.to_string();
        wf.metadata.creation_timestamp = Some(now_rfc3339());
        let bytes = serde_json::to_vec(&wf).map_err(db_err)?;
        table
            .insert(key.as_str(), bytes.as_slice())
            .map_err(storage_err)?;
        wf
    };
    txn.commit().map_err(commit_err)?;
    Ok(stored)
}

fn record_error(db: &Database, record: BindingErrorRecord) -> Result<(), StoreError> {
    let txn = db.begin_write().map_err(txn_err)?;
    {
        let mut meta = txn.open_table(META).map_err(table_err)?;
        let seq = meta
            .get("seq")
            .map_err(storage_err)?
            .map_or(0, |g| g.value())
            + 1;
        meta.insert("seq", seq).map_err(storage_err)?;
        let mut table = txn.open_table(BINDING_ERRORS).map_err(table_err)?;
        let key = format!("{}/{seq:020}", record.namespace);
        let bytes = serde_json::to_vec(&record).map_err(db_err)?;
        table
            .insert(key.as_str(), bytes.as_slice())
            .map_err(storage_err)?;
        let (lo, hi) = ns_range(&record.namespace);
        let keys: Vec<String> = table
            .range(lo.as_str()..hi.as_str())
            .map_err(storage_err)?
            .map(|r| r.map(|(k, _)| k.value().to_string()))
            .collect::<Result<_, _>>()
            .map_err(storage_err)?;
        let excess = keys.len().saturating_sub(MAX_BINDING_ERRORS_PER_NAMESPACE);
        for k in &keys[..excess] {
            table.remove(k.as_str()).map_err(storage_err)?;
        }
    }
    txn.commit().map_err(commit_err)
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
        self.blocking(move |db| create(db, wf)).await
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
        self.blocking(move |db| record_error(db, record)).await
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
mod tests {
    use super::*;

    fn wf(ns: &str, name: &str, event: &str) -> Workflow {
        let mut w = Workflow::default();
        w.metadata.namespace = ns.into();
        w.metadata.name = name.into();
        w.metadata
            .annotations
            .insert(EVENT_ID_ANNOTATION.into(), event.into());
        w.metadata.labels.insert(BINDING_LABEL.into(), "b".into());
        w
    }

    #[actix_rt::test]
    async fn create_is_idempotent_per_event_and_persists() {
        let dir = tempfile::tempdir().unwrap();
        let store = EmbeddedStore::open(dir.path()).unwrap();
        let first = store.create_workflow(wf("a", "x", "e1")).await.unwrap();
        assert!(!first.metadata.uid.is_empty());
        let again = store.create_workflow(wf("a", "x", "e1")).await.unwrap();
        assert_eq!(again.metadata.uid, first.metadata.uid);
        let other = store.create_workflow(wf("a", "x", "e2")).await.unwrap_err();
        assert_eq!(
            other.to_string(),
            "workflows.argoproj.io \"x\" already exists"
        );
        store.create_workflow(wf("ab", "y", "e3")).await.unwrap();
        drop(store);
        let store = EmbeddedStore::open(dir.path()).unwrap();
        let names: Vec<_> = store
            .list_workflows("a")
            .await
            .unwrap()
            .into_iter()
            .map(|w| w.metadata.name)
            .collect();
        assert_eq!(names, vec!["x"]);
        assert!(store.get_workflow("ab", "y").await.unwrap().is_some());
        assert!(store.get_workflow("a", "y").await.unwrap().is_none());
    }

    #[actix_rt::test]
    async fn binding_errors_are_bounded_and_ordered() {
        let dir = tempfile::tempdir().unwrap();
        let store = EmbeddedStore::open(dir.path()).unwrap();
        for i in 0..(MAX_BINDING_ERRORS_PER_NAMESPACE + 5) {
            let rec = BindingErrorRecord {
                time: now_rfc3339(),
                namespace: "n".into(),
                binding: format!("b{i}"),
                event_id: "e".into(),
                reason: "WorkflowEventBindingError".into(),
                message: "m".into(),
            };
            store.record_binding_error(rec).await.unwrap();
        }
        let all = store.list_binding_errors("n", usize::MAX).await.unwrap();
        assert_eq!(all.len(), MAX_BINDING_ERRORS_PER_NAMESPACE);
        assert_eq!(all[0].binding, "b5");
        let last = store.list_binding_errors("n", 2).await.unwrap();
        assert_eq!(
            last.iter().map(|r| r.binding.as_str()).collect::<Vec<_>>(),
            vec![
                format!("b{}", MAX_BINDING_ERRORS_PER_NAMESPACE + 3),
                format!("b{}", MAX_BINDING_ERRORS_PER_NAMESPACE + 4)
            ]
        );
    }
}
