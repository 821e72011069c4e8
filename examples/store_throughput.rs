//! Workflow writes per second on the embedded store, with many creates in flight at once.
//!
//! Takes `--workflows N` (default 20 000), `--in-flight C` (default 64) and `--db-cache-size
//! MiB` (default 16); creates N distinct workflows in a fresh database in a temporary folder,
//! at most C at a time, from one actix thread as the Submitter does, and prints the rate, the
//! process's resident memory and the database size. Run:
//! `cargo run --release --example store_throughput -- --in-flight 64`.

use std::sync::Arc;
use std::time::Instant;

use flowgate::model::Workflow;
use flowgate::store::Store;
use flowgate::store::embedded::{DB_FILE, EmbeddedStore};
use futures_util::StreamExt;

fn arg(args: &[String], flag: &str, default: usize) -> usize {
    args.iter()
        .position(|a| a == flag)
        .and_then(|i| args.get(i + 1))
        .map(|v| v.parse().expect("a number"))
        .unwrap_or(default)
}

fn rss_mib() -> f64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find_map(|l| l.strip_prefix("VmRSS:"))
                .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<f64>().ok())
        })
        .map_or(f64::NAN, |kb| kb / 1024.0)
}

fn workflow(i: usize) -> Workflow {
    let mut w = Workflow::default();
    w.metadata.namespace = "bench".into();
    w.metadata.name = format!("push-to-main-{i:08}");
    w.metadata.generate_name = "push-to-main-".into();
    for (k, v) in [
        ("workflows.argoproj.io/workflow-template", "push-to-main"),
        ("workflows.argoproj.io/workflow-event-binding", "on-push"),
        (
            "workflows.argoproj.io/creator",
            "system-serviceaccount-bench-ci",
        ),
    ] {
        w.metadata.labels.insert(k.into(), v.into());
    }
    w.metadata
        .annotations
        .insert("flowgate.io/event-id".into(), format!("event-{i}"));
    w
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let n = arg(&args, "--workflows", 20_000);
    let in_flight = arg(&args, "--in-flight", 64).max(1);
    let cache_mib = arg(&args, "--db-cache-size", 16).max(1);
    let dir = tempfile::tempdir().expect("temporary folder");
    let system = actix_rt::System::new();
    let store = Arc::new(
        EmbeddedStore::open_with_cache(dir.path(), cache_mib * 1024 * 1024).expect("open"),
    );
    let elapsed = system.block_on(async {
        let start = Instant::now();
        futures_util::stream::iter(0..n)
            .for_each_concurrent(in_flight, |i| {
                let store = store.clone();
                async move {
                    store.create_workflow(workflow(i)).await.expect("stored");
                }
            })
            .await;
        start.elapsed()
    });
    let size = std::fs::metadata(dir.path().join(DB_FILE)).map_or(0, |m| m.len());
    println!(
        "{n} workflows, {in_flight} in flight: {:.2} s, {:.0} workflows/s; RSS {:.1} MiB; database {:.1} MiB",
        elapsed.as_secs_f64(),
        n as f64 / elapsed.as_secs_f64(),
        rss_mib(),
        size as f64 / (1024.0 * 1024.0)
    );
}
