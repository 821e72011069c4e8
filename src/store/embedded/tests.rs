//! Tests of the embedded store: idempotent creates, group commit under concurrency, bounded
//! binding-error records, and shutdown with writes still queued.

use std::collections::{HashMap, HashSet};
use std::sync::Mutex;

use super::writer::{Item, State};
use super::*;
use crate::binding::BINDING_LABEL;
use crate::store::{EVENT_ID_ANNOTATION, now_rfc3339};

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

fn rec(ns: &str, binding: &str) -> BindingErrorRecord {
    BindingErrorRecord {
        time: now_rfc3339(),
        namespace: ns.into(),
        binding: binding.into(),
        event_id: "e".into(),
        reason: "WorkflowEventBindingError".into(),
        message: "m".into(),
    }
}

fn rv(w: &Workflow) -> u64 {
    w.metadata.resource_version.parse().unwrap()
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
    // After a reopen the sequence goes on from where it was.
    let later = store.create_workflow(wf("a", "z", "e4")).await.unwrap();
    assert!(rv(&later) > rv(&first));
}

#[actix_rt::test]
async fn binding_errors_are_bounded_and_ordered() {
    let dir = tempfile::tempdir().unwrap();
    let store = EmbeddedStore::open(dir.path()).unwrap();
    for i in 0..(MAX_BINDING_ERRORS_PER_NAMESPACE + 5) {
        store
            .record_binding_error(rec("n", &format!("b{i}")))
            .await
            .unwrap();
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
    // A reopened store counts the namespace's records once and keeps trimming.
    drop(store);
    let store = EmbeddedStore::open(dir.path()).unwrap();
    store.record_binding_error(rec("n", "after")).await.unwrap();
    let all = store.list_binding_errors("n", usize::MAX).await.unwrap();
    assert_eq!(all.len(), MAX_BINDING_ERRORS_PER_NAMESPACE);
    assert_eq!(all[0].binding, "b6");
    assert_eq!(all[all.len() - 1].binding, "after");
}

/// Opens the database without a writer thread, to drive [`State::apply`] with chosen batches.
fn raw(dir: &Path) -> State {
    let db = Database::create(dir.join(DB_FILE)).unwrap();
    State::new(Arc::new(db))
}

#[actix_rt::test]
async fn one_batch_behaves_as_its_operations_in_sequence() {
    let dir = tempfile::tempdir().unwrap();
    let mut state = raw(dir.path());
    let results = state
        .apply(vec![
            Item::Create(wf("a", "x", "e1")),
            Item::Create(wf("a", "x", "e1")),
            Item::Create(wf("a", "x", "e2")),
            Item::Record(rec("a", "r")),
            Item::Create(wf("a", "y", "e1")),
        ])
        .unwrap();
    let created = |i: usize| results[i].clone().unwrap().unwrap();
    assert_eq!(rv(&created(0)), 1);
    assert_eq!(
        created(1),
        created(0),
        "the same event and binding again is the stored object"
    );
    assert_eq!(
        results[2],
        Err(StoreError::AlreadyExists { name: "x".into() })
    );
    assert_eq!(results[3], Ok(None));
    assert_eq!(rv(&created(4)), 3, "the record took sequence number 2");
    // A later batch sees the earlier one.
    let results = state
        .apply(vec![
            Item::Create(wf("a", "x", "e2")),
            Item::Create(wf("a", "y", "e1")),
            Item::Create(wf("a", "z", "e1")),
        ])
        .unwrap();
    assert_eq!(
        results[0],
        Err(StoreError::AlreadyExists { name: "x".into() })
    );
    assert_eq!(results[1].clone().unwrap().unwrap(), created(4));
    assert_eq!(rv(&results[2].clone().unwrap().unwrap()), 4);
    drop(state);
    let store = EmbeddedStore::open(dir.path()).unwrap();
    let stored = store.list_workflows("a").await.unwrap();
    assert_eq!(
        stored
            .iter()
            .map(|w| (w.metadata.name.as_str(), rv(w)))
            .collect::<Vec<_>>(),
        vec![("x", 1), ("y", 3), ("z", 4)]
    );
    assert_eq!(stored[0].metadata.uid, created(0).metadata.uid);
    assert_eq!(store.list_binding_errors("a", 10).await.unwrap().len(), 1);
}

#[actix_rt::test]
async fn one_batch_over_the_record_bound_is_trimmed_to_the_newest() {
    let dir = tempfile::tempdir().unwrap();
    let mut state = raw(dir.path());
    let n = MAX_BINDING_ERRORS_PER_NAMESPACE + 7;
    let items = (0..n)
        .map(|i| Item::Record(rec(if i % 2 == 0 { "p" } else { "q" }, &format!("b{i}"))))
        .chain((0..n).map(|i| Item::Record(rec("p", &format!("c{i}")))))
        .collect();
    state.apply(items).unwrap();
    drop(state);
    let store = EmbeddedStore::open(dir.path()).unwrap();
    let p = store.list_binding_errors("p", usize::MAX).await.unwrap();
    let want: Vec<String> = (n - MAX_BINDING_ERRORS_PER_NAMESPACE..n)
        .map(|i| format!("c{i}"))
        .collect();
    assert_eq!(
        p.iter().map(|r| r.binding.clone()).collect::<Vec<_>>(),
        want
    );
    let q = store.list_binding_errors("q", usize::MAX).await.unwrap();
    assert_eq!(q.len(), n / 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_creates_are_each_stored_once_in_order() {
    const TASKS: usize = 64;
    const PER_TASK: usize = 32;
    let dir = tempfile::tempdir().unwrap();
    let store = Arc::new(EmbeddedStore::open(dir.path()).unwrap());
    let mut tasks = Vec::new();
    for t in 0..TASKS {
        let store = store.clone();
        tasks.push(tokio::spawn(async move {
            let mut mine = Vec::new();
            for i in 0..PER_TASK {
                // Every fourth create repeats the previous one (a retry): same object back.
                let name = format!("w-{t}-{}", i - usize::from(i % 4 == 3));
                let event = format!("e-{t}-{}", i - usize::from(i % 4 == 3));
                let stored = store
                    .create_workflow(wf("ns", &name, &event))
                    .await
                    .unwrap();
                // Another event's object under an existing name is refused.
                if i % 8 == 5 {
                    let foreign = store.create_workflow(wf("ns", &name, "other")).await;
                    assert_eq!(
                        foreign,
                        Err(StoreError::AlreadyExists { name: name.clone() })
                    );
                }
                mine.push(stored);
            }
            mine
        }));
    }
    let mut acked: Vec<Vec<Workflow>> = Vec::new();
    for t in tasks {
        acked.push(t.await.unwrap());
    }
    let mut by_name: HashMap<String, Workflow> = HashMap::new();
    let mut versions = HashSet::new();
    for mine in &acked {
        let mut last = 0;
        for (i, w) in mine.iter().enumerate() {
            if i % 4 == 3 {
                assert_eq!(w, &mine[i - 1], "a retry returns the stored object");
                continue;
            }
            assert!(rv(w) > last, "one task's creates get increasing versions");
            last = rv(w);
            assert!(versions.insert(rv(w)), "resourceVersion {} twice", rv(w));
            assert!(by_name.insert(w.metadata.name.clone(), w.clone()).is_none());
        }
    }
    let expected = TASKS * (PER_TASK - PER_TASK / 4);
    assert_eq!(by_name.len(), expected);
    drop(store);
    let store = EmbeddedStore::open(dir.path()).unwrap();
    let stored = store.list_workflows("ns").await.unwrap();
    assert_eq!(stored.len(), expected);
    for w in &stored {
        assert_eq!(by_name.get(&w.metadata.name), Some(w));
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_binding_errors_stay_bounded_and_ordered() {
    const TASKS: usize = 32;
    const PER_TASK: usize = 50;
    let dir = tempfile::tempdir().unwrap();
    let store = Arc::new(EmbeddedStore::open(dir.path()).unwrap());
    let mut tasks = Vec::new();
    for t in 0..TASKS {
        let store = store.clone();
        tasks.push(tokio::spawn(async move {
            for i in 0..PER_TASK {
                let ns = if t % 2 == 0 { "even" } else { "odd" };
                store
                    .record_binding_error(rec(ns, &format!("{t}:{i}")))
                    .await
                    .unwrap();
            }
        }));
    }
    for t in tasks {
        t.await.unwrap();
    }
    for ns in ["even", "odd"] {
        let all = store.list_binding_errors(ns, usize::MAX).await.unwrap();
        assert_eq!(
            all.len(),
            MAX_BINDING_ERRORS_PER_NAMESPACE.min(TASKS / 2 * PER_TASK)
        );
        // Each task's surviving records are its newest ones, oldest first.
        let mut kept: HashMap<usize, Vec<usize>> = HashMap::new();
        for r in &all {
            let (t, i) = r.binding.split_once(':').unwrap();
            kept.entry(t.parse().unwrap())
                .or_default()
                .push(i.parse().unwrap());
        }
        for (t, is) in kept {
            let first = PER_TASK - is.len();
            assert_eq!(
                is,
                (first..PER_TASK).collect::<Vec<_>>(),
                "task {t} in {ns}"
            );
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn dropping_the_store_keeps_every_acknowledged_write() {
    let dir = tempfile::tempdir().unwrap();
    let store = Arc::new(EmbeddedStore::open(dir.path()).unwrap());
    let acked = Arc::new(Mutex::new(Vec::new()));
    let mut tasks = Vec::new();
    for t in 0..64 {
        let store = store.clone();
        let acked = acked.clone();
        tasks.push(tokio::spawn(async move {
            for i in 0.. {
                let w = wf("ns", &format!("w-{t}-{i}"), &format!("e-{t}-{i}"));
                let stored = store.create_workflow(w).await.unwrap();
                acked.lock().unwrap().push(stored);
            }
        }));
    }
    while acked.lock().unwrap().len() < 500 {
        tokio::task::yield_now().await;
    }
    // Stop the writers mid-flight: some have sent and not yet heard back; their writes are
    // still queued when the last handle goes.
    for t in &tasks {
        t.abort();
    }
    for t in tasks {
        assert!(t.await.unwrap_err().is_cancelled());
    }
    assert_eq!(Arc::strong_count(&store), 1);
    drop(store);
    let acked = std::mem::take(&mut *acked.lock().unwrap());
    // Reopening works only if the writer thread has exited and released the file.
    let store = EmbeddedStore::open(dir.path()).unwrap();
    let stored: HashMap<String, Workflow> = store
        .list_workflows("ns")
        .await
        .unwrap()
        .into_iter()
        .map(|w| (w.metadata.name.clone(), w))
        .collect();
    assert!(stored.len() >= acked.len());
    for w in &acked {
        assert_eq!(stored.get(&w.metadata.name), Some(w));
    }
}
