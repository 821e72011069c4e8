//! Which selector shapes yield index terms, and what a path's key is on an event.

use serde_json::json;

use super::*;
use crate::expr::EnvKind;

fn terms(src: &str) -> Vec<(String, IndexKey)> {
    Expression::new(src, EnvKind::Plain)
        .index_terms()
        .into_iter()
        .map(|t| (t.path.to_string(), t.key))
        .collect()
}

fn s(v: &str) -> IndexKey {
    IndexKey::Str(Arc::from(v))
}

fn list(v: &[&str]) -> IndexKey {
    IndexKey::StrList(v.iter().map(|x| Arc::from(*x)).collect())
}

fn path(src: &str) -> IndexPath {
    let t = Expression::new(&format!("{src} == \"x\""), EnvKind::Plain).index_terms();
    assert_eq!(t.len(), 1, "{src}: {t:?}");
    t[0].path.clone()
}

#[test]
fn literal_comparisons_after_infallible_conjuncts_are_terms() {
    assert_eq!(
        terms(
            r#"metadata["x-github-event"] == ["push"] && payload.repository.full_name == "acme/x""#
        ),
        vec![
            ("metadata[\"x-github-event\"]".to_string(), list(&["push"])),
            ("payload.repository.full_name".to_string(), s("acme/x")),
        ]
    );
    assert_eq!(
        terms(r#"discriminator == "d" && namespace == "n" && "v" == payload.k"#),
        vec![
            ("discriminator".to_string(), s("d")),
            ("namespace".to_string(), s("n")),
            ("payload.k".to_string(), s("v")),
        ]
    );
    // Infallible conjuncts that are not terms do not stop the chain.
    for prefix in [
        "payload.a != \"x\"",
        "payload.a == 1",
        "payload.a == nil",
        "payload.a != [\"x\"]",
        "true",
        "!(payload.a == \"x\")",
        "(payload.a == \"x\" || discriminator == \"y\")",
        "payload?.a == \"q\" && payload.b == \"r\"",
    ] {
        let got = terms(&format!("{prefix} && payload.c == \"z\""));
        assert_eq!(
            got.last(),
            Some(&("payload.c".to_string(), s("z"))),
            "{prefix}: {got:?}"
        );
    }
    // Nested `&&` on either side is one chain.
    assert_eq!(
        terms(
            r#"(payload.a == "1" && payload.b == "2") && (payload.c == "3" && payload.d == "4")"#
        )
        .len(),
        4
    );
}

#[test]
fn a_fallible_conjunct_ends_the_terms() {
    // `payload.a.b` fails on nil or a string: it is a term itself, but nothing after it is.
    assert_eq!(
        terms(r#"payload.a.b == "x" && discriminator == "y""#),
        vec![("payload.a.b".to_string(), s("x"))]
    );
    for src in [
        r#"payload.a.b > 1 && discriminator == "y""#,
        r#"int("x") == 1 && discriminator == "y""#,
        r#"payload.a in ["x"] && discriminator == "y""#,
        r#"payload.a.b != "x" && discriminator == "y""#,
        r#"payload.a contains "x" && discriminator == "y""#,
        r#"payload.list[0] == "x" && discriminator == "y""#,
        r#"payload[discriminator] == "x" && discriminator == "y""#,
        r#"payload.a && discriminator == "y""#,
        r#"len(payload) == 1 && discriminator == "y""#,
        // A comparison of two names cannot fail either, but only comparisons with a literal
        // are analysed.
        r#"namespace == discriminator && discriminator == "y""#,
    ] {
        assert_eq!(terms(src), vec![], "{src}");
    }
}

#[test]
fn other_shapes_have_no_terms() {
    for src in [
        r#"payload.a == "x" || discriminator == "y""#,
        r#"payload.a != "x""#,
        r#"payload.a != ["x"]"#,
        r#"let v = payload.a; v == "x""#,
        r#"!(payload.a == "x")"#,
        r#"payload.a == "x" ? true : false"#,
        r#"payload.a == 1"#,
        r#"payload.a in ["x", "y"]"#,
        r#"payload.a matches "x""#,
        r#"lower(payload.a) == "x""#,
        r#"payload.a ?? "d" == "x""#,
        "",
        "payload.a ==",
        r#"payload.a == "x" && 1 + "a""#,
    ] {
        assert_eq!(terms(src), vec![], "{src}");
    }
}

#[test]
fn same_path_same_identity() {
    let a = path("payload.repository.full_name");
    let b = path("payload['repository'][\"full_name\"]");
    assert_eq!(a, b);
    let state = std::collections::hash_map::RandomState::new();
    assert_eq!(
        std::hash::BuildHasher::hash_one(&state, &a),
        std::hash::BuildHasher::hash_one(&state, &b)
    );
    assert_ne!(a, path("payload.repository.name"));
    assert_ne!(a, path("payload.repository?.full_name"));
    assert_ne!(path("metadata.x"), path("payload.x"));
    assert_eq!(path("metadata[\"x-k\"]").to_string(), "metadata[\"x-k\"]");
    assert_eq!(path("payload?.a.b").to_string(), "payload?.a.b");
}

#[test]
fn path_keys_follow_the_comparisons() {
    let md = json!({"x-k": ["v"], "x-two": ["a", "b"]});
    let key = |src: &str, payload: serde_json::Value| {
        let input = Input {
            namespace: "ns",
            discriminator: "disc",
            metadata: &md,
            payload: &payload,
        };
        path(src).key(&input)
    };
    assert_eq!(
        key("payload.a.b", json!({"a": {"b": "x"}})),
        Ok(Some(s("x")))
    );
    assert_eq!(key("payload.a", json!({"a": ""})), Ok(Some(s(""))));
    assert_eq!(
        key("payload.a", json!({"a": ["x", "y"]})),
        Ok(Some(list(&["x", "y"])))
    );
    assert_eq!(key("payload.a", json!({"a": []})), Ok(Some(list(&[]))));
    for v in [
        json!(1),
        json!(null),
        json!(true),
        json!({"x": "y"}),
        json!(["x", 1]),
    ] {
        assert_eq!(key("payload.a", json!({ "a": v })), Ok(None), "{v}");
    }
    assert_eq!(key("payload.a", json!({})), Ok(None));
    assert_eq!(key("payload.a.b", json!({})), Err(IndexError::PathFails));
    assert_eq!(
        key("payload.a.b", json!({"a": "str"})),
        Err(IndexError::PathFails)
    );
    assert_eq!(
        key("payload.a.b", json!({"a": 1})),
        Err(IndexError::PathFails)
    );
    assert_eq!(key("payload.a?.b", json!({})), Ok(None));
    assert_eq!(
        key("payload.a?.b", json!({"a": {"b": "q"}})),
        Ok(Some(s("q")))
    );
    assert_eq!(key("metadata[\"x-k\"]", json!({})), Ok(Some(list(&["v"]))));
    assert_eq!(
        key("metadata[\"x-two\"]", json!({})),
        Ok(Some(list(&["a", "b"])))
    );
    assert_eq!(key("metadata[\"x-none\"]", json!({})), Ok(None));
    assert_eq!(key("discriminator", json!({})), Ok(Some(s("disc"))));
    assert_eq!(key("namespace", json!({})), Ok(Some(s("ns"))));
}

#[test]
fn only_object_payloads_and_metadata_are_indexable() {
    for (payload, metadata, want) in [
        (json!({}), json!({}), true),
        (json!("s"), json!({}), false),
        (json!(null), json!({}), false),
        (json!([1]), json!({}), false),
        (json!({}), json!(null), false),
    ] {
        let input = Input {
            namespace: "",
            discriminator: "",
            metadata: &metadata,
            payload: &payload,
        };
        assert_eq!(indexable(&input), want, "{payload} {metadata}");
    }
}

#[test]
fn matching_a_value_is_comparing_its_key() {
    let json = [
        json!("x"),
        json!(""),
        json!(["x"]),
        json!(["x", "y"]),
        json!(["y", "x"]),
        json!([]),
        json!(["x", 1]),
        json!(1),
        json!(null),
        json!({"x": "x"}),
    ];
    let mut values: Vec<Value<'_>> = json.iter().map(Value::from_json).collect();
    values.push(Value::string("x"));
    values.push(Value::list(vec![Value::string("x"), Value::Str("y")]));
    values.push(Value::list(vec![Value::string("x"), Value::Int(1)]));
    values.push(Value::Bytes(Arc::from(&b"x"[..])));
    let keys = [
        s("x"),
        s(""),
        s("y"),
        list(&["x"]),
        list(&["x", "y"]),
        list(&["y", "x"]),
        list(&[]),
    ];
    for v in &values {
        for k in &keys {
            assert_eq!(
                k.matches(v),
                IndexKey::of_value(v).as_ref() == Some(k),
                "{v:?} {k:?}"
            );
        }
    }
    assert!(s("x").matches(&Value::string("x")));
    assert!(list(&["x", "y"]).matches(&values[11]));
    assert!(!s("x").matches(&Value::Bytes(Arc::from(&b"x"[..]))));
}
