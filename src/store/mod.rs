//! Where objects live: the [`Store`] trait and its backends.
//!
//! A backend does two jobs. It keeps the in-memory [`Catalog`](crate::catalog::Catalog) up to
//! date (bindings, templates and auth objects; matchers read only that cache, so an event
//! costs no I/O before its workflows are written), and it persists what the pipeline
//! produces: created Workflows and the records of binding errors. The embedded backend
//! ([`embedded`]) reads manifest folders and writes to a redb database through one writer
//! thread that commits concurrent writes together; the Kubernetes backend ([`kubernetes`])
//! implements the same trait with watch caches and API writes. Either way a write is
//! acknowledged only once it is durable.
//!
//! Workflow creation is idempotent: the caller chooses the name before the first attempt and
//! tags the object with [`EVENT_ID_ANNOTATION`]; when a retry meets an existing object
//! carrying the same event id and binding, that counts as success. Any other existing object
//! is [`StoreError::AlreadyExists`] and is never overwritten (the Submitter draws a new name
//! if it generated the first one).

pub mod embedded;
pub mod kubernetes;
pub mod manifests;
pub mod watch;

use async_trait::async_trait;
use serde::{Deserialize, Serialize};

use crate::binding::BINDING_LABEL;
use crate::model::Workflow;

/// Annotation holding the id of the event that created a workflow.
pub const EVENT_ID_ANNOTATION: &str = "flowgate.io/event-id";

/// Errors of a store.
#[derive(Debug, Clone, thiserror::Error, PartialEq, Eq)]
pub enum StoreError {
    /// A different object with this name exists (Kubernetes' AlreadyExists).
    #[error("workflows.argoproj.io \"{name}\" already exists")]
    AlreadyExists {
        /// The workflow name.
        name: String,
    },
    /// A failure worth retrying (timeouts, throttling, a busy database).
    #[error("{0}")]
    Transient(String),
    /// The database failed.
    #[error("database error: {0}")]
    Database(String),
    /// A stored object could not be decoded.
    #[error("stored object {key} is corrupt: {reason}")]
    Corrupt {
        /// The key.
        key: String,
        /// What was wrong.
        reason: String,
    },
    /// The manifests could not be loaded.
    #[error("cannot load manifests:\n{0}")]
    Manifests(String),
    /// The API server refused a request for good (Forbidden, Invalid, NotFound, …); the text
    /// is the server's message, as Argo reports it.
    #[error("{0}")]
    Api(String),
}

impl StoreError {
    /// Whether retrying may help (Argo's `IsTransientErr`).
    pub fn is_transient(&self) -> bool {
        matches!(self, StoreError::Transient(_))
    }
}

/// A binding that failed for an event: kept so users can see why nothing was created.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct BindingErrorRecord {
    /// RFC 3339 time of the failure.
    pub time: String,
    /// The binding's namespace.
    pub namespace: String,
    /// The binding's name.
    pub binding: String,
    /// The event id.
    pub event_id: String,
    /// Argo's reason (`WorkflowEventBindingError`).
    pub reason: String,
    /// Argo's message: `failed to dispatch event: <error>`.
    pub message: String,
}

/// What a backend persists.
#[async_trait]
pub trait Store: Send + Sync + 'static {
    /// Creates `wf` (name already chosen, namespace set). Returns the stored object. An existing
    /// object with the same name, the same [`EVENT_ID_ANNOTATION`] and the same binding label
    /// is returned as success; any other existing object gives [`StoreError::AlreadyExists`].
    async fn create_workflow(&self, wf: Workflow) -> Result<Workflow, StoreError>;
    /// The workflows of a namespace, ordered by name.
    async fn list_workflows(&self, namespace: &str) -> Result<Vec<Workflow>, StoreError>;
    /// One workflow.
    async fn get_workflow(
        &self,
        namespace: &str,
        name: &str,
    ) -> Result<Option<Workflow>, StoreError>;
    /// Records a binding error.
    async fn record_binding_error(&self, record: BindingErrorRecord) -> Result<(), StoreError>;
    /// The binding errors of a namespace, oldest first, at most `limit`, newest kept.
    async fn list_binding_errors(
        &self,
        namespace: &str,
        limit: usize,
    ) -> Result<Vec<BindingErrorRecord>, StoreError>;
}

/// Whether `existing` was created for the same event by the same binding as `wf` (so a create
/// that meets it counts as success; see the module doc).
pub fn same_origin(existing: &Workflow, wf: &Workflow) -> bool {
    let id = |w: &Workflow| {
        w.metadata
            .annotation(EVENT_ID_ANNOTATION)
            .map(str::to_owned)
    };
    let binding = |w: &Workflow| w.metadata.label(BINDING_LABEL).map(str::to_owned);
    id(existing).is_some() && id(existing) == id(wf) && binding(existing) == binding(wf)
}

/// The current time in RFC 3339 (seconds), as Kubernetes writes timestamps.
pub fn now_rfc3339() -> String {
    let now = time::OffsetDateTime::now_utc()
        .replace_nanosecond(0)
        .unwrap_or(time::OffsetDateTime::UNIX_EPOCH);
    now.format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_else(|_| "1970-01-01T00:00:00Z".to_string())
}
