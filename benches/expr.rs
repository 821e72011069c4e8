//! Expression engine benchmarks: the documented Argo selector, precompiled, on a 0.1 KB and a
//! 16 KB payload; `payload.message + "-world"`; and compile time (parse + check + compile).

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use flowgate::expr::{EnvKind, Expression, Input};
use serde_json::{Value, json};

const SELECTOR: &str = r#"payload.message != "" && metadata["x-argo-e2e"] == ["true"] && discriminator == "my-discriminator""#;

fn small_payload() -> Value {
    json!({"message": "hello", "foo": {"bar": "baz", "numeric": 8675309}, "list": ["one", "two"]})
}

/// The small payload plus 150 nested objects (about 16 KB of JSON).
fn large_payload() -> Value {
    let mut p = small_payload();
    let items: Vec<Value> = (0..150)
        .map(|i| {
            json!({"id": i, "name": format!("item-{i:04}"), "tags": ["a", "b", "c"],
                        "nested": {"x": i * 2, "y": "some text value", "z": [1, 2, 3]}})
        })
        .collect();
    p["items"] = Value::Array(items);
    p
}

fn benches(c: &mut Criterion) {
    let metadata = json!({"x-argo-e2e": ["true"], "x-forwarded-for": ["203.0.113.7"]});
    let small = small_payload();
    let large = large_payload();
    eprintln!(
        "payload sizes: {} B and {} B",
        small.to_string().len(),
        large.to_string().len()
    );
    let selector = Expression::new(SELECTOR, EnvKind::Plain);
    let concat = Expression::new(r#"payload.message + "-world""#, EnvKind::Plain);
    for (name, payload) in [("0.1KB", &small), ("16KB", &large)] {
        let input = Input {
            namespace: "argo",
            discriminator: "my-discriminator",
            metadata: &metadata,
            payload,
        };
        assert_eq!(selector.selector(&input), Ok(true));
        c.bench_function(&format!("selector precompiled {name}"), |b| {
            b.iter(|| selector.selector(black_box(&input)))
        });
        c.bench_function(&format!("message + \"-world\" {name}"), |b| {
            b.iter(|| concat.metadata(black_box(&input)))
        });
    }
    c.bench_function("compile selector (parse + check + compile)", |b| {
        b.iter(|| {
            let e = Expression::new(black_box(SELECTOR), EnvKind::Plain);
            e.check(&small).map(|_| e)
        })
    });
}

criterion_group!(expr, benches);
criterion_main!(expr);
