//! Fuzz target: parse + check + compile + evaluate arbitrary expressions, in both
//! environments, against payloads of every top-level kind. Any panic, overflow or hang is a
//! bug: the engine must answer every input with a value or an error.
//!
//! Run from `fuzz/` (the second directory is the committed seed corpus, read only):
//! `RUSTC_BOOTSTRAP=1 cargo fuzz run expr -O corpus/expr seeds/expr -- -max_total_time=660
//! -rss_limit_mb=4096 -timeout=60`
#![no_main]

use flowgate::expr::{EnvKind, Expression, Input};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(src) = std::str::from_utf8(data) else {
        return;
    };
    let metadata = serde_json::json!({"x-argo-e2e": ["true"], "x-tag": ["a", "b"]});
    let payloads = [
        serde_json::json!({"message": "hello", "n": 3, "list": ["one", "two"],
                           "foo": {"bar": "baz", "pr": 112}, "nothing": null}),
        serde_json::json!([1, "two", {"three": 3}, null, true]),
        serde_json::json!("just a string"),
        serde_json::json!(42.5),
        serde_json::Value::Null,
        serde_json::json!(true),
    ];
    for env in [EnvKind::Plain, EnvKind::Metadata] {
        let e = Expression::new(src, env);
        for payload in &payloads {
            let input = Input {
                namespace: "argo",
                discriminator: "d",
                metadata: &metadata,
                payload,
            };
            let _ = e.selector(&input);
            let _ = e.param(&input);
            let _ = e.metadata(&input);
        }
    }
});
