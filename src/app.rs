//! Assembling and running `flowgate serve`.
//!
//! Takes [`Settings`]; opens the backend (embedded: the database and the manifest poller;
//! kubernetes: the client, the watch caches and the reviews), starts the Submitter on its own
//! arbiter and the HTTP server whose app factory starts one Dispatcher and
//! `--event-worker-count` Matchers per worker thread. [`Application::run_until_stopped`] serves
//! until SIGTERM or SIGINT, then drains: new events get 503, every admitted event is
//! finished (bounded by `--shutdown-timeout-secs`), and only then does the server stop.

use std::net::{SocketAddr, TcpListener};
use std::sync::Arc;

use actix::{Addr, Arbiter};
use actix_web::{App, HttpServer, web};

use crate::actors::{Admission, Dispatcher, Matcher, Submitter, SubmitterConfig};
use crate::auth::kube::KubeAuth;
use crate::catalog::Catalog;
use crate::config::{Backend, Settings};
use crate::http::{self, AppState};
use crate::metrics::Metrics;
use crate::store::embedded::EmbeddedStore;
use crate::store::kubernetes::{self, KubeCache, KubeError, WatchSettings};
use crate::store::watch::{self, ManifestWatch};
use crate::store::{Store, StoreError};

/// Errors starting or running the server.
#[derive(Debug, thiserror::Error)]
pub enum AppError {
    /// The listen address cannot be bound.
    #[error("cannot listen on {addr}: {source}")]
    Bind {
        /// The address.
        addr: SocketAddr,
        /// Why.
        #[source]
        source: std::io::Error,
    },
    /// The store cannot be opened.
    #[error("cannot open the store: {0}")]
    Store(#[from] StoreError),
    /// The Kubernetes backend cannot start.
    #[error("cannot start the Kubernetes backend: {0}")]
    Kubernetes(#[from] KubeError),
    /// The HTTP server failed.
    #[error("HTTP server error: {0}")]
    Server(#[source] std::io::Error),
}

/// A built, not yet running, server.
pub struct Application {
    addr: SocketAddr,
    server: actix_web::dev::Server,
    admission: Arc<Admission>,
    watch: Source,
    submit_arbiter: Arbiter,
    shutdown_timeout: std::time::Duration,
}

/// What keeps the catalog up to date.
enum Source {
    /// The embedded backend's manifest poller.
    Manifests(ManifestWatch),
    /// The Kubernetes backend's reflectors (stopped when dropped).
    Kubernetes(KubeCache),
}

impl Source {
    fn stop(self) {
        match self {
            Source::Manifests(w) => w.stop(),
            Source::Kubernetes(cache) => drop(cache),
        }
    }
}

impl Application {
    /// Opens everything and binds the listener. Must run inside an actix `System` (the
    /// Kubernetes client lives on its thread).
    pub async fn build(settings: Settings) -> Result<Application, AppError> {
        let catalog = Arc::new(Catalog::new(settings.instance_id.clone()));
        let (store, watch, kube_auth): (Arc<dyn Store>, Source, Option<Arc<KubeAuth>>) =
            match settings.backend {
                Backend::Embedded => (
                    Arc::new(EmbeddedStore::open_with_cache(
                        &settings.data_dir,
                        settings.db_cache_bytes,
                    )?),
                    Source::Manifests(watch::start(
                        settings.manifests.clone(),
                        catalog.clone(),
                        settings.manifest_poll,
                    )),
                    None,
                ),
                Backend::Kubernetes => {
                    let backend = kubernetes::open(
                        settings.kubeconfig.as_deref(),
                        catalog.clone(),
                        WatchSettings {
                            namespaces: settings.namespaces.clone(),
                            instance_id: settings.instance_id.clone(),
                            ..WatchSettings::default()
                        },
                    )
                    .await?;
                    (
                        backend.store,
                        Source::Kubernetes(backend.cache),
                        Some(backend.auth),
                    )
                }
            };
        let admission = Admission::new(settings.queue_size);
        let metrics = Arc::new(Metrics::default());

        let submit_arbiter = Arbiter::new();
        let submitter = Submitter::start_on(
            &submit_arbiter.handle(),
            store.clone(),
            SubmitterConfig {
                metrics: metrics.clone(),
                ..SubmitterConfig::new(
                    settings.submit_qps,
                    settings.submit_burst,
                    settings.queue_size,
                )
            },
        );
        let state = web::Data::new(AppState {
            catalog: catalog.clone(),
            store,
            admission: admission.clone(),
            auth_mode: settings.auth_mode,
            async_dispatch: settings.async_dispatch,
            max_body_bytes: settings.max_body_bytes,
            body_timeout: settings.body_timeout,
            metrics: metrics.clone(),
            version: format!("v{}", env!("CARGO_PKG_VERSION")),
            kube_auth,
        });

        let listener = TcpListener::bind(settings.listen).map_err(|source| AppError::Bind {
            addr: settings.listen,
            source,
        })?;
        let addr = listener.local_addr().map_err(|source| AppError::Bind {
            addr: settings.listen,
            source,
        })?;
        let queue_size = settings.queue_size;
        let workers = settings.worker_count;
        let server = HttpServer::new(move || {
            // Runs once per worker thread: this thread's Dispatcher and Matchers.
            let matchers: Vec<Addr<Matcher>> = (0..workers)
                .map(|_| Matcher::start(catalog.clone(), submitter.clone(), queue_size))
                .collect();
            let dispatcher = Dispatcher::start(matchers, queue_size);
            App::new()
                .app_data(state.clone())
                .app_data(web::Data::new(dispatcher))
                .configure(http::configure)
        })
        .workers(settings.http_workers)
        .disable_signals()
        .shutdown_timeout(5)
        .listen(listener)
        .map_err(AppError::Server)?
        .run();
        Ok(Application {
            addr,
            server,
            admission,
            watch,
            submit_arbiter,
            shutdown_timeout: settings.shutdown_timeout,
        })
    }

    /// The bound address (useful with port 0).
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// Serves until SIGTERM or SIGINT, then drains and stops.
    pub async fn run_until_stopped(self) -> Result<(), AppError> {
        let Application {
            server,
            admission,
            watch,
            submit_arbiter,
            shutdown_timeout,
            ..
        } = self;
        let handle = server.handle();
        let drain = actix_rt::spawn(async move {
            wait_for_signal().await;
            admission.start_draining();
            let queued = admission.in_flight();
            tracing::info!(
                queued,
                "shutting down: refusing new events, finishing queued ones"
            );
            if actix_rt::time::timeout(shutdown_timeout, admission.wait_idle())
                .await
                .is_err()
            {
                tracing::error!(
                    left = admission.in_flight(),
                    "shutdown timeout: events still in progress are abandoned"
                );
            } else {
                tracing::info!("every queued event is finished");
            }
            handle.stop(true).await;
        });
        let result = server.await.map_err(AppError::Server);
        drain.abort();
        watch.stop();
        submit_arbiter.stop();
        result
    }
}

async fn wait_for_signal() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        match (
            signal(SignalKind::terminate()),
            signal(SignalKind::interrupt()),
        ) {
            (Ok(mut term), Ok(mut int)) => {
                tokio::select! {
                    _ = term.recv() => {}
                    _ = int.recv() => {}
                }
            }
            _ => {
                tracing::error!("cannot install signal handlers; stop with SIGKILL");
                std::future::pending::<()>().await;
            }
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
    }
}
