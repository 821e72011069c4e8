//! Keeping the catalog in step with the manifest folders.
//!
//! Takes the folders, the [`Catalog`] and a poll interval; loads once at start, then checks
//! a cheap fingerprint (paths, sizes, modification times) on a background thread and
//! reloads when it changes. Only changed files are re-parsed ([`Loader`]); a file that fails
//! to parse keeps its last good objects, and its error is logged with file and line. Every
//! problem the catalog finds (an expression that does not compile, a missing template) is
//! logged naming the binding and its file.

use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread::JoinHandle;
use std::time::Duration;

use crate::catalog::Catalog;
use crate::store::manifests::{Loader, fingerprint};

/// The running watcher; dropping it does not stop it, [`ManifestWatch::stop`] does.
pub struct ManifestWatch {
    stop: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
}

impl ManifestWatch {
    /// Stops the polling thread and waits for it.
    pub fn stop(mut self) {
        self.stop.store(true, Ordering::Release);
        if let Some(t) = self.thread.take() {
            t.thread().unpark();
            let _ = t.join();
        }
    }
}

/// Loads the folders into `catalog`, logging every problem. Returns how many errors (not
/// warnings) the manifests have.
pub fn load_into(loader: &mut Loader, catalog: &Catalog) -> usize {
    let (set, problems) = loader.reload();
    let mut errors = 0;
    for p in &problems {
        if p.is_warning() {
            tracing::warn!(file = %p.path().display(), "{p}");
        } else {
            errors += 1;
            tracing::error!(file = %p.path().display(), "manifest rejected, keeping its last good version: {p}");
        }
    }
    let objects = set.len();
    let report = catalog.apply(set);
    for w in &report.warnings {
        tracing::warn!("{w}");
    }
    tracing::info!(
        objects,
        bindings = report.bindings,
        errors,
        "manifests loaded"
    );
    errors
}

/// Loads once, then starts polling every `interval`.
pub fn start(dirs: Vec<PathBuf>, catalog: Arc<Catalog>, interval: Duration) -> ManifestWatch {
    let mut loader = Loader::new(dirs.clone());
    let mut last = fingerprint(&dirs);
    load_into(&mut loader, &catalog);
    let stop = Arc::new(AtomicBool::new(false));
    let flag = stop.clone();
    let thread = std::thread::Builder::new()
        .name("manifest-watch".into())
        .spawn(move || {
            while !flag.load(Ordering::Acquire) {
                std::thread::park_timeout(interval);
                let now = fingerprint(&dirs);
                if now != last {
                    last = now;
                    load_into(&mut loader, &catalog);
                }
            }
        })
        .ok();
    if thread.is_none() {
        tracing::error!("cannot start the manifest watcher thread; manifests will not be reloaded");
    }
    ManifestWatch { stop, thread }
}
