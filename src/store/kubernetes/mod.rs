//! The Kubernetes backend: watch caches feed the catalog, workflows are written to the API server.
//!
//! Takes a kubeconfig (or the in-cluster service account), the [`Catalog`](crate::catalog::Catalog)
//! and the namespaces and instance id to serve; returns a [`KubeCache`] (reflectors that
//! rebuild the catalog within a debounce of every change) and a [`KubeStore`] (the [`Store`]
//! writes: Workflows, and binding errors as Warning Events).
//!
//! - [`resources`]: the Argo kinds as `ApiResource`s, decoding into the model types, and the
//!   mapping of kube-rs errors to [`StoreError`](crate::store::StoreError).
//! - [`cache`]: the reflectors (bindings with the instance-id selector, templates, cluster
//!   templates, the webhook clients Secret) and the debounced rebuild.
//! - [`store`]: [`KubeStore`], idempotent creates and the read API.
//! - [`events`]: Argo's `WorkflowEventBindingError` Warning Events.
//!
//! An event costs no read: the matchers read only the catalog, and the Submitter sends one
//! create per workflow. Every request uses the server's own credentials; callers' tokens
//! are checked by [`crate::auth::kube`] and never reach this module.
//!
//! The client is built on the current tokio runtime, whose thread must live as long as the
//! client (kube-rs spawns its request buffer there); the actix `System` thread does.
//!
//! [`Store`]: crate::store::Store

pub mod cache;
pub mod events;
pub mod resources;
pub mod store;

use std::path::{Path, PathBuf};

use kube::Client;
use kube::config::{Config, KubeConfigOptions, Kubeconfig};

pub use cache::{BindingLookup, KubeCache, WatchSettings};
pub use store::KubeStore;

/// Errors setting up the Kubernetes backend.
#[derive(Debug, thiserror::Error)]
pub enum KubeError {
    /// The kubeconfig file cannot be read or used.
    #[error("kubeconfig {}: {source}", path.display())]
    Kubeconfig {
        /// The file.
        path: PathBuf,
        /// Why.
        #[source]
        source: kube::config::KubeconfigError,
    },
    /// Neither `KUBECONFIG`, `~/.kube/config` nor an in-cluster service account is usable.
    #[error("no Kubernetes configuration found: {0}")]
    Infer(#[source] kube::config::InferConfigError),
    /// The client cannot be built (TLS setup, proxy, …).
    #[error("cannot create the Kubernetes client: {0}")]
    Client(#[source] kube::Error),
    /// `--instance-id` cannot be used in a label selector.
    #[error(
        "--instance-id {0:?} is not a valid Kubernetes label value (at most 63 characters of \
         letters, digits, '-', '_' and '.', starting and ending with a letter or digit)"
    )]
    InstanceId(String),
}

/// Builds a client from `kubeconfig` (its current context), or else from `KUBECONFIG`,
/// `~/.kube/config` or the in-cluster service account. kube-rs's retry layer is turned off:
/// the Submitter retries writes itself, under its rate limit. Must run on a tokio runtime
/// that outlives the client.
pub async fn connect(kubeconfig: Option<&Path>) -> Result<Client, KubeError> {
    let mut config = match kubeconfig {
        Some(path) => {
            let err = |source| KubeError::Kubeconfig {
                path: path.to_owned(),
                source,
            };
            let kc = Kubeconfig::read_from(path).map_err(err)?;
            Config::from_custom_kubeconfig(kc, &KubeConfigOptions::default())
                .await
                .map_err(err)?
        }
        None => Config::infer().await.map_err(KubeError::Infer)?,
    };
    config.default_retry = false;
    Client::try_from(config).map_err(KubeError::Client)
}

/// This replica's name in Events: `POD_NAME`, else `HOSTNAME`, else `flowgate`.
pub fn instance_name() -> String {
    ["POD_NAME", "HOSTNAME"]
        .iter()
        .find_map(|k| std::env::var(k).ok().filter(|v| !v.is_empty()))
        .unwrap_or_else(|| "flowgate".to_string())
}

/// Everything the Kubernetes backend runs: the store, the watch caches and the reviews.
pub struct KubeBackend {
    /// Workflows and binding-error Events.
    pub store: std::sync::Arc<KubeStore>,
    /// The reflectors feeding the catalog (dropping it stops them).
    pub cache: KubeCache,
    /// TokenReview and SubjectAccessReview for client mode.
    pub auth: std::sync::Arc<crate::auth::kube::KubeAuth>,
}

/// Connects (see [`connect`]) and starts the watch caches feeding `catalog`. Must run on the
/// runtime of the actix `System` thread, which outlives every request.
pub async fn open(
    kubeconfig: Option<&Path>,
    catalog: std::sync::Arc<crate::catalog::Catalog>,
    watch: WatchSettings,
) -> Result<KubeBackend, KubeError> {
    let client = connect(kubeconfig).await?;
    let cache = KubeCache::start(client.clone(), catalog, watch)?;
    let store = KubeStore::new(client.clone(), instance_name(), Some(cache.bindings()));
    Ok(KubeBackend {
        store: std::sync::Arc::new(store),
        cache,
        auth: std::sync::Arc::new(crate::auth::kube::KubeAuth::new(client)),
    })
}
