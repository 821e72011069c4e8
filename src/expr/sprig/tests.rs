//! Unit tests of the sprig functions. Expected values follow the Go sources (sprig v3.3.0
//! and the libraries it wraps) and the examples in their documentation.

mod collections;
mod formats;
mod numbers;
mod regexes;
mod strings;

use crate::expr::gofmt::{self, JsonOptions};
use crate::expr::value::Value;

use super::{call, is_known, names::NAMES};

/// A computed Go string.
pub fn s(x: &str) -> Value<'static> {
    Value::from(x)
}

/// A Go `int` (expr integer literal).
pub fn i(x: i64) -> Value<'static> {
    Value::Int(x)
}

/// A Go `float64` (every JSON number).
pub fn f(x: f64) -> Value<'static> {
    Value::Float(x)
}

/// A borrowed JSON value, as the event's payload arrives.
pub fn j(text: &str) -> Value<'static> {
    let json: &'static serde_json::Value =
        Box::leak(Box::new(serde_json::from_str(text).expect("test JSON")));
    Value::from_json(json)
}

/// Calls `name` and expects success.
pub fn ok(name: &str, args: Vec<Value<'static>>) -> Value<'static> {
    match call(name, args) {
        Ok(v) => v,
        Err(e) => panic!("sprig.{name} failed: {e}"),
    }
}

/// Calls `name` and expects a Go `string` result.
pub fn ok_str(name: &str, args: Vec<Value<'static>>) -> String {
    let v = ok(name, args);
    assert_eq!(v.go_type(), "string", "sprig.{name} returned {v:?}");
    v.as_str().unwrap_or_default().to_string()
}

/// Calls `name` and expects an error; returns its text.
pub fn err(name: &str, args: Vec<Value<'static>>) -> String {
    match call(name, args) {
        Ok(v) => panic!("sprig.{name} succeeded with {v:?}"),
        Err(e) => e,
    }
}

/// `json.Marshal` of a value (compact, sorted keys), to compare lists and maps.
pub fn js(v: &Value<'_>) -> String {
    gofmt::to_json(v, JsonOptions::MARSHAL).expect("encodable")
}

/// `sprig.list(...)`.
pub fn list(items: Vec<Value<'static>>) -> Value<'static> {
    ok("list", items)
}

/// `sprig.dict(...)`.
pub fn dict(items: Vec<Value<'static>>) -> Value<'static> {
    ok("dict", items)
}

#[test]
fn names_are_sprigs_generic_func_map_without_env() {
    assert_eq!(NAMES.len(), 209);
    assert!(NAMES.windows(2).all(|w| w[0] < w[1]));
    for name in [
        "toString",
        "regexReplaceAll",
        "push",
        "mustPush",
        "hello",
        "urlJoin",
    ] {
        assert!(is_known(name), "{name}");
    }
    for name in ["env", "expandenv", "nope", "ToString", ""] {
        assert!(!is_known(name), "{name}");
    }
}

/// The functions flowgate deliberately does not run: randomness, the clock, the host, key
/// material, and semver.
const UNSUPPORTED: &[&str] = &[
    "ago",
    "bcrypt",
    "buildCustomCert",
    "date",
    "dateInZone",
    "dateModify",
    "date_in_zone",
    "date_modify",
    "decryptAES",
    "derivePassword",
    "encryptAES",
    "genCA",
    "genCAWithKey",
    "genPrivateKey",
    "genSelfSignedCert",
    "genSelfSignedCertWithKey",
    "genSignedCert",
    "genSignedCertWithKey",
    "getHostByName",
    "htmlDate",
    "htmlDateInZone",
    "htpasswd",
    "mustDateModify",
    "mustToDate",
    "must_date_modify",
    "now",
    "randAlpha",
    "randAlphaNum",
    "randAscii",
    "randBytes",
    "randInt",
    "randNumeric",
    "semver",
    "semverCompare",
    "shuffle",
    "toDate",
    "unixEpoch",
    "uuidv4",
];

#[test]
fn every_known_function_is_implemented_or_reported_unsupported() {
    let mut unsupported = Vec::new();
    for name in NAMES {
        let message = format!("sprig function \"{name}\" is not supported by flowgate");
        match call(name, Vec::new()) {
            Err(e) if e == message => unsupported.push(*name),
            // Implemented: called without arguments it works or fails like Go does.
            Err(e) => assert!(
                e.starts_with("reflect: Call with too few")
                    || e == "dig needs at least three arguments",
                "{name}: {e}"
            ),
            Ok(_) => {}
        }
    }
    assert_eq!(unsupported, UNSUPPORTED);
}

#[test]
fn nondeterministic_functions_are_unsupported() {
    for name in [
        "uuidv4",
        "now",
        "randAlpha",
        "randInt",
        "shuffle",
        "date",
        "toDate",
        "ago",
        "getHostByName",
        "genCA",
        "bcrypt",
        "encryptAES",
        "derivePassword",
        "semver",
    ] {
        assert_eq!(
            err(name, vec![s("x")]),
            format!("sprig function \"{name}\" is not supported by flowgate")
        );
    }
}

#[test]
fn unknown_names_fail_like_a_missing_map_entry() {
    assert_eq!(
        err("expandenv", vec![s("$HOME")]),
        "invalid operation: cannot call nil"
    );
    assert_eq!(err("nope", vec![]), "invalid operation: cannot call nil");
}

#[test]
fn arity_is_checked_like_reflect_call() {
    assert_eq!(
        err("trunc", vec![i(1)]),
        "reflect: Call with too few input arguments"
    );
    assert_eq!(
        err("trunc", vec![i(1), s("a"), s("b")]),
        "reflect: Call with too many input arguments"
    );
    assert_eq!(
        err("upper", vec![]),
        "reflect: Call with too few input arguments"
    );
    assert_eq!(
        err("hello", vec![i(1)]),
        "reflect: Call with too many input arguments"
    );
    // Variadic functions take any number of trailing arguments, even none.
    assert_eq!(ok_str("quote", vec![]), "");
    assert_eq!(
        err("mul", vec![]),
        "reflect: Call with too few input arguments"
    );
    // The count is checked before the types.
    assert_eq!(
        err("trunc", vec![s("x")]),
        "reflect: Call with too few input arguments"
    );
}

#[test]
fn argument_types_are_not_converted() {
    assert_eq!(
        err("upper", vec![i(1)]),
        "reflect: Call using int as type string"
    );
    assert_eq!(
        err("trunc", vec![f(3.0), s("abc")]),
        "reflect: Call using float64 as type int"
    );
    assert_eq!(
        err("trunc", vec![Value::Int64(3), s("abc")]),
        "reflect: Call using int64 as type int"
    );
    // nil arrives as a zero `interface {}`.
    assert_eq!(
        err("upper", vec![Value::Nil]),
        "reflect: Call using interface {} as type string"
    );
    assert_eq!(
        err("get", vec![Value::Nil, s("a")]),
        "reflect: Call using interface {} as type map[string]interface {}"
    );
    let split = ok("split", vec![s("/"), s("a/b")]);
    assert_eq!(
        err("get", vec![split, s("_0")]),
        "reflect: Call using map[string]string as type map[string]interface {}"
    );
    assert_eq!(
        err("ternary", vec![s("a"), s("b"), s("true")]),
        "reflect: Call using string as type bool"
    );
    assert_eq!(
        err("upper", vec![j(r#"["a"]"#)]),
        "reflect: Call using []interface {} as type string"
    );
    // Variadic elements have their own message.
    let d = dict(vec![s("a"), i(1)]);
    assert_eq!(
        err("pick", vec![d, i(1)]),
        "reflect: cannot use int as type string in Call"
    );
    assert_eq!(
        err("seq", vec![i(1), f(2.0)]),
        "reflect: cannot use float64 as type int in Call"
    );
    assert_eq!(
        err("round", vec![f(1.5), i(0), i(1)]),
        "reflect: cannot use int as type float64 in Call"
    );
    // Fixed parameters are checked before variadic ones.
    assert_eq!(
        err("pluck", vec![i(1), i(2)]),
        "reflect: Call using int as type string"
    );
    // JSON strings and maps are accepted where Go expects string and map[string]interface {}.
    let payload = j(r#"{"m": "hi", "o": {"k": "v"}}"#);
    let m = payload.map_get("m").unwrap_or(Value::Nil);
    assert_eq!(ok_str("upper", vec![m]), "HI");
    let o = payload.map_get("o").unwrap_or(Value::Nil);
    assert_eq!(ok_str("get", vec![o, s("k")]), "v");
}

#[test]
fn output_bounds() {
    assert_eq!(
        err("repeat", vec![i(2_000_000), s("x")]),
        "memory budget exceeded"
    );
    let big = "x".repeat(600_000);
    assert_eq!(
        err("replace", vec![s("x"), s("yy"), s(&big)]),
        "memory budget exceeded"
    );
    assert_eq!(
        err("indent", vec![i(3), s(&"\n".repeat(300_000))]),
        "memory budget exceeded"
    );
    let l = list(vec![s(&big), s(&big)]);
    assert_eq!(err("join", vec![s(""), l]), "memory budget exceeded");
    assert_eq!(
        err(
            "regexReplaceAll",
            vec![s(""), s(&"a".repeat(400_000)), s("--")]
        ),
        "memory budget exceeded"
    );
    assert_eq!(err("until", vec![i(1_000_001)]), "memory budget exceeded");
    assert_eq!(
        err("seq", vec![i(0), i(5_000_000)]),
        "memory budget exceeded"
    );
    assert_eq!(
        err(
            "wrapWith",
            vec![i(1), s(&"-".repeat(2000)), s(&"ab ".repeat(1000))]
        ),
        "memory budget exceeded"
    );
    // Just below the limits everything works.
    assert_eq!(ok_str("repeat", vec![i(1 << 20), s("x")]).len(), 1 << 20);
    assert_eq!(js(&ok("until", vec![i(3)])), "[0,1,2]");
}
