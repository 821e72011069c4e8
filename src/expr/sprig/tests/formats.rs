//! JSON, encodings, hashes, paths, URLs and durations.

use super::{dict, err, f, i, j, js, list, ok, ok_str, s};
use crate::expr::value::Value;

#[test]
fn to_json_family() {
    let v = dict(vec![s("b"), Value::Nil, s("a"), list(vec![i(1), s("x")])]);
    assert_eq!(
        ok_str("toJson", vec![v.clone()]),
        r#"{"a":[1,"x"],"b":null}"#
    );
    assert_eq!(
        ok_str("mustToJson", vec![v.clone()]),
        r#"{"a":[1,"x"],"b":null}"#
    );
    assert_eq!(
        ok_str("toPrettyJson", vec![v.clone()]),
        "{\n  \"a\": [\n    1,\n    \"x\"\n  ],\n  \"b\": null\n}"
    );
    assert_eq!(ok_str("toJson", vec![s("<&>")]), r#""\u003c\u0026\u003e""#);
    assert_eq!(ok_str("toRawJson", vec![s("<&>")]), r#""<&>""#);
    assert_eq!(
        ok_str("mustToRawJson", vec![v]),
        r#"{"a":[1,"x"],"b":null}"#
    );
    assert_eq!(ok_str("toJson", vec![f(1e21)]), "1e+21");
    assert_eq!(ok_str("toJson", vec![f(f64::NAN)]), "");
    assert_eq!(
        err("mustToJson", vec![f(f64::NAN)]),
        "json: unsupported value: NaN"
    );
    assert_eq!(
        err("mustToPrettyJson", vec![f(f64::INFINITY)]),
        "json: unsupported value: +Inf"
    );
}

#[test]
fn from_json_decodes_like_json_unmarshal() {
    let v = ok("fromJson", vec![s(r#"{"a":[1,2.5,"x",null,true]}"#)]);
    assert_eq!(v.go_type(), "map[string]interface {}");
    assert_eq!(js(&v), r#"{"a":[1,2.5,"x",null,true]}"#);
    assert_eq!(
        v.map_get("a")
            .and_then(|a| a.array_get(0))
            .map(|n| n.go_type().into_owned())
            .as_deref(),
        Some("float64")
    );
    assert!(ok("fromJson", vec![s("bad")]).is_nil());
    assert_eq!(ok_str("mustFromJson", vec![s(r#""x""#)]), "x");
    for (input, message) in [
        (
            "tru",
            "invalid character ' ' in literal true (expecting 'e')",
        ),
        (
            "no",
            "invalid character 'o' in literal null (expecting 'u')",
        ),
        ("[1", "unexpected end of JSON input"),
        ("", "unexpected end of JSON input"),
        ("{\"a\" 1}", "invalid character '1' after object key"),
        (
            "{\"a\":1 \"b\"}",
            "invalid character '\"' after object key:value pair",
        ),
        (
            "[1,]",
            "invalid character ']' looking for beginning of value",
        ),
        ("[1 2]", "invalid character '2' after array element"),
        (
            "{1:2}",
            "invalid character '1' looking for beginning of object key string",
        ),
        ("1 2", "invalid character '2' after top-level value"),
        ("\"\\x\"", "invalid character 'x' in string escape code"),
        (
            "\"\\u12g4\"",
            "invalid character 'g' in \\u hexadecimal character escape",
        ),
        ("\"a\tb\"", "invalid character '\\t' in string literal"),
        ("01", "invalid character '1' after top-level value"),
        (
            "1.",
            "invalid character ' ' after decimal point in numeric literal",
        ),
        (
            "1e+",
            "invalid character ' ' in exponent of numeric literal",
        ),
        ("-", "invalid character ' ' in numeric literal"),
        (
            "'a'",
            "invalid character '\\'' looking for beginning of value",
        ),
        ("é", "invalid character 'Ã' looking for beginning of value"),
    ] {
        assert_eq!(err("mustFromJson", vec![s(input)]), message, "{input:?}");
    }
}

#[test]
fn base64_follows_gos_std_encoding() {
    assert_eq!(ok_str("b64enc", vec![s("hello")]), "aGVsbG8=");
    assert_eq!(ok_str("b64enc", vec![s("🎉 party")]), "8J+OiSBwYXJ0eQ==");
    assert_eq!(ok_str("b64enc", vec![s("")]), "");
    assert_eq!(ok_str("b64dec", vec![s("aGVsbG8=")]), "hello");
    assert_eq!(ok_str("b64dec", vec![s("aGVs\nbG8=\n")]), "hello");
    // Non-zero trailing bits are accepted (the encoding is not strict).
    assert_eq!(ok_str("b64dec", vec![s("aGl=")]), "hi");
    assert_eq!(ok_str("b64dec", vec![s("")]), "");
    // Errors are returned as the result text.
    assert_eq!(
        ok_str("b64dec", vec![s("aGVsbG8")]),
        "illegal base64 data at input byte 4"
    );
    assert_eq!(
        ok_str("b64dec", vec![s("a")]),
        "illegal base64 data at input byte 0"
    );
    assert_eq!(
        ok_str("b64dec", vec![s("aGV*")]),
        "illegal base64 data at input byte 3"
    );
    assert_eq!(
        ok_str("b64dec", vec![s("aGk=x")]),
        "illegal base64 data at input byte 4"
    );
    assert_eq!(
        ok_str("b64dec", vec![s("=")]),
        "illegal base64 data at input byte 0"
    );
    assert_eq!(ok_str("b64dec", vec![s("aG==")]), "h");
    assert_eq!(
        ok_str("b64dec", vec![s("aG=")]),
        "illegal base64 data at input byte 3"
    );
    // Decoded bytes that are not UTF-8 print as U+FFFD.
    assert_eq!(ok_str("b64dec", vec![s("/w==")]), "\u{FFFD}");
}

#[test]
fn base32_follows_gos_std_encoding() {
    assert_eq!(ok_str("b32enc", vec![s("coffee")]), "MNXWMZTFMU======");
    assert_eq!(ok_str("b32enc", vec![s("foo")]), "MZXW6===");
    assert_eq!(ok_str("b32enc", vec![s("fooba")]), "MZXW6YTB");
    assert_eq!(ok_str("b32dec", vec![s("MNXWMZTFMU======")]), "coffee");
    assert_eq!(ok_str("b32dec", vec![s("MZXW6===\n")]), "foo");
    assert_eq!(
        ok_str("b32dec", vec![s("MZXW6")]),
        "illegal base32 data at input byte 0"
    );
    assert_eq!(
        ok_str("b32dec", vec![s("mzxw6===")]),
        "illegal base32 data at input byte 0"
    );
    assert_eq!(
        ok_str("b32dec", vec![s("MZXW6=x=")]),
        "illegal base32 data at input byte 5"
    );
}

#[test]
fn checksums() {
    assert_eq!(
        ok_str("sha1sum", vec![s("abc")]),
        "a9993e364706816aba3e25717850c26c9cd0d89d"
    );
    assert_eq!(
        ok_str("sha256sum", vec![s("hello")]),
        "2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824"
    );
    assert_eq!(
        ok_str("sha512sum", vec![s("abc")]),
        "ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a\
         2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f"
    );
    assert_eq!(ok_str("adler32sum", vec![s("Wikipedia")]), "300286872");
    assert_eq!(ok_str("adler32sum", vec![s("")]), "1");
}

#[test]
fn paths_are_slash_paths() {
    for name in ["base", "osBase"] {
        assert_eq!(ok_str(name, vec![s("/a/b/")]), "b");
        assert_eq!(ok_str(name, vec![s("")]), ".");
        assert_eq!(ok_str(name, vec![s("///")]), "/");
        assert_eq!(ok_str(name, vec![s("file.txt")]), "file.txt");
    }
    for name in ["dir", "osDir"] {
        assert_eq!(ok_str(name, vec![s("/a/b/c")]), "/a/b");
        assert_eq!(ok_str(name, vec![s("a")]), ".");
        assert_eq!(ok_str(name, vec![s("/a")]), "/");
        assert_eq!(ok_str(name, vec![s("a/b/")]), "a/b");
    }
    for name in ["clean", "osClean"] {
        assert_eq!(ok_str(name, vec![s("a//b/../c/.")]), "a/c");
        assert_eq!(ok_str(name, vec![s("/../a")]), "/a");
        assert_eq!(ok_str(name, vec![s("../../a/..")]), "../..");
        assert_eq!(ok_str(name, vec![s("a/b/../..")]), ".");
        assert_eq!(ok_str(name, vec![s("")]), ".");
        assert_eq!(ok_str(name, vec![s("/")]), "/");
    }
    for name in ["ext", "osExt"] {
        assert_eq!(ok_str(name, vec![s("a/b.tar.gz")]), ".gz");
        assert_eq!(ok_str(name, vec![s("a.b/c")]), "");
        assert_eq!(ok_str(name, vec![s("noext")]), "");
    }
    for name in ["isAbs", "osIsAbs"] {
        assert_eq!(ok(name, vec![s("/x")]).as_bool(), Some(true));
        assert_eq!(ok(name, vec![s("x/y")]).as_bool(), Some(false));
    }
}

#[test]
fn url_parse_reports_gos_url_fields() {
    let u = ok("urlParse", vec![s("https://a.b/c?d=e")]);
    assert_eq!(
        js(&u),
        r#"{"fragment":"","host":"a.b","hostname":"a.b","opaque":"","path":"/c","query":"d=e","scheme":"https","userinfo":""}"#
    );
    let u = ok(
        "urlParse",
        vec![s("HTTP://user:p%40ss@example.com:8080/p%20q?x#frag%21")],
    );
    assert_eq!(
        js(&u),
        r#"{"fragment":"frag!","host":"example.com:8080","hostname":"example.com","opaque":"","path":"/p q","query":"x","scheme":"http","userinfo":"user:p%40ss"}"#
    );
    let u = ok("urlParse", vec![s("mailto:joe@example.com")]);
    assert_eq!(
        u.map_get("opaque")
            .and_then(|v| v.as_str().map(str::to_string))
            .as_deref(),
        Some("joe@example.com")
    );
    let u = ok("urlParse", vec![s("http://[::1]:80/x")]);
    assert_eq!(
        u.map_get("hostname")
            .and_then(|v| v.as_str().map(str::to_string))
            .as_deref(),
        Some("::1")
    );
    let u = ok("urlParse", vec![s("/rel/path")]);
    assert_eq!(
        u.map_get("path")
            .and_then(|v| v.as_str().map(str::to_string))
            .as_deref(),
        Some("/rel/path")
    );
    for (input, message) in [
        (
            "http://[::1",
            r#"unable to parse url: parse "http://[::1": missing ']' in host"#,
        ),
        (
            ":foo",
            r#"unable to parse url: parse ":foo": missing protocol scheme"#,
        ),
        (
            "http://a b/",
            r#"unable to parse url: parse "http://a b/": invalid character " " in host name"#,
        ),
        (
            "a%zzb",
            r#"unable to parse url: parse "a%zzb": invalid URL escape "%zz""#,
        ),
        (
            "/z%",
            r#"unable to parse url: parse "/z%": invalid URL escape "%""#,
        ),
        ("x:y/z%", "ok"),
        ("a:b/c", "ok"),
        (
            "1a:b",
            r#"unable to parse url: parse "1a:b": first path segment in URL cannot contain colon"#,
        ),
        (
            "http://h:x/",
            r#"unable to parse url: parse "http://h:x/": invalid port ":x" after host"#,
        ),
        (
            "http://a\nb",
            r#"unable to parse url: parse "http://a\nb": net/url: invalid control character in URL"#,
        ),
        (
            "http://h/#%zz",
            r#"unable to parse url: parse "http://h/#%zz": invalid URL escape "%zz""#,
        ),
    ] {
        match message {
            "ok" => {
                ok("urlParse", vec![s(input)]);
            }
            m => assert_eq!(err("urlParse", vec![s(input)]), m, "{input:?}"),
        }
    }
}

#[test]
fn url_join_builds_gos_url_string() {
    let d = dict(vec![
        s("scheme"),
        s("https"),
        s("host"),
        s("a.b"),
        s("path"),
        s("/c d"),
        s("query"),
        s("x=1"),
        s("fragment"),
        s("f g"),
    ]);
    assert_eq!(ok_str("urlJoin", vec![d]), "https://a.b/c%20d?x=1#f%20g");
    assert_eq!(
        ok_str(
            "urlJoin",
            vec![dict(vec![s("host"), s("h"), s("path"), s("p")])]
        ),
        "//h/p"
    );
    assert_eq!(
        ok_str("urlJoin", vec![dict(vec![s("path"), s("a:b")])]),
        "./a:b"
    );
    assert_eq!(
        ok_str(
            "urlJoin",
            vec![dict(vec![s("userinfo"), s("u:p"), s("host"), s("h")])]
        ),
        "//u:p@h"
    );
    assert_eq!(
        ok_str(
            "urlJoin",
            vec![dict(vec![s("scheme"), s("mailto"), s("opaque"), s("x@y")])]
        ),
        "mailto:x@y"
    );
    assert_eq!(ok_str("urlJoin", vec![dict(vec![])]), "");
    // Round trip.
    let parsed = ok("urlParse", vec![s("https://u@h:1/p?q=1#f")]);
    assert_eq!(ok_str("urlJoin", vec![parsed]), "https://u@h:1/p?q=1#f");
    assert_eq!(
        err("urlJoin", vec![dict(vec![s("scheme"), i(1)])]),
        "unable to parse scheme key, must be of type string, but int found"
    );
    assert_eq!(
        err("urlJoin", vec![dict(vec![s("host"), Value::Nil])]),
        "runtime error: invalid memory address or nil pointer dereference"
    );
    assert_eq!(
        err("urlJoin", vec![dict(vec![s("userinfo"), s("a b")])]),
        r#"unable to parse userinfo in dict: parse "proto://a b@host": net/url: invalid userinfo"#
    );
}

#[test]
fn durations() {
    assert_eq!(ok_str("duration", vec![s("90")]), "1m30s");
    assert_eq!(ok_str("duration", vec![Value::Int64(3600)]), "1h0m0s");
    assert_eq!(ok_str("duration", vec![s("0")]), "0s");
    // Only string and int64 arguments count; expr's int and JSON's float64 are 0.
    assert_eq!(ok_str("duration", vec![i(90)]), "0s");
    assert_eq!(ok_str("duration", vec![f(90.0)]), "0s");
    assert_eq!(ok_str("duration", vec![s("x")]), "0s");
    assert_eq!(ok_str("durationRound", vec![s("2h30m")]), "2h");
    assert_eq!(ok_str("durationRound", vec![s("-90s")]), "1m");
    assert_eq!(ok_str("durationRound", vec![s("1.5h")]), "1h");
    assert_eq!(ok_str("durationRound", vec![s("1h")]), "60m");
    assert_eq!(ok_str("durationRound", vec![s("1s")]), "0s");
    assert_eq!(ok_str("durationRound", vec![s("800h")]), "1m");
    assert_eq!(ok_str("durationRound", vec![s("9000h")]), "1y");
    assert_eq!(ok_str("durationRound", vec![s("36h")]), "1d");
    assert_eq!(ok_str("durationRound", vec![s("bad")]), "0s");
    assert_eq!(
        ok_str("durationRound", vec![Value::Int64(2_000_000_000)]),
        "2s"
    );
    assert_eq!(ok_str("durationRound", vec![j("1")]), "0s");
}
