//! Go-compatible text encodings of [`Value`]s.
//!
//! Owns every place where Go's standard library decides what users see:
//! - `fmt`'s `%v` and `%s` (used by expr's `string()`, sprig's `toString`, and Argo's
//!   `unable to cast expression result '%s' to bool`), including the bad-verb form
//!   `%!s(float64=112)` and Go's float formatting (`8.675309e+06`);
//! - `encoding/json`'s `Marshal` and `MarshalIndent` (compact or indented, with or without
//!   HTML escaping, Go 1.19 string escapes, Go's float rules, sorted map keys) and its
//!   `unsupported value` / `unsupported type` errors;
//! - `time.Duration.String()`.
//!
//! Takes values by reference and returns `String`s; nothing here allocates per element beyond
//! the output buffer.

use std::fmt::Write as _;

use base64::Engine as _;

use super::limits;
use super::value::Value;

/// A `json.Marshal` failure, with Go's message (e.g. `json: unsupported value: NaN`).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct JsonError(pub String);

/// The shortest decimal digits that round-trip `f` (which must be finite and non-negative),
/// and the position of the decimal point: `f = 0.DIGITS × 10^dp`.
fn shortest_digits(f: f64) -> (String, i32) {
    if f == 0.0 {
        return ("0".to_string(), 1);
    }
    // Rust's `{:e}` prints the shortest round-trip digits, e.g. `8.675309e6`, `1e-7`.
    let s = format!("{f:e}");
    let (mant, exp) = s.split_once('e').unwrap_or((&s, "0"));
    let exp: i32 = exp.parse().unwrap_or(0);
    let digits: String = mant.chars().filter(|c| c.is_ascii_digit()).collect();
    (digits, exp + 1)
}

fn push_exponent(out: &mut String, exp: i32, min_digits: usize) {
    out.push(if exp < 0 { '-' } else { '+' });
    let e = exp.unsigned_abs().to_string();
    for _ in e.len()..min_digits {
        out.push('0');
    }
    out.push_str(&e);
}

/// `%e` with shortest digits: `d.ddde±XX` (Go always prints at least two exponent digits).
fn push_e(out: &mut String, digits: &str, dp: i32, min_exp_digits: usize) {
    out.push_str(&digits[..1]);
    if digits.len() > 1 {
        out.push('.');
        out.push_str(&digits[1..]);
    }
    out.push('e');
    push_exponent(out, dp - 1, min_exp_digits);
}

/// `%f` with shortest digits.
fn push_f(out: &mut String, digits: &str, dp: i32) {
    if dp <= 0 {
        out.push_str("0.");
        for _ in 0..(-dp) {
            out.push('0');
        }
        out.push_str(digits);
    } else {
        let dp = dp as usize;
        if digits.len() <= dp {
            out.push_str(digits);
            for _ in digits.len()..dp {
                out.push('0');
            }
        } else {
            out.push_str(&digits[..dp]);
            out.push('.');
            out.push_str(&digits[dp..]);
        }
    }
}

fn push_special(out: &mut String, f: f64) -> bool {
    if f.is_nan() {
        out.push_str("NaN");
    } else if f == f64::INFINITY {
        out.push_str("+Inf");
    } else if f == f64::NEG_INFINITY {
        out.push_str("-Inf");
    } else {
        return false;
    }
    true
}

/// Appends Go's `%v` of a float64 (`strconv.FormatFloat(f, 'g', -1, 64)`): shortest digits,
/// exponent form when the exponent is below -4 or at least 6 (`8.675309e+06`, `1e-05`).
pub fn push_float_v(out: &mut String, f: f64) {
    if push_special(out, f) {
        return;
    }
    if f.is_sign_negative() {
        out.push('-');
    }
    let (digits, dp) = shortest_digits(f.abs());
    let exp = dp - 1;
    if !(-4..6).contains(&exp) {
        push_e(out, &digits, dp, 2);
    } else {
        push_f(out, &digits, dp);
    }
}

/// Go's `%v` of a float64, see [`push_float_v`].
pub fn float_v(f: f64) -> String {
    let mut s = String::new();
    push_float_v(&mut s, f);
    s
}

/// Appends Go's `encoding/json` text of a float64: `'f'` format, or `'e'` below 1e-6 and from
/// 1e21 on, with `e-07` shortened to `e-7`. NaN and infinities are an error.
pub fn push_json_float(out: &mut String, f: f64) -> Result<(), JsonError> {
    if !f.is_finite() {
        let mut s = String::new();
        push_special(&mut s, f);
        return Err(JsonError(format!("json: unsupported value: {s}")));
    }
    if f.is_sign_negative() {
        out.push('-');
    }
    let abs = f.abs();
    let (digits, dp) = shortest_digits(abs);
    if abs != 0.0 && !(1e-6..1e21).contains(&abs) {
        // Go prints `e-07` and then trims it to `e-7`; exponents here are <= -7 or >= 21,
        // so the result is the minimal number of exponent digits.
        push_e(out, &digits, dp, 1);
    } else {
        push_f(out, &digits, dp);
    }
    Ok(())
}

/// Go's `encoding/json` text of a float64, see [`push_json_float`].
pub fn json_float(f: f64) -> Result<String, JsonError> {
    let mut s = String::new();
    push_json_float(&mut s, f)?;
    Ok(s)
}

/// Go's `time.Duration.String()`, e.g. `1h30m0s`, `1.5s`, `2ms`, `0s`.
pub fn duration_string(d: i64) -> String {
    const SECOND: u64 = 1_000_000_000;
    let neg = d < 0;
    let mut u = d.unsigned_abs();
    let mut out = String::new();
    if u < SECOND {
        let (prec, unit) = match u {
            0 => return "0s".to_string(),
            u if u < 1_000 => (0, "ns"),
            u if u < 1_000_000 => (3, "µs"),
            _ => (6, "ms"),
        };
        let frac = frac_string(&mut u, prec);
        out = format!("{u}{frac}{unit}");
    } else {
        let frac = frac_string(&mut u, 9);
        let secs = u % 60;
        u /= 60;
        let mut s = format!("{secs}{frac}s");
        if u > 0 {
            s = format!("{}m{s}", u % 60);
            u /= 60;
            if u > 0 {
                s = format!("{u}h{s}");
            }
        }
        out.push_str(&s);
    }
    if neg {
        out.insert(0, '-');
    }
    out
}

/// Go's `fmtFrac`: divides `v` by 10^prec and returns the fraction as `.ddd` without
/// trailing zeros (empty when zero).
fn frac_string(v: &mut u64, prec: u32) -> String {
    let mut digits = Vec::new();
    let mut print = false;
    for _ in 0..prec {
        let digit = *v % 10;
        print = print || digit != 0;
        if print {
            digits.push(char::from(b'0' + digit as u8));
        }
        *v /= 10;
    }
    if !print {
        return String::new();
    }
    digits.push('.');
    digits.iter().rev().collect()
}

/// The `fmt` verb to render with.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Verb {
    /// `%v`
    V,
    /// `%s`
    S,
}

/// True once `out` is longer than any string an expression may build: printing and encoding
/// stop there (the evaluator then refuses the string), so no value takes longer to print
/// than that much output.
#[inline]
fn too_long(out: &str) -> bool {
    out.len() as u64 > limits::MAX_STRING_BYTES
}

fn json_too_long() -> JsonError {
    JsonError(format!(
        "json: encoding exceeds {} bytes",
        limits::MAX_STRING_BYTES
    ))
}

/// Go's `fmt.Sprintf("%v", v)` (stops early past [`limits::MAX_STRING_BYTES`]).
pub fn sprint_v(v: &Value<'_>) -> String {
    let mut s = String::new();
    write_fmt(&mut s, v, Verb::V, true);
    s
}

/// Go's `fmt.Sprintf("%s", v)`.
pub fn sprint_s(v: &Value<'_>) -> String {
    let mut s = String::new();
    write_fmt(&mut s, v, Verb::S, true);
    s
}

fn bad_verb(out: &mut String, v: &Value<'_>) {
    out.push_str("%!s(");
    out.push_str(&v.go_type());
    out.push('=');
    write_fmt(out, v, Verb::V, false);
    out.push(')');
}

/// Appends Go's `fmt` rendering of `v` with `verb`. `top` is true for the argument itself
/// (a top-level nil prints `%!s(<nil>)` under `%s`, a nested one `<nil>`).
pub fn write_fmt(out: &mut String, v: &Value<'_>, verb: Verb, top: bool) {
    match v {
        Value::Nil => {
            if top && verb == Verb::S {
                out.push_str("%!s(<nil>)");
            } else {
                out.push_str("<nil>");
            }
        }
        Value::Str(s) => out.push_str(s),
        Value::String(s) => out.push_str(s),
        Value::Duration(d) => out.push_str(&duration_string(*d)),
        Value::Bytes(b) => {
            if verb == Verb::S {
                out.push_str(&String::from_utf8_lossy(b));
            } else {
                out.push('[');
                for (i, x) in b.iter().enumerate() {
                    if i > 0 {
                        out.push(' ');
                    }
                    let _ = write!(out, "{x}");
                }
                out.push(']');
            }
        }
        Value::Bool(_) | Value::Int(_) | Value::Int64(_) | Value::Uint8(_) | Value::Float(_)
            if verb == Verb::S =>
        {
            bad_verb(out, v)
        }
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Int(i) | Value::Int64(i) => {
            let _ = write!(out, "{i}");
        }
        Value::Uint8(b) => {
            let _ = write!(out, "{b}");
        }
        Value::Float(f) => push_float_v(out, *f),
        Value::Func(_) => {
            if verb == Verb::S {
                bad_verb(out, v)
            } else {
                out.push_str("0x0");
            }
        }
        Value::JsonArray(_) | Value::List(_) => {
            out.push('[');
            let n = v.array_len().unwrap_or(0);
            for i in 0..n {
                if too_long(out) {
                    return;
                }
                if i > 0 {
                    out.push(' ');
                }
                if let Some(x) = v.array_get(i) {
                    limits::deeper(|| write_fmt(out, &x, verb, false));
                }
            }
            out.push(']');
        }
        Value::JsonMap(_) | Value::Map(_) | Value::AnyMap(_) => {
            out.push_str("map[");
            let mut entries = v.map_entries().unwrap_or_default();
            entries.sort_by(|a, b| fmt_key_cmp(&a.0, &b.0));
            for (i, (k, x)) in entries.iter().enumerate() {
                if too_long(out) {
                    return;
                }
                if i > 0 {
                    out.push(' ');
                }
                limits::deeper(|| write_fmt(out, k, verb, false));
                out.push(':');
                limits::deeper(|| write_fmt(out, x, verb, false));
            }
            out.push(']');
        }
    }
}

/// Go's `fmtsort` order for interface keys: nil first, then by type, then by value.
fn fmt_key_cmp(a: &Value<'_>, b: &Value<'_>) -> std::cmp::Ordering {
    use std::cmp::Ordering;
    if let (Some(x), Some(y)) = (a.as_str(), b.as_str()) {
        return x.cmp(y);
    }
    if let (Some(x), Some(y)) = (a.as_number(), b.as_number()) {
        return x.partial_cmp(&y).unwrap_or(Ordering::Equal);
    }
    if let (Some(x), Some(y)) = (a.as_bool(), b.as_bool()) {
        return x.cmp(&y);
    }
    a.go_type().cmp(&b.go_type())
}

/// Appends a Go `encoding/json` string literal (Go 1.19 rules: `\n`, `\r`, `\t` and `\uXXXX`
/// for other control characters; `<`, `>` and `&` as `\u003c` … when `escape_html`;
/// U+2028 and U+2029 always escaped).
pub fn push_json_string(out: &mut String, s: &str, escape_html: bool) {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '<' | '>' | '&' if escape_html => {
                let b = c as u8;
                out.push_str("\\u00");
                out.push(char::from(HEX[usize::from(b >> 4)]));
                out.push(char::from(HEX[usize::from(b & 0xF)]));
            }
            c if (c as u32) < 0x20 => {
                let b = c as u8;
                out.push_str("\\u00");
                out.push(char::from(HEX[usize::from(b >> 4)]));
                out.push(char::from(HEX[usize::from(b & 0xF)]));
            }
            '\u{2028}' => out.push_str("\\u2028"),
            '\u{2029}' => out.push_str("\\u2029"),
            c => out.push(c),
        }
    }
    out.push('"');
}

/// Options for [`to_json`].
#[derive(Clone, Copy, Debug)]
pub struct JsonOptions<'i> {
    /// Escape `<`, `>` and `&` (Go's `json.Marshal` does; its `Encoder` can be told not to).
    pub escape_html: bool,
    /// `Some(indent)` for `json.MarshalIndent(v, "", indent)`.
    pub indent: Option<&'i str>,
}

impl JsonOptions<'static> {
    /// `json.Marshal`: compact, HTML-escaped.
    pub const MARSHAL: JsonOptions<'static> = JsonOptions {
        escape_html: true,
        indent: None,
    };
    /// `json.MarshalIndent(v, "", "  ")`, as expr's `toJSON` uses.
    pub const INDENT2: JsonOptions<'static> = JsonOptions {
        escape_html: true,
        indent: Some("  "),
    };
}

/// Go's `json.Marshal` (or `MarshalIndent`) of a value.
pub fn to_json(v: &Value<'_>, opts: JsonOptions<'_>) -> Result<String, JsonError> {
    let mut out = String::new();
    write_json(&mut out, v, opts, 0)?;
    Ok(out)
}

fn newline(out: &mut String, opts: JsonOptions<'_>, depth: usize) {
    if let Some(ind) = opts.indent {
        out.push('\n');
        for _ in 0..depth {
            out.push_str(ind);
        }
    }
}

/// Appends the JSON text of `v` at nesting `depth` (used for indentation).
pub fn write_json(
    out: &mut String,
    v: &Value<'_>,
    opts: JsonOptions<'_>,
    depth: usize,
) -> Result<(), JsonError> {
    match v {
        Value::Nil => out.push_str("null"),
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Int(i) | Value::Int64(i) | Value::Duration(i) => {
            let _ = write!(out, "{i}");
        }
        Value::Uint8(b) => {
            let _ = write!(out, "{b}");
        }
        Value::Float(f) => push_json_float(out, *f)?,
        Value::Str(s) => push_json_string(out, s, opts.escape_html),
        Value::String(s) => push_json_string(out, s, opts.escape_html),
        Value::Bytes(b) => {
            out.push('"');
            out.push_str(&base64::engine::general_purpose::STANDARD.encode(b));
            out.push('"');
        }
        Value::Func(f) => {
            return Err(JsonError(format!("json: unsupported type: {}", f.go_type)));
        }
        Value::AnyMap(_) => {
            return Err(JsonError(format!(
                "json: unsupported type: {}",
                v.go_type()
            )));
        }
        Value::JsonArray(_) | Value::List(_) => {
            let n = v.array_len().unwrap_or(0);
            out.push('[');
            if n > 0 {
                for i in 0..n {
                    if too_long(out) {
                        return Err(json_too_long());
                    }
                    if i > 0 {
                        out.push(',');
                    }
                    newline(out, opts, depth + 1);
                    if let Some(x) = v.array_get(i) {
                        limits::deeper(|| write_json(out, &x, opts, depth + 1))?;
                    }
                }
                newline(out, opts, depth);
            }
            out.push(']');
        }
        Value::JsonMap(_) | Value::Map(_) => {
            let entries = v.map_entries().unwrap_or_default();
            out.push('{');
            if !entries.is_empty() {
                for (i, (k, x)) in entries.iter().enumerate() {
                    if too_long(out) {
                        return Err(json_too_long());
                    }
                    if i > 0 {
                        out.push(',');
                    }
                    newline(out, opts, depth + 1);
                    push_json_string(out, k.as_str().unwrap_or_default(), opts.escape_html);
                    out.push(':');
                    if opts.indent.is_some() {
                        out.push(' ');
                    }
                    limits::deeper(|| write_json(out, x, opts, depth + 1))?;
                }
                newline(out, opts, depth);
            }
            out.push('}');
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn float_v_matches_go() {
        for (f, want) in [
            (112.0, "112"),
            (100000.0, "100000"),
            (8675309.0, "8.675309e+06"),
            (227203645.0, "2.27203645e+08"),
            (123456.0, "123456"),
            (0.000001, "1e-06"),
            (1e-7, "1e-07"),
            (1e21, "1e+21"),
            (-0.5, "-0.5"),
            (0.0001, "0.0001"),
            (1.5, "1.5"),
            (0.0, "0"),
            (-0.0, "-0"),
            (f64::INFINITY, "+Inf"),
            (f64::NAN, "NaN"),
            (9007199254740992.0, "9.007199254740992e+15"),
            (1e100, "1e+100"),
        ] {
            assert_eq!(float_v(f), want, "{f}");
        }
    }

    #[test]
    fn json_float_matches_go() {
        for (f, want) in [
            (1e-7, "1e-7"),
            (1e21, "1e+21"),
            (-0.0, "-0"),
            (9223372036854775807.0, "9223372036854776000"),
            (37.333333333333336, "37.333333333333336"),
            (6.02e23, "6.02e+23"),
            (1e-8, "1e-8"),
            (1.5e300, "1.5e+300"),
            (1e-300, "1e-300"),
            (0.000001, "0.000001"),
            (100000.0, "100000"),
        ] {
            assert_eq!(json_float(f).unwrap(), want, "{f}");
        }
        assert_eq!(
            json_float(f64::NEG_INFINITY).unwrap_err().0,
            "json: unsupported value: -Inf"
        );
    }

    #[test]
    fn durations() {
        assert_eq!(duration_string(5_400_000_000_000), "1h30m0s");
        assert_eq!(duration_string(1_500_000_000), "1.5s");
        assert_eq!(duration_string(2_000_000), "2ms");
        assert_eq!(duration_string(1_500), "1.5µs");
        assert_eq!(duration_string(0), "0s");
        assert_eq!(duration_string(-61_000_000_000), "-1m1s");
    }

    #[test]
    fn fmt_s_and_v() {
        let j = serde_json::json!({"bar":"baz","bool":true,"numeric":8675309,"pr":112});
        assert_eq!(
            sprint_s(&Value::from_json(&j)),
            "map[bar:baz bool:%!s(bool=true) numeric:%!s(float64=8.675309e+06) pr:%!s(float64=112)]"
        );
        let j = serde_json::json!([1, "two", true, null, {"five": 5}, [6]]);
        assert_eq!(
            sprint_s(&Value::from_json(&j)),
            "[%!s(float64=1) two %!s(bool=true) <nil> map[five:%!s(float64=5)] [%!s(float64=6)]]"
        );
        assert_eq!(sprint_s(&Value::Nil), "%!s(<nil>)");
        assert_eq!(sprint_v(&Value::Nil), "<nil>");
        assert_eq!(sprint_s(&Value::Int(1)), "%!s(int=1)");
        assert_eq!(
            sprint_v(&Value::from_json(&j)),
            "[1 two true <nil> map[five:5] [6]]"
        );
    }

    #[test]
    fn json_strings_and_html() {
        let mut s = String::new();
        push_json_string(&mut s, "<a>&\"\n\u{7}\u{2028}\u{7f}\u{8}", true);
        assert_eq!(
            s,
            r#""\u003ca\u003e\u0026\"\n\u0007\u2028"#.to_string() + "\u{7f}\\u0008\""
        );
        let v = Value::list(vec![Value::Int(1), Value::string("a")]);
        assert_eq!(
            to_json(&v, JsonOptions::INDENT2).unwrap(),
            "[\n  1,\n  \"a\"\n]"
        );
        assert_eq!(
            to_json(&Value::list(vec![]), JsonOptions::INDENT2).unwrap(),
            "[]"
        );
    }
}
