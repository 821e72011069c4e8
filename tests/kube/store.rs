//! KubeStore against the real API server: creates, idempotent retries, errors, Warning Events.

use flowgate::binding::BINDING_LABEL;
use flowgate::model::Workflow;
use flowgate::store::kubernetes::KubeStore;
use flowgate::store::{BindingErrorRecord, EVENT_ID_ANNOTATION, Store, StoreError};
use k8s_openapi::api::events::v1::Event as K8sEvent;
use kube::Api;

use crate::cluster::{cluster, exclusive, namespace};

fn workflow(ns: &str, name: &str, event: &str, binding: &str) -> Workflow {
    let mut wf = Workflow::default();
    wf.metadata.namespace = ns.into();
    wf.metadata.name = name.into();
    wf.metadata.generate_name = "tmpl-".into();
    wf.metadata
        .annotations
        .insert(EVENT_ID_ANNOTATION.into(), event.into());
    wf.metadata
        .labels
        .insert(BINDING_LABEL.into(), binding.into());
    wf.spec.workflow_template_ref = Some(flowgate::model::WorkflowTemplateRef {
        name: "tmpl".into(),
        cluster_scope: false,
    });
    wf
}

#[tokio::test]
async fn create_is_idempotent_for_our_own_object_only() {
    let c = cluster();
    let _exclusive = exclusive().await;
    let ns = namespace(&c.admin().await, "store").await;
    let store = KubeStore::new(c.server_client().await, "test".into(), None);

    let first = store
        .create_workflow(workflow(&ns, "tmpl-abcde", "e1", "b"))
        .await
        .unwrap();
    assert!(!first.metadata.uid.is_empty());
    assert!(first.metadata.creation_timestamp.is_some());
    assert_eq!(
        first.metadata.generate_name, "tmpl-",
        "sent as Argo sends it"
    );

    // A retry of the same attempt (same event, same binding) meets our object: success.
    let again = store
        .create_workflow(workflow(&ns, "tmpl-abcde", "e1", "b"))
        .await
        .unwrap();
    assert_eq!(again.metadata.uid, first.metadata.uid);

    // Another event or another binding with the same name: AlreadyExists, as Argo words it.
    for (event, binding) in [("e2", "b"), ("e1", "other")] {
        let err = store
            .create_workflow(workflow(&ns, "tmpl-abcde", event, binding))
            .await
            .unwrap_err();
        assert_eq!(
            err,
            StoreError::AlreadyExists {
                name: "tmpl-abcde".into()
            }
        );
        assert!(!err.is_transient());
    }

    let listed = store.list_workflows(&ns).await.unwrap();
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0].metadata.uid, first.metadata.uid);
    assert_eq!(
        listed[0].metadata.annotation(EVENT_ID_ANNOTATION),
        Some("e1")
    );
    assert!(
        store
            .get_workflow(&ns, "tmpl-abcde")
            .await
            .unwrap()
            .is_some()
    );
    assert!(store.get_workflow(&ns, "missing").await.unwrap().is_none());
}

#[tokio::test]
async fn refusals_keep_the_server_message_and_are_not_retried() {
    let c = cluster();
    let _exclusive = exclusive().await;
    let store = KubeStore::new(c.server_client().await, "test".into(), None);
    let err = store
        .create_workflow(workflow("no-such-namespace", "w-1", "e", "b"))
        .await
        .unwrap_err();
    assert_eq!(
        err,
        StoreError::Api("namespaces \"no-such-namespace\" not found".into())
    );

    let ns = namespace(&c.admin().await, "store").await;
    let nobody = KubeStore::new(
        c.client_with_token("nobody", &c.nobody_token).await,
        "test".into(),
        None,
    );
    let err = nobody
        .create_workflow(workflow(&ns, "w-2", "e", "b"))
        .await
        .unwrap_err();
    assert!(!err.is_transient());
    assert_eq!(
        err.to_string(),
        format!(
            "workflows.argoproj.io is forbidden: User \"nobody\" cannot create resource \"workflows\" in API group \"argoproj.io\" in the namespace \"{ns}\""
        )
    );
}

#[tokio::test]
async fn an_unreachable_server_is_transient() {
    let c = cluster();
    let _exclusive = exclusive().await;
    let path = c.dir.join("kubeconfig-unreachable");
    crate::cluster::write_kubeconfig(
        &path,
        "https://127.0.0.1:1",
        &c.dir.join("certs/apiserver.crt").display().to_string(),
        "x",
        "x",
    );
    let client = flowgate::store::kubernetes::connect(Some(&path))
        .await
        .unwrap();
    let store = KubeStore::new(client, "test".into(), None);
    let err = store
        .create_workflow(workflow("ns", "w", "e", "b"))
        .await
        .unwrap_err();
    assert!(err.is_transient(), "{err:?}");
}

#[tokio::test]
async fn binding_errors_are_warning_events_on_the_binding() {
    let c = cluster();
    let _exclusive = exclusive().await;
    let admin = c.admin().await;
    let ns = namespace(&admin, "events").await;
    c.apply(&format!(
        "apiVersion: argoproj.io/v1alpha1\nkind: WorkflowEventBinding\nmetadata: {{name: on-push, namespace: {ns}}}\nspec: {{event: {{selector: 'true'}}}}\n"
    ));
    let uid = c
        .kubectl(&[
            "get",
            "workfloweventbinding",
            "on-push",
            "-n",
            &ns,
            "-o",
            "jsonpath={.metadata.uid}",
        ])
        .trim()
        .to_string();
    let store = KubeStore::new(c.server_client().await, "replica-1".into(), None);
    let record = |message: &str| BindingErrorRecord {
        time: flowgate::store::now_rfc3339(),
        namespace: ns.clone(),
        binding: "on-push".into(),
        event_id: "e1".into(),
        reason: "WorkflowEventBindingError".into(),
        message: message.into(),
    };
    let first = "failed to dispatch event: failed to get workflow template: workflowtemplates.argoproj.io \"x\" not found";
    let second = "failed to dispatch event: failed to evaluate workflow template expression: boom";
    store.record_binding_error(record(first)).await.unwrap();
    store.record_binding_error(record(first)).await.unwrap();
    store.record_binding_error(record(second)).await.unwrap();

    let events: Vec<K8sEvent> = Api::<K8sEvent>::namespaced(admin, &ns)
        .list(&Default::default())
        .await
        .unwrap()
        .items;
    assert_eq!(
        events.len(),
        2,
        "a repeat is one Event with a count: {events:#?}"
    );
    for e in &events {
        assert_eq!(e.type_.as_deref(), Some("Warning"));
        assert_eq!(e.reason.as_deref(), Some("WorkflowEventBindingError"));
        assert_eq!(
            e.reporting_controller.as_deref(),
            Some("workflow-controller")
        );
        assert_eq!(e.reporting_instance.as_deref(), Some("replica-1"));
        let regarding = e.regarding.as_ref().unwrap();
        assert_eq!(regarding.kind.as_deref(), Some("WorkflowEventBinding"));
        assert_eq!(
            regarding.api_version.as_deref(),
            Some("argoproj.io/v1alpha1")
        );
        assert_eq!(regarding.name.as_deref(), Some("on-push"));
        assert_eq!(regarding.namespace.as_deref(), Some(ns.as_str()));
    }
    let repeated = events
        .iter()
        .find(|e| e.note.as_deref() == Some(first))
        .expect("first message");
    assert_eq!(repeated.series.as_ref().map(|s| s.count), Some(2));
    assert!(events.iter().any(|e| e.note.as_deref() == Some(second)));

    // `kubectl describe` finds events by the object's uid; with the watch cache's lookup the
    // reference carries it.
    let catalog = std::sync::Arc::new(flowgate::catalog::Catalog::new(None));
    let cache = flowgate::store::kubernetes::KubeCache::start(
        c.server_client().await,
        catalog,
        flowgate::store::kubernetes::WatchSettings {
            namespaces: vec![ns.clone()],
            ..Default::default()
        },
    )
    .unwrap();
    cache.wait_for_load(0).await;
    let store = KubeStore::new(
        c.server_client().await,
        "replica-1".into(),
        Some(cache.bindings()),
    );
    let third = "failed to dispatch event: third";
    store.record_binding_error(record(third)).await.unwrap();
    let describe = c.kubectl(&["describe", "workfloweventbinding", "on-push", "-n", &ns]);
    assert!(describe.contains("WorkflowEventBindingError"), "{describe}");
    assert!(describe.contains(third), "{describe}");
    assert!(!uid.is_empty());

    let listed = store.list_binding_errors(&ns, 10).await.unwrap();
    let messages: Vec<&str> = listed.iter().map(|r| r.message.as_str()).collect();
    assert_eq!(messages.len(), 3, "{listed:?}");
    for m in [first, second, third] {
        assert!(messages.contains(&m), "{messages:?}");
    }
    assert!(
        listed
            .iter()
            .all(|r| r.binding == "on-push" && r.namespace == ns)
    );
    assert_eq!(store.list_binding_errors(&ns, 1).await.unwrap().len(), 1);
}
