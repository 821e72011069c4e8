//! [`KubeStore`]: the [`Store`] writes and reads against the API server.
//!
//! Takes a client (the server's own service account) and the binding lookup of the watch
//! cache; returns a [`Store`]:
//!
//! - **create:** a Workflow in its (the binding's) namespace, with the name chosen before the
//!   first attempt. It is sent as Argo sends it, with `name` and `generateName`. When the name
//!   is taken (409 `AlreadyExists`, or the 500 `ServerTimeout` a 1.20 server answers when the
//!   object also has `generateName`), one GET decides: an object carrying the same event-id
//!   annotation and binding label is ours (an earlier attempt succeeded), so it is returned as
//!   success; any other object is [`StoreError::AlreadyExists`]. Throttling, 5xx and
//!   timeouts are [`StoreError::Transient`], for the Submitter to retry; every other refusal
//!   is [`StoreError::Api`] with the server's message. Each request is bounded by
//!   [`KubeStore::timeout`]; kube-rs's own retry layer is off so the Submitter alone decides.
//! - **list/get:** the read API's workflows, straight from the API server (not per event).
//! - **binding errors:** Warning Events on the binding ([`super::events`]).

use std::future::Future;
use std::time::Duration;

use async_trait::async_trait;
use kube::api::{ListParams, PostParams};
use kube::core::{ApiResource, DynamicObject};
use kube::{Api, Client};

use super::cache::BindingLookup;
use super::events::BindingEvents;
use super::resources::{
    argo_resource, error_text, is_already_exists, is_name_conflict_in_disguise, is_not_found,
    store_error, workflow_from_dynamic, workflow_to_dynamic,
};
use crate::model::{Kind, Workflow};
use crate::store::{BindingErrorRecord, Store, StoreError, same_origin};

/// Page size when listing workflows.
const PAGE: u32 = 500;
/// Most workflows returned by one list.
pub const MAX_LISTED: usize = 10_000;

/// The Kubernetes store.
pub struct KubeStore {
    client: Client,
    workflows: ApiResource,
    events: BindingEvents,
    bindings: Option<BindingLookup>,
    timeout: Duration,
}

impl KubeStore {
    /// A store writing with `client`; `instance` names this replica in Events; `bindings`
    /// (from the watch cache) gives Events the binding's uid.
    pub fn new(client: Client, instance: String, bindings: Option<BindingLookup>) -> KubeStore {
        KubeStore {
            events: BindingEvents::new(client.clone(), instance),
            client,
            workflows: argo_resource(Kind::Workflow),
            bindings,
            timeout: Duration::from_secs(10),
        }
    }

    /// Bounds every request (default 10 s).
    #[must_use]
    pub fn timeout(mut self, timeout: Duration) -> KubeStore {
        self.timeout = timeout;
        self
    }

    fn api(&self, namespace: &str) -> Api<DynamicObject> {
        Api::namespaced_with(self.client.clone(), namespace, &self.workflows)
    }

    async fn bounded<T>(
        &self,
        what: &str,
        f: impl Future<Output = Result<T, kube::Error>>,
    ) -> Result<Result<T, kube::Error>, StoreError> {
        tokio::time::timeout(self.timeout, f).await.map_err(|_| {
            StoreError::Transient(format!(
                "{what}: no answer from the API server within {:?}",
                self.timeout
            ))
        })
    }

    /// The name is taken (or may be): ours, someone else's, or gone again.
    async fn resolve_existing(
        &self,
        api: &Api<DynamicObject>,
        wf: &Workflow,
        first: kube::Error,
    ) -> Result<Workflow, StoreError> {
        let name = wf.metadata.name.clone();
        match self.bounded("get workflow", api.get_opt(&name)).await? {
            Ok(Some(obj)) => {
                let existing = workflow_from_dynamic(&obj)?;
                if same_origin(&existing, wf) {
                    tracing::debug!(workflow = %name, "workflow already created by an earlier attempt");
                    Ok(existing)
                } else {
                    Err(StoreError::AlreadyExists { name })
                }
            }
            // Deleted in between, or a real server timeout: worth another attempt.
            Ok(None) => Err(StoreError::Transient(error_text(&first))),
            Err(e) => Err(store_error(&e)),
        }
    }
}

#[async_trait]
impl Store for KubeStore {
    async fn create_workflow(&self, wf: Workflow) -> Result<Workflow, StoreError> {
        let api = self.api(&wf.metadata.namespace);
        let obj = workflow_to_dynamic(&wf)?;
        match self
            .bounded("create workflow", api.create(&PostParams::default(), &obj))
            .await?
        {
            Ok(created) => workflow_from_dynamic(&created),
            Err(e) if is_already_exists(&e) || is_name_conflict_in_disguise(&e) => {
                self.resolve_existing(&api, &wf, e).await
            }
            Err(e) => Err(store_error(&e)),
        }
    }

    async fn list_workflows(&self, namespace: &str) -> Result<Vec<Workflow>, StoreError> {
        let api = self.api(namespace);
        let mut out = Vec::new();
        let mut token: Option<String> = None;
        loop {
            let mut lp = ListParams::default().limit(PAGE);
            if let Some(t) = &token {
                lp = lp.continue_token(t);
            }
            let page = self
                .bounded("list workflows", api.list(&lp))
                .await?
                .map_err(|e| store_error(&e))?;
            for obj in &page.items {
                out.push(workflow_from_dynamic(obj)?);
            }
            token = page.metadata.continue_.filter(|t| !t.is_empty());
            if token.is_none() || out.len() >= MAX_LISTED {
                break;
            }
        }
        if out.len() > MAX_LISTED {
            out.truncate(MAX_LISTED);
        }
        out.sort_by(|a, b| a.metadata.name.cmp(&b.metadata.name));
        Ok(out)
    }

    async fn get_workflow(
        &self,
        namespace: &str,
        name: &str,
    ) -> Result<Option<Workflow>, StoreError> {
        match self
            .bounded("get workflow", self.api(namespace).get_opt(name))
            .await?
        {
            Ok(Some(obj)) => workflow_from_dynamic(&obj).map(Some),
            Ok(None) => Ok(None),
            Err(e) if is_not_found(&e) => Ok(None),
            Err(e) => Err(store_error(&e)),
        }
    }

    async fn record_binding_error(&self, record: BindingErrorRecord) -> Result<(), StoreError> {
        let uid = self
            .bindings
            .as_ref()
            .and_then(|b| b.uid(&record.namespace, &record.binding));
        self.bounded(
            "create event",
            self.events
                .warn(&record.namespace, &record.binding, uid, &record.message),
        )
        .await?
        .map_err(|e| store_error(&e))
    }

    async fn list_binding_errors(
        &self,
        namespace: &str,
        limit: usize,
    ) -> Result<Vec<BindingErrorRecord>, StoreError> {
        self.bounded("list events", self.events.list(namespace, limit))
            .await?
            .map_err(|e| store_error(&e))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::binding::BINDING_LABEL;
    use crate::store::EVENT_ID_ANNOTATION;

    fn wf(event: Option<&str>, binding: Option<&str>) -> Workflow {
        let mut w = Workflow::default();
        w.metadata.name = "w".into();
        if let Some(e) = event {
            w.metadata
                .annotations
                .insert(EVENT_ID_ANNOTATION.into(), e.into());
        }
        if let Some(b) = binding {
            w.metadata.labels.insert(BINDING_LABEL.into(), b.into());
        }
        w
    }

    #[test]
    fn only_the_same_event_and_binding_is_ours() {
        let mine = wf(Some("e1"), Some("b"));
        assert!(same_origin(&wf(Some("e1"), Some("b")), &mine));
        assert!(!same_origin(&wf(Some("e2"), Some("b")), &mine));
        assert!(!same_origin(&wf(Some("e1"), Some("c")), &mine));
        assert!(!same_origin(&wf(None, Some("b")), &wf(None, Some("b"))));
    }
}
