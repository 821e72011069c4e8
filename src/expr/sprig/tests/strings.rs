//! String functions: `strings.go` and the goutils / xstrings / Go `strings` helpers.

use super::{err, f, i, j, js, list, ok, ok_str, s};
use crate::expr::value::Value;

#[test]
fn to_string_uses_strval() {
    assert_eq!(ok_str("toString", vec![f(8675309.0)]), "8.675309e+06");
    assert_eq!(ok_str("toString", vec![f(112.0)]), "112");
    assert_eq!(ok_str("toString", vec![f(1e-7)]), "1e-07");
    assert_eq!(ok_str("toString", vec![Value::Nil]), "<nil>");
    assert_eq!(ok_str("toString", vec![Value::Bool(true)]), "true");
    assert_eq!(ok_str("toString", vec![Value::Int64(-5)]), "-5");
    assert_eq!(
        ok_str("toString", vec![Value::Bytes(b"hi".as_slice().into())]),
        "hi"
    );
    assert_eq!(
        ok_str("toString", vec![Value::Duration(90_000_000_000)]),
        "1m30s"
    );
    assert_eq!(
        ok_str("toString", vec![j(r#"[1,"a",null]"#)]),
        "[1 a <nil>]"
    );
    assert_eq!(
        ok_str("toString", vec![j(r#"{"b":2,"a":1}"#)]),
        "map[a:1 b:2]"
    );
}

#[test]
fn trunc_cuts_bytes() {
    assert_eq!(ok_str("trunc", vec![i(3), s("foooooo")]), "foo");
    assert_eq!(ok_str("trunc", vec![i(-3), s("baaaaaar")]), "aar");
    assert_eq!(ok_str("trunc", vec![i(-999), s("baaaaaar")]), "baaaaaar");
    assert_eq!(ok_str("trunc", vec![i(0), s("baaaaaz")]), "");
    assert_eq!(ok_str("trunc", vec![i(2), s("é")]), "é");
    // Half a character is an invalid byte, shown as U+FFFD like Go prints it.
    assert_eq!(ok_str("trunc", vec![i(1), s("é")]), "\u{FFFD}");
}

#[test]
fn trim_family() {
    assert_eq!(ok_str("trim", vec![s("   5.00   ")]), "5.00");
    assert_eq!(ok_str("trim", vec![s("\u{a0}\tx\u{3000}")]), "x");
    assert_eq!(ok_str("trimAll", vec![s("$"), s("$5.00$")]), "5.00");
    assert_eq!(ok_str("trimall", vec![s("-"), s("--x--")]), "x");
    assert_eq!(ok_str("trimAll", vec![s("ab"), s("abxba")]), "x");
    assert_eq!(ok_str("trimAll", vec![s(""), s("ab")]), "ab");
    assert_eq!(ok_str("trimPrefix", vec![s("$"), s("$5.00")]), "5.00");
    assert_eq!(ok_str("trimPrefix", vec![s("x"), s("$5.00")]), "$5.00");
    assert_eq!(ok_str("trimSuffix", vec![s("$"), s("5.00$")]), "5.00");
    assert_eq!(ok_str("trimSuffix", vec![s("-x"), s("abc-x-x")]), "abc-x");
}

#[test]
fn case_mapping_follows_go_simple_mappings() {
    assert_eq!(ok_str("upper", vec![s("héllo wörld")]), "HÉLLO WÖRLD");
    // Go has no full case mappings: ß stays ß, İ lowers to i, no final sigma.
    assert_eq!(ok_str("upper", vec![s("straße")]), "STRAßE");
    assert_eq!(ok_str("lower", vec![s("İSTANBUL")]), "istanbul");
    assert_eq!(ok_str("lower", vec![s("ΣΑΣ")]), "σασ");
    assert_eq!(ok_str("lower", vec![s("MiXeD CaSe")]), "mixed case");
    assert_eq!(ok_str("upper", vec![s("ᾳ")]), "ᾼ");
}

#[test]
fn title_and_untitle() {
    assert_eq!(ok_str("title", vec![s("hello world")]), "Hello World");
    // `_` is part of a word, `-` separates words.
    assert_eq!(
        ok_str("title", vec![s("hello_world-foo bar")]),
        "Hello_world-Foo Bar"
    );
    assert_eq!(ok_str("title", vec![s("ǆemal ǳ")]), "ǅemal ǲ");
    assert_eq!(ok_str("title", vec![s("élan")]), "Élan");
    assert_eq!(ok_str("untitle", vec![s("First Try")]), "first try");
    assert_eq!(ok_str("untitle", vec![s("HELLO  World")]), "hELLO  world");
}

#[test]
fn substr_panics_like_go_slicing() {
    assert_eq!(ok_str("substr", vec![i(0), i(3), s("fooo")]), "foo");
    assert_eq!(ok_str("substr", vec![i(0), i(10), s("foo")]), "foo");
    assert_eq!(ok_str("substr", vec![i(-1), i(2), s("abc")]), "ab");
    assert_eq!(ok_str("substr", vec![i(1), i(-1), s("abc")]), "bc");
    assert_eq!(
        err("substr", vec![i(2), i(1), s("abc")]),
        "runtime error: slice bounds out of range [2:1]"
    );
    assert_eq!(
        err("substr", vec![i(-1), i(5), s("abc")]),
        "runtime error: slice bounds out of range [:5] with length 3"
    );
    assert_eq!(
        err("substr", vec![i(-1), i(-2), s("abc")]),
        "runtime error: slice bounds out of range [:-2]"
    );
    assert_eq!(
        err("substr", vec![i(5), i(-1), s("abc")]),
        "runtime error: slice bounds out of range [5:3]"
    );
}

#[test]
fn repeat_follows_strings_repeat() {
    assert_eq!(ok_str("repeat", vec![i(3), s("ab")]), "ababab");
    assert_eq!(ok_str("repeat", vec![i(0), s("ab")]), "");
    assert_eq!(
        err("repeat", vec![i(-1), s("ab")]),
        "strings: negative Repeat count"
    );
    assert_eq!(
        err("repeat", vec![i(-1), s("")]),
        "strings: negative Repeat count"
    );
}

#[test]
fn nospace_and_initials_walk_bytes() {
    assert_eq!(ok_str("nospace", vec![s("h e l l o ")]), "hello");
    assert_eq!(ok_str("nospace", vec![s("  padded  ")]), "padded");
    assert_eq!(ok_str("nospace", vec![s("abc")]), "abc");
    // Bytes above 0x7F are re-encoded as Latin-1 runes, as goutils does.
    assert_eq!(ok_str("nospace", vec![s("héllo wörld")]), "hÃ©llowÃ¶rld");
    assert_eq!(ok_str("nospace", vec![s("héllo")]), "héllo");
    // 0xA0 (the second byte of à) counts as a space.
    assert_eq!(ok_str("nospace", vec![s("là bas")]), "lÃbas");
    assert_eq!(ok_str("initials", vec![s("First Try")]), "FT");
    assert_eq!(ok_str("initials", vec![s("héllo wörld")]), "hw");
    assert_eq!(ok_str("initials", vec![s("  hello   world ")]), "hw");
    assert_eq!(ok_str("initials", vec![s("élan vital")]), "Ãv");
    assert_eq!(ok_str("initials", vec![s("")]), "");
}

#[test]
fn swapcase_is_word_based() {
    assert_eq!(
        ok_str("swapcase", vec![s("This Is A.Test")]),
        "tHIS iS a.tEST"
    );
    assert_eq!(ok_str("swapcase", vec![s("hello world")]), "HELLO WORLD");
    assert_eq!(ok_str("swapcase", vec![s("ǆx")]), "ǅX");
}

#[test]
fn snake_kebab_and_camel_case() {
    for (input, snake) in [
        ("FirstName", "first_name"),
        ("HTTPServer", "http_server"),
        ("NoHTTPS", "no_https"),
        ("GO_PATH", "go_path"),
        ("GO PATH", "go_path"),
        ("GO-PATH", "go_path"),
        ("http2xx", "http_2xx"),
        ("HTTP20xOK", "http_20x_ok"),
        ("Duration2m3s", "duration_2m3s"),
        ("Bld4Floor3rd", "bld4_floor_3rd"),
        ("a__b", "a__b"),
        ("", ""),
    ] {
        assert_eq!(ok_str("snakecase", vec![s(input)]), snake, "{input}");
        let kebab = snake.replace('_', "-");
        assert_eq!(ok_str("kebabcase", vec![s(input)]), kebab, "{input}");
    }
    // sprig v3.3.0's camelcase is xstrings.ToPascalCase.
    for (input, camel) in [
        ("http_server", "HttpServer"),
        ("some_words", "SomeWords"),
        ("no_https", "NoHttps"),
        ("_complex__case_", "_Complex_Case_"),
        ("some words", "SomeWords"),
        ("GOLANG_IS_GREAT", "GolangIsGreat"),
        ("x", "X"),
        ("", ""),
        // xstrings repeats a lone connector.
        ("_", "__"),
    ] {
        assert_eq!(ok_str("camelcase", vec![s(input)]), camel, "{input}");
    }
}

#[test]
fn wrap_and_wrap_with() {
    assert_eq!(ok_str("wrap", vec![i(5), s("Hello World")]), "Hello\nWorld");
    assert_eq!(
        ok_str("wrapWith", vec![i(5), s("\t"), s("Hello World")]),
        "Hello\tWorld"
    );
    // Long words are kept by `wrap` and split by `wrapWith`.
    assert_eq!(ok_str("wrap", vec![i(3), s("abcdefgh ij")]), "abcdefgh\nij");
    assert_eq!(
        ok_str("wrapWith", vec![i(3), s("-"), s("abcdefgh")]),
        "abc-def-gh"
    );
    assert_eq!(ok_str("wrap", vec![i(0), s("a b")]), "a\nb");
    assert_eq!(ok_str("wrap", vec![i(10), s("")]), "");
}

#[test]
fn contains_and_prefixes_take_the_subject_last() {
    assert_eq!(
        ok("contains", vec![s("cat"), s("fair catch")]).as_bool(),
        Some(true)
    );
    assert_eq!(
        ok("contains", vec![s("dog"), s("fair catch")]).as_bool(),
        Some(false)
    );
    assert_eq!(
        ok("hasPrefix", vec![s("cat"), s("catch")]).as_bool(),
        Some(true)
    );
    assert_eq!(
        ok("hasSuffix", vec![s("cat"), s("ducat")]).as_bool(),
        Some(true)
    );
    assert_eq!(
        ok("hasSuffix", vec![s("duc"), s("ducat")]).as_bool(),
        Some(false)
    );
}

#[test]
fn quote_squote_and_cat() {
    assert_eq!(
        ok_str("quote", vec![s("a"), s("b"), s("c")]),
        r#""a" "b" "c""#
    );
    assert_eq!(
        ok_str("quote", vec![s("\"a\""), i(1), Value::Nil]),
        r#""\"a\"" "1""#
    );
    assert_eq!(
        ok_str("quote", vec![s("\n\t\u{7}é\u{a0}\u{200b}")]),
        r#""\n\t\aé\u00a0\u200b""#
    );
    assert_eq!(ok_str("quote", vec![f(8675309.0)]), r#""8.675309e+06""#);
    assert_eq!(ok_str("squote", vec![s("a"), i(1), Value::Nil]), "'a' '1'");
    assert_eq!(
        ok_str("cat", vec![s("a"), i(1), Value::Bool(true)]),
        "a 1 true"
    );
    assert_eq!(ok_str("cat", vec![s("a"), Value::Nil, s("b")]), "a b");
    assert_eq!(ok_str("cat", vec![s(""), s("b")]), " b");
    assert_eq!(ok_str("cat", vec![]), "");
}

#[test]
fn indent_nindent_replace_plural() {
    assert_eq!(
        ok_str("indent", vec![i(4), s("a\nb\nc")]),
        "    a\n    b\n    c"
    );
    assert_eq!(
        ok_str("nindent", vec![i(4), s("a\nb\nc")]),
        "\n    a\n    b\n    c"
    );
    assert_eq!(ok_str("indent", vec![i(0), s("a")]), "a");
    assert_eq!(
        err("indent", vec![i(-1), s("a")]),
        "strings: negative Repeat count"
    );
    assert_eq!(
        ok_str("replace", vec![s(" "), s("-"), s("I Am Henry VIII")]),
        "I-Am-Henry-VIII"
    );
    assert_eq!(ok_str("replace", vec![s(""), s("X"), s("ab")]), "XaXbX");
    assert_eq!(ok_str("replace", vec![s("z"), s("X"), s("ab")]), "ab");
    assert_eq!(ok_str("plural", vec![s("one"), s("many"), i(1)]), "one");
    assert_eq!(ok_str("plural", vec![s("one"), s("many"), i(0)]), "many");
}

#[test]
fn abbreviations() {
    assert_eq!(ok_str("abbrev", vec![i(5), s("hello world")]), "he...");
    assert_eq!(
        ok_str("abbrev", vec![i(3), s("hello world")]),
        "hello world"
    );
    assert_eq!(ok_str("abbrev", vec![i(20), s("hello")]), "hello");
    assert_eq!(ok_str("abbrev", vec![i(8), s("héllo wörld")]), "héll...");
    assert_eq!(
        ok_str("abbrevboth", vec![i(5), i(10), s("1234 5678 9123")]),
        "...5678..."
    );
    assert_eq!(
        ok_str("abbrevboth", vec![i(0), i(3), s("abcdef")]),
        "abcdef"
    );
    assert_eq!(
        ok_str("abbrevboth", vec![i(1), i(6), s("abcdefghij")]),
        "abcdefghij"
    );
    assert_eq!(
        ok_str("abbrevboth", vec![i(10), i(8), s("abcdefghijklmnop")]),
        "...kl..."
    );
    assert_eq!(
        ok_str("abbrevboth", vec![i(12), i(8), s("abcdefghijklmnop")]),
        "...lmnop"
    );
}

#[test]
fn splitting() {
    let m = ok("split", vec![s("$"), s("foo$bar$baz")]);
    assert_eq!(m.go_type(), "map[string]string");
    assert_eq!(js(&m), r#"{"_0":"foo","_1":"bar","_2":"baz"}"#);
    let l = ok("splitList", vec![s("/"), s("a/b/")]);
    assert_eq!(l.go_type(), "[]string");
    assert_eq!(js(&l), r#"["a","b",""]"#);
    assert_eq!(
        js(&ok("splitList", vec![s(""), s("héy")])),
        r#"["h","é","y"]"#
    );
    assert_eq!(js(&ok("splitList", vec![s(","), s("")])), r#"[""]"#);
    assert_eq!(js(&ok("splitList", vec![s(""), s("")])), "[]");
    let n = ok("splitn", vec![s("$"), i(2), s("foo$bar$baz")]);
    assert_eq!(js(&n), r#"{"_0":"foo","_1":"bar$baz"}"#);
    assert_eq!(js(&ok("splitn", vec![s("$"), i(0), s("a$b")])), "{}");
    assert_eq!(
        js(&ok("splitn", vec![s("$"), i(-1), s("a$b")])),
        r#"{"_0":"a","_1":"b"}"#
    );
    assert_eq!(
        js(&ok("splitn", vec![s(""), i(2), s("abc")])),
        r#"{"_0":"a","_1":"bc"}"#
    );
}

#[test]
fn joining_and_string_lists() {
    assert_eq!(
        ok_str("join", vec![s("-"), list(vec![s("a"), s("b"), s("c")])]),
        "a-b-c"
    );
    assert_eq!(
        ok_str("join", vec![s("-"), list(vec![i(1), Value::Nil, i(2)])]),
        "1-2"
    );
    assert_eq!(ok_str("join", vec![s("-"), s("abc")]), "abc");
    assert_eq!(ok_str("join", vec![s("-"), Value::Nil]), "");
    assert_eq!(
        ok_str("join", vec![s("+"), ok("until", vec![i(3)])]),
        "0+1+2"
    );
    assert_eq!(
        ok_str("join", vec![s(","), j(r#"["a",1.5,true,null]"#)]),
        "a,1.5,true"
    );
    let t = ok("toStrings", vec![list(vec![i(1), Value::Nil, f(2.5)])]);
    assert_eq!(t.go_type(), "[]string");
    assert_eq!(js(&t), r#"["1","2.5"]"#);
    assert_eq!(js(&ok("toStrings", vec![s("x")])), r#"["x"]"#);
    assert_eq!(js(&ok("toStrings", vec![Value::Nil])), "[]");
    let sorted = ok("sortAlpha", vec![list(vec![s("c"), s("a"), s("B")])]);
    assert_eq!(sorted.go_type(), "[]string");
    assert_eq!(js(&sorted), r#"["B","a","c"]"#);
    assert_eq!(
        js(&ok("sortAlpha", vec![list(vec![i(2), i(1), i(10)])])),
        r#"["1","10","2"]"#
    );
    assert_eq!(js(&ok("sortAlpha", vec![s("x")])), r#"["x"]"#);
    assert_eq!(
        ok_str("join", vec![s(""), ok("sortAlpha", vec![Value::Nil])]),
        "<nil>"
    );
}

#[test]
fn hello_and_fail() {
    assert_eq!(ok_str("hello", vec![]), "Hello!");
    assert_eq!(err("fail", vec![s("boom")]), "boom");
}
