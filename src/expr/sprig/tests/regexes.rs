//! Regular expressions: Go RE2 syntax and errors, sprig's regex functions.

use std::sync::Arc;

use super::{err, i, js, ok, ok_str, s};
use crate::expr::sprig::regex::{compile, translate};

fn go_error(pattern: &str) -> String {
    match translate(pattern) {
        Ok(t) => panic!("{pattern:?} translated to {t:?}"),
        Err(e) => e,
    }
}

#[test]
fn go_syntax_errors_have_gos_text() {
    for (pattern, message) in [
        ("(", "missing closing ): `(`"),
        ("a(b", "missing closing ): `a(b`"),
        ("[", "missing closing ]: `[`"),
        ("a[bc", "missing closing ]: `[bc`"),
        ("[]", "missing closing ]: `[]`"),
        ("a)", "unexpected ): `a)`"),
        ("a**", "invalid nested repetition operator: `**`"),
        ("a*?+", "invalid nested repetition operator: `*?+`"),
        ("x{2}{3}", "invalid nested repetition operator: `{2}{3}`"),
        ("*", "missing argument to repetition operator: `*`"),
        ("a|+", "missing argument to repetition operator: `+`"),
        ("(?i)*", "missing argument to repetition operator: `*`"),
        ("(?:??)", "missing argument to repetition operator: `??`"),
        ("x{2,1}", "invalid repeat count: `{2,1}`"),
        ("x{1001}", "invalid repeat count: `{1001}`"),
        ("(?<n>a)", "invalid or unsupported Perl syntax: `(?<`"),
        ("(?i", "invalid or unsupported Perl syntax: `(?i`"),
        ("(?x)", "invalid or unsupported Perl syntax: `(?x`"),
        ("(?i-)", "invalid or unsupported Perl syntax: `(?i-)`"),
        ("(?--i)", "invalid or unsupported Perl syntax: `(?--`"),
        ("(?P<>a)", "invalid named capture: `(?P<>`"),
        ("(?P<a-b>x)", "invalid named capture: `(?P<a-b>`"),
        ("(?P<a", "invalid named capture: `(?P<a`"),
        ("\\", "trailing backslash at end of expression: ``"),
        ("\\q", "invalid escape sequence: `\\q`"),
        ("\\8", "invalid escape sequence: `\\8`"),
        ("\\C", "invalid escape sequence: `\\C`"),
        ("\\xZ1", "invalid escape sequence: `\\xZ1`"),
        ("\\x{}", "invalid escape sequence: `\\x{}`"),
        ("\\x{110000}", "invalid escape sequence: `\\x{110000`"),
        ("[z-a]", "invalid character class range: `z-a`"),
        ("\\pX", "invalid character class range: `\\pX`"),
        ("\\p{greek}", "invalid character class range: `\\p{greek}`"),
        ("\\p{Greek", "invalid character class range: `\\p{Greek`"),
        ("[[:foo:]]", "invalid character class range: `[:foo:]`"),
    ] {
        assert_eq!(
            go_error(pattern),
            format!("error parsing regexp: {message}"),
            "{pattern:?}"
        );
    }
}

#[test]
fn go_syntax_that_rust_reads_differently() {
    let m = |p: &str, t: &str| {
        compile(p)
            .map(|re| re.is_match(t))
            .unwrap_or_else(|e| panic!("{p}: {e}"))
    };
    // Perl classes and word boundaries are ASCII-only in Go.
    assert!(!m(r"\d", "٣"));
    assert!(!m(r"\w", "é"));
    assert!(!m(r"\s", "\u{a0}"));
    assert!(!m(r"\s", "\u{b}"));
    assert!(m(r"\s", "\u{c}"));
    assert!(m(r"\bfoo\b", "éfooé"));
    assert!(m(r"[\d]", "7") && !m(r"[\D]", "7") && m(r"[^\D]", "7"));
    // `{` that is not a repetition is a literal, `]` first in a class is a literal.
    assert!(m(r"^a{,5}$", "a{,5}"));
    assert!(m(r"^x{01}$", "x{01}"));
    assert!(m(r"^[]a]+$", "]a]"));
    assert!(m(r"^[^]a]$", "b"));
    // Rust class set operators and nested classes mean nothing in Go classes.
    assert!(m(r"^[a&&b]+$", "a&&b"));
    assert!(m(r"^[[a]+$", "[a["));
    assert!(m(r"^[a-]+$", "-a"));
    assert!(m(r"\Qa.b*\E+", "a.b**"));
    assert!(!m(r"\Qa.b\E", "axb"));
    assert!(m(r"(?i)straße", "STRAßE"));
    assert!(m(r"^\x41\101\x{42}\t$", "AAB\t"));
    assert!(m(r"\pL\p{Greek}\PN", "aαx"));
    assert!(m(r"[[:alpha:]]+[[:^digit:]]", "ab!"));
    assert!(m(r"^*a", "a"));
    assert!(m(r"a(?i)b*B", "abbB"));
    // A flag group between an operand and a repetition: the repetition applies to the
    // operand, the flags to what follows.
    assert!(m(r"^a(?i)*b$", "aaB"));
    assert!(!m(r"^a(?i)*b$", "AAB"));
    assert_eq!(ok_str("regexFind", vec![s("a*(?i)?"), s("aaa")]), "aaa");
    assert_eq!(ok_str("regexFind", vec![s("a*?"), s("aaa")]), "");
    assert!(m(r"^(a(?i))b$", "ab") && !m(r"^(a(?i))b$", "aB"));
    assert!(m(r"^(?i)a|b$", "B"));
    assert!(m(r"(?s:.)", "\n") && !m(r"^.$", "\n"));
    assert!(m(r"(?m)^b$", "a\nb\nc") && !m(r"^b$", "a\nb"));
    let lazy = ok_str("regexFind", vec![s("(?U)a+"), s("aaa")]);
    assert_eq!(lazy, "a");
    assert_eq!(ok_str("regexFind", vec![s("(?U)a+?"), s("aaa")]), "aaa");
}

#[test]
fn compiled_patterns_are_cached() {
    let a = compile("^cache-[0-9]+$").unwrap_or_else(|e| panic!("{e}"));
    let b = compile("^cache-[0-9]+$").unwrap_or_else(|e| panic!("{e}"));
    assert!(Arc::ptr_eq(&a, &b));
    assert_eq!(compile("(").err(), compile("(").err());
}

#[test]
fn match_and_find() {
    assert_eq!(
        ok("regexMatch", vec![s("^[a-z]+$"), s("abc")]).as_bool(),
        Some(true)
    );
    assert_eq!(
        ok("regexMatch", vec![s("^[a-z]+$"), s("ab1")]).as_bool(),
        Some(false)
    );
    // regexMatch swallows a bad pattern, mustRegexMatch reports it.
    assert_eq!(
        ok("regexMatch", vec![s("("), s("x")]).as_bool(),
        Some(false)
    );
    assert_eq!(
        err("mustRegexMatch", vec![s("("), s("x")]),
        "error parsing regexp: missing closing ): `(`"
    );
    let all = ok("regexFindAll", vec![s("a."), s("paranormal"), i(-1)]);
    assert_eq!(all.go_type(), "[]string");
    assert_eq!(js(&all), r#"["ar","an","al"]"#);
    assert_eq!(
        js(&ok("regexFindAll", vec![s("a."), s("paranormal"), i(2)])),
        r#"["ar","an"]"#
    );
    assert_eq!(
        js(&ok("mustRegexFindAll", vec![s("a."), s("graal"), i(-1)])),
        r#"["aa"]"#
    );
    assert_eq!(
        js(&ok("regexFindAll", vec![s("a."), s("none"), i(-1)])),
        "[]"
    );
    assert_eq!(
        js(&ok("regexFindAll", vec![s("a*"), s("baaac"), i(-1)])),
        r#"["","aaa",""]"#
    );
    assert_eq!(ok_str("regexFind", vec![s("[0-9]+"), s("ab12cd34")]), "12");
    assert_eq!(ok_str("mustRegexFind", vec![s("[0-9]+"), s("abcd")]), "");
}

#[test]
fn replace_expands_like_go() {
    assert_eq!(
        ok_str(
            "regexReplaceAll",
            vec![s("a(x*)b"), s("-ab-axxb-"), s("${1}W")]
        ),
        "-W-xxW-"
    );
    // `$1W` names group "1W", which does not exist.
    assert_eq!(
        ok_str(
            "regexReplaceAll",
            vec![s("a(x*)b"), s("-ab-axxb-"), s("$1W")]
        ),
        "---"
    );
    assert_eq!(
        ok_str(
            "regexReplaceAll",
            vec![s("(?P<k>\\w+)=(\\d)"), s("a=1 b=2"), s("$2:$k$$")]
        ),
        "1:a$ 2:b$"
    );
    assert_eq!(
        ok_str(
            "mustRegexReplaceAll",
            vec![s("a(x*)b"), s("-ab-axxb-"), s("$0.")]
        ),
        "-ab.-axxb.-"
    );
    assert_eq!(
        ok_str("regexReplaceAll", vec![s("a*"), s("baaac"), s("X")]),
        "XbXcX"
    );
    assert_eq!(
        ok_str("regexReplaceAll", vec![s(""), s("abc"), s("-")]),
        "-a-b-c-"
    );
    assert_eq!(
        ok_str(
            "regexReplaceAllLiteral",
            vec![s("a(x*)b"), s("-ab-axxb-"), s("${1}")]
        ),
        "-${1}-${1}-"
    );
    assert_eq!(
        ok_str(
            "mustRegexReplaceAllLiteral",
            vec![s("a(x*)b"), s("-ab-axxb-"), s("$1")]
        ),
        "-$1-$1-"
    );
    assert_eq!(
        ok_str(
            "regexReplaceAll",
            vec![s("[^a-z0-9-]"), s("hello world!"), s("-")]
        ),
        "hello-world-"
    );
}

#[test]
fn split_follows_regexp_split() {
    let parts = ok("regexSplit", vec![s("a*"), s("abaabaccadaaae"), i(5)]);
    assert_eq!(parts.go_type(), "[]string");
    assert_eq!(js(&parts), r#"["","b","b","c","cadaaae"]"#);
    assert_eq!(
        js(&ok("regexSplit", vec![s("z+"), s("pizza"), i(-1)])),
        r#"["pi","a"]"#
    );
    assert_eq!(
        js(&ok("mustRegexSplit", vec![s("a"), s("banana"), i(0)])),
        "[]"
    );
    assert_eq!(
        js(&ok("regexSplit", vec![s(""), s("abc"), i(2)])),
        r#"["a","bc"]"#
    );
    assert_eq!(js(&ok("regexSplit", vec![s("x"), s(""), i(-1)])), r#"[""]"#);
    assert_eq!(
        js(&ok("regexSplit", vec![s(","), s("a,b,"), i(-1)])),
        r#"["a","b",""]"#
    );
}

#[test]
fn bad_patterns_panic_or_return_errors() {
    assert_eq!(
        err("regexReplaceAll", vec![s("("), s("x"), s("y")]),
        "regexp: Compile(`(`): error parsing regexp: missing closing ): `(`"
    );
    assert_eq!(
        err("mustRegexReplaceAll", vec![s("("), s("x"), s("y")]),
        "error parsing regexp: missing closing ): `(`"
    );
    // A pattern that cannot be backquoted is double-quoted.
    assert_eq!(
        err("regexFind", vec![s("`("), s("x")]),
        "regexp: Compile(\"`(\"): error parsing regexp: missing closing ): ``(`"
    );
    assert_eq!(
        err("regexFindAll", vec![s("[\n"), s("x"), i(-1)]),
        "regexp: Compile(\"[\\n\"): error parsing regexp: missing closing ]: `[\n`"
    );
    assert_eq!(
        err("regexSplit", vec![s("a**"), s("x"), i(-1)]),
        "regexp: Compile(`a**`): error parsing regexp: invalid nested repetition operator: `**`"
    );
    assert_eq!(
        err("mustRegexSplit", vec![s("\\"), s("x"), i(-1)]),
        "error parsing regexp: trailing backslash at end of expression: ``"
    );
}

#[test]
fn quote_meta() {
    assert_eq!(
        ok_str(
            "regexQuoteMeta",
            vec![s("Escaping symbols like: .+*?()|[]{}^$")]
        ),
        r"Escaping symbols like: \.\+\*\?\(\)\|\[\]\{\}\^\$"
    );
    assert_eq!(
        ok_str("regexQuoteMeta", vec![s("1.5-2.0?")]),
        r"1\.5-2\.0\?"
    );
}
