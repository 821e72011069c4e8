//! Watch caches: kube-rs reflectors that keep the [`Catalog`] in step with the API server.
//!
//! Takes a client, the [`Catalog`] and [`WatchSettings`]; returns a running [`KubeCache`].
//! One reflector (list, then watch, restarted with backoff) per resource and scope:
//!
//! | Resource | Scope | Selector |
//! |---|---|---|
//! | WorkflowEventBindings | every namespace, or each `--namespace` | `workflows.argoproj.io/controller-instanceid=<id>`, or `!workflows.argoproj.io/controller-instanceid` without an id (Argo's §10 selector) |
//! | WorkflowTemplates | every namespace, or each `--namespace` | none (the instance id is checked per template at dispatch, as Argo does) |
//! | ClusterWorkflowTemplates | cluster | none |
//! | Secrets | every namespace, or each `--namespace` | field `metadata.name=argo-workflows-webhook-clients` (the only Secret the server may read) |
//!
//! Every change wakes one rebuild task, which waits [`WatchSettings::debounce`] so a burst of
//! changes costs one rebuild, then builds a [`ManifestSet`] from all the stores and calls
//! [`Catalog::apply`], which compiles the bindings and swaps the snapshot in. Nothing is
//! applied until every reflector has finished its first list, so the catalog never sees a
//! binding without its template just because that list came later. Objects are decoded once
//! per resource version (a memo keyed by uid and resourceVersion). An object that does not
//! decode, and every problem the catalog reports, is logged once when it appears.
//!
//! The webhook clients Secrets land in [`ManifestSet::secrets`], where the webhook check
//! reads them exactly as it reads a Secret from a manifest folder.

use std::collections::{HashMap, HashSet};
use std::fmt::Debug;
use std::hash::Hash;
use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use futures_util::StreamExt;
use k8s_openapi::api::core::v1::Secret as CoreSecret;
use kube::core::{ApiResource, DynamicObject};
use kube::runtime::reflector::{ObjectRef, Store, store::Writer};
use kube::runtime::{WatchStreamExt, watcher};
use kube::{Api, Client, Resource};
use serde::de::DeserializeOwned;
use tokio::sync::Notify;
use tokio::task::JoinHandle;

use super::KubeError;
use super::resources::{argo_resource, to_object, to_secret};
use crate::auth::webhook::WEBHOOK_CLIENTS_SECRET;
use crate::binding::INSTANCE_LABEL;
use crate::catalog::Catalog;
use crate::model::{Kind, Object};
use crate::store::manifests::ManifestSet;

/// What the watch caches read, and how quickly they react.
#[derive(Debug, Clone)]
pub struct WatchSettings {
    /// Namespaces to serve; empty means every namespace.
    pub namespaces: Vec<String>,
    /// `--instance-id`.
    pub instance_id: Option<String>,
    /// How long a rebuild waits after the first change, gathering more.
    pub debounce: Duration,
}

impl WatchSettings {
    /// Every namespace, no instance id, a 100 ms debounce.
    pub fn new() -> WatchSettings {
        WatchSettings {
            namespaces: Vec::new(),
            instance_id: None,
            debounce: Duration::from_millis(100),
        }
    }
}

impl Default for WatchSettings {
    fn default() -> Self {
        WatchSettings::new()
    }
}

/// The label selector of the binding watch (spec §10).
pub fn binding_selector(instance_id: Option<&str>) -> String {
    match instance_id {
        Some(id) => format!("{INSTANCE_LABEL}={id}"),
        None => format!("!{INSTANCE_LABEL}"),
    }
}

/// Whether `v` is a valid label value (at most 63 characters of `[A-Za-z0-9_.-]`, starting and
/// ending with an alphanumeric), so it can go into a label selector.
pub fn is_label_value(v: &str) -> bool {
    v.len() <= 63
        && v.bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'))
        && v.bytes().next().is_none_or(|b| b.is_ascii_alphanumeric())
        && v.bytes().last().is_none_or(|b| b.is_ascii_alphanumeric())
}

/// Where the catalog's problem reports say an object came from.
const SOURCE: &str = "kube-apiserver";

/// The reader side of the reflectors.
struct Stores {
    bindings: Vec<Store<DynamicObject>>,
    templates: Vec<Store<DynamicObject>>,
    cluster_templates: Store<DynamicObject>,
    secrets: Vec<Store<CoreSecret>>,
    binding_resource: ApiResource,
    ready: Vec<Arc<AtomicBool>>,
}

impl Stores {
    fn all_ready(&self) -> bool {
        self.ready.iter().all(|r| r.load(Ordering::Acquire))
    }
}

/// The running watch caches. Dropping it stops every watch.
pub struct KubeCache {
    stores: Arc<Stores>,
    tasks: Vec<JoinHandle<()>>,
    loads: tokio::sync::watch::Receiver<u64>,
}

impl Drop for KubeCache {
    fn drop(&mut self) {
        for t in &self.tasks {
            t.abort();
        }
    }
}

impl KubeCache {
    /// Starts every reflector and the rebuild task on the current tokio runtime.
    pub fn start(
        client: Client,
        catalog: Arc<Catalog>,
        settings: WatchSettings,
    ) -> Result<KubeCache, KubeError> {
        if let Some(id) = &settings.instance_id
            && !is_label_value(id)
        {
            return Err(KubeError::InstanceId(id.clone()));
        }
        let mut namespaces = settings.namespaces.clone();
        namespaces.sort();
        namespaces.dedup();
        let scopes: Vec<Option<String>> = if namespaces.is_empty() {
            vec![None]
        } else {
            namespaces.into_iter().map(Some).collect()
        };
        let notify = Arc::new(Notify::new());
        let mut tasks = Vec::new();
        let mut ready = Vec::new();
        let mut source = |what: String| {
            let flag = Arc::new(AtomicBool::new(false));
            ready.push(flag.clone());
            (what, flag, notify.clone())
        };

        let binding_ar = argo_resource(Kind::WorkflowEventBinding);
        let template_ar = argo_resource(Kind::WorkflowTemplate);
        let cluster_ar = argo_resource(Kind::ClusterWorkflowTemplate);
        let selector = binding_selector(settings.instance_id.as_deref());
        let mut bindings = Vec::new();
        let mut templates = Vec::new();
        let mut secrets = Vec::new();
        for scope in &scopes {
            let where_ = scope.as_deref().unwrap_or("all namespaces");
            let api = dynamic_api(&client, scope.as_deref(), &binding_ar);
            let cfg = watcher::Config::default().labels(&selector);
            let (store, task) = reflect(
                api,
                cfg,
                binding_ar.clone(),
                source(format!("workfloweventbindings in {where_}")),
            );
            bindings.push(store);
            tasks.push(task);

            let api = dynamic_api(&client, scope.as_deref(), &template_ar);
            let (store, task) = reflect(
                api,
                watcher::Config::default(),
                template_ar.clone(),
                source(format!("workflowtemplates in {where_}")),
            );
            templates.push(store);
            tasks.push(task);

            let api: Api<CoreSecret> = match scope {
                Some(ns) => Api::namespaced(client.clone(), ns),
                None => Api::all(client.clone()),
            };
            let cfg = watcher::Config::default()
                .fields(&format!("metadata.name={WEBHOOK_CLIENTS_SECRET}"));
            let (store, task) = reflect(
                api,
                cfg,
                (),
                source(format!("secrets/{WEBHOOK_CLIENTS_SECRET} in {where_}")),
            );
            secrets.push(store);
            tasks.push(task);
        }
        let (cluster_templates, task) = reflect(
            Api::all_with(client.clone(), &cluster_ar),
            watcher::Config::default(),
            cluster_ar,
            source("clusterworkflowtemplates".to_string()),
        );
        tasks.push(task);

        let stores = Arc::new(Stores {
            bindings,
            templates,
            cluster_templates,
            secrets,
            binding_resource: binding_ar,
            ready,
        });
        let (tx, loads) = tokio::sync::watch::channel(0u64);
        tasks.push(tokio::spawn(rebuild_loop(
            stores.clone(),
            catalog,
            notify,
            settings.debounce,
            tx,
        )));
        Ok(KubeCache {
            stores,
            tasks,
            loads,
        })
    }

    /// Whether every reflector has finished its first list.
    pub fn is_synced(&self) -> bool {
        self.stores.all_ready()
    }

    /// How many times the catalog has been rebuilt.
    pub fn loads(&self) -> u64 {
        *self.loads.borrow()
    }

    /// Waits until the catalog has been rebuilt more than `after` times.
    pub async fn wait_for_load(&self, after: u64) {
        let mut rx = self.loads.clone();
        let _ = rx.wait_for(|n| *n > after).await;
    }

    /// A handle for looking up watched bindings (their uid, for Events).
    pub fn bindings(&self) -> BindingLookup {
        BindingLookup {
            stores: self.stores.clone(),
        }
    }
}

/// Looks up a WorkflowEventBinding in the watch cache.
#[derive(Clone)]
pub struct BindingLookup {
    stores: Arc<Stores>,
}

impl BindingLookup {
    /// The uid of binding `namespace/name`, if it is in the cache.
    pub fn uid(&self, namespace: &str, name: &str) -> Option<String> {
        let key = ObjectRef::new_with(name, self.stores.binding_resource.clone()).within(namespace);
        self.stores
            .bindings
            .iter()
            .find_map(|s| s.get(&key))
            .and_then(|o| o.metadata.uid.clone())
    }
}

fn dynamic_api(client: &Client, namespace: Option<&str>, ar: &ApiResource) -> Api<DynamicObject> {
    match namespace {
        Some(ns) => Api::namespaced_with(client.clone(), ns, ar),
        None => Api::all_with(client.clone(), ar),
    }
}

/// Starts one reflector; every change wakes the rebuild task.
fn reflect<K>(
    api: Api<K>,
    cfg: watcher::Config,
    dyntype: K::DynamicType,
    (what, ready, notify): (String, Arc<AtomicBool>, Arc<Notify>),
) -> (Store<K>, JoinHandle<()>)
where
    K: Resource + Clone + DeserializeOwned + Debug + Send + Sync + 'static,
    K::DynamicType: Eq + Hash + Clone + Send + Sync + 'static,
{
    let writer = Writer::new(dyntype);
    let store = writer.as_reader();
    let task = tokio::spawn(async move {
        let stream = watcher(api, cfg).default_backoff().reflect(writer);
        futures_util::pin_mut!(stream);
        let mut failing = false;
        while let Some(event) = stream.next().await {
            match event {
                Ok(watcher::Event::InitDone) => {
                    if failing {
                        tracing::info!(resource = %what, "watch restored");
                        failing = false;
                    }
                    ready.store(true, Ordering::Release);
                    notify.notify_one();
                }
                Ok(watcher::Event::Apply(_) | watcher::Event::Delete(_)) => notify.notify_one(),
                Ok(watcher::Event::Init | watcher::Event::InitApply(_)) => {}
                Err(e) => {
                    failing = true;
                    tracing::warn!(resource = %what, error = %e, "watch failed; retrying with backoff");
                }
            }
        }
    });
    (store, task)
}

/// A decoded object, or why it could not be decoded.
type Decoded = Result<Object, String>;

/// Decodes objects, reusing the result while an object's resource version is unchanged.
#[derive(Default)]
struct Memo {
    entries: HashMap<(Kind, String, String), Decoded>,
}

impl Memo {
    fn decode(
        &self,
        next: &mut Memo,
        kind: Kind,
        meta: &k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta,
        f: impl FnOnce() -> Decoded,
    ) -> Decoded {
        let key = (
            kind,
            meta.uid.clone().unwrap_or_default(),
            meta.resource_version.clone().unwrap_or_default(),
        );
        let decoded = match self.entries.get(&key) {
            Some(d) => d.clone(),
            None => {
                let d = f();
                if let Err(e) = &d {
                    tracing::warn!(
                        kind = %kind,
                        namespace = meta.namespace.as_deref().unwrap_or_default(),
                        name = meta.name.as_deref().unwrap_or_default(),
                        "object ignored: {e}"
                    );
                }
                d
            }
        };
        next.entries.insert(key, decoded.clone());
        decoded
    }
}

fn build_set(stores: &Stores, memo: &Memo) -> (ManifestSet, Memo, usize) {
    let mut set = ManifestSet::default();
    let mut next = Memo::default();
    let mut invalid = 0;
    let source = Path::new(SOURCE);
    let argo = [
        (
            Kind::WorkflowEventBinding,
            stores.bindings.iter().collect::<Vec<_>>(),
        ),
        (Kind::WorkflowTemplate, stores.templates.iter().collect()),
        (
            Kind::ClusterWorkflowTemplate,
            vec![&stores.cluster_templates],
        ),
    ];
    for (kind, list) in argo {
        for store in list {
            for obj in store.state() {
                match memo.decode(&mut next, kind, &obj.metadata, || {
                    to_object(kind, &obj).map_err(|e| e.to_string())
                }) {
                    Ok(o) => {
                        set.insert(o, source);
                    }
                    Err(_) => invalid += 1,
                }
            }
        }
    }
    for store in &stores.secrets {
        for obj in store.state() {
            match memo.decode(&mut next, Kind::Secret, &obj.metadata, || {
                to_secret(&obj)
                    .map(Object::Secret)
                    .map_err(|e| e.to_string())
            }) {
                Ok(o) => {
                    set.insert(o, source);
                }
                Err(_) => invalid += 1,
            }
        }
    }
    (set, next, invalid)
}

async fn rebuild_loop(
    stores: Arc<Stores>,
    catalog: Arc<Catalog>,
    notify: Arc<Notify>,
    debounce: Duration,
    loads: tokio::sync::watch::Sender<u64>,
) {
    let mut memo = Memo::default();
    let mut reported: HashSet<String> = HashSet::new();
    loop {
        notify.notified().await;
        tokio::time::sleep(debounce).await;
        if !stores.all_ready() {
            continue;
        }
        let (set, next, invalid) = build_set(&stores, &memo);
        memo = next;
        let objects = set.len();
        let report = catalog.apply(set);
        let now: HashSet<String> = report.warnings.iter().map(ToString::to_string).collect();
        for w in now.difference(&reported) {
            tracing::warn!("{w}");
        }
        reported = now;
        tracing::info!(
            source = SOURCE,
            objects,
            bindings = report.bindings,
            errors = invalid,
            "manifests loaded"
        );
        loads.send_modify(|n| *n += 1);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn binding_selector_follows_argo() {
        assert_eq!(
            binding_selector(Some("prod")),
            "workflows.argoproj.io/controller-instanceid=prod"
        );
        assert_eq!(
            binding_selector(None),
            "!workflows.argoproj.io/controller-instanceid"
        );
    }

    #[test]
    fn label_values_are_checked() {
        assert!(is_label_value("prod-1.a_b"));
        assert!(is_label_value(""));
        assert!(!is_label_value("-x"));
        assert!(!is_label_value("a,b"));
        assert!(!is_label_value("a=b"));
        assert!(!is_label_value(&"a".repeat(64)));
    }
}
