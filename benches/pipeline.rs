//! The whole in-process path from an Event to a stored Workflow on the embedded backend (redb in a temporary folder): one event at a time, 64 in flight, and each stage on its own.
//!
//! The actors are wired as `flowgate serve` wires them (`app.rs`): an [`Admission`] bound, a
//! Dispatcher and 4 Matchers on the current arbiter, the Submitter on its own arbiter, the
//! embedded store. Each event carries a reply channel (synchronous mode) so the time covers
//! admission → Dispatcher → Matcher (100 bindings, 1 matching) → Submitter → redb commit →
//! reply. The `stage/*` benches time the pieces alone: JSON parse of the ~1 KB body, token
//! lookup, matching, and one workflow write. `store/create_workflow/{1,64,1024}_concurrent`
//! times workflow writes with that many creates in flight at once.

mod common;

use std::hint::black_box;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use actix::{Addr, Arbiter};
use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use flowgate::actors::dispatcher::{Dispatch, offer};
use flowgate::actors::{Admission, Dispatcher, Matcher, Submitter, SubmitterConfig};
use flowgate::binding::{Event, dispatch};
use flowgate::catalog::Catalog;
use flowgate::model::Workflow;
use flowgate::store::Store;
use flowgate::store::embedded::EmbeddedStore;
use futures_util::StreamExt;
use tokio::sync::oneshot;

/// Bindings in the namespace; one matches.
const BINDINGS: usize = 100;
/// `--event-operation-queue-size` (and events in flight in the concurrent bench).
const QUEUE: usize = 64;
/// Matchers per worker thread (`--event-worker-count`).
const MATCHERS: usize = 4;

struct Pipeline {
    catalog: Arc<Catalog>,
    admission: Arc<Admission>,
    dispatcher: Addr<Dispatcher>,
    store: Arc<dyn Store>,
    created: AtomicUsize,
    errors: AtomicUsize,
    next_id: AtomicUsize,
    _arbiter: Arbiter,
}

impl Pipeline {
    /// Starts the actors; must run inside the actix system.
    fn start(dir: &std::path::Path) -> Pipeline {
        let catalog = common::catalog(BINDINGS, 1);
        let store: Arc<dyn Store> = Arc::new(EmbeddedStore::open(dir).expect("open redb"));
        // Twice the events in flight: a permit is released on the Submitter's thread, and the
        // bound must never refuse an event of the bench (`one` panics on a refusal).
        let admission = Admission::new(2 * QUEUE);
        let arbiter = Arbiter::new();
        // No rate limit in the way: the bench measures the pipeline, not the token bucket.
        let submitter = Submitter::start_on(
            &arbiter.handle(),
            store.clone(),
            SubmitterConfig::new(u32::MAX, u32::MAX, QUEUE),
        );
        let matchers = (0..MATCHERS)
            .map(|_| Matcher::start(catalog.clone(), submitter.clone(), QUEUE))
            .collect();
        let dispatcher = Dispatcher::start(matchers, QUEUE);
        Pipeline {
            catalog,
            admission,
            dispatcher,
            store,
            created: AtomicUsize::new(0),
            errors: AtomicUsize::new(0),
            next_id: AtomicUsize::new(0),
            _arbiter: arbiter,
        }
    }

    fn events(&self, n: u64) -> Vec<Event> {
        (0..n)
            .map(|_| {
                common::push_event(&self.catalog, self.next_id.fetch_add(1, Ordering::Relaxed))
            })
            .collect()
    }

    /// One event through the whole pipeline, until its workflow is stored.
    async fn one(&self, event: Event) {
        let permit = self.admission.try_acquire().expect("admission slot");
        let (tx, rx) = oneshot::channel();
        offer(
            &self.dispatcher,
            Dispatch {
                event,
                permit,
                reply: Some(tx),
            },
        )
        .expect("dispatcher accepts");
        let outcome = rx.await.expect("outcome");
        self.created
            .fetch_add(outcome.created.len(), Ordering::Relaxed);
        // A 5-character random suffix can repeat over many thousand workflows; such a
        // collision is a binding error, counted and printed, not a bench failure.
        self.errors
            .fetch_add(outcome.errors.len(), Ordering::Relaxed);
    }
}

fn pipeline(c: &mut Criterion) {
    let dir = tempfile::tempdir().expect("temporary folder");
    let system = actix_rt::System::new();
    let p = system.block_on(async { Pipeline::start(dir.path()) });
    let p = &p;

    let mut g = c.benchmark_group("pipeline");
    g.throughput(Throughput::Elements(1));
    g.bench_function("event_to_stored_workflow/sequential", |b| {
        b.iter_custom(|iters| {
            let events = p.events(iters);
            system.block_on(async {
                let start = Instant::now();
                for e in events {
                    p.one(e).await;
                }
                start.elapsed()
            })
        })
    });
    g.bench_function("event_to_stored_workflow/64_in_flight", |b| {
        b.iter_custom(|iters| {
            let events = p.events(iters);
            system.block_on(async {
                let start = Instant::now();
                futures_util::stream::iter(events)
                    .for_each_concurrent(QUEUE, |e| p.one(e))
                    .await;
                start.elapsed()
            })
        })
    });
    g.finish();
    let created = p.created.load(Ordering::Relaxed);
    let errors = p.errors.load(Ordering::Relaxed);
    let sent = p.next_id.load(Ordering::Relaxed);
    // Only when the pipeline benches ran (a filter such as `cargo bench -- stage/` skips them).
    if sent > 0 {
        eprintln!(
            "pipeline: {sent} events sent, {created} workflows stored, {errors} binding errors (name collisions)"
        );
        assert!(created > 0, "the pipeline stored nothing");
    }

    let mut g = c.benchmark_group("stage");
    g.bench_function("parse_body_1k", |b| {
        b.iter(|| {
            black_box(flowgate::http::events::parse_payload(black_box(
                common::PUSH_BODY.as_bytes(),
            )))
        })
    });
    g.bench_function("authenticate", |b| {
        b.iter(|| black_box(p.catalog.authenticate(black_box(common::TOKEN))))
    });
    let event = common::push_event(&p.catalog, 0);
    g.bench_function(format!("match_{BINDINGS}_bindings_1_match"), |b| {
        b.iter(|| {
            let bindings = p.catalog.bindings(common::NAMESPACE).unwrap();
            black_box(dispatch::plan(
                &event,
                &bindings,
                &p.catalog.dispatch_context(),
            ))
        })
    });
    let planned = dispatch::plan(
        &event,
        &p.catalog.bindings(common::NAMESPACE).unwrap(),
        &p.catalog.dispatch_context(),
    );
    let wf: Workflow = planned[0].result.clone().expect("a workflow");
    g.bench_function("workflow_to_json", |b| {
        b.iter(|| black_box(serde_json::to_vec(black_box(&wf)).unwrap()))
    });
    let n = AtomicUsize::new(0);
    g.bench_function("store_create_workflow", |b| {
        b.iter_custom(|iters| {
            system.block_on(async {
                let mut total = Duration::ZERO;
                for _ in 0..iters {
                    let mut w = wf.clone();
                    w.metadata.name = format!("stage-{}", n.fetch_add(1, Ordering::Relaxed));
                    let start = Instant::now();
                    p.store.create_workflow(w).await.expect("stored");
                    total += start.elapsed();
                }
                total
            })
        })
    });
    g.finish();
}

/// Concurrent writers on the embedded store alone: `N` creates in flight at once (as many
/// Submitter futures would have), each a distinct workflow. Measures what one write costs when
/// writes overlap, which is where commits can be shared.
fn concurrent_creates(c: &mut Criterion) {
    let dir = tempfile::tempdir().expect("temporary folder");
    let system = actix_rt::System::new();
    let store = EmbeddedStore::open(dir.path()).expect("open redb");
    let catalog = common::catalog(BINDINGS, 1);
    let event = common::push_event(&catalog, 0);
    let planned = dispatch::plan(
        &event,
        &catalog.bindings(common::NAMESPACE).unwrap(),
        &catalog.dispatch_context(),
    );
    let wf: Workflow = planned[0].result.clone().expect("a workflow");
    let n = AtomicUsize::new(0);
    let mut g = c.benchmark_group("store");
    g.throughput(Throughput::Elements(1));
    for in_flight in [1usize, 64, 1024] {
        g.bench_function(format!("create_workflow/{in_flight}_concurrent"), |b| {
            b.iter_custom(|iters| {
                let batch: Vec<Workflow> = (0..iters)
                    .map(|_| {
                        let mut w = wf.clone();
                        w.metadata.name = format!("conc-{}", n.fetch_add(1, Ordering::Relaxed));
                        w
                    })
                    .collect();
                system.block_on(async {
                    let start = Instant::now();
                    futures_util::stream::iter(batch)
                        .for_each_concurrent(in_flight, |w| {
                            let store = &store;
                            async move {
                                store.create_workflow(w).await.expect("stored");
                            }
                        })
                        .await;
                    start.elapsed()
                })
            })
        });
    }
    g.finish();
}

criterion_group! {
    name = benches;
    config = common::criterion();
    targets = pipeline, concurrent_creates
}
criterion_main!(benches);
