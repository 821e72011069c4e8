//! The compiler turns common shapes into specialised operations (`x == "lit"`,
//! `x == ["a", "b"]`, `x == 1`, `x in [..]`, `payload.key`, `metadata["key"]`). Each must give
//! exactly what the general operation gives: the same expression is evaluated once as written
//! and once with the literal or the top-level name hidden behind a `let` (which compiles to
//! the general operation), over operands of every kind and payloads of every kind.

use flowgate::expr::gofmt::sprint_v;
use flowgate::expr::{EnvKind, Expression, Input};
use serde_json::json;

/// Operands of every kind, as expressions.
const OPERANDS: &[&str] = &[
    "nil",
    "true",
    "0",
    "1",
    "1.0",
    "1.5",
    "\"\"",
    "\"true\"",
    "\"a\"",
    "b\"a\"",
    "b\"\"",
    "[]",
    "[\"true\"]",
    "[\"a\", \"b\"]",
    "[\"b\", \"a\"]",
    "[1, 2]",
    "[1.0, 2.0]",
    "[[\"true\"]]",
    "{a: 1}",
    "1..2",
    "duration(\"1s\")",
    "payload",
    "payload.message",
    "payload.empty",
    "payload.n",
    "payload.list",
    "payload.strings",
    "payload.nested",
    "payload.nothing",
    "payload?.missing",
    "metadata[\"x-argo-e2e\"]",
    "metadata[\"x-tag\"]",
    "metadata.missing",
    "discriminator",
    "namespace",
];

/// Literals the compiler specialises on.
const LITERALS: &[&str] = &[
    "nil",
    "true",
    "false",
    "1",
    "2",
    "1.0",
    "1.5",
    "\"\"",
    "\"true\"",
    "\"a\"",
    "[\"true\"]",
    "[\"a\", \"b\"]",
    "[\"a\"]",
    "[1, 2]",
    "[1.0, \"a\"]",
    "[true]",
];

fn payloads() -> Vec<serde_json::Value> {
    vec![
        json!({"message": "hello", "empty": "", "n": 1, "list": [1, 2],
               "strings": ["a", "b"], "nested": [["true"]], "nothing": null}),
        json!(["true"]),
        json!("a"),
        json!(1),
        json!(null),
        json!(true),
    ]
}

fn outcome(src: &str, input: &Input<'_>) -> String {
    match Expression::new(src, EnvKind::Plain).eval(input) {
        Ok(v) => format!("ok {} {}", v.go_type(), sprint_v(&v)),
        Err(e) => format!("err {:?}", e.phase),
    }
}

fn each_input(mut f: impl FnMut(&Input<'_>)) {
    let metadata = json!({"x-argo-e2e": ["true"], "x-tag": ["a", "b"]});
    for payload in payloads() {
        let input = Input {
            namespace: "argo",
            discriminator: "true",
            metadata: &metadata,
            payload: &payload,
        };
        f(&input);
    }
}

#[test]
fn comparisons_with_literals_match_the_general_operation() {
    let (mut checked, mut compared) = (0, 0);
    each_input(|input| {
        for x in OPERANDS {
            for lit in LITERALS {
                for op in ["==", "!=", "in"] {
                    let fast = format!("{x} {op} {lit}");
                    let general = format!("let c = {lit}; {x} {op} c");
                    let (a, b) = (outcome(&fast, input), outcome(&general, input));
                    // A literal type mismatch is a compile error only when the literal is
                    // visible to the checker; otherwise both must agree exactly.
                    if !a.starts_with("err Compile") {
                        assert_eq!(a, b, "{fast} vs {general} on {:?}", input.payload);
                        compared += 1;
                    }
                    if op != "in" {
                        let swapped = format!("{lit} {op} {x}");
                        let general = format!("let c = {lit}; c {op} {x}");
                        let (a, b) = (outcome(&swapped, input), outcome(&general, input));
                        if !a.starts_with("err Compile") {
                            assert_eq!(a, b, "{swapped} vs {general} on {:?}", input.payload);
                        }
                    }
                    checked += 1;
                }
            }
        }
    });
    assert_eq!(checked, 6 * OPERANDS.len() * LITERALS.len() * 3);
    // Many pairs stop at the checker (field access on scalar payloads, mismatched literal
    // types, `in` on a scalar), but thousands are compared.
    assert!(compared * 4 > checked, "{compared} of {checked}");
}

#[test]
fn top_level_fields_match_the_general_operation() {
    let (mut checked, mut compared) = (0, 0);
    each_input(|input| {
        for name in ["payload", "metadata"] {
            for key in ["message", "x-argo-e2e", "missing", "0", "n"] {
                for access in [
                    format!(".{key}"),
                    format!("[\"{key}\"]"),
                    format!("?.{key}"),
                ] {
                    if access.starts_with('.') || access.starts_with("?.") {
                        if key.contains('-') || key.starts_with('0') {
                            continue;
                        }
                    }
                    let fast = format!("{name}{access}");
                    let general = format!("let e = {name}; e{access}");
                    let (a, b) = (outcome(&fast, input), outcome(&general, input));
                    if !a.starts_with("err Compile") {
                        assert_eq!(a, b, "{fast} vs {general} on {:?}", input.payload);
                        compared += 1;
                    }
                    checked += 1;
                }
            }
        }
    });
    assert!(checked > 100, "{checked}");
    // Only field access on scalar payloads is a compile error.
    assert!(compared * 2 > checked, "{compared} of {checked}");
}

#[test]
fn the_documented_selector_takes_every_branch() {
    let selector = r#"payload.message != "" && metadata["x-argo-e2e"] == ["true"] && discriminator == "my-discriminator""#;
    let e = Expression::new(selector, EnvKind::Plain);
    let run = |payload: serde_json::Value, metadata: serde_json::Value, d: &str| {
        e.selector(&Input {
            namespace: "argo",
            discriminator: d,
            metadata: &metadata,
            payload: &payload,
        })
    };
    let yes = json!({"x-argo-e2e": ["true"]});
    assert_eq!(
        run(json!({"message": "hi"}), yes.clone(), "my-discriminator"),
        Ok(true)
    );
    assert_eq!(
        run(json!({"message": ""}), yes.clone(), "my-discriminator"),
        Ok(false)
    );
    assert_eq!(run(json!({}), yes.clone(), "my-discriminator"), Ok(true));
    assert_eq!(
        run(json!({"message": "hi"}), yes.clone(), "other"),
        Ok(false)
    );
    for md in [
        json!({}),
        json!({"x-argo-e2e": ["false"]}),
        json!({"x-argo-e2e": ["true", "true"]}),
        json!({"x-argo-e2e": "true"}),
        json!({"x-argo-e2e": [true]}),
    ] {
        assert_eq!(
            run(json!({"message": "hi"}), md.clone(), "my-discriminator"),
            Ok(false),
            "{md}"
        );
    }
}

/// A selector's verdict, or the phase of its error.
fn verdict(src: &str, input: &Input<'_>) -> String {
    match Expression::new(src, EnvKind::Plain).selector(input) {
        Ok(b) => format!("ok {b}"),
        Err(e) => format!("err {:?}", e.phase),
    }
}

#[test]
fn selector_logic_matches_the_general_operation() {
    // `&&`, `||`, `!` and conditions test their operands in place; binding the left operand
    // to a variable first forces the general path (evaluate, then convert to bool).
    let atoms = [
        "payload.message",
        "payload.nothing",
        "metadata[\"x-argo-e2e\"]",
        "discriminator",
        "payload.n",
        "true",
    ];
    let mut tests = Vec::new();
    for x in atoms {
        for t in [
            format!("{x} == \"true\""),
            format!("{x} != \"\""),
            format!("{x} == [\"true\"]"),
            format!("{x} != [\"a\", \"b\"]"),
            format!("{x} == 1"),
            format!("{x} in [\"true\", \"hello\"]"),
            format!("not ({x} == \"hello\")"),
            x.to_string(),
        ] {
            tests.push(t);
        }
    }
    let (mut checked, mut ok) = (0, 0);
    each_input(|input| {
        for a in &tests {
            let general = format!("let l = ({a}); l");
            let (x, y) = (verdict(a, input), verdict(&general, input));
            if !x.starts_with("err Compile") {
                assert_eq!(x, y, "{a} vs {general}");
            }
            for b in [
                "true",
                "false",
                "payload.message",
                "discriminator == \"true\"",
            ] {
                for (fast, general) in [
                    (format!("({a}) && {b}"), format!("let l = ({a}); l && {b}")),
                    (format!("({a}) || {b}"), format!("let l = ({a}); l || {b}")),
                    (
                        format!("!({a}) && {b}"),
                        format!("let l = ({a}); !l && {b}"),
                    ),
                    (format!("{b} && ({a})"), format!("let l = ({a}); {b} && l")),
                    (
                        format!("({a}) ? {b} : false"),
                        format!("let l = ({a}); l ? {b} : false"),
                    ),
                ] {
                    let (x, y) = (verdict(&fast, input), verdict(&general, input));
                    checked += 1;
                    if x.starts_with("err Compile") {
                        continue;
                    }
                    // The general form evaluates the left operand even where the fast one
                    // short-circuits past it, so compare only where both ran it.
                    if fast.starts_with(b) {
                        if x != y && y.starts_with("err Run") {
                            continue;
                        }
                    }
                    assert_eq!(x, y, "{fast} vs {general} on {:?}", input.payload);
                    ok += 1;
                }
            }
        }
    });
    assert!(ok * 4 > checked, "{ok} of {checked}");
}
