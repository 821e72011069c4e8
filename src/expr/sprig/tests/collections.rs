//! Lists (`list.go`), dicts (`dict.go`), defaults (`defaults.go`) and reflection helpers.

use super::{dict, err, f, i, j, js, list, ok, ok_str, s};
use crate::expr::value::Value;

const NIL_DEREF: &str = "runtime error: invalid memory address or nil pointer dereference";

fn l123() -> Value<'static> {
    list(vec![i(1), i(2), i(3)])
}

#[test]
fn list_and_tuple() {
    let l = ok("list", vec![s("a"), i(1), Value::Nil]);
    assert_eq!(l.go_type(), "[]interface {}");
    assert_eq!(js(&l), r#"["a",1,null]"#);
    assert_eq!(js(&ok("tuple", vec![])), "[]");
}

#[test]
fn append_and_prepend() {
    assert_eq!(js(&ok("append", vec![l123(), i(4)])), "[1,2,3,4]");
    assert_eq!(js(&ok("push", vec![j(r#"["a"]"#), s("b")])), r#"["a","b"]"#);
    assert_eq!(
        js(&ok("mustAppend", vec![ok("until", vec![i(2)]), s("x")])),
        r#"[0,1,"x"]"#
    );
    assert_eq!(js(&ok("prepend", vec![l123(), i(0)])), "[0,1,2,3]");
    assert_eq!(
        err("append", vec![s("abc"), i(1)]),
        "Cannot push on type string"
    );
    assert_eq!(
        err("mustPrepend", vec![f(1.0), i(1)]),
        "Cannot prepend on type float64"
    );
    assert_eq!(err("append", vec![Value::Nil, i(1)]), NIL_DEREF);
}

#[test]
fn first_last_rest_initial() {
    assert_eq!(ok("first", vec![l123()]).as_integer(), Some(1));
    assert_eq!(ok("last", vec![l123()]).as_integer(), Some(3));
    assert_eq!(ok_str("mustLast", vec![j(r#"["one","two"]"#)]), "two");
    assert_eq!(js(&ok("rest", vec![l123()])), "[2,3]");
    assert_eq!(js(&ok("initial", vec![l123()])), "[1,2]");
    assert!(ok("first", vec![list(vec![])]).is_nil());
    assert!(ok("mustLast", vec![list(vec![])]).is_nil());
    assert_eq!(js(&ok("rest", vec![list(vec![])])), "[]");
    assert_eq!(
        err("first", vec![s("abc")]),
        "Cannot find first on type string"
    );
    assert_eq!(
        err("mustFirst", vec![dict(vec![])]),
        "Cannot find first on type map"
    );
    assert_eq!(err("last", vec![i(1)]), "Cannot find last on type int");
    assert_eq!(
        err("rest", vec![Value::Bool(true)]),
        "Cannot find rest on type bool"
    );
    assert_eq!(err("initial", vec![Value::Nil]), NIL_DEREF);
    assert_eq!(err("first", vec![Value::Nil]), NIL_DEREF);
}

#[test]
fn reverse_compact_uniq_without_has() {
    assert_eq!(js(&ok("reverse", vec![l123()])), "[3,2,1]");
    let mixed = list(vec![
        i(0),
        s(""),
        Value::Nil,
        i(1),
        s("a"),
        Value::Bool(false),
        list(vec![]),
    ]);
    assert_eq!(js(&ok("compact", vec![mixed])), r#"[1,"a"]"#);
    // reflect.DeepEqual: int 1, float64 1 and "1" are all different.
    let u = ok(
        "uniq",
        vec![list(vec![
            i(1),
            i(1),
            s("1"),
            f(1.0),
            f(1.0),
            j("[1]"),
            j("[1]"),
        ])],
    );
    assert_eq!(js(&u), r#"[1,"1",1,[1]]"#);
    assert_eq!(
        u.array_get(2).map(|v| v.go_type().into_owned()).as_deref(),
        Some("float64")
    );
    let nan = ok("uniq", vec![list(vec![f(f64::NAN), f(f64::NAN)])]);
    assert_eq!(nan.array_len(), Some(2));
    assert_eq!(
        js(&ok(
            "without",
            vec![list(vec![i(1), i(2), i(3), i(2)]), i(2)]
        )),
        "[1,3]"
    );
    assert_eq!(js(&ok("without", vec![l123(), i(1), i(3)])), "[2]");
    assert_eq!(js(&ok("mustWithout", vec![l123()])), "[1,2,3]");
    assert_eq!(ok("has", vec![i(2), l123()]).as_bool(), Some(true));
    assert_eq!(ok("has", vec![f(2.0), l123()]).as_bool(), Some(false));
    assert_eq!(
        ok("mustHas", vec![s("two"), j(r#"["one","two"]"#)]).as_bool(),
        Some(true)
    );
    assert_eq!(ok("has", vec![i(1), Value::Nil]).as_bool(), Some(false));
    assert_eq!(
        err("has", vec![i(1), s("x")]),
        "Cannot find has on type string"
    );
    assert_eq!(err("uniq", vec![Value::Nil]), NIL_DEREF);
    assert_eq!(
        err("compact", vec![s("x")]),
        "Cannot compact on type string"
    );
    assert_eq!(
        err("reverse", vec![s("x")]),
        "Cannot find reverse on type string"
    );
}

#[test]
fn deep_equality_of_nested_values() {
    let u = ok(
        "uniq",
        vec![list(vec![
            j(r#"{"a":1}"#),
            dict(vec![s("a"), f(1.0)]),
            dict(vec![s("a"), i(1)]),
            f(0.0),
            f(-0.0),
            s("a"),
            Value::Bytes(b"a".as_slice().into()),
        ])],
    );
    assert_eq!(u.array_len(), Some(5));
    assert_eq!(js(&u), r#"[{"a":1},{"a":1},0,"a","YQ=="]"#);
    let w = ok(
        "without",
        vec![
            list(vec![
                j("[1,2]"),
                list(vec![f(1.0), f(2.0)]),
                list(vec![i(1), i(2)]),
            ]),
            list(vec![f(1.0), f(2.0)]),
        ],
    );
    assert_eq!(w.array_len(), Some(1));
    assert_eq!(
        w.array_get(0)
            .and_then(|x| x.array_get(0))
            .map(|x| x.go_type().into_owned())
            .as_deref(),
        Some("int")
    );
    // Many distinct objects are handled by hashing, not pairwise comparison.
    let many: Vec<String> = (0..20_000).map(|n| format!(r#"{{"id":{n}}}"#)).collect();
    let big = j(&format!("[{}]", many.join(",")));
    assert_eq!(ok("uniq", vec![big]).array_len(), Some(20_000));
}

#[test]
fn slice_keeps_the_list_type() {
    let l = list(vec![i(1), i(2), i(3), i(4)]);
    assert_eq!(js(&ok("slice", vec![l.clone(), i(1), i(3)])), "[2,3]");
    assert_eq!(js(&ok("slice", vec![l.clone()])), "[1,2,3,4]");
    assert_eq!(js(&ok("slice", vec![l.clone(), s("2")])), "[3,4]");
    assert_eq!(
        err("slice", vec![l.clone(), i(3), i(1)]),
        "reflect.Value.Slice: slice index out of bounds"
    );
    assert_eq!(
        err("mustSlice", vec![l, i(0), i(5)]),
        "reflect.Value.Slice: slice index out of bounds"
    );
    assert!(ok("slice", vec![list(vec![])]).is_nil());
    let strings = ok(
        "slice",
        vec![ok("splitList", vec![s(","), s("a,b,c")]), i(1)],
    );
    assert_eq!(strings.go_type(), "[]string");
    assert_eq!(js(&strings), r#"["b","c"]"#);
    let json = ok("slice", vec![j("[1,2,3]"), i(0), i(2)]);
    assert!(matches!(json, Value::JsonArray(_)));
    assert_eq!(js(&json), "[1,2]");
    assert_eq!(
        err("slice", vec![s("abc"), i(1)]),
        "list should be type of slice or array but string"
    );
    assert_eq!(err("slice", vec![Value::Nil]), NIL_DEREF);
}

#[test]
fn concat_and_chunk() {
    let c = ok(
        "concat",
        vec![list(vec![i(1)]), j("[2,3]"), ok("until", vec![i(1)])],
    );
    assert_eq!(c.go_type(), "[]interface {}");
    assert_eq!(js(&c), "[1,2,3,0]");
    assert_eq!(js(&ok("concat", vec![])), "[]");
    assert_eq!(
        err("concat", vec![l123(), s("x")]),
        "Cannot concat type string as list"
    );
    assert_eq!(err("concat", vec![Value::Nil]), NIL_DEREF);
    let l5 = list(vec![i(1), i(2), i(3), i(4), i(5)]);
    assert_eq!(
        js(&ok("chunk", vec![i(2), l5.clone()])),
        "[[1,2],[3,4],[5]]"
    );
    assert_eq!(
        js(&ok("mustChunk", vec![i(5), l5.clone()])),
        "[[1,2,3,4,5]]"
    );
    assert_eq!(js(&ok("chunk", vec![i(7), l5.clone()])), "[[1,2,3,4,5]]");
    assert_eq!(js(&ok("chunk", vec![i(2), list(vec![])])), "[]");
    assert_eq!(js(&ok("chunk", vec![i(-1), list(vec![i(1), i(2)])])), "[]");
    assert_eq!(js(&ok("chunk", vec![i(-2), list(vec![i(1)])])), "[[1]]");
    assert_eq!(
        err("chunk", vec![i(0), l5]),
        "runtime error: makeslice: len out of range"
    );
    assert_eq!(err("chunk", vec![i(2), s("x")]), "Cannot chunk type string");
}

#[test]
fn dict_get_set_unset_has_key() {
    let d = dict(vec![s("a"), i(1), s("b")]);
    assert_eq!(d.go_type(), "map[string]interface {}");
    assert_eq!(js(&d), r#"{"a":1,"b":""}"#);
    assert_eq!(
        js(&dict(vec![i(1), s("x"), Value::Nil, s("y")])),
        r#"{"1":"x","\u003cnil\u003e":"y"}"#
    );
    assert_eq!(js(&dict(vec![])), "{}");
    assert_eq!(ok("get", vec![d.clone(), s("a")]).as_integer(), Some(1));
    assert_eq!(ok_str("get", vec![d.clone(), s("zz")]), "");
    let payload = j(r#"{"n": null}"#);
    assert!(ok("get", vec![payload, s("n")]).is_nil());
    let d2 = ok("set", vec![d.clone(), s("c"), Value::Bool(true)]);
    assert_eq!(js(&d2), r#"{"a":1,"b":"","c":true}"#);
    // The argument is not mutated.
    assert_eq!(js(&d), r#"{"a":1,"b":""}"#);
    assert_eq!(js(&ok("unset", vec![d.clone(), s("a")])), r#"{"b":""}"#);
    assert_eq!(
        js(&ok("unset", vec![d.clone(), s("zz")])),
        r#"{"a":1,"b":""}"#
    );
    assert_eq!(ok("hasKey", vec![d.clone(), s("b")]).as_bool(), Some(true));
    assert_eq!(ok("hasKey", vec![d, s("z")]).as_bool(), Some(false));
}

#[test]
fn pluck_keys_values_pick_omit() {
    let a = dict(vec![s("a"), i(1), s("b"), i(2)]);
    let b = dict(vec![s("c"), i(3), s("a"), i(4)]);
    assert_eq!(
        js(&ok("pluck", vec![s("a"), a.clone(), b.clone()])),
        "[1,4]"
    );
    assert_eq!(js(&ok("pluck", vec![s("z"), a.clone()])), "[]");
    let k = ok("keys", vec![a.clone(), b.clone()]);
    assert_eq!(k.go_type(), "[]string");
    assert_eq!(js(&k), r#"["a","b","a","c"]"#);
    assert_eq!(js(&ok("values", vec![b.clone()])), "[4,3]");
    assert_eq!(
        js(&ok("pick", vec![a.clone(), s("a"), s("z")])),
        r#"{"a":1}"#
    );
    assert_eq!(js(&ok("omit", vec![a.clone(), s("a")])), r#"{"b":2}"#);
    assert_eq!(js(&ok("omit", vec![a])), r#"{"a":1,"b":2}"#);
    assert_eq!(js(&ok("keys", vec![j(r#"{"y":1,"x":2}"#)])), r#"["x","y"]"#);
}

#[test]
fn merge_fills_empty_values_and_merge_overwrite_replaces() {
    let dst = || {
        dict(vec![
            s("a"),
            s("x"),
            s("b"),
            s(""),
            s("n"),
            dict(vec![s("x"), i(1)]),
        ])
    };
    let src = dict(vec![
        s("a"),
        s("y"),
        s("b"),
        s("z"),
        s("c"),
        s("w"),
        s("n"),
        dict(vec![s("x"), i(2), s("y"), i(3)]),
    ]);
    assert_eq!(
        js(&ok("merge", vec![dst(), src.clone()])),
        r#"{"a":"x","b":"z","c":"w","n":{"x":1,"y":3}}"#
    );
    assert_eq!(
        js(&ok("mergeOverwrite", vec![dst(), src.clone()])),
        r#"{"a":"y","b":"z","c":"w","n":{"x":2,"y":3}}"#
    );
    let with_nil = dict(vec![s("a"), Value::Nil]);
    assert_eq!(
        js(&ok("mustMerge", vec![dst(), with_nil.clone()])),
        r#"{"a":"x","b":"","n":{"x":1}}"#
    );
    assert_eq!(
        js(&ok(
            "mustMergeOverwrite",
            vec![dict(vec![s("a"), i(1)]), with_nil]
        )),
        r#"{"a":null}"#
    );
    // Several sources apply in order; a non-map value is not replaced by a map unless
    // overwriting.
    let m = ok(
        "merge",
        vec![
            dict(vec![s("k"), i(1)]),
            dict(vec![s("k"), dict(vec![])]),
            dict(vec![s("j"), i(2)]),
        ],
    );
    assert_eq!(js(&m), r#"{"j":2,"k":1}"#);
    let m = ok(
        "mergeOverwrite",
        vec![dict(vec![s("k"), i(1)]), dict(vec![s("k"), dict(vec![])])],
    );
    assert_eq!(js(&m), r#"{"k":{}}"#);
}

#[test]
fn dig_walks_nested_dicts() {
    let d = j(r#"{"a": {"b": {"c": 1}}, "s": "str"}"#);
    assert_eq!(
        ok("dig", vec![s("a"), s("b"), s("c"), s("def"), d.clone()]).as_number(),
        Some(1.0)
    );
    assert_eq!(
        ok_str("dig", vec![s("a"), s("x"), s("def"), d.clone()]),
        "def"
    );
    assert_eq!(
        js(&ok("dig", vec![s("a"), s("def"), d.clone()])),
        r#"{"b":{"c":1}}"#
    );
    assert_eq!(
        err("dig", vec![s("s"), s("x"), s("def"), d.clone()]),
        "interface conversion: interface {} is string, not map[string]interface {}"
    );
    assert_eq!(
        err("dig", vec![i(1), s("def"), d.clone()]),
        "interface conversion: interface {} is int, not string"
    );
    assert_eq!(
        err("dig", vec![s("a"), s("def"), Value::Nil]),
        "interface conversion: interface {} is nil, not map[string]interface {}"
    );
    assert_eq!(
        err("dig", vec![s("a"), d]),
        "dig needs at least three arguments"
    );
}

#[test]
fn defaults_and_emptiness() {
    assert_eq!(
        ok_str("default", vec![s("fallback"), Value::Nil]),
        "fallback"
    );
    assert_eq!(ok_str("default", vec![s("fallback"), s("")]), "fallback");
    assert_eq!(ok_str("default", vec![s("fallback"), s("x")]), "x");
    assert_eq!(ok_str("default", vec![s("fallback")]), "fallback");
    assert_eq!(ok_str("default", vec![s("f"), i(0)]), "f");
    assert_eq!(ok_str("default", vec![s("f"), Value::Bool(false)]), "f");
    assert_eq!(ok_str("default", vec![s("f"), list(vec![])]), "f");
    assert_eq!(ok("default", vec![s("f"), f(0.5)]).as_number(), Some(0.5));
    for empty in [
        Value::Nil,
        s(""),
        i(0),
        f(0.0),
        Value::Bool(false),
        list(vec![]),
        dict(vec![]),
        j("{}"),
    ] {
        assert_eq!(
            ok("empty", vec![empty.clone()]).as_bool(),
            Some(true),
            "{empty:?}"
        );
    }
    for full in [
        s(" "),
        i(1),
        f(-0.1),
        Value::Bool(true),
        list(vec![i(0)]),
        j(r#"{"a":null}"#),
    ] {
        assert_eq!(
            ok("empty", vec![full.clone()]).as_bool(),
            Some(false),
            "{full:?}"
        );
    }
    assert_eq!(
        ok_str("coalesce", vec![Value::Nil, s(""), s("x"), s("y")]),
        "x"
    );
    assert!(ok("coalesce", vec![Value::Nil, i(0)]).is_nil());
    assert_eq!(
        ok("all", vec![s("a"), i(1), Value::Bool(true)]).as_bool(),
        Some(true)
    );
    assert_eq!(ok("all", vec![s("a"), i(0)]).as_bool(), Some(false));
    assert_eq!(ok("all", vec![]).as_bool(), Some(true));
    assert_eq!(
        ok("any", vec![Value::Nil, s(""), i(1)]).as_bool(),
        Some(true)
    );
    assert_eq!(ok("any", vec![]).as_bool(), Some(false));
    assert_eq!(
        ok_str("ternary", vec![s("yes"), s("no"), Value::Bool(true)]),
        "yes"
    );
    assert_eq!(
        ok_str("ternary", vec![s("yes"), s("no"), Value::Bool(false)]),
        "no"
    );
}

#[test]
fn reflection_helpers() {
    assert_eq!(ok_str("typeOf", vec![f(1.0)]), "float64");
    assert_eq!(ok_str("typeOf", vec![Value::Nil]), "<nil>");
    assert_eq!(ok_str("typeOf", vec![i(1)]), "int");
    assert_eq!(ok_str("typeOf", vec![j("[1]")]), "[]interface {}");
    assert_eq!(
        ok_str("typeOf", vec![ok("split", vec![s("/"), s("a")])]),
        "map[string]string"
    );
    assert_eq!(
        ok("typeIs", vec![s("float64"), f(1.0)]).as_bool(),
        Some(true)
    );
    assert_eq!(ok("typeIs", vec![s("int"), f(1.0)]).as_bool(), Some(false));
    assert_eq!(
        ok("typeIsLike", vec![s("string"), s("x")]).as_bool(),
        Some(true)
    );
    assert_eq!(ok_str("kindOf", vec![Value::Nil]), "invalid");
    assert_eq!(ok_str("kindOf", vec![list(vec![])]), "slice");
    assert_eq!(ok_str("kindOf", vec![j("{}")]), "map");
    assert_eq!(ok_str("kindOf", vec![s("s")]), "string");
    assert_eq!(ok_str("kindOf", vec![Value::Duration(1)]), "int64");
    assert_eq!(
        ok("kindIs", vec![s("int"), Value::Int64(1)]).as_bool(),
        Some(false)
    );
    assert_eq!(
        ok("kindIs", vec![s("int64"), Value::Int64(1)]).as_bool(),
        Some(true)
    );
    assert_eq!(ok("deepEqual", vec![l123(), l123()]).as_bool(), Some(true));
    assert_eq!(ok("deepEqual", vec![f(1.0), i(1)]).as_bool(), Some(false));
    assert_eq!(
        ok("deepEqual", vec![Value::Nil, Value::Nil]).as_bool(),
        Some(true)
    );
    assert_eq!(
        ok("deepEqual", vec![j(r#"{"a":[1]}"#), j(r#"{"a":[1]}"#)]).as_bool(),
        Some(true)
    );
    assert_eq!(js(&ok("deepCopy", vec![j(r#"{"a":[1]}"#)])), r#"{"a":[1]}"#);
    assert_eq!(ok_str("mustDeepCopy", vec![s("x")]), "x");
}
