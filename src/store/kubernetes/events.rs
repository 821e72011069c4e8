//! Binding errors as Kubernetes Events, the way Argo makes them visible (spec §8).
//!
//! Takes a binding's namespace, name and uid and Argo's message; publishes a **Warning** Event
//! regarding the WorkflowEventBinding with reason `WorkflowEventBindingError`, note
//! `failed to dispatch event: <err>` and reporting controller `workflow-controller` (shown as
//! the source component), through kube-rs's [`Recorder`] and the `events.k8s.io/v1` API
//! (Kubernetes 1.19+). Reads them back for `GET /api/v1/binding-errors/{ns}`.
//!
//! The recorder folds a repeated event into a series (one object whose count goes up, a
//! PATCH instead of a new object), but it recognises repeats by reason and object only, not
//! by message. So there is one recorder per (binding, message): the same failure repeated is
//! one Event with a count, and a different failure of the same binding is a new Event with
//! its own text. That map is bounded ([`MAX_RECORDERS`]); when it is full it starts afresh,
//! which at worst starts a new series. Notes longer than the API's 1 KiB limit are cut at a
//! character boundary.

use std::collections::HashMap;
use std::collections::hash_map::DefaultHasher;
use std::hash::{Hash, Hasher};
use std::sync::Mutex;

use k8s_openapi::api::core::v1::ObjectReference;
use k8s_openapi::api::events::v1::Event as K8sEvent;
use kube::api::ListParams;
use kube::runtime::events::{Event, EventType, Recorder, Reporter};
use kube::{Api, Client};

use crate::store::BindingErrorRecord;

/// Argo's reason for binding errors.
pub const REASON: &str = "WorkflowEventBindingError";
/// The reporting controller (Argo's event source component).
pub const CONTROLLER: &str = "workflow-controller";
/// The Event's action.
pub const ACTION: &str = "DispatchEvent";
/// Longest note the events API accepts, in bytes.
pub const MAX_NOTE_BYTES: usize = 1024;
/// Most recorders kept (distinct binding + message pairs with a live series).
pub const MAX_RECORDERS: usize = 1024;
/// Most Events read from one namespace for the read API.
pub const MAX_SCANNED: usize = 5000;

/// Publishes and lists binding-error Events.
pub struct BindingEvents {
    client: Client,
    reporter: Reporter,
    recorders: Mutex<HashMap<u64, Recorder>>,
}

/// `s` cut to at most `max` bytes at a character boundary.
pub fn truncate(s: &str, max: usize) -> &str {
    if s.len() <= max {
        return s;
    }
    let mut end = max;
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    &s[..end]
}

fn rfc3339(ts: k8s_openapi::jiff::Timestamp) -> String {
    ts.strftime("%Y-%m-%dT%H:%M:%SZ").to_string()
}

impl BindingEvents {
    /// Events reported as `workflow-controller`, instance `instance` (the pod name).
    pub fn new(client: Client, instance: String) -> BindingEvents {
        BindingEvents {
            client,
            reporter: Reporter {
                controller: CONTROLLER.to_string(),
                instance: Some(instance),
            },
            recorders: Mutex::new(HashMap::new()),
        }
    }

    fn recorder(&self, namespace: &str, binding: &str, message: &str) -> Recorder {
        let mut h = DefaultHasher::new();
        (namespace, binding, message).hash(&mut h);
        let key = h.finish();
        let mut map = self
            .recorders
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if !map.contains_key(&key) && map.len() >= MAX_RECORDERS {
            map.clear();
        }
        map.entry(key)
            .or_insert_with(|| Recorder::new(self.client.clone(), self.reporter.clone()))
            .clone()
    }

    /// Publishes a Warning Event regarding binding `namespace/name` (uid when known).
    pub async fn warn(
        &self,
        namespace: &str,
        name: &str,
        uid: Option<String>,
        message: &str,
    ) -> Result<(), kube::Error> {
        let regarding = ObjectReference {
            api_version: Some("argoproj.io/v1alpha1".into()),
            kind: Some("WorkflowEventBinding".into()),
            name: Some(name.to_string()),
            namespace: Some(namespace.to_string()),
            uid,
            ..ObjectReference::default()
        };
        let event = Event {
            type_: EventType::Warning,
            reason: REASON.into(),
            note: Some(truncate(message, MAX_NOTE_BYTES).to_string()),
            action: ACTION.into(),
            secondary: None,
        };
        self.recorder(namespace, name, message)
            .publish(&event, &regarding)
            .await
    }

    /// The binding-error Events of `namespace`, oldest first, the newest `limit`.
    pub async fn list(
        &self,
        namespace: &str,
        limit: usize,
    ) -> Result<Vec<BindingErrorRecord>, kube::Error> {
        let api: Api<K8sEvent> = Api::namespaced(self.client.clone(), namespace);
        let mut out = Vec::new();
        let mut scanned = 0;
        let mut token: Option<String> = None;
        loop {
            let mut lp = ListParams::default().limit(500);
            if let Some(t) = &token {
                lp = lp.continue_token(t);
            }
            let page = api.list(&lp).await?;
            scanned += page.items.len();
            for e in page.items {
                let regarding = e.regarding.clone().unwrap_or_default();
                if e.reason.as_deref() != Some(REASON)
                    || regarding.kind.as_deref() != Some("WorkflowEventBinding")
                {
                    continue;
                }
                let time = e
                    .series
                    .as_ref()
                    .map(|s| s.last_observed_time.0)
                    .or(e.event_time.as_ref().map(|t| t.0))
                    .or(e.deprecated_last_timestamp.as_ref().map(|t| t.0))
                    .or(e.metadata.creation_timestamp.as_ref().map(|t| t.0));
                out.push(BindingErrorRecord {
                    time: time.map(rfc3339).unwrap_or_default(),
                    namespace: namespace.to_string(),
                    binding: regarding.name.unwrap_or_default(),
                    event_id: String::new(),
                    reason: REASON.to_string(),
                    message: e.note.unwrap_or_default(),
                });
            }
            token = page.metadata.continue_.filter(|t| !t.is_empty());
            if token.is_none() || scanned >= MAX_SCANNED {
                break;
            }
        }
        out.sort_by(|a, b| a.time.cmp(&b.time));
        let skip = out.len().saturating_sub(limit);
        Ok(out.split_off(skip))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn notes_are_cut_at_a_character_boundary() {
        assert_eq!(truncate("abc", 5), "abc");
        assert_eq!(truncate("abcdef", 3), "abc");
        assert_eq!(truncate("aé", 2), "a");
        let long = "é".repeat(600);
        assert!(truncate(&long, MAX_NOTE_BYTES).len() <= MAX_NOTE_BYTES);
    }
}
