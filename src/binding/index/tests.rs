//! The index changes nothing but the work: `plan` (indexed) and `plan_all` (every selector)
//! return the same outcomes, error texts and order included, for random selectors, payloads
//! and metadata; and on the load shape it selects only the bindings that can match.

use std::sync::Arc;

use proptest::prelude::*;
use serde_json::{Value as Json, json};

use super::*;
use crate::binding::dispatch::{Context, Planned, TemplateInfo, plan, plan_all};
use crate::binding::{Caller, Event};
use crate::model::{WorkflowEventBinding, WorkflowTemplateRef};

/// Every template but `missing` exists; everything is allowed.
struct Ctx;

impl Context for Ctx {
    fn template(&self, _ns: &str, r: &WorkflowTemplateRef) -> Option<Arc<TemplateInfo>> {
        (r.name != "missing").then(|| {
            Arc::new(TemplateInfo {
                name: r.name.clone(),
                ..TemplateInfo::default()
            })
        })
    }
    fn allowed(&self, _: &Caller, _: &str, _: &str, _: Option<&str>, _: Option<&str>) -> bool {
        true
    }
    fn instance_id(&self) -> Option<&str> {
        None
    }
}

/// Binding `i` with `selector`: most submit `t` with a fixed name (so outcomes compare
/// exactly), some refer to a missing template (an error once matched), some have no submit.
fn binding(i: usize, selector: &str) -> CompiledBinding {
    let mut b = json!({
        "metadata": {"name": format!("b{i}"), "namespace": "ns"},
        "spec": {"event": {"selector": selector}}
    });
    match i % 5 {
        3 => {}
        4 => {
            b["spec"]["submit"] = json!({"workflowTemplateRef": {"name": "missing"}});
        }
        _ => {
            b["spec"]["submit"] = json!({
                "workflowTemplateRef": {"name": "t"},
                "metadata": {"name": format!("\"wf-{i}\"")},
                "arguments": {"parameters": [{"name": "p", "valueFrom": {"event": "payload"}}]}
            });
        }
    }
    let b: WorkflowEventBinding = serde_json::from_value(b).unwrap();
    CompiledBinding::compile(&b).unwrap()
}

fn event(namespace: &str, discriminator: &str, metadata: Json, payload: Json) -> Event {
    Event {
        id: "ev".into(),
        namespace: namespace.into(),
        discriminator: discriminator.into(),
        metadata,
        payload,
        caller: Caller::Server,
        delivery_id: None,
        grants: None,
    }
}

fn both(event: &Event, bindings: Vec<CompiledBinding>) -> (Vec<Planned>, Vec<Planned>) {
    let all = plan_all(event, &bindings, &Ctx);
    let set = BindingSet::new(bindings);
    (plan(event, &set, &Ctx), all)
}

const PATHS: &[&str] = &[
    "payload.a",
    "payload.b",
    "payload.a.b",
    "payload.a.b.c",
    "payload?.a.b",
    "payload.a?.b",
    "payload.list",
    "$env.payload.a",
    "metadata[\"x-k\"]",
    "metadata[\"x-j\"]",
    "metadata.x",
    "discriminator",
    "namespace",
];

const LITERALS: &[&str] = &[
    "\"x\"",
    "\"y\"",
    "\"\"",
    "[\"x\"]",
    "[\"x\", \"y\"]",
    "[]",
    "1",
    "1.5",
    "nil",
    "true",
    "[1]",
];

fn atom() -> impl Strategy<Value = String> {
    let path = || prop::sample::select(PATHS);
    let lit = || prop::sample::select(LITERALS);
    prop_oneof![
        8 => (path(), lit()).prop_map(|(p, l)| format!("{p} == {l}")),
        2 => (path(), lit()).prop_map(|(p, l)| format!("{l} == {p}")),
        2 => (path(), lit()).prop_map(|(p, l)| format!("{p} != {l}")),
        1 => path().prop_map(|p| format!("{p} in [\"x\", \"y\"]")),
        1 => path().prop_map(|p| format!("{p} > 1")),
        1 => Just("int(\"x\") == 1".to_string()),
        1 => Just("payload.a.b.c == \"x\"".to_string()),
        1 => Just("true".to_string()),
        1 => Just("false".to_string()),
        1 => path().prop_map(str::to_string),
        1 => Just("let v = payload.a; v == \"x\"".to_string()),
    ]
}

fn selector() -> impl Strategy<Value = String> {
    atom().prop_recursive(3, 16, 2, |inner| {
        prop_oneof![
            4 => (inner.clone(), inner.clone()).prop_map(|(a, b)| format!("{a} && {b}")),
            2 => (inner.clone(), inner.clone()).prop_map(|(a, b)| format!("({a}) && ({b})")),
            1 => (inner.clone(), inner.clone()).prop_map(|(a, b)| format!("({a}) || ({b})")),
            1 => (inner.clone(), inner.clone()).prop_map(|(a, b)| format!("{a} || {b}")),
            1 => inner.prop_map(|a| format!("!({a})")),
        ]
    })
}

fn leaf() -> impl Strategy<Value = Json> {
    prop::sample::select(vec![
        json!("x"),
        json!("y"),
        json!(""),
        json!(1),
        json!(1.5),
        json!(null),
        json!(true),
        json!(["x"]),
        json!(["x", "y"]),
        json!([]),
        json!([1]),
        json!({"b": "x"}),
        json!({"b": {"c": "x"}}),
        json!({"b": null}),
        json!({"b": ["x"]}),
    ])
}

fn payload() -> impl Strategy<Value = Json> {
    let object = (
        proptest::option::of(leaf()),
        proptest::option::of(leaf()),
        proptest::option::of(leaf()),
    )
        .prop_map(|(a, b, list)| {
            let mut m = serde_json::Map::new();
            for (k, v) in [("a", a), ("b", b), ("list", list)] {
                if let Some(v) = v {
                    m.insert(k.to_string(), v);
                }
            }
            Json::Object(m)
        });
    prop_oneof![
        9 => object,
        1 => prop::sample::select(vec![json!("x"), json!(1), json!(null), json!(["x"]), json!(true)]),
    ]
}

fn metadata() -> impl Strategy<Value = Json> {
    let header = || {
        proptest::option::of(prop::sample::select(vec![
            json!(["x"]),
            json!(["y"]),
            json!(["x", "y"]),
            json!([]),
        ]))
    };
    let object = (header(), header(), header()).prop_map(|(k, j, x)| {
        let mut m = serde_json::Map::new();
        for (name, v) in [("x-k", k), ("x-j", j), ("x", x)] {
            if let Some(v) = v {
                m.insert(name.to_string(), v);
            }
        }
        Json::Object(m)
    });
    prop_oneof![9 => object, 1 => Just(json!(null))]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn indexed_plan_equals_plan_all(
        selectors in prop::collection::vec(selector(), 1..10),
        payload in payload(),
        metadata in metadata(),
        discriminator in prop::sample::select(vec!["x", "y", ""]),
        namespace in prop::sample::select(vec!["ns", "x"]),
    ) {
        let bindings: Vec<_> = selectors
            .iter()
            .enumerate()
            .map(|(i, s)| binding(i, s))
            .collect();
        let ev = event(namespace, discriminator, metadata, payload);
        let set = BindingSet::new(bindings.clone());
        let input = Input {
            namespace: &ev.namespace,
            discriminator: &ev.discriminator,
            metadata: &ev.metadata,
            payload: &ev.payload,
        };
        let may_match = set.may_match(&input);
        let (indexed, all) = both(&ev, bindings);
        // The HTTP handler answers without dispatching when nothing may match: that must
        // lose no workflow and no binding error.
        prop_assert!(may_match || all.is_empty(), "may_match false but plan_all gave {:?}", all);
        prop_assert_eq!(indexed, all, "selectors: {:?}", selectors);
    }
}

/// `n` bindings of the load test's shape, binding `i` for repository `acme/repo-i`.
fn load_shape(n: usize) -> Vec<CompiledBinding> {
    (0..n)
        .map(|i| {
            binding(
                i * 5,
                &format!(
                    "metadata[\"x-github-event\"] == [\"push\"] && payload.repository.full_name == \"acme/repo-{i}\""
                ),
            )
        })
        .collect()
}

fn github(event_type: &str, payload: Json) -> Event {
    event(
        "ns",
        "",
        json!({"x-github-event": [event_type], "x-github-delivery": ["d"]}),
        payload,
    )
}

#[test]
fn the_load_shape_runs_only_the_matching_selector() {
    let set = BindingSet::new(load_shape(1000));
    assert_eq!(
        set.index().stats(),
        IndexStats {
            indexed: 1000,
            always: 0,
            groups: 1
        },
        "grouped by the repository (1 000 literals), not the event header (one)"
    );
    let candidates = |ev: &Event| {
        let input = Input {
            namespace: &ev.namespace,
            discriminator: &ev.discriminator,
            metadata: &ev.metadata,
            payload: &ev.payload,
        };
        set.index().candidates(&input)
    };
    let push = |repo: &str| github("push", json!({"repository": {"full_name": repo}}));
    assert_eq!(candidates(&push("acme/repo-7")), Some(vec![7]));
    assert_eq!(candidates(&push("acme/other")), Some(vec![]));
    assert_eq!(
        candidates(&github(
            "ping",
            json!({"repository": {"full_name": "acme/repo-7"}})
        )),
        Some(vec![]),
        "the other term rules out the header"
    );
    // `payload.repository.full_name` fails without a repository: the group comes back, and
    // the header term rules it out again, unless it holds (then every selector fails).
    assert_eq!(candidates(&github("ping", json!({}))), Some(vec![]));
    assert_eq!(
        candidates(&github("push", json!({}))).map(|c| c.len()),
        Some(1000)
    );
    assert_eq!(candidates(&github("push", json!("text"))), None);

    for ev in [
        push("acme/repo-7"),
        push("acme/other"),
        github("push", json!({})),
        github("push", json!({"repository": "r"})),
        github("ping", json!({})),
        github("push", json!([1])),
    ] {
        let all = plan_all(&ev, set.bindings(), &Ctx);
        assert_eq!(plan(&ev, &set, &Ctx), all, "{:?}", ev.payload);
    }
    let matched = plan(&push("acme/repo-7"), &set, &Ctx);
    assert_eq!(matched.len(), 1);
    assert_eq!(matched[0].binding, "b35");
    let failed = plan(&github("push", json!({})), &set, &Ctx);
    assert_eq!(failed.len(), 1000);
    assert!(
        failed[0]
            .result
            .as_ref()
            .is_err_and(|e| e.contains("cannot fetch full_name from <nil>")),
        "{failed:?}"
    );
}

#[test]
fn bindings_without_terms_always_run_and_order_is_kept() {
    let bindings = vec![
        binding(0, "payload.a == \"x\""),
        binding(1, "payload.a != \"x\""),
        binding(2, "payload.a == \"y\""),
        binding(5, "discriminator == \"d\" && payload.a == \"x\""),
        binding(6, "payload.a > 1"),
    ];
    let set = BindingSet::new(bindings.clone());
    assert_eq!(
        set.index().stats(),
        IndexStats {
            indexed: 3,
            always: 2,
            groups: 1
        },
        "the discriminator has one literal, `payload.a` two: all three are grouped by it"
    );
    let ev = event("ns", "d", json!({}), json!({"a": "x"}));
    let names = |p: Vec<Planned>| p.into_iter().map(|p| p.binding).collect::<Vec<_>>();
    assert_eq!(names(plan(&ev, &set, &Ctx)), vec!["b0", "b5", "b6"]);
    assert_eq!(
        names(plan_all(&ev, &bindings, &Ctx)),
        vec!["b0", "b5", "b6"]
    );
    let ev = event("ns", "d", json!({}), json!({"a": "z"}));
    assert_eq!(names(plan(&ev, &set, &Ctx)), vec!["b1", "b6"]);
}

#[test]
fn arrays_of_strings_are_looked_up_in_place() {
    let events = ["push", "pull_request", "issues", "push"];
    let bindings: Vec<_> = events
        .iter()
        .enumerate()
        .map(|(i, e)| binding(i * 5, &format!("metadata[\"x-github-event\"] == [\"{e}\"]")))
        .chain([binding(
            20,
            "metadata[\"x-github-event\"] == [\"push\", \"issues\"]",
        )])
        .collect();
    let set = BindingSet::new(bindings);
    let candidates = |metadata: Json| {
        let payload = json!({});
        let input = Input {
            namespace: "ns",
            discriminator: "",
            metadata: &metadata,
            payload: &payload,
        };
        set.index().candidates(&input)
    };
    assert_eq!(
        candidates(json!({"x-github-event": ["push"]})),
        Some(vec![0, 3])
    );
    assert_eq!(
        candidates(json!({"x-github-event": ["issues"]})),
        Some(vec![2])
    );
    assert_eq!(
        candidates(json!({"x-github-event": ["push", "issues"]})),
        Some(vec![4])
    );
    assert_eq!(
        candidates(json!({"x-github-event": ["issues", "push"]})),
        Some(vec![])
    );
    assert_eq!(candidates(json!({"x-github-event": "push"})), Some(vec![]));
    assert_eq!(
        candidates(json!({"x-github-event": ["push", 1]})),
        Some(vec![])
    );
    assert_eq!(candidates(json!({})), Some(vec![]));
}
