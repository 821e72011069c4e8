//! Matching one event against 1, 100, 1 000 and 10 000 bindings in its namespace, none, 1 or 10 of them matching: the Matcher's pure work (the selectors, then the Workflows of the matches), with the selector index and without it.
//!
//! The catalog is built as the server builds it (generated YAML → `ManifestSet` →
//! `Catalog::apply`), and the timed step is what `Matcher` does per event: look up the
//! namespace's compiled bindings, take a dispatch context, and run `binding::dispatch::plan`
//! (the selectors the index does not rule out, template lookup, RBAC checks, metadata and
//! parameter expressions, names). The `_unindexed` variants run `binding::dispatch::plan_all`
//! instead, which evaluates every selector.

mod common;

use std::hint::black_box;

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use flowgate::binding::dispatch;

fn matching(c: &mut Criterion) {
    let mut g = c.benchmark_group("matching");
    for n in [1usize, 100, 1_000, 10_000] {
        for m in [0usize, 1, 10] {
            if m > n {
                continue;
            }
            let catalog = common::catalog(n, m);
            let event = common::push_event(&catalog, 0);
            let planned = dispatch::plan(
                &event,
                &catalog.bindings(common::NAMESPACE).unwrap(),
                &catalog.dispatch_context(),
            );
            assert_eq!(planned.len(), m, "{planned:?}");
            assert!(planned.iter().all(|p| p.result.is_ok()), "{planned:?}");
            let unindexed = dispatch::plan_all(
                &event,
                catalog.bindings(common::NAMESPACE).unwrap().bindings(),
                &catalog.dispatch_context(),
            );
            let names =
                |p: &[dispatch::Planned]| p.iter().map(|p| p.binding.clone()).collect::<Vec<_>>();
            assert_eq!(names(&unindexed), names(&planned));
            // Throughput in bindings in the namespace, so criterion also prints bindings/s.
            g.throughput(Throughput::Elements(n as u64));
            g.bench_function(BenchmarkId::new(format!("{m}_match"), n), |b| {
                b.iter(|| {
                    let bindings = catalog.bindings(black_box(common::NAMESPACE)).unwrap();
                    let planned =
                        dispatch::plan(black_box(&event), &bindings, &catalog.dispatch_context());
                    black_box(planned)
                })
            });
            g.bench_function(BenchmarkId::new(format!("{m}_match_unindexed"), n), |b| {
                b.iter(|| {
                    let bindings = catalog.bindings(black_box(common::NAMESPACE)).unwrap();
                    let planned = dispatch::plan_all(
                        black_box(&event),
                        bindings.bindings(),
                        &catalog.dispatch_context(),
                    );
                    black_box(planned)
                })
            });
        }
    }
    g.finish();
}

criterion_group! {
    name = benches;
    config = common::criterion();
    targets = matching
}
criterion_main!(benches);
