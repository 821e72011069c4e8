//! Go conversions that sprig relies on: `strval` (`toString`), `empty`, `reflect.Kind`
//! names, `spf13/cast`'s `ToInt64` / `ToFloat64`, `strconv.ParseInt` / `ParseFloat` / `Atoi`
//! / `Quote`, the `int64(float64)` conversion of amd64, and byte-wise string slicing.

use crate::expr::gofmt;
use crate::expr::value::{ListKind, Value};
use super::gounicode;

/// Decodes bytes the way Go prints or JSON-encodes an invalid string: each byte that is not
/// part of a valid UTF-8 sequence becomes U+FFFD.
pub fn go_lossy(mut bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len());
    loop {
        match std::str::from_utf8(bytes) {
            Ok(s) => {
                out.push_str(s);
                return out;
            }
            Err(e) => {
                let (good, bad) = bytes.split_at(e.valid_up_to());
                out.push_str(std::str::from_utf8(good).unwrap_or_default());
                // Go's decoder rejects one byte at a time; every byte of Rust's maximal
                // invalid subpart is rejected on its own.
                let n = e.error_len().unwrap_or(bad.len());
                for _ in 0..n {
                    out.push('\u{FFFD}');
                }
                bytes = &bad[n..];
            }
        }
    }
}

/// Go's `s[from:to]` on a string (bytes), repaired with [`go_lossy`] if it splits a character.
/// The caller guarantees `from <= to <= s.len()`.
pub fn go_slice(s: &str, from: usize, to: usize) -> String {
    match s.get(from..to) {
        Some(t) => t.to_string(),
        None => go_lossy(&s.as_bytes()[from..to]),
    }
}

/// sprig's `strval`: strings and byte slices as text, `time.Duration` through its `String`
/// method, everything else with `%v`.
pub fn strval(v: &Value<'_>) -> String {
    match v {
        Value::Str(s) => (*s).to_string(),
        Value::String(s) => s.to_string(),
        Value::Bytes(b) => go_lossy(b),
        _ => gofmt::sprint_v(v),
    }
}

/// sprig's `empty`: the zero value of its type (nil, false, 0, or length 0).
pub fn empty(v: &Value<'_>) -> bool {
    match v {
        Value::Nil => true,
        Value::Bool(b) => !b,
        Value::Int(i) | Value::Int64(i) | Value::Duration(i) => *i == 0,
        Value::Uint8(b) => *b == 0,
        Value::Float(f) => *f == 0.0,
        Value::Str(s) => s.is_empty(),
        Value::String(s) => s.is_empty(),
        Value::Func(_) => false,
        _ => v.array_len().or_else(|| v.map_len()) == Some(0),
    }
}

/// `reflect.Kind.String()` of the value's dynamic type (`invalid` for nil).
pub fn kind_of(v: &Value<'_>) -> &'static str {
    match v {
        Value::Nil => "invalid",
        Value::Bool(_) => "bool",
        Value::Int(_) => "int",
        Value::Int64(_) | Value::Duration(_) => "int64",
        Value::Uint8(_) => "uint8",
        Value::Float(_) => "float64",
        Value::Str(_) | Value::String(_) => "string",
        Value::Bytes(_) | Value::JsonArray(_) => "slice",
        Value::List(l) if l.kind == ListKind::Pair => "array",
        Value::List(_) => "slice",
        Value::JsonMap(_) | Value::Map(_) | Value::AnyMap(_) => "map",
        Value::Func(_) => "func",
    }
}

/// Go's `int64(f)` on amd64: truncation, and `math.MinInt64` for NaN and out-of-range values.
pub fn f64_to_i64(f: f64) -> i64 {
    if f.is_nan() || f >= 9_223_372_036_854_775_808.0 || f < -9_223_372_036_854_775_808.0 {
        i64::MIN
    } else {
        f as i64
    }
}

/// `cast.ToInt64` (spf13/cast v1.7): numbers convert, strings parse with
/// `strconv.ParseInt(trimZeroDecimal(s), 0, 0)`, bools are 0/1, anything else (nil,
/// `time.Duration`, lists, …) is 0.
pub fn to_int64(v: &Value<'_>) -> i64 {
    match v {
        Value::Int(i) | Value::Int64(i) => *i,
        Value::Uint8(b) => i64::from(*b),
        Value::Float(f) => f64_to_i64(*f),
        Value::Bool(b) => i64::from(*b),
        Value::Str(_) | Value::String(_) => {
            let s = v.as_str().unwrap_or_default();
            parse_int(trim_zero_decimal(s), 0).unwrap_or(0)
        }
        _ => 0,
    }
}

/// `cast.ToFloat64`: numbers convert, strings parse with `strconv.ParseFloat`, bools are 0/1,
/// anything else is 0.
pub fn to_float64(v: &Value<'_>) -> f64 {
    match v {
        Value::Int(i) | Value::Int64(i) => *i as f64,
        Value::Uint8(b) => f64::from(*b),
        Value::Float(f) => *f,
        Value::Bool(b) => f64::from(u8::from(*b)),
        Value::Str(_) | Value::String(_) => parse_float(v.as_str().unwrap_or_default()).unwrap_or(0.0),
        _ => 0.0,
    }
}

/// cast's `trimZeroDecimal`: `"12.000"` → `"12"`; anything else unchanged.
fn trim_zero_decimal(s: &str) -> &str {
    let b = s.as_bytes();
    let mut found_zero = false;
    for i in (1..=b.len()).rev() {
        match b[i - 1] {
            b'.' if found_zero => return &s[..i - 1],
            b'.' => {}
            b'0' => found_zero = true,
            _ => return s,
        }
    }
    s
}

/// Why a Go integer parse failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NumError {
    /// `strconv.ErrSyntax`.
    Syntax,
    /// `strconv.ErrRange`, with the clamped value Go returns alongside it.
    Range(i64),
}

/// strconv's `underscoreOK`: underscores only between digits (or after a base prefix).
fn underscore_ok(s: &str) -> bool {
    let mut s = s.as_bytes();
    if let Some((b'+' | b'-', rest)) = s.split_first() {
        s = rest;
    }
    let mut saw = b'^';
    let mut i = 0;
    let mut hex = false;
    if s.len() >= 2 && s[0] == b'0' && matches!(s[1] | 0x20, b'b' | b'o' | b'x') {
        i = 2;
        saw = b'0';
        hex = s[1] | 0x20 == b'x';
    }
    while i < s.len() {
        let c = s[i];
        if c.is_ascii_digit() || hex && (c | 0x20).is_ascii_hexdigit() {
            saw = b'0';
        } else if c == b'_' {
            if saw != b'0' {
                return false;
            }
            saw = b'_';
        } else {
            if saw == b'_' {
                return false;
            }
            saw = b'!';
        }
        i += 1;
    }
    saw != b'_'
}

/// `strconv.ParseUint(s, base, 64)` for base 0 (prefix detection, underscores) or 2..=36.
fn parse_uint(s0: &str, base: u32) -> Result<u64, NumError> {
    if s0.is_empty() {
        return Err(NumError::Syntax);
    }
    let base0 = base == 0;
    let mut s = s0.as_bytes();
    let mut base = base;
    if base0 {
        base = 10;
        if s[0] == b'0' {
            if s.len() >= 3 && matches!(s[1] | 0x20, b'b' | b'o' | b'x') {
                base = match s[1] | 0x20 {
                    b'b' => 2,
                    b'o' => 8,
                    _ => 16,
                };
                s = &s[2..];
            } else {
                base = 8;
                s = &s[1..];
            }
        }
    }
    let cutoff = u64::MAX / u64::from(base) + 1;
    let mut n: u64 = 0;
    let mut underscores = false;
    for &c in s {
        let d = match c {
            b'_' if base0 => {
                underscores = true;
                continue;
            }
            b'0'..=b'9' => u32::from(c - b'0'),
            _ if (c | 0x20).is_ascii_lowercase() => u32::from((c | 0x20) - b'a') + 10,
            _ => return Err(NumError::Syntax),
        };
        if d >= base {
            return Err(NumError::Syntax);
        }
        if n >= cutoff {
            return Err(NumError::Range(0));
        }
        n *= u64::from(base);
        let (n1, over) = n.overflowing_add(u64::from(d));
        if over {
            return Err(NumError::Range(0));
        }
        n = n1;
    }
    if underscores && !underscore_ok(s0) {
        return Err(NumError::Syntax);
    }
    Ok(n)
}

/// `strconv.ParseInt(s, base, 64)`; a range error carries Go's clamped value.
pub fn parse_int(s: &str, base: u32) -> Result<i64, NumError> {
    if s.is_empty() {
        return Err(NumError::Syntax);
    }
    let (neg, digits) = match s.as_bytes()[0] {
        b'+' => (false, &s[1..]),
        b'-' => (true, &s[1..]),
        _ => (false, s),
    };
    let clamp = if neg { i64::MIN } else { i64::MAX };
    let un = match parse_uint(digits, base) {
        Ok(un) => un,
        Err(NumError::Range(_)) => return Err(NumError::Range(clamp)),
        Err(e) => return Err(e),
    };
    const CUTOFF: u64 = 1 << 63;
    if !neg && un >= CUTOFF || neg && un > CUTOFF {
        return Err(NumError::Range(clamp));
    }
    Ok(if neg {
        (un as i64).wrapping_neg()
    } else {
        un as i64
    })
}

/// sprig's `atoi`: `strconv.Atoi`, where a syntax error gives 0 and a range error the clamped
/// value.
pub fn atoi(s: &str) -> i64 {
    match parse_int(s, 10) {
        Ok(i) => i,
        Err(NumError::Range(c)) => c,
        Err(NumError::Syntax) => 0,
    }
}

/// `strconv.ParseFloat(s, 64)`: `None` for a syntax or range error (cast then uses 0).
pub fn parse_float(s: &str) -> Option<f64> {
    if let Some(f) = parse_special(s) {
        return Some(f);
    }
    let b = s.as_bytes();
    let mut i = 0;
    let neg = match b.first() {
        Some(b'+') => {
            i = 1;
            false
        }
        Some(b'-') => {
            i = 1;
            true
        }
        _ => false,
    };
    if b.len() >= i + 2 && b[i] == b'0' && b[i + 1] | 0x20 == b'x' {
        return parse_hex_float(&s[i + 2..], neg).filter(|_| underscore_ok(s));
    }
    // Decimal: digits [. digits] [e [sign] digits], at least one mantissa digit.
    let mut clean = String::with_capacity(s.len());
    clean.push_str(&s[..i]);
    let mut digits = 0;
    let mut saw_dot = false;
    let mut underscores = false;
    while i < b.len() {
        match b[i] {
            b'_' => underscores = true,
            c @ b'0'..=b'9' => {
                digits += 1;
                clean.push(char::from(c));
            }
            b'.' if !saw_dot => {
                saw_dot = true;
                clean.push('.');
            }
            _ => break,
        }
        i += 1;
    }
    if digits == 0 {
        return None;
    }
    if i < b.len() && b[i] | 0x20 == b'e' {
        clean.push('e');
        i += 1;
        if i < b.len() && matches!(b[i], b'+' | b'-') {
            clean.push(char::from(b[i]));
            i += 1;
        }
        let start = i;
        while i < b.len() && (b[i].is_ascii_digit() || b[i] == b'_') {
            if b[i] == b'_' {
                underscores = true;
            } else {
                clean.push(char::from(b[i]));
            }
            i += 1;
        }
        if i == start {
            return None;
        }
    }
    if i != b.len() || underscores && !underscore_ok(s) {
        return None;
    }
    let f: f64 = clean.parse().ok()?;
    // Go reports overflow as a range error (cast then returns 0); underflow is not an error.
    f.is_finite().then_some(f)
}

/// strconv's `special`: `inf`, `infinity` (optionally signed) and `nan`, any case.
fn parse_special(s: &str) -> Option<f64> {
    let lower = s.to_ascii_lowercase();
    let (sign, rest) = match lower.as_bytes().first() {
        Some(b'+') => (1.0, &lower[1..]),
        Some(b'-') => (-1.0, &lower[1..]),
        _ => {
            if lower == "nan" {
                return Some(f64::NAN);
            }
            (1.0, lower.as_str())
        }
    };
    (rest == "inf" || rest == "infinity").then_some(sign * f64::INFINITY)
}

/// A hexadecimal float after its `0x`: hex mantissa with optional point, then a mandatory
/// `p` binary exponent.
fn parse_hex_float(s: &str, neg: bool) -> Option<f64> {
    let b = s.as_bytes();
    let mut i = 0;
    let mut mant: u128 = 0;
    let mut exp: i64 = 0;
    let mut digits = 0;
    let mut saw_dot = false;
    let mut sticky = false;
    while i < b.len() {
        let c = b[i];
        if c == b'_' {
            i += 1;
            continue;
        }
        if c == b'.' && !saw_dot {
            saw_dot = true;
            i += 1;
            continue;
        }
        let Some(d) = char::from(c).to_digit(16) else {
            break;
        };
        digits += 1;
        if mant >> 120 == 0 {
            mant = mant << 4 | u128::from(d);
            if saw_dot {
                exp -= 4;
            }
        } else {
            sticky |= d != 0;
            if !saw_dot {
                exp += 4;
            }
        }
        i += 1;
    }
    if digits == 0 || i >= b.len() || b[i] | 0x20 != b'p' {
        return None;
    }
    let e: i64 = {
        let rest = &s[i + 1..];
        let digits = rest.trim_start_matches(['+', '-']);
        if digits.is_empty() || !digits.bytes().all(|c| c.is_ascii_digit() || c == b'_') {
            return None;
        }
        rest.replace('_', "").parse::<i64>().unwrap_or(if rest.starts_with('-') {
            -100_000
        } else {
            100_000
        })
    };
    let mant = mant | u128::from(sticky);
    let mut f = mant as f64;
    let mut total = exp.saturating_add(e).clamp(-5000, 5000);
    while total > 0 {
        let step = total.min(1000);
        f *= 2f64.powi(step as i32);
        total -= step;
    }
    while total < 0 {
        let step = (-total).min(1000);
        f /= 2f64.powi(step as i32);
        total += step;
    }
    if neg {
        f = -f;
    }
    f.is_finite().then_some(f)
}

/// `strconv.Quote`: a double-quoted Go string literal; printable characters are kept.
pub fn go_quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        push_escaped(&mut out, c, '"');
    }
    out.push('"');
    out
}

/// strconv's `appendEscapedRune` (not ASCII-only, not graphic-only).
fn push_escaped(out: &mut String, c: char, quote: char) {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    if c == quote || c == '\\' {
        out.push('\\');
        out.push(c);
        return;
    }
    if is_printable(c) {
        out.push(c);
        return;
    }
    match c {
        '\u{7}' => out.push_str("\\a"),
        '\u{8}' => out.push_str("\\b"),
        '\u{c}' => out.push_str("\\f"),
        '\n' => out.push_str("\\n"),
        '\r' => out.push_str("\\r"),
        '\t' => out.push_str("\\t"),
        '\u{b}' => out.push_str("\\v"),
        _ => {
            let u = c as u32;
            let (prefix, width) = if u < 0x20 || u == 0x7F {
                ("\\x", 2)
            } else if u < 0x10000 {
                ("\\u", 4)
            } else {
                ("\\U", 8)
            };
            out.push_str(prefix);
            for shift in (0..width).rev() {
                out.push(char::from(HEX[((u >> (shift * 4)) & 0xF) as usize]));
            }
        }
    }
}

/// `strconv.IsPrint`.
fn is_printable(c: char) -> bool {
    let u = c as u32;
    if u <= 0xFF {
        return (0x20..0x7F).contains(&u) || (0xA1..=0xFF).contains(&u) && u != 0xAD;
    }
    gounicode::is_print(c)
}

/// `strconv.CanBackquote`.
pub fn can_backquote(s: &str) -> bool {
    s.chars().all(|c| {
        if c.len_utf8() > 1 {
            return c != '\u{FEFF}';
        }
        !(c < ' ' && c != '\t' || c == '`' || c == '\u{7F}')
    })
}
