//! The deepest expressions the engine accepts, and the deepest values they can build, are
//! compiled, evaluated, printed and dropped on a thread with a 2 MiB stack (the stack of actix
//! workers and of test threads). Each shape is pushed to the largest size the parser accepts
//! (found by bisection), and one size beyond must be a clear compile error.

use flowgate::expr::parser::{MAX_DEPTH, MAX_NODES, MAX_TREE_DEPTH};
use flowgate::expr::{EnvKind, ExprError, Expression, Input, Phase};
use serde_json::json;

const STACK: usize = 2 << 20;

/// Runs `f` on a fresh thread with a 2 MiB stack and returns its result.
fn on_small_stack<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> T {
    std::thread::Builder::new()
        .stack_size(STACK)
        .spawn(f)
        .expect("spawn")
        .join()
        .expect("the thread must not crash")
}

/// The largest `n` in `1..=cap` for which `shape(n)` parses (parsing is monotone in `n`).
fn largest_accepted(shape: fn(usize) -> String, cap: usize) -> usize {
    let ok = |n: usize| {
        Expression::new(&shape(n), EnvKind::Plain)
            .syntax_error()
            .is_none()
    };
    assert!(ok(1), "the smallest instance must parse: {}", shape(1));
    let (mut lo, mut hi) = (1, cap + 1);
    while hi - lo > 1 {
        let mid = (lo + hi) / 2;
        if ok(mid) { lo = mid } else { hi = mid }
    }
    lo
}

/// What evaluating one expression in every way Argo uses it produced.
#[derive(Debug)]
struct Outcome {
    raw: Result<String, ExprError>,
    selector: Result<bool, ExprError>,
    param: Result<String, ExprError>,
}

/// Compiles `src` and evaluates it as a raw value (printed with Go's `%v`), a selector and a
/// parameter, all on a 2 MiB stack; the expression and its values are dropped there too.
fn run(src: String, env: EnvKind) -> Outcome {
    on_small_stack(move || {
        let metadata = json!({"x-argo-e2e": ["true"]});
        let payload = json!({"list": [1, 2, 3], "a": {"a": {"a": "leaf"}}});
        let input = Input {
            namespace: "ns",
            discriminator: "d",
            metadata: &metadata,
            payload: &payload,
        };
        let e = Expression::new(&src, env);
        let raw = e.eval(&input).map(|v| flowgate::expr::gofmt::sprint_v(&v));
        Outcome {
            raw,
            selector: e.selector(&input),
            param: e.param(&input),
        }
    })
}

/// Asserts that one size beyond `n` is rejected with a limit error.
fn beyond_is_rejected(shape: fn(usize) -> String, n: usize) {
    let src = shape(n + 1);
    let e = Expression::new(&src, EnvKind::Plain);
    let err = e
        .syntax_error()
        .expect("one size beyond the limit must be rejected");
    assert_eq!(err.phase, Phase::Compile);
    assert!(
        err.message.contains("nests deeper than")
            || err.message.contains("exceeds maximum allowed nodes"),
        "{}",
        err.message
    );
}

fn parens(n: usize) -> String {
    format!("{}1{}", "(".repeat(n), ")".repeat(n))
}

#[test]
fn deepest_parentheses() {
    // Each level is a nested expression and a nested primary.
    let n = largest_accepted(parens, 4 * MAX_DEPTH);
    assert!(n >= MAX_DEPTH / 2 - 2, "{n}");
    beyond_is_rejected(parens, n);
    let out = run(parens(n), EnvKind::Plain);
    assert_eq!(out.raw.unwrap(), "1");
    assert_eq!(out.param.unwrap(), "1");
    // Argo prints the result with `%s`.
    assert_eq!(
        out.selector.unwrap_err().message,
        "unable to cast expression result '%!s(int=1)' to bool"
    );
}

fn nots(n: usize) -> String {
    format!("{}true", "!".repeat(n))
}

fn negations(n: usize) -> String {
    format!("{}payload.list[0]", "-".repeat(n))
}

#[test]
fn deepest_unary_chains() {
    let n = largest_accepted(nots, 4 * MAX_DEPTH);
    assert!(n >= MAX_DEPTH / 2, "{n}");
    beyond_is_rejected(nots, n);
    let out = run(nots(n), EnvKind::Plain);
    assert_eq!(out.selector.unwrap(), n.is_multiple_of(2));

    let n = largest_accepted(negations, 4 * MAX_DEPTH);
    assert!(n >= MAX_DEPTH / 2, "{n}");
    beyond_is_rejected(negations, n);
    let out = run(negations(n), EnvKind::Plain);
    let want = if n.is_multiple_of(2) { "1" } else { "-1" };
    assert_eq!(out.raw.unwrap(), want);
}

fn additions(n: usize) -> String {
    vec!["1"; n].join(" + ")
}

fn member_chain(n: usize) -> String {
    format!("payload{}", "?.b".repeat(n))
}

fn and_chain(n: usize) -> String {
    vec!["payload.list[0] == 1"; n].join(" && ")
}

#[test]
fn deepest_left_nested_chains_at_the_node_limit() {
    // `1 + 1 + …` is a left-deep tree; the node limit ends it before the depth limit.
    let n = largest_accepted(additions, MAX_NODES);
    assert_eq!(2 * n - 1, MAX_NODES - 1, "{n}");
    beyond_is_rejected(additions, n);
    assert!(n <= MAX_TREE_DEPTH as usize);
    let out = run(additions(n), EnvKind::Plain);
    assert_eq!(out.raw.unwrap(), n.to_string());
    assert_eq!(out.param.unwrap(), n.to_string());

    let n = largest_accepted(member_chain, MAX_NODES);
    assert!(n >= MAX_NODES / 3, "{n}");
    beyond_is_rejected(member_chain, n);
    let out = run(member_chain(n), EnvKind::Plain);
    assert_eq!(out.raw.unwrap(), "<nil>");
    assert_eq!(out.param.unwrap(), "null");

    let n = largest_accepted(and_chain, MAX_NODES);
    assert!(n >= MAX_NODES / 8, "{n}");
    beyond_is_rejected(and_chain, n);
    assert!(run(and_chain(n), EnvKind::Plain).selector.unwrap());
}

fn nested_arrays(n: usize) -> String {
    format!("{}payload.list{}", "[".repeat(n), "]".repeat(n))
}

fn nested_maps(n: usize) -> String {
    format!("{}payload.list{}", "{a: ".repeat(n), "}".repeat(n))
}

#[test]
fn deepest_array_and_map_literals() {
    for shape in [nested_arrays as fn(usize) -> String, nested_maps] {
        let n = largest_accepted(shape, 4 * MAX_DEPTH);
        assert!(n >= MAX_DEPTH / 2 - 2, "{n}");
        beyond_is_rejected(shape, n);
        let out = run(shape(n), EnvKind::Plain);
        // The value is built, printed, JSON-encoded (or refused as too deep) and dropped.
        let raw = out.raw.unwrap();
        assert!(
            raw.contains("[[1 2 3]]") || raw.contains("map[a:[1 2 3]]"),
            "{raw:.80}"
        );
        match out.param {
            Ok(json) => assert!(json.contains("[1,2,3]")),
            Err(e) => assert_eq!(e.phase, Phase::Marshal, "{}", e.message),
        }
        assert_eq!(out.selector.unwrap_err().phase, Phase::Cast);
    }
}

fn ternaries(n: usize) -> String {
    format!("{}0", "payload.list[0] == 2 ? 1 : ".repeat(n))
}

fn nested_ternaries(n: usize) -> String {
    format!("{}0{}", "true ? (".repeat(n), ") : 1".repeat(n))
}

fn pipes(n: usize) -> String {
    format!("payload.list{}", " | map(# + 1)".repeat(n))
}

fn lets(n: usize) -> String {
    let mut s = String::new();
    for i in 0..n {
        s.push_str(&format!("let v{i} = {i}; "));
    }
    s.push_str("v0");
    s
}

#[test]
fn deepest_ternaries_pipes_and_lets() {
    let n = largest_accepted(ternaries, MAX_NODES);
    beyond_is_rejected(ternaries, n);
    assert_eq!(run(ternaries(n), EnvKind::Plain).raw.unwrap(), "0");

    let n = largest_accepted(nested_ternaries, MAX_NODES);
    beyond_is_rejected(nested_ternaries, n);
    assert_eq!(run(nested_ternaries(n), EnvKind::Plain).raw.unwrap(), "0");

    let n = largest_accepted(pipes, MAX_NODES);
    assert!(n >= 100, "{n}");
    beyond_is_rejected(pipes, n);
    let out = run(pipes(n), EnvKind::Plain);
    assert_eq!(out.raw.unwrap(), format!("[{} {} {}]", n + 1, n + 2, n + 3));

    let n = largest_accepted(lets, MAX_NODES);
    beyond_is_rejected(lets, n);
    assert_eq!(run(lets(n), EnvKind::Plain).raw.unwrap(), "0");
}

#[test]
fn deepest_metadata_expressions() {
    // The metadata environment adds sprig calls, which nest like any other call.
    fn sprig_calls(n: usize) -> String {
        format!("{}payload.a.a.a{}", "sprig.trim(".repeat(n), ")".repeat(n))
    }
    let n = largest_accepted(sprig_calls, 4 * MAX_DEPTH);
    beyond_is_rejected(sprig_calls, n);
    assert_eq!(run(sprig_calls(n), EnvKind::Metadata).raw.unwrap(), "leaf");
}

#[test]
fn deep_values_built_at_run_time() {
    // `reduce` can nest a value once per element. Values up to the depth limit are built,
    // compared, printed, encoded and dropped on the small stack; deeper ones are refused.
    let limit = flowgate::expr::limits::MAX_VALUE_DEPTH;
    let list = format!("reduce(1..{}, [#acc], 0)", limit - 1);
    let map = format!("reduce(1..{}, {{{{a: #acc}}}}, 0)", limit - 1);
    for (src, want) in [
        (format!("let x = {list}; x == x"), "true"),
        (format!("let x = {list}; x in [x]"), "true"),
        (format!("let x = {map}; x == x"), "true"),
        (format!("let x = {list}; len(toJSON(x)) > {limit}"), "true"),
        (format!("let x = {map}; len(string(x)) > {limit}"), "true"),
        (format!("let x = {list}; len(flatten([x]))"), "1"),
    ] {
        let out = run(src.clone(), EnvKind::Plain);
        assert_eq!(out.raw.expect(&src), want, "{src}");
    }
    for src in [&list, &map] {
        let out = run(src.clone(), EnvKind::Plain);
        assert!(out.raw.unwrap().starts_with("[[[[") || src.contains("a:"));
        assert!(out.param.is_ok(), "{src}");
        assert_eq!(out.selector.unwrap_err().phase, Phase::Cast);
    }
    for src in [
        "reduce(1..100000, [#acc], 0)",
        "reduce(1..100000, {{a: #acc}}, 0)",
        "let x = reduce(1..100000, [#acc], 0); x == x",
        "reduce(1..100000, [#acc, #acc], 0)",
        "reduce(1..100000, toPairs({a: #acc}), 0)",
        "reduce(1..100000, groupBy([#acc], 1), 0)",
        "payload.list | map([#])".to_string().as_str(),
    ] {
        let src = if src.starts_with("payload.list") {
            format!("payload.list{}", " | map([#])".repeat(limit as usize + 1))
        } else {
            src.to_string()
        };
        let out = run(src.clone(), EnvKind::Plain);
        let e = out.raw.expect_err(&src);
        assert_eq!(e.phase, Phase::Run, "{src}");
        // Doubling at each step makes the value too heavy before it is too deep.
        let want = if src.contains("#acc, #acc") {
            "value exceeds 10000000 elements"
        } else {
            "value nests deeper than 1000 levels"
        };
        assert!(e.message.starts_with(want), "{src}: {}", e.message);
    }
}
