//! Settings of `flowgate serve`.
//!
//! Takes the command line, `FLOWGATE_…` environment variables and an optional settings file
//! ([`file`]); returns a validated [`Settings`]. Precedence: defaults < settings file <
//! environment < flags.
//! Argo's flags keep Argo's names and meaning; the defaults follow Argo's events
//! documentation (asynchronous dispatch, a queue of 64 events, 4 workers).

use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use clap::{ArgAction, ArgMatches, Args, ValueEnum};

pub mod file;

/// Errors in the settings.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    /// `--listen` is not `HOST:PORT`.
    #[error("--listen {0:?} is not an address such as 127.0.0.1:2746")]
    Listen(String),
    /// A numeric flag is out of range.
    #[error("{flag} must be at least {min}, got {value}")]
    TooSmall {
        /// The flag.
        flag: &'static str,
        /// The smallest value allowed.
        min: u64,
        /// The value given.
        value: u64,
    },
    /// The embedded backend needs at least one manifests folder.
    #[error("the embedded backend needs at least one --manifests DIR")]
    NoManifests,
    /// The settings file cannot be read or has a bad entry.
    #[error("settings file {}: {reason}", file.display())]
    File {
        /// The file.
        file: PathBuf,
        /// What is wrong.
        reason: String,
    },
    /// A flag that belongs to the other backend.
    #[error("{flag} is for the {backend} backend; it cannot be used with --backend {other}")]
    WrongBackend {
        /// The flag.
        flag: &'static str,
        /// The backend it is for.
        backend: &'static str,
        /// The backend chosen.
        other: &'static str,
    },
}

/// Where objects live.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Backend {
    /// Manifests from folders, workflows in an embedded database.
    Embedded,
    /// A Kubernetes API server: watch caches, Workflows created through the API.
    Kubernetes,
}

/// Who the server acts as (Argo's `--auth-mode`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum AuthMode {
    /// Every request needs `Authorization: Bearer <service account token>`; RBAC applies.
    Client,
    /// Every request runs as the server, which may do everything.
    Server,
}

/// The flags of `flowgate serve`.
#[derive(Debug, Clone, Args)]
pub struct ServeArgs {
    /// A YAML settings file whose keys are these flags' names (e.g. `event-operation-queue-size: 128`).
    #[arg(long, env = "FLOWGATE_CONFIG")]
    pub config: Option<PathBuf>,
    /// Address to listen on (port 0 picks a free port; the chosen address is printed).
    #[arg(long, env = "FLOWGATE_LISTEN", default_value = "127.0.0.1:2746")]
    pub listen: String,
    /// Where objects live.
    #[arg(long, env = "FLOWGATE_BACKEND", value_enum, default_value = "embedded")]
    pub backend: Backend,
    /// Folder of the embedded database (created if missing).
    #[arg(long, env = "FLOWGATE_DATA_DIR", default_value = "./data")]
    pub data_dir: PathBuf,
    /// Embedded backend: the database's page cache (reads and pending writes), in MiB.
    #[arg(long, env = "FLOWGATE_DB_CACHE_SIZE", default_value_t = 16)]
    pub db_cache_size: u32,
    /// Folder of manifests (*.yaml, *.yml, *.json; multi-document). Repeatable; reloaded on change.
    #[arg(long = "manifests", env = "FLOWGATE_MANIFESTS", value_delimiter = ',')]
    pub manifests: Vec<PathBuf>,
    /// Kubernetes backend: a namespace to serve (repeatable; default: every namespace).
    #[arg(long = "namespace", env = "FLOWGATE_NAMESPACE", value_delimiter = ',')]
    pub namespace: Vec<String>,
    /// Kubernetes backend: the kubeconfig to use (default: KUBECONFIG, ~/.kube/config, then the pod's service account).
    #[arg(long, env = "FLOWGATE_KUBECONFIG")]
    pub kubeconfig: Option<PathBuf>,
    /// `client`: callers present a bearer token and RBAC applies; `server`: everything runs as the server.
    #[arg(long, env = "FLOWGATE_AUTH_MODE", value_enum, default_value = "client")]
    pub auth_mode: AuthMode,
    /// Answer 200 once the event is queued (true) or once its workflows exist (false).
    #[arg(long, env = "FLOWGATE_EVENT_ASYNC_DISPATCH", default_value_t = true,
          action = ArgAction::Set, num_args = 0..=1, default_missing_value = "true")]
    pub event_async_dispatch: bool,
    /// How many events may be queued or in progress at once; beyond that the endpoint answers 503.
    #[arg(
        long,
        env = "FLOWGATE_EVENT_OPERATION_QUEUE_SIZE",
        default_value_t = 64
    )]
    pub event_operation_queue_size: usize,
    /// How many Matcher actors evaluate bindings on each HTTP worker thread.
    #[arg(long, env = "FLOWGATE_EVENT_WORKER_COUNT", default_value_t = 4)]
    pub event_worker_count: usize,
    /// Only bindings and templates labelled `workflows.argoproj.io/controller-instanceid=<id>` are used.
    #[arg(long, env = "FLOWGATE_INSTANCE_ID")]
    pub instance_id: Option<String>,
    /// Sustained rate of workflow writes per second.
    #[arg(long, env = "FLOWGATE_SUBMIT_QPS", default_value_t = 100)]
    pub submit_qps: u32,
    /// Burst of workflow writes allowed above the sustained rate.
    #[arg(long, env = "FLOWGATE_SUBMIT_BURST", default_value_t = 200)]
    pub submit_burst: u32,
    /// Largest accepted request body in bytes; larger bodies get 413.
    #[arg(long, env = "FLOWGATE_MAX_BODY_BYTES", default_value_t = 2 * 1024 * 1024)]
    pub max_body_bytes: usize,
    /// Longest time a client may take to send a request body, in seconds; slower gets 408.
    #[arg(long, env = "FLOWGATE_BODY_TIMEOUT_SECS", default_value_t = 30)]
    pub body_timeout_secs: u64,
    /// HTTP worker threads (default: one per CPU core).
    #[arg(long, env = "FLOWGATE_HTTP_WORKERS")]
    pub http_workers: Option<usize>,
    /// How often manifest folders are checked for changes, in milliseconds.
    #[arg(long, env = "FLOWGATE_MANIFEST_POLL_MS", default_value_t = 500)]
    pub manifest_poll_ms: u64,
    /// On SIGTERM, how long to wait for queued events to finish before exiting anyway, in seconds.
    #[arg(long, env = "FLOWGATE_SHUTDOWN_TIMEOUT_SECS", default_value_t = 120)]
    pub shutdown_timeout_secs: u64,
}

/// Validated settings.
#[derive(Debug, Clone)]
pub struct Settings {
    /// Listen address.
    pub listen: SocketAddr,
    /// Where objects live.
    pub backend: Backend,
    /// Kubernetes backend: the namespaces served (empty: all).
    pub namespaces: Vec<String>,
    /// Kubernetes backend: the kubeconfig, if given.
    pub kubeconfig: Option<PathBuf>,
    /// Database folder.
    pub data_dir: PathBuf,
    /// Page cache of the embedded database, in bytes.
    pub db_cache_bytes: usize,
    /// Manifest folders.
    pub manifests: Vec<PathBuf>,
    /// Auth mode.
    pub auth_mode: AuthMode,
    /// Asynchronous dispatch.
    pub async_dispatch: bool,
    /// Global bound on queued plus in-progress events.
    pub queue_size: usize,
    /// Matchers per HTTP worker thread.
    pub worker_count: usize,
    /// Instance id, if any.
    pub instance_id: Option<String>,
    /// Submit rate.
    pub submit_qps: u32,
    /// Submit burst.
    pub submit_burst: u32,
    /// Body cap.
    pub max_body_bytes: usize,
    /// Body read timeout.
    pub body_timeout: Duration,
    /// HTTP worker threads.
    pub http_workers: usize,
    /// Manifest poll interval.
    pub manifest_poll: Duration,
    /// Drain bound on shutdown.
    pub shutdown_timeout: Duration,
}

fn at_least(flag: &'static str, value: u64, min: u64) -> Result<(), ConfigError> {
    if value < min {
        return Err(ConfigError::TooSmall { flag, min, value });
    }
    Ok(())
}

impl Settings {
    /// Applies the settings file named by `--config` (if any) under the command line and
    /// environment captured in `matches`, then validates.
    pub fn from_layers(
        mut args: ServeArgs,
        matches: Option<&ArgMatches>,
    ) -> Result<Settings, ConfigError> {
        if let (Some(path), Some(m)) = (args.config.clone(), matches) {
            file::apply(&mut args, m, &path)?;
        }
        Settings::try_from(args)
    }
}

impl TryFrom<ServeArgs> for Settings {
    type Error = ConfigError;

    fn try_from(a: ServeArgs) -> Result<Self, ConfigError> {
        let listen: SocketAddr = a
            .listen
            .parse()
            .map_err(|_| ConfigError::Listen(a.listen.clone()))?;
        let wrong = |flag, backend, other| ConfigError::WrongBackend {
            flag,
            backend,
            other,
        };
        match a.backend {
            Backend::Embedded => {
                if a.manifests.is_empty() {
                    return Err(ConfigError::NoManifests);
                }
                if !a.namespace.is_empty() {
                    return Err(wrong("--namespace", "kubernetes", "embedded"));
                }
                if a.kubeconfig.is_some() {
                    return Err(wrong("--kubeconfig", "kubernetes", "embedded"));
                }
            }
            Backend::Kubernetes => {
                if !a.manifests.is_empty() {
                    return Err(wrong("--manifests", "embedded", "kubernetes"));
                }
            }
        }
        at_least(
            "--event-operation-queue-size",
            a.event_operation_queue_size as u64,
            1,
        )?;
        at_least("--event-worker-count", a.event_worker_count as u64, 1)?;
        at_least("--submit-qps", a.submit_qps.into(), 1)?;
        at_least("--submit-burst", a.submit_burst.into(), 1)?;
        at_least("--max-body-bytes", a.max_body_bytes as u64, 1)?;
        at_least("--body-timeout-secs", a.body_timeout_secs, 1)?;
        at_least("--manifest-poll-ms", a.manifest_poll_ms, 10)?;
        at_least("--db-cache-size", a.db_cache_size.into(), 1)?;
        let http_workers = a
            .http_workers
            .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()));
        at_least("--http-workers", http_workers as u64, 1)?;
        Ok(Settings {
            listen,
            backend: a.backend,
            namespaces: a.namespace.into_iter().filter(|n| !n.is_empty()).collect(),
            kubeconfig: a.kubeconfig,
            data_dir: a.data_dir,
            db_cache_bytes: usize::try_from(a.db_cache_size)
                .unwrap_or(usize::MAX)
                .saturating_mul(1024 * 1024),
            manifests: a.manifests,
            auth_mode: a.auth_mode,
            async_dispatch: a.event_async_dispatch,
            queue_size: a.event_operation_queue_size,
            worker_count: a.event_worker_count,
            instance_id: a.instance_id.filter(|s| !s.is_empty()),
            submit_qps: a.submit_qps,
            submit_burst: a.submit_burst,
            max_body_bytes: a.max_body_bytes,
            body_timeout: Duration::from_secs(a.body_timeout_secs),
            http_workers,
            manifest_poll: Duration::from_millis(a.manifest_poll_ms),
            shutdown_timeout: Duration::from_secs(a.shutdown_timeout_secs),
        })
    }
}
