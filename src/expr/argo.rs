//! Argo's use of expressions: the public [`Expression`] API and Argo's result encodings.
//!
//! Takes an expression source and an environment kind, parses it once ([`Expression::new`]),
//! type-checks it lazily once per top-level kind of payload (Go's compile errors depend on it;
//! six results kept in `OnceLock`s), folds and compiles it once on first success (the program
//! does not depend on the payload kind), so nothing is compiled per event, and evaluates it
//! against an event ([`Input`]) with Argo's semantics:
//! - [`Expression::selector`]: `argoexpr.EvalBool` (phases compile, run, cast);
//! - [`Expression::param`]: `valueFrom.event` (`json.Marshal`, then `Item.String()`);
//! - [`Expression::metadata`]: `submit.metadata` values (must be a Go string);
//! - [`Expression::eval`]: the raw value.

use std::sync::{Arc, OnceLock};

use super::ast::Node;
use super::checker::{CheckEnv, check, payload_nature};
use super::compile::{Op, Program, compile};
use super::error::{ExprError, Phase, SourceError};
use super::eval::{Frame, RunError, eval, eval_bool};
use super::fold::fold;
use super::gofmt::{self, JsonOptions};
use super::parser::parse;
use super::value::Value;

/// Which names an expression sees.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EnvKind {
    /// Selectors, `valueFrom.event` and raw expressions: the event plus expr built-ins and
    /// the `jmespath` extension.
    Plain,
    /// `submit.metadata`: adds `asInt`, `asFloat`, `toJson`, `jsonpath` and `sprig.*`.
    Metadata,
}

/// The event as Argo's JSON-round-tripped environment sees it.
#[derive(Debug, Clone, Copy)]
pub struct Input<'a> {
    /// `namespace`
    pub namespace: &'a str,
    /// `discriminator`
    pub discriminator: &'a str,
    /// `metadata`: an object of lower-cased `x-` header names to arrays of strings.
    pub metadata: &'a serde_json::Value,
    /// `payload`: any JSON; numbers are float64 to expressions.
    pub payload: &'a serde_json::Value,
}

struct Inner {
    source: String,
    env: EnvKind,
    parsed: Result<Node, ExprError>,
    /// The type check for each top-level kind of payload.
    checked: [OnceLock<Result<(), ExprError>>; 6],
    /// The folded and compiled program, built after the first successful check.
    program: OnceLock<Result<Program, ExprError>>,
}

/// A parsed expression, compiled on first use for each payload kind. Cheap to clone,
/// `Send + Sync`.
#[derive(Clone)]
pub struct Expression {
    inner: Arc<Inner>,
}

impl std::fmt::Debug for Expression {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Expression")
            .field("source", &self.inner.source)
            .field("env", &self.inner.env)
            .finish()
    }
}

fn kind_index(payload: &serde_json::Value) -> usize {
    match payload {
        serde_json::Value::Null => 0,
        serde_json::Value::Bool(_) => 1,
        serde_json::Value::Number(_) => 2,
        serde_json::Value::String(_) => 3,
        serde_json::Value::Array(_) => 4,
        serde_json::Value::Object(_) => 5,
    }
}

impl Expression {
    /// Parses `source` now; compiles lazily per payload kind.
    pub fn new(source: &str, env: EnvKind) -> Expression {
        let parsed = parse(source).map_err(|e| ExprError {
            phase: Phase::Compile,
            message: e.format(source),
        });
        Expression {
            inner: Arc::new(Inner {
                source: source.to_string(),
                env,
                parsed,
                checked: Default::default(),
                program: OnceLock::new(),
            }),
        }
    }

    /// The source text.
    pub fn source(&self) -> &str {
        &self.inner.source
    }

    /// The environment kind.
    pub fn env(&self) -> EnvKind {
        self.inner.env
    }

    /// The syntax error found when the expression was loaded, if any.
    pub fn syntax_error(&self) -> Option<&ExprError> {
        self.inner.parsed.as_ref().err()
    }

    fn compile_error(&self, e: SourceError) -> ExprError {
        ExprError {
            phase: Phase::Compile,
            message: e.format(&self.inner.source),
        }
    }

    /// The program, once the expression type-checks for this payload's kind (checked and
    /// compiled on first use).
    #[inline]
    pub(super) fn program(&self, payload: &serde_json::Value) -> Result<&Program, ExprError> {
        let checked =
            self.inner.checked[kind_index(payload)].get_or_init(|| self.check_for(payload));
        if let Err(e) = checked {
            return Err(e.clone());
        }
        self.inner
            .program
            .get_or_init(|| self.build())
            .as_ref()
            .map_err(Clone::clone)
    }

    /// Go's type check for this payload's kind. Every walk of the tree here and in
    /// [`build`](Self::build) grows the stack on demand (`stacker::maybe_grow`), so any
    /// accepted tree is safe on any thread.
    fn check_for(&self, payload: &serde_json::Value) -> Result<(), ExprError> {
        let node = self.inner.parsed.as_ref().map_err(Clone::clone)?;
        let env = CheckEnv {
            payload: payload_nature(payload),
            metadata_helpers: self.inner.env == EnvKind::Metadata,
        };
        check(node, &env).map_err(|e| self.compile_error(e))?;
        Ok(())
    }

    /// Folds a copy of the checked tree and compiles it.
    fn build(&self) -> Result<Program, ExprError> {
        let node = self.inner.parsed.as_ref().map_err(Clone::clone)?;
        let mut folded = node.clone();
        fold(&mut folded).map_err(|e| self.compile_error(e))?;
        compile(&folded, self.inner.env == EnvKind::Metadata).map_err(|e| self.compile_error(e))
    }

    /// Compiles for this payload's kind without evaluating (a compile error, if any).
    pub fn check(&self, payload: &serde_json::Value) -> Result<(), ExprError> {
        self.program(payload).map(|_| ())
    }

    /// Evaluates to the raw value.
    pub fn eval<'a>(&self, input: &Input<'a>) -> Result<Value<'a>, ExprError> {
        self.run(input, eval)
    }

    /// Runs the program with `how` (the evaluator entry point), mapping a run error to Go's
    /// message.
    #[inline]
    fn run<'a, T>(
        &self,
        input: &Input<'a>,
        how: impl FnOnce(&Op, &mut Frame<'a, '_>) -> Result<T, Box<RunError>>,
    ) -> Result<T, ExprError> {
        let program = self.program(input.payload)?;
        let mut frame = Frame::new(input, program.slots);
        how(&program.root, &mut frame).map_err(|e| ExprError {
            phase: Phase::Run,
            message: SourceError::new(e.message, e.loc).format(&self.inner.source),
        })
    }

    /// Argo's `EvalBool`: the selector's verdict.
    pub fn selector(&self, input: &Input<'_>) -> Result<bool, ExprError> {
        match self.run(input, eval_bool) {
            Ok(Ok(b)) => Ok(b),
            Ok(Err(other)) => Err(ExprError {
                phase: Phase::Cast,
                message: format!(
                    "unable to cast expression result '{}' to bool",
                    gofmt::sprint_s(&other)
                ),
            }),
            Err(e) if e.phase == Phase::Run => Err(ExprError {
                phase: Phase::Run,
                message: format!(
                    "unable to evaluate expression '{}': {}",
                    self.inner.source, e.message
                ),
            }),
            Err(e) => Err(e),
        }
    }

    /// A `valueFrom.event` parameter value, encoded as Argo does.
    pub fn param(&self, input: &Input<'_>) -> Result<String, ExprError> {
        let v = self.eval(input)?;
        let json = gofmt::to_json(&v, JsonOptions::MARSHAL).map_err(|e| ExprError {
            phase: Phase::Marshal,
            message: e.0,
        })?;
        Ok(item_string(&json))
    }

    /// A `submit.metadata` value: must be a Go string.
    pub fn metadata(&self, input: &Input<'_>) -> Result<String, ExprError> {
        let v = self.eval(input)?;
        match v.as_str() {
            Some(s) => Ok(s.to_string()),
            None => Err(ExprError {
                phase: Phase::Type,
                message: format!("must evaluate to a string, not a {}", v.go_type()),
            }),
        }
    }
}

/// Argo's `Item.String()` on compact JSON: a string loses its first and last byte (no
/// unescaping), then `\u003c`, `\u003e` and `\u0026` become `<`, `>` and `&`.
pub fn item_string(json: &str) -> String {
    let body = if json.starts_with('"') && json.len() >= 2 {
        &json[1..json.len() - 1]
    } else {
        json
    };
    body.replace("\\u003c", "<")
        .replace("\\u003e", ">")
        .replace("\\u0026", "&")
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn input<'a>(payload: &'a serde_json::Value, md: &'a serde_json::Value) -> Input<'a> {
        Input {
            namespace: "argo",
            discriminator: "my-discriminator",
            metadata: md,
            payload,
        }
    }

    #[test]
    fn reference_selector() {
        let md = json!({"x-argo-e2e": ["true"]});
        let p = json!({"message": "hello"});
        let e = Expression::new(
            r#"payload.message != "" && metadata["x-argo-e2e"] == ["true"] && discriminator == "my-discriminator""#,
            EnvKind::Plain,
        );
        assert_eq!(e.selector(&input(&p, &md)), Ok(true));
        let s = json!("just a string");
        let err = e.selector(&input(&s, &md)).unwrap_err();
        assert_eq!(err.phase, Phase::Compile);
        assert!(
            err.message
                .starts_with("type string has no field message (1:9)")
        );
    }

    #[test]
    fn argo_metadata_strings() {
        let md = json!({});
        let p = json!({"foo":{"bar":"baz","numeric":8675309,"bool":true,"pr":112},"list":["one","two"]});
        let i = input(&p, &md);
        let m = |s: &str| Expression::new(s, EnvKind::Metadata).metadata(&i);
        assert_eq!(m(r#""my-wfeb-" + payload.foo.bar"#).unwrap(), "my-wfeb-baz");
        assert_eq!(m("payload.list[0]").unwrap(), "one");
        assert_eq!(
            m(r#""my-wft-pr-"+sprig.toString(payload.foo.pr)+"-""#).unwrap(),
            "my-wft-pr-112-"
        );
        for (src, t) in [
            ("payload.foo.numeric", "float64"),
            ("payload.foo.bool", "bool"),
            ("payload.foo", "map[string]interface {}"),
            ("payload.list", "[]interface {}"),
            ("payload.nothing", "<nil>"),
        ] {
            let e = m(src).unwrap_err();
            assert_eq!(e.phase, Phase::Type);
            assert_eq!(e.message, format!("must evaluate to a string, not a {t}"));
        }
        let e = m("foo.[..]bar").unwrap_err();
        assert_eq!(e.message, "expected name (1:6)\n | foo.[..]bar\n | .....^");
    }

    #[test]
    fn argo_operation_test_strings() {
        let md = json!({});
        let p = json!({"foo":{"bar":"baz"},"formatted":"My%Test%"});
        let i = input(&p, &md);
        let sel = |s: &str| Expression::new(s, EnvKind::Plain).selector(&i);
        assert_eq!(sel("").unwrap_err().message, "unexpected token EOF");
        assert_eq!(
            sel("garbage!!!!!!").unwrap_err().message,
            "unexpected token Operator(\"!\") (1:8)\n | garbage!!!!!!\n | .......^"
        );
        assert_eq!(
            sel("\"garbage\"").unwrap_err().message,
            "unable to cast expression result 'garbage' to bool"
        );
        assert_eq!(sel("payload.foo.bar == 'baz'"), Ok(true));
        assert_eq!(sel("false"), Ok(false));
        let par = |s: &str| Expression::new(s, EnvKind::Plain).param(&i);
        assert_eq!(par("payload.foo").unwrap(), r#"{"bar":"baz"}"#);
        assert_eq!(par("payload.formatted").unwrap(), "My%Test%");
        assert_eq!(par("\"bar\"").unwrap(), "bar");
        assert_eq!(
            par("rubbish!!!").unwrap_err().message,
            "unexpected token Operator(\"!\") (1:8)\n | rubbish!!!\n | .......^"
        );
    }

    #[test]
    fn send_sync_clone() {
        fn assert_traits<T: Send + Sync + Clone>() {}
        assert_traits::<Expression>();
    }
}

#[cfg(test)]
mod limit_tests {
    use super::*;
    use serde_json::json;

    fn run(src: &str) -> Result<Value<'static>, ExprError> {
        let md = json!({});
        let p = json!({"list": [1, 2, 3]});
        let input = Input {
            namespace: "ns",
            discriminator: "",
            metadata: &md,
            payload: &p,
        };
        Expression::new(src, EnvKind::Plain)
            .eval(&input)
            .map(Value::into_owned)
    }

    #[test]
    fn deepest_accepted_expressions_run_on_a_test_thread() {
        // 4 999 additions: 9 999 nodes, the most Go accepts, and a tree 5 000 levels deep.
        let src = vec!["1"; 5000].join(" + ");
        assert_eq!(run(&src).unwrap().as_integer(), Some(5000));
        let nested = format!("{}1{}", "[".repeat(300), "]".repeat(300));
        assert!(run(&nested).is_ok());
    }

    #[test]
    fn limits_are_clear_errors() {
        let e = run("len(1..2000000)").unwrap_err();
        assert_eq!(e.phase, Phase::Run);
        assert!(e.message.starts_with("memory budget exceeded (1:6)"));
        let e = run("repeat(\"x\", 2000000)").unwrap_err();
        assert!(e.message.starts_with("memory budget exceeded"));
        let e = run("repeat(\"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\", 999999)").unwrap_err();
        assert!(e.message.starts_with("memory budget exceeded"));
        let e = run("let r = 1..1000; count(r, any(r, any(r, # == 0)))").unwrap_err();
        assert!(e.message.starts_with(crate::expr::limits::STEPS_EXCEEDED));
        let e = run(&"(".repeat(2000)).unwrap_err();
        assert!(e.message.contains("nests deeper than"));
    }

    #[test]
    fn memory_budget_counts_what_go_counts() {
        // Go's `memGrow` fails when the budget is reached, and counts ranges, array and map
        // literals, and the lists `map`, `filter` and `sortBy` build.
        assert_eq!(run("len(1..999999)").unwrap().as_integer(), Some(999_999));
        for src in [
            "len(1..1000000)",
            "len(map(1..600000, #))",
            "len(filter(1..600000, true))",
            "len(sortBy(1..600000, #))",
            "len(reduce(1..600000, [#], 0))",
            "len(reduce(1..600000, {{a: #}}, 0))",
        ] {
            let e = run(src).unwrap_err();
            assert_eq!(e.phase, Phase::Run, "{src}");
            assert!(
                e.message.starts_with("memory budget exceeded"),
                "{src}: {e:?}"
            );
        }
        // Constant arrays are folded at compile time and cost nothing, as in Go.
        assert!(run("len(1..999990) + len([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11])").is_ok());
    }

    #[test]
    fn shared_values_and_long_strings_are_bounded() {
        // Each level repeats the one below ten times: 10^n elements to print or compare.
        let levels = |base: &str, n: usize| {
            let mut src = format!("let a0 = {base};");
            for i in 1..=n {
                let prev = format!("a{}", i - 1);
                src.push_str(&format!(
                    " let a{i} = [{}];",
                    [prev.as_str(); 10].join(", ")
                ));
            }
            src
        };
        let heavy = levels("1..10", 6);
        for tail in ["a6", "string(a6)", "a6 == a6"] {
            let e = run(&format!("{heavy} {tail}")).unwrap_err();
            assert_eq!(e.phase, Phase::Run, "{tail}");
            assert!(
                e.message.starts_with("value exceeds 10000000 elements"),
                "{tail}: {e:?}"
            );
        }
        // One level less is fine, and comparing a value with itself does not walk it.
        let ok = levels("1..10", 5);
        assert_eq!(
            run(&format!("{ok} a5 == a5")).unwrap().as_bool(),
            Some(true)
        );
        assert_eq!(
            run(&format!("{ok} len(a5)")).unwrap().as_integer(),
            Some(10)
        );
        // Printing stops at the string limit instead of building hundreds of megabytes.
        let wide = levels("[repeat(\"x\", 1000)]", 5);
        let e = run(&format!("{wide} string(a5)")).unwrap_err();
        assert!(
            e.message.starts_with("string exceeds 16777216 bytes"),
            "{e:?}"
        );
        let e = run(&format!("{wide} toJSON(a5)")).unwrap_err();
        assert!(
            e.message
                .starts_with("json: encoding exceeds 16777216 bytes"),
            "{e:?}"
        );
        // Doubling a string, or growing one piece at a time, is bounded too.
        let e =
            run("let s = repeat(\"x\", 1000000); s+s+s+s+s+s+s+s+s+s+s+s+s+s+s+s+s+s").unwrap_err();
        assert!(
            e.message.starts_with("string exceeds 16777216 bytes"),
            "{e:?}"
        );
        let e = run("len(reduce(1..999999, #acc + \"xxxxxxxxxxxxxxxx\", \"\"))").unwrap_err();
        assert!(
            e.message.starts_with(crate::expr::limits::STEPS_EXCEEDED),
            "{e:?}"
        );
        // groupBy finds scalar keys by hash, with Go's key equality.
        let v = run("groupBy(1..200000, # % 3)").unwrap();
        assert_eq!(v.map_len(), Some(3));
        let v = run(
            "let g = groupBy([1, 1.0, -0.0, 0.0, \"1\", nil, nil, [1], [1]], #); \
             [len(g), len(g[1]), len(g[1.0]), len(g[0.0]), len(g[\"1\"]), len(g[nil])]",
        )
        .unwrap();
        assert_eq!(gofmt::sprint_v(&v), "[6 1 1 2 1 2]");
    }

    #[test]
    fn repeated_operands_cannot_blow_up() {
        // Go shares the repeated operand of `a ?: b` and of comparison chains between two
        // parents; copying it doubles the tree at each nesting level, so the expanded size is
        // bounded.
        let mut elvis = "true".to_string();
        let mut chain = "1".to_string();
        for _ in 0..40 {
            elvis = format!("({elvis} ?: false)");
            chain = format!("(1 < {chain} < 2)");
        }
        for src in [&elvis, &chain] {
            let e = run(src).unwrap_err();
            assert_eq!(e.phase, Phase::Compile);
            assert!(
                e.message.contains("once its repeated operands are counted"),
                "{e:?}"
            );
        }
        let mut small = "true".to_string();
        for _ in 0..8 {
            small = format!("({small} ?: false)");
        }
        assert_eq!(run(&small).unwrap().as_bool(), Some(true));
        // Nested predicates check each collection once (linear, not 2^n).
        let pipes = format!("payload.list{}", " | map(# + 1)".repeat(200));
        assert_eq!(
            gofmt::sprint_v(&run(&pipes).unwrap()),
            "[201 202 203]".to_string()
        );
    }
}
