//! Expression evaluation per event (selector, `valueFrom.event` parameter, `submit.metadata`) on 0.1 KB and 16 KB payloads, and compile + run per event for comparison with Argo's ~25 µs.
//!
//! The environment is Argo's: `{namespace, discriminator, metadata, payload}` with
//! `metadata = {"x-argo-e2e": ["true"]}`. "small" is a ~0.1 KB payload; "16k" is the same
//! payload plus 150 nested objects (~16 KB), as in the engine's design measurements. The
//! `run` benches use an expression compiled beforehand (what flowgate does per event); the
//! `compile_run` benches build a fresh expression each time (what Argo does per event and per
//! binding).

mod common;

use std::hint::black_box;

use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};
use flowgate::expr::{EnvKind, Expression, Input};
use serde_json::{Value, json};

const SELECTOR: &str = r#"payload.message != "" && metadata["x-argo-e2e"] == ["true"] && discriminator == "my-discriminator""#;
const PARAM: &str = "payload.message";
const METADATA: &str = r#"payload.message + "-world""#;
const METADATA_HELPERS: &str = r#""pr-" + toJson(asInt(payload.foo.pr))"#;

fn small_payload() -> Value {
    json!({"message": "hello events", "foo": {"bar": "baz", "pr": 112}, "list": ["a", "b"]})
}

/// The small payload plus 150 nested objects.
fn large_payload() -> Value {
    let mut p = small_payload();
    let objects: Vec<Value> = (0..150)
        .map(|i| {
            json!({
                "id": i,
                "name": format!("object-{i:03}"),
                "tier": "backend",
                "nested": {"depth": 1, "ok": true, "note": "a nested object of the bench"},
            })
        })
        .collect();
    p["objects"] = Value::Array(objects);
    p
}

fn payloads() -> Vec<(&'static str, Value)> {
    let small = small_payload();
    let large = large_payload();
    for (name, v) in [("small", &small), ("16k", &large)] {
        eprintln!("payload {name}: {} bytes", v.to_string().len());
    }
    vec![("small", small), ("16k", large)]
}

fn input<'a>(payload: &'a Value, metadata: &'a Value) -> Input<'a> {
    Input {
        namespace: "argo",
        discriminator: "my-discriminator",
        metadata,
        payload,
    }
}

fn run(c: &mut Criterion) {
    let metadata = json!({"x-argo-e2e": ["true"]});
    let mut g = c.benchmark_group("expr/run");
    for (size, payload) in payloads() {
        let env = input(&payload, &metadata);
        let selector = Expression::new(SELECTOR, EnvKind::Plain);
        assert_eq!(selector.selector(&env), Ok(true));
        g.bench_with_input(BenchmarkId::new("selector", size), &env, |b, env| {
            b.iter(|| black_box(selector.selector(black_box(env))))
        });
        let param = Expression::new(PARAM, EnvKind::Plain);
        assert_eq!(param.param(&env).as_deref(), Ok("hello events"));
        g.bench_with_input(BenchmarkId::new("param", size), &env, |b, env| {
            b.iter(|| black_box(param.param(black_box(env))))
        });
        let meta = Expression::new(METADATA, EnvKind::Metadata);
        assert_eq!(meta.metadata(&env).as_deref(), Ok("hello events-world"));
        g.bench_with_input(BenchmarkId::new("metadata", size), &env, |b, env| {
            b.iter(|| black_box(meta.metadata(black_box(env))))
        });
        let helpers = Expression::new(METADATA_HELPERS, EnvKind::Metadata);
        assert_eq!(helpers.metadata(&env).as_deref(), Ok("pr-112"));
        g.bench_with_input(
            BenchmarkId::new("metadata_helpers", size),
            &env,
            |b, env| b.iter(|| black_box(helpers.metadata(black_box(env)))),
        );
    }
    g.finish();
}

fn compile(c: &mut Criterion) {
    let metadata = json!({"x-argo-e2e": ["true"]});
    let mut g = c.benchmark_group("expr/compile_run");
    for (size, payload) in payloads() {
        let env = input(&payload, &metadata);
        g.bench_with_input(BenchmarkId::new("selector", size), &env, |b, env| {
            b.iter(|| {
                let e = Expression::new(black_box(SELECTOR), EnvKind::Plain);
                black_box(e.selector(env))
            })
        });
    }
    g.bench_function("selector_compile_only", |b| {
        let payload = small_payload();
        b.iter(|| {
            let e = Expression::new(black_box(SELECTOR), EnvKind::Plain);
            black_box(e.check(&payload))
        })
    });
    g.finish();
}

criterion_group! {
    name = benches;
    config = common::criterion();
    targets = run, compile
}
criterion_main!(benches);
