//! The embedded store's writer: one thread that owns every write to the database.
//!
//! Takes write operations (create a workflow, record a binding error), each with a tokio
//! oneshot for its answer, over a bounded channel of [`QUEUE_OPS`]; a sender finding it full
//! waits (asynchronously) for room, nothing is dropped. The thread blocks for the first
//! operation, takes up to [`MAX_BATCH_OPS`] − 1 more that are already waiting (yielding once
//! when the queue looks empty, so a burst of senders lands in one batch rather than one
//! alone followed by the rest), applies them in arrival order inside **one** redb write
//! transaction and commits it once, durably. Only then does it answer each operation, so an
//! acknowledged write survives a crash.
//!
//! Outcomes are per operation and exact: each create sees the creates before it in the same
//! batch, so two creates of one name behave as if they ran one after the other (the second is
//! our own object again, or [`StoreError::AlreadyExists`]). If the transaction cannot be
//! opened, written or committed, every operation of the batch gets that error (I/O is
//! [`StoreError::Transient`], so the Submitter retries) and nothing of it is stored.
//!
//! The `seq` counter is read once per batch and written once. Binding-error records are
//! counted per namespace (counted once on first use, then kept in memory, updated only when a
//! batch commits) and the oldest are trimmed once per namespace per batch, so recording does
//! not scan a namespace's records.
//!
//! Dropping the [`Writer`] closes the channel; the thread finishes every queued operation,
//! answers it, and exits, and the drop waits for it.

use std::collections::HashMap;
use std::collections::hash_map::Entry;
use std::sync::Arc;
use std::thread::JoinHandle;

use redb::{Database, ReadableTable, Table};
use tokio::sync::{mpsc, oneshot};

use super::{
    BINDING_ERRORS, MAX_BINDING_ERRORS_PER_NAMESPACE, META, WORKFLOWS, commit_err, db_err, decode,
    ns_range, storage_err, table_err, txn_err,
};
use crate::model::Workflow;
use crate::store::{BindingErrorRecord, StoreError, now_rfc3339, same_origin};

/// Most operations applied in one transaction.
pub const MAX_BATCH_OPS: usize = 1024;

/// Operations that may wait for the writer; further senders wait for room.
pub const QUEUE_OPS: usize = MAX_BATCH_OPS;

/// The key of the sequence counter in `META`.
const SEQ: &str = "seq";

/// What to write. Workflows move through unboxed: every create carries one.
#[allow(clippy::large_enum_variant)]
pub(super) enum Item {
    Create(Workflow),
    Record(BindingErrorRecord),
}

/// Where the answer goes.
enum Reply {
    Create(oneshot::Sender<Result<Workflow, StoreError>>),
    Record(oneshot::Sender<Result<(), StoreError>>),
}

/// One queued write.
struct Op {
    item: Item,
    reply: Reply,
}

/// The outcome of one applied operation: the stored workflow for a create, `None` for a
/// record, or the operation's own error (AlreadyExists, Corrupt).
pub(super) type Applied = Result<Option<Workflow>, StoreError>;

/// Handle to the writer thread.
pub(super) struct Writer {
    tx: Option<mpsc::Sender<Op>>,
    thread: Option<JoinHandle<()>>,
}

fn stopped() -> StoreError {
    db_err("the database writer has stopped")
}

impl Writer {
    /// Starts the thread that owns the writes to `db`.
    pub(super) fn start(db: Arc<Database>) -> Result<Writer, StoreError> {
        let (tx, rx) = mpsc::channel(QUEUE_OPS);
        let thread = std::thread::Builder::new()
            .name("flowgate-db-writer".into())
            .spawn(move || run(db, rx))
            .map_err(|e| db_err(format!("cannot start the database writer: {e}")))?;
        Ok(Writer {
            tx: Some(tx),
            thread: Some(thread),
        })
    }

    async fn send(&self, item: Item, reply: Reply) -> Result<(), StoreError> {
        let tx = self.tx.as_ref().ok_or_else(stopped)?;
        tx.send(Op { item, reply }).await.map_err(|_| stopped())
    }

    /// Creates `wf` (see [`Store::create_workflow`](crate::store::Store::create_workflow)).
    pub(super) async fn create(&self, wf: Workflow) -> Result<Workflow, StoreError> {
        let (tx, rx) = oneshot::channel();
        self.send(Item::Create(wf), Reply::Create(tx)).await?;
        rx.await.map_err(|_| stopped())?
    }

    /// Stores a binding-error record.
    pub(super) async fn record(&self, record: BindingErrorRecord) -> Result<(), StoreError> {
        let (tx, rx) = oneshot::channel();
        self.send(Item::Record(record), Reply::Record(tx)).await?;
        rx.await.map_err(|_| stopped())?
    }
}

impl Drop for Writer {
    fn drop(&mut self) {
        // Closing the channel lets the thread drain what is queued and return.
        drop(self.tx.take());
        if let Some(thread) = self.thread.take()
            && thread.join().is_err()
        {
            tracing::error!("the database writer thread panicked");
        }
    }
}

fn answer(reply: Reply, result: Applied) {
    // A receiver that is gone (its caller stopped waiting) is not an error: the write is
    // stored either way, and a retry finds it as its own object.
    match reply {
        Reply::Create(tx) => {
            let _ = tx.send(result.and_then(|wf| wf.ok_or_else(|| db_err("no workflow stored"))));
        }
        Reply::Record(tx) => {
            let _ = tx.send(result.map(|_| ()));
        }
    }
}

fn run(db: Arc<Database>, mut rx: mpsc::Receiver<Op>) {
    let mut state = State::new(db);
    while let Some(first) = rx.blocking_recv() {
        let mut items = Vec::with_capacity(MAX_BATCH_OPS.min(rx.len() + 1));
        let mut replies = Vec::with_capacity(items.capacity());
        let mut push = |op: Op| {
            items.push(op.item);
            replies.push(op.reply);
        };
        push(first);
        let mut taken = 1;
        while taken < MAX_BATCH_OPS {
            let op = match rx.try_recv() {
                Ok(op) => op,
                // The writers answered by the last commit send their next operations in a
                // burst, and the first of them woke this thread: give the rest of the burst
                // one chance to land (a yield, not a timed wait) before committing without it.
                Err(_) => {
                    std::thread::yield_now();
                    match rx.try_recv() {
                        Ok(op) => op,
                        Err(_) => break,
                    }
                }
            };
            push(op);
            taken += 1;
        }
        match state.apply(items) {
            Ok(results) => {
                for (reply, result) in replies.into_iter().zip(results) {
                    answer(reply, result);
                }
            }
            Err(e) => {
                tracing::warn!(error = %e, ops = replies.len(), "database write failed; nothing of the batch was stored");
                for reply in replies {
                    answer(reply, Err(e.clone()));
                }
            }
        }
    }
}

/// The writer's state between batches.
pub(super) struct State {
    db: Arc<Database>,
    /// Binding-error records per namespace, as committed. One entry per namespace that ever
    /// had a binding error recorded; records only come from bindings, so this is bounded by
    /// the namespaces that have bindings.
    error_counts: HashMap<String, usize>,
}

impl State {
    pub(super) fn new(db: Arc<Database>) -> State {
        State {
            db,
            error_counts: HashMap::new(),
        }
    }

    /// Applies `items` in order in one transaction and commits it. `Err` means nothing was
    /// stored; `Ok` holds one outcome per item.
    pub(super) fn apply(&mut self, items: Vec<Item>) -> Result<Vec<Applied>, StoreError> {
        let txn = self.db.begin_write().map_err(txn_err)?;
        let mut results = Vec::with_capacity(items.len());
        let mut counts: HashMap<String, usize> = HashMap::new();
        {
            let mut workflows = txn.open_table(WORKFLOWS).map_err(table_err)?;
            let mut errors = txn.open_table(BINDING_ERRORS).map_err(table_err)?;
            let mut meta = txn.open_table(META).map_err(table_err)?;
            let first = meta.get(SEQ).map_err(storage_err)?.map_or(0, |g| g.value());
            let mut seq = first;
            let now = now_rfc3339();
            for item in items {
                let result = match item {
                    Item::Create(wf) => create(&mut workflows, wf, &mut seq, &now)?.map(Some),
                    Item::Record(record) => {
                        let count = match counts.entry(record.namespace.clone()) {
                            Entry::Occupied(e) => e.into_mut(),
                            Entry::Vacant(e) => {
                                let c = match self.error_counts.get(e.key()) {
                                    Some(c) => *c,
                                    None => count_records(&errors, e.key())?,
                                };
                                e.insert(c)
                            }
                        };
                        insert_record(&mut errors, &record, &mut seq)?;
                        *count += 1;
                        Ok(None)
                    }
                };
                results.push(result);
            }
            for (namespace, count) in counts.iter_mut() {
                trim(&mut errors, namespace, count)?;
            }
            if seq != first {
                meta.insert(SEQ, seq).map_err(storage_err)?;
            }
        }
        txn.commit().map_err(commit_err)?;
        self.error_counts.extend(counts);
        Ok(results)
    }
}

/// One create inside the batch's transaction. The outer `Err` fails the whole batch (the
/// database failed); the inner one is this create's own outcome.
fn create(
    table: &mut Table<&str, &[u8]>,
    mut wf: Workflow,
    seq: &mut u64,
    now: &str,
) -> Result<Result<Workflow, StoreError>, StoreError> {
    let key = format!("{}/{}", wf.metadata.namespace, wf.metadata.name);
    if let Some(bytes) = table.get(key.as_str()).map_err(storage_err)? {
        let existing = match decode::<Workflow>(&key, bytes.value()) {
            Ok(existing) => existing,
            Err(e) => return Ok(Err(e)),
        };
        return Ok(if same_origin(&existing, &wf) {
            Ok(existing)
        } else {
            Err(StoreError::AlreadyExists {
                name: wf.metadata.name,
            })
        });
    }
    let next = *seq + 1;
    wf.metadata.uid = crate::model::meta::new_uid();
    wf.metadata.resource_version = next.to_string();
    wf.metadata.creation_timestamp = Some(now.to_string());
    let bytes = match serde_json::to_vec(&wf) {
        Ok(bytes) => bytes,
        Err(e) => return Ok(Err(db_err(e))),
    };
    table
        .insert(key.as_str(), bytes.as_slice())
        .map_err(storage_err)?;
    *seq = next;
    Ok(Ok(wf))
}

fn insert_record(
    table: &mut Table<&str, &[u8]>,
    record: &BindingErrorRecord,
    seq: &mut u64,
) -> Result<(), StoreError> {
    let bytes = serde_json::to_vec(record).map_err(db_err)?;
    *seq += 1;
    let key = format!("{}/{:020}", record.namespace, *seq);
    table
        .insert(key.as_str(), bytes.as_slice())
        .map_err(storage_err)?;
    Ok(())
}

/// The records of `namespace` (one scan, the first time a namespace is seen).
fn count_records(table: &Table<&str, &[u8]>, namespace: &str) -> Result<usize, StoreError> {
    let (lo, hi) = ns_range(namespace);
    let mut n = 0;
    for row in table.range(lo.as_str()..hi.as_str()).map_err(storage_err)? {
        row.map_err(storage_err)?;
        n += 1;
    }
    Ok(n)
}

/// Deletes the oldest records of `namespace` beyond the bound; `count` is updated.
fn trim(
    table: &mut Table<&str, &[u8]>,
    namespace: &str,
    count: &mut usize,
) -> Result<(), StoreError> {
    let excess = count.saturating_sub(MAX_BINDING_ERRORS_PER_NAMESPACE);
    if excess == 0 {
        return Ok(());
    }
    let (lo, hi) = ns_range(namespace);
    let oldest: Vec<String> = table
        .range(lo.as_str()..hi.as_str())
        .map_err(storage_err)?
        .take(excess)
        .map(|r| r.map(|(k, _)| k.value().to_string()))
        .collect::<Result<_, _>>()
        .map_err(storage_err)?;
    for k in &oldest {
        table.remove(k.as_str()).map_err(storage_err)?;
    }
    *count -= oldest.len();
    Ok(())
}
