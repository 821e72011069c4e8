//! Watch caches against the real API server: changes reach the catalog, the instance-id
//! selector applies, and an event costs no read.

use std::sync::Arc;

use flowgate::binding::{Caller, Event, dispatch};
use flowgate::catalog::Catalog;
use flowgate::store::Store;
use flowgate::store::kubernetes::{KubeCache, KubeStore, WatchSettings};
use serde_json::json;

use crate::cluster::{cluster, eventually, exclusive, namespace};

fn template(ns: &str, name: &str) -> String {
    format!(
        "apiVersion: argoproj.io/v1alpha1\nkind: WorkflowTemplate\nmetadata: {{name: {name}, namespace: {ns}}}\nspec: {{entrypoint: main, templates: [{{name: main, container: {{image: busybox}}}}]}}\n"
    )
}

fn binding(ns: &str, name: &str, tmpl: &str, labels: &str) -> String {
    format!(
        r#"apiVersion: argoproj.io/v1alpha1
kind: WorkflowEventBinding
metadata: {{name: {name}, namespace: {ns}, labels: {{{labels}}}}}
spec:
  event: {{selector: 'payload.go == true'}}
  submit:
    workflowTemplateRef: {{name: {tmpl}}}
    arguments:
      parameters:
      - name: num
        valueFrom: {{event: payload.n}}
"#
    )
}

fn names(catalog: &Catalog, ns: &str) -> Vec<String> {
    let mut v: Vec<String> = catalog
        .bindings(ns)
        .map(|b| b.iter().map(|c| c.name.clone()).collect())
        .unwrap_or_default();
    v.sort();
    v
}

async fn start(ns: &str, instance_id: Option<&str>) -> (Arc<Catalog>, KubeCache) {
    start_with(cluster().server_client().await, ns, instance_id).await
}

async fn start_with(
    client: kube::Client,
    ns: &str,
    instance_id: Option<&str>,
) -> (Arc<Catalog>, KubeCache) {
    let catalog = Arc::new(Catalog::new(instance_id.map(str::to_string)));
    let cache = KubeCache::start(
        client,
        catalog.clone(),
        WatchSettings {
            namespaces: vec![ns.to_string()],
            instance_id: instance_id.map(str::to_string),
            ..WatchSettings::default()
        },
    )
    .unwrap();
    cache.wait_for_load(0).await;
    assert!(cache.is_synced());
    assert!(catalog.is_loaded());
    (catalog, cache)
}

#[tokio::test]
async fn bindings_added_and_removed_reach_the_catalog() {
    let c = cluster();
    let _exclusive = exclusive().await;
    let ns = namespace(&c.admin().await, "watch").await;
    let (catalog, cache) = start(&ns, None).await;
    assert!(names(&catalog, &ns).is_empty());

    c.apply(&format!(
        "{}---\n{}",
        template(&ns, "t"),
        binding(&ns, "b1", "t", "")
    ));
    eventually(10, "b1 is compiled", || names(&catalog, &ns) == ["b1"]).await;
    // A binding labelled for another controller instance is not ours (spec §10).
    c.apply(&binding(
        &ns,
        "other-instance",
        "t",
        "workflows.argoproj.io/controller-instanceid: prod",
    ));
    c.apply(&binding(&ns, "b2", "t", ""));
    eventually(10, "b2 is compiled", || {
        names(&catalog, &ns) == ["b1", "b2"]
    })
    .await;

    c.delete(&binding(&ns, "b1", "t", ""));
    eventually(10, "b1 is gone", || names(&catalog, &ns) == ["b2"]).await;
    assert!(cache.loads() >= 3);
    drop(cache);
}

#[tokio::test]
async fn an_instance_id_selects_only_its_bindings() {
    let c = cluster();
    let _exclusive = exclusive().await;
    let ns = namespace(&c.admin().await, "instance").await;
    c.apply(&format!(
        "{}---\n{}---\n{}",
        template(&ns, "t"),
        binding(&ns, "unlabelled", "t", ""),
        binding(
            &ns,
            "mine",
            "t",
            "workflows.argoproj.io/controller-instanceid: prod"
        )
    ));
    let (catalog, _cache) = start(&ns, Some("prod")).await;
    assert_eq!(names(&catalog, &ns), ["mine"]);

    let bad = KubeCache::start(
        c.server_client().await,
        Arc::new(Catalog::new(None)),
        WatchSettings {
            instance_id: Some("a,b".into()),
            ..WatchSettings::default()
        },
    );
    assert!(
        bad.is_err(),
        "an id that cannot be a label value is refused"
    );
}

#[tokio::test]
async fn a_namespace_outside_the_list_is_not_served() {
    let c = cluster();
    let _exclusive = exclusive().await;
    let admin = c.admin().await;
    let served = namespace(&admin, "served").await;
    let other = namespace(&admin, "unserved").await;
    for ns in [&served, &other] {
        c.apply(&format!(
            "{}---\n{}",
            template(ns, "t"),
            binding(ns, "b", "t", "")
        ));
    }
    let (catalog, _cache) = start(&served, None).await;
    eventually(10, "the served binding is compiled", || {
        names(&catalog, &served) == ["b"]
    })
    .await;
    assert!(names(&catalog, &other).is_empty());
}

/// Events through the pure matcher and the KubeStore: the API server sees one create per
/// workflow and not a single GET or LIST.
#[tokio::test]
async fn an_event_costs_no_read() {
    let c = cluster();
    let _exclusive = exclusive().await;
    let ns = namespace(&c.admin().await, "reads").await;
    c.apply(&format!(
        "{}---\n{}---\n{}",
        template(&ns, "t"),
        binding(&ns, "b1", "t", ""),
        binding(&ns, "b2", "t", "")
    ));
    // Its own user name, so other tests' requests do not count.
    let (client, user) = c.server_like_client("reads-probe").await;
    let (catalog, cache) = start_with(client.clone(), &ns, None).await;
    eventually(10, "both bindings are compiled", || {
        names(&catalog, &ns) == ["b1", "b2"]
    })
    .await;
    let store = KubeStore::new(client, "test".into(), Some(cache.bindings()));
    const EVENTS: usize = 25;
    let mark = c.audit_mark();
    let mut created = 0;
    for i in 0..EVENTS {
        let event = Event {
            id: format!("event-{i}"),
            namespace: ns.clone(),
            discriminator: String::new(),
            metadata: json!({}),
            payload: json!({"go": true, "n": i}),
            caller: Caller::Server,
            delivery_id: None,
            grants: None,
        };
        let bindings = catalog.bindings(&ns).expect("bindings");
        for planned in dispatch::plan(&event, &bindings, &catalog.dispatch_context()) {
            let wf = planned.result.expect("a workflow");
            store.create_workflow(wf).await.unwrap();
            created += 1;
        }
    }
    assert_eq!(created, 2 * EVENTS);
    let audit = c.audit_since(mark).await;
    let server: Vec<_> = audit.iter().filter(|a| a.user == user).collect();
    let reads: Vec<_> = server.iter().filter(|a| a.is_read()).collect();
    let creates = server
        .iter()
        .filter(|a| {
            a.verb == "create" && a.resource == "workflows" && a.namespace == ns && a.code == 201
        })
        .count();
    eprintln!(
        "per event: {:.2} creates, {:.2} reads ({} requests by the server for {EVENTS} events)",
        creates as f64 / EVENTS as f64,
        reads.len() as f64 / EVENTS as f64,
        server.len()
    );
    assert!(reads.is_empty(), "reads during events: {reads:#?}");
    assert_eq!(creates, 2 * EVENTS, "{server:#?}");
    assert_eq!(store.list_workflows(&ns).await.unwrap().len(), 2 * EVENTS);
}
