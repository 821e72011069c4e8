//! Integration tests of the Kubernetes backend against a real kube-apiserver (v1.20.2, built
//! from Debian's source package by `scripts/kube-local/install.sh`), started once for this
//! binary on random loopback ports (see `cluster`). These tests fail, never skip, when the API
//! server cannot start.
//!
//! - `store`, `auth`, `watch`, `deploy`: the backend's parts, each test in its own namespace.
//! - `replicas`: two servers against one API server.
//! - The scenario modules of `tests/api`, compiled again here: `helpers` runs them on the
//!   Kubernetes backend (written once, run on both backends). Left out: `reload`, which is
//!   about manifest files (parse errors reported by file and line, a broken file keeping its
//!   last good version); live binding changes on a cluster are `replicas`' test.

#[path = "../api/helpers.rs"]
#[allow(dead_code)]
mod helpers;
pub use helpers::cluster;

mod auth;
mod deploy;
mod replicas;
mod store;
mod watch;

#[path = "../api/auth.rs"]
mod scenario_auth;
#[path = "../api/bindings.rs"]
mod scenario_bindings;
#[path = "../api/example.rs"]
mod scenario_example;
#[path = "../api/persistence.rs"]
mod scenario_persistence;
#[path = "../api/queue.rs"]
mod scenario_queue;
#[path = "../api/shutdown.rs"]
mod scenario_shutdown;
#[path = "../api/status.rs"]
mod scenario_status;
#[path = "../api/sync_mode.rs"]
mod scenario_sync_mode;
#[path = "../api/webhooks.rs"]
mod scenario_webhooks;
