//! Go's regular expression syntax (`regexp/syntax` with Perl flags), translated for the
//! `regex` crate.
//!
//! [`translate`] parses a Go pattern the way `regexp/syntax` does, left to right, reporting
//! Go's first error with Go's text (`error parsing regexp: missing closing ): `(``), and
//! writes an equivalent pattern for the `regex` crate:
//! - literals are escaped one by one, so Rust-only syntax (`&&` in classes, nested `[`,
//!   `(?x)`, …) can never change the meaning;
//! - Go's Perl classes `\d \s \w` and `\b \B` are ASCII-only, so they become explicit
//!   ASCII sets and `(?-u:\b)`;
//! - `\Q…\E` becomes escaped literals; repetitions are written in brace form and flag
//!   groups are held back until the next operand (see [`translate`]).

use regex::Regex;

/// Go's `maxHeight` for nested groups.
pub const MAX_NESTING: usize = 1000;

/// Go's `syntax.Error`: `error parsing regexp: <code>: `<expr>``.
pub fn syntax_error(code: &str, expr: &str) -> String {
    format!("error parsing regexp: {code}: `{expr}`")
}

const MISSING_PAREN: &str = "missing closing )";
const UNEXPECTED_PAREN: &str = "unexpected )";
const MISSING_BRACKET: &str = "missing closing ]";
const INVALID_ESCAPE: &str = "invalid escape sequence";
const INVALID_RANGE: &str = "invalid character class range";
const INVALID_NAMED: &str = "invalid named capture";
const INVALID_PERL: &str = "invalid or unsupported Perl syntax";
const NESTED_REPEAT: &str = "invalid nested repetition operator";
const REPEAT_SIZE: &str = "invalid repeat count";
const MISSING_ARG: &str = "missing argument to repetition operator";
const TRAILING_BACKSLASH: &str = "trailing backslash at end of expression";

/// Go's Unicode general categories (scripts are checked against the `regex` crate's tables).
const CATEGORIES: &[&str] = &[
    "C", "Cc", "Cf", "Co", "Cs", "L", "Ll", "Lm", "Lo", "Lt", "Lu", "M", "Mc", "Me", "Mn", "N",
    "Nd", "Nl", "No", "P", "Pc", "Pd", "Pe", "Pf", "Pi", "Po", "Ps", "S", "Sc", "Sk", "Sm", "So",
    "Z", "Zl", "Zp", "Zs",
];

/// A Go Perl class (`\d` …) as ASCII class items, and whether it is negated.
fn perl_class(c: u8) -> Option<(&'static str, bool)> {
    Some(match c {
        b'd' => ("0-9", false),
        b'D' => ("0-9", true),
        b's' => (r"\t\n\x0C\r\x20", false),
        b'S' => (r"\t\n\x0C\r\x20", true),
        b'w' => ("0-9A-Za-z_", false),
        b'W' => ("0-9A-Za-z_", true),
        _ => return None,
    })
}

/// A literal character, escaped for use inside a Rust character class.
fn class_char(out: &mut String, c: char) {
    if c.is_ascii_alphanumeric() {
        out.push(c);
    } else {
        out.push_str(&format!("\\x{{{:X}}}", c as u32));
    }
}

/// The next character of `s` (Go's `nextRune`; `&str` is always valid UTF-8).
fn next_char(s: &str) -> Option<(char, &str)> {
    let c = s.chars().next()?;
    Some((c, &s[c.len_utf8()..]))
}

fn unhex(c: char) -> Option<u32> {
    c.to_digit(16)
}

/// Go's `parseEscape`: a single-character escape at the start of `s` (which begins with
/// `\`). Returns the character and the rest.
fn parse_escape(s: &str) -> std::result::Result<(char, &str), String> {
    let t = &s[1..];
    let Some((c, mut t)) = next_char(t) else {
        return Err(syntax_error(TRAILING_BACKSLASH, ""));
    };
    let invalid = |rest: &str| syntax_error(INVALID_ESCAPE, &s[..s.len() - rest.len()]);
    match c {
        '1'..='7' if !t.starts_with(|d: char| ('0'..='7').contains(&d)) => Err(invalid(t)),
        '0'..='7' => {
            let mut r = c as u32 - '0' as u32;
            for _ in 1..3 {
                match t.as_bytes().first() {
                    Some(&d @ b'0'..=b'7') => {
                        r = r * 8 + u32::from(d - b'0');
                        t = &t[1..];
                    }
                    _ => break,
                }
            }
            Ok((char::from_u32(r).unwrap_or('\0'), t))
        }
        'x' => {
            let Some((c1, t1)) = next_char(t) else {
                return Err(invalid(t));
            };
            if c1 == '{' {
                let mut r: u32 = 0;
                let mut n = 0;
                let mut rest = t1;
                loop {
                    let Some((d, r2)) = next_char(rest) else {
                        return Err(invalid(rest));
                    };
                    rest = r2;
                    if d == '}' {
                        break;
                    }
                    let Some(v) = unhex(d) else {
                        return Err(invalid(rest));
                    };
                    r = r * 16 + v;
                    if r > 0x10FFFF {
                        return Err(invalid(rest));
                    }
                    n += 1;
                }
                if n == 0 {
                    return Err(invalid(rest));
                }
                return Ok((char::from_u32(r).unwrap_or('\u{FFFD}'), rest));
            }
            let Some((c2, t2)) = next_char(t1) else {
                return Err(invalid(t1));
            };
            match (unhex(c1), unhex(c2)) {
                (Some(x), Some(y)) => Ok((char::from_u32(x * 16 + y).unwrap_or('\0'), t2)),
                _ => Err(invalid(t2)),
            }
        }
        'a' => Ok(('\u{7}', t)),
        'f' => Ok(('\u{C}', t)),
        'n' => Ok(('\n', t)),
        'r' => Ok(('\r', t)),
        't' => Ok(('\t', t)),
        'v' => Ok(('\u{B}', t)),
        c if c.is_ascii() && !c.is_ascii_alphanumeric() => Ok((c, t)),
        _ => Err(invalid(t)),
    }
}

/// Go's `parseUnicodeClass` for `s` starting with `\p` or `\P`: the Rust class text and the
/// rest.
fn parse_unicode_class(s: &str) -> std::result::Result<(String, &str), String> {
    let mut negate = s.as_bytes()[1] == b'P';
    let t = &s[2..];
    let (seq_len, name, rest) = match next_char(t) {
        Some(('{', _)) => {
            let Some(end) = s.find('}') else {
                return Err(syntax_error(INVALID_RANGE, s));
            };
            (end + 1, &s[3..end], &s[end + 1..])
        }
        Some((c, rest)) => (2 + c.len_utf8(), &t[..c.len_utf8()], rest),
        None => (2, "", ""),
    };
    let seq = &s[..seq_len];
    let mut name = name;
    if let Some(n) = name.strip_prefix('^') {
        negate = !negate;
        name = n;
    }
    let known = name == "Any"
        || CATEGORIES.contains(&name)
        || name.starts_with(|c: char| c.is_ascii_uppercase())
            && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
            && Regex::new(&format!(r"\p{{sc={name}}}")).is_ok();
    if !known {
        return Err(syntax_error(INVALID_RANGE, seq));
    }
    let p = if negate { 'P' } else { 'p' };
    let class = if name == "Any" {
        if negate {
            r"[^\x00-\x{10FFFF}]".to_string()
        } else {
            r"[\x00-\x{10FFFF}]".to_string()
        }
    } else if CATEGORIES.contains(&name) {
        format!(r"\{p}{{{name}}}")
    } else {
        format!(r"\{p}{{sc={name}}}")
    };
    Ok((class, rest))
}

/// Go's `parseClass` for `s` starting with `[`: the Rust class and the rest.
fn parse_class(s: &str) -> std::result::Result<(String, &str), String> {
    let mut out = String::from("[");
    let mut t = &s[1..];
    if let Some(rest) = t.strip_prefix('^') {
        out.push('^');
        t = rest;
    }
    let mut first = true;
    while t.is_empty() || !t.starts_with(']') || first {
        first = false;
        // POSIX classes like [:alnum:].
        // POSIX classes like [:alnum:] (an unterminated `[:` is two literals).
        if let Some(i) = t.strip_prefix("[:").and_then(|r| r.find(":]")) {
            let name = &t[..i + 4];
            const POSIX: &[&str] = &[
                "alnum", "alpha", "ascii", "blank", "cntrl", "digit", "graph", "lower", "print",
                "punct", "space", "upper", "word", "xdigit",
            ];
            let inner = &name[2..name.len() - 2];
            if !POSIX.contains(&inner.strip_prefix('^').unwrap_or(inner)) {
                return Err(syntax_error(INVALID_RANGE, name));
            }
            out.push_str(name);
            t = &t[i + 4..];
            continue;
        }
        if t.starts_with("\\p") || t.starts_with("\\P") {
            let (class, rest) = parse_unicode_class(t)?;
            out.push_str(&class);
            t = rest;
            continue;
        }
        if let Some((items, negated)) = t
            .strip_prefix('\\')
            .and_then(|r| r.bytes().next())
            .and_then(perl_class)
        {
            if negated {
                out.push_str(&format!("[^{items}]"));
            } else {
                out.push_str(items);
            }
            t = &t[2..];
            continue;
        }
        let rng = t;
        let (lo, rest) = class_char_at(t, s)?;
        t = rest;
        let mut hi = lo;
        if t.len() >= 2 && t.starts_with('-') && !t[1..].starts_with(']') {
            let (h, rest) = class_char_at(&t[1..], s)?;
            t = rest;
            hi = h;
            if hi < lo {
                return Err(syntax_error(INVALID_RANGE, &rng[..rng.len() - t.len()]));
            }
        }
        class_char(&mut out, lo);
        if hi != lo {
            out.push('-');
            class_char(&mut out, hi);
        }
    }
    out.push(']');
    Ok((out, &t[1..]))
}

/// Go's `parseClassChar`: one (possibly escaped) character of a class.
fn class_char_at<'s>(t: &'s str, whole: &str) -> std::result::Result<(char, &'s str), String> {
    if t.is_empty() {
        return Err(syntax_error(MISSING_BRACKET, whole));
    }
    if t.starts_with('\\') {
        return parse_escape(t);
    }
    next_char(t).ok_or_else(|| syntax_error(MISSING_BRACKET, whole))
}

/// Go's `parseRepeat`: `{n}`, `{n,}` or `{n,m}` at the start of `s`; `None` when `{` is a
/// literal. `-1` stands for "no maximum" / "too big".
fn parse_repeat(s: &str) -> Option<(i64, i64, &str)> {
    fn int(s: &str) -> Option<(i64, &str)> {
        let b = s.as_bytes();
        if b.first().is_none_or(|c| !c.is_ascii_digit()) {
            return None;
        }
        if b.len() >= 2 && b[0] == b'0' && b[1].is_ascii_digit() {
            return None;
        }
        let n = b.iter().take_while(|c| c.is_ascii_digit()).count();
        let mut v: i64 = 0;
        for &c in &b[..n] {
            if v >= 100_000_000 {
                v = -1;
                break;
            }
            v = v * 10 + i64::from(c - b'0');
        }
        Some((v, &s[n..]))
    }
    let s = s.strip_prefix('{')?;
    let (mut min, s) = int(s)?;
    let (max, s) = if let Some(s) = s.strip_prefix(',') {
        if let Some(s) = s.strip_prefix('}') {
            return Some((min, -1, s));
        }
        let (max, s) = int(s)?;
        if max < 0 {
            min = -1;
        }
        (max, s)
    } else {
        (min, s)
    };
    let rest = s.strip_prefix('}')?;
    Some((min, max, rest))
}

/// Translates a Go pattern into an equivalent `regex` crate pattern, or Go's parse error.
///
/// The output is only ever appended to, so translation is linear in the pattern length.
/// Repetitions are written in brace form (`{0,}` for `*`), which the `regex` crate lets stack
/// like Go does after a flag group (`a*(?i)?` is `(a*)?`, not a lazy star). Flag groups are
/// held back until the next operand, so an operand and its repetition are always adjacent.
pub fn translate(pattern: &str) -> std::result::Result<String, String> {
    let mut out = String::with_capacity(pattern.len() + 16);
    // Open groups; their flags end with them.
    let mut depth = 0usize;
    // Flag groups not yet written (they apply from the next operand on).
    let mut pending = String::new();
    // Whether a repetition has an operand (false after `(`, `|` or at the start).
    let mut operand = false;
    let mut last_repeat: Option<&str> = None;
    let mut t = pattern;
    while !t.is_empty() {
        let mut repeat: Option<&str> = None;
        let b = t.as_bytes()[0];
        match b {
            b'(' if t.starts_with("(?") => {
                t = perl_flags(t, &mut out, &mut pending, &mut depth, &mut operand)?;
            }
            b'(' => {
                out.push_str(&pending);
                pending.clear();
                depth += 1;
                out.push('(');
                operand = false;
                t = &t[1..];
            }
            b'|' => {
                out.push('|');
                operand = false;
                t = &t[1..];
            }
            b')' => {
                if depth == 0 {
                    return Err(syntax_error(UNEXPECTED_PAREN, pattern));
                }
                depth -= 1;
                pending.clear();
                out.push(')');
                operand = true;
                t = &t[1..];
            }
            b'*' | b'+' | b'?' | b'{' => {
                let before = t;
                let (mut op, mut after) = if b == b'{' {
                    let Some((min, max, after)) = parse_repeat(t) else {
                        // Not a repetition: `{` is a literal.
                        out.push_str(&pending);
                        pending.clear();
                        out.push_str(r"\{");
                        operand = true;
                        t = &t[1..];
                        last_repeat = None;
                        continue;
                    };
                    if !(0..=1000).contains(&min) || max > 1000 || max >= 0 && min > max {
                        return Err(syntax_error(
                            REPEAT_SIZE,
                            &before[..before.len() - after.len()],
                        ));
                    }
                    let op = match max {
                        -1 => format!("{{{min},}}"),
                        _ if max == min => format!("{{{min}}}"),
                        _ => format!("{{{min},{max}}}"),
                    };
                    (op, after)
                } else {
                    let op = match b {
                        b'*' => "{0,}",
                        b'+' => "{1,}",
                        _ => "{0,1}",
                    };
                    (op.to_string(), &t[1..])
                };
                if let Some(rest) = after.strip_prefix('?') {
                    after = rest;
                    op.push('?');
                }
                if let Some(last) = last_repeat {
                    return Err(syntax_error(
                        NESTED_REPEAT,
                        &last[..last.len() - after.len()],
                    ));
                }
                if !operand {
                    return Err(syntax_error(
                        MISSING_ARG,
                        &before[..before.len() - after.len()],
                    ));
                }
                out.push_str(&op);
                repeat = Some(before);
                t = after;
            }
            _ => {
                out.push_str(&pending);
                pending.clear();
                t = match b {
                    b'^' | b'$' | b'.' => {
                        out.push(char::from(b));
                        &t[1..]
                    }
                    b'[' => {
                        let (class, rest) = parse_class(t)?;
                        out.push_str(&class);
                        rest
                    }
                    b'\\' => escape(t, &mut out)?,
                    _ => {
                        let (c, rest) = next_char(t).unwrap_or(('\0', ""));
                        out.push_str(&regex::escape(c.encode_utf8(&mut [0u8; 4])));
                        rest
                    }
                };
                operand = true;
            }
        }
        if depth > MAX_NESTING {
            return Err(syntax_error("expression nests too deeply", pattern));
        }
        last_repeat = repeat;
    }
    if depth > 0 {
        return Err(syntax_error(MISSING_PAREN, pattern));
    }
    Ok(out)
}

/// A backslash sequence outside a class (an empty `\Q\E` writes nothing).
fn escape<'s>(t: &'s str, out: &mut String) -> std::result::Result<&'s str, String> {
    if t.len() >= 2 {
        let assertion = match t.as_bytes()[1] {
            b'A' => Some(r"\A"),
            b'z' => Some(r"\z"),
            b'b' => Some(r"(?-u:\b)"),
            b'B' => Some(r"(?-u:\B)"),
            b'C' => return Err(syntax_error(INVALID_ESCAPE, &t[..2])),
            b'Q' => {
                let body = &t[2..];
                let (lit, rest) = match body.find(r"\E") {
                    Some(i) => (&body[..i], &body[i + 2..]),
                    None => (body, ""),
                };
                for c in lit.chars() {
                    out.push_str(&regex::escape(c.encode_utf8(&mut [0u8; 4])));
                }
                return Ok(rest);
            }
            _ => None,
        };
        if let Some(a) = assertion {
            out.push_str(a);
            return Ok(&t[2..]);
        }
        if t.as_bytes()[1] == b'p' || t.as_bytes()[1] == b'P' {
            let (class, rest) = parse_unicode_class(t)?;
            out.push_str(&class);
            return Ok(rest);
        }
        if let Some((items, negated)) = perl_class(t.as_bytes()[1]) {
            out.push_str(if negated { "[^" } else { "[" });
            out.push_str(items);
            out.push(']');
            return Ok(&t[2..]);
        }
    }
    let (c, rest) = parse_escape(t)?;
    out.push_str(&regex::escape(c.encode_utf8(&mut [0u8; 4])));
    Ok(rest)
}

/// Go's `parsePerlFlags` for `t` starting with `(?`: named groups, non-capturing groups and
/// flag changes (held in `pending` until the next operand).
fn perl_flags<'s>(
    t: &'s str,
    out: &mut String,
    pending: &mut String,
    depth: &mut usize,
    operand: &mut bool,
) -> std::result::Result<&'s str, String> {
    if t.len() > 4 && t.as_bytes()[2] == b'P' && t.as_bytes()[3] == b'<' {
        let Some(end) = t.find('>') else {
            return Err(syntax_error(INVALID_NAMED, t));
        };
        let name = &t[4..end];
        if name.is_empty() || !name.bytes().all(|c| c == b'_' || c.is_ascii_alphanumeric()) {
            return Err(syntax_error(INVALID_NAMED, &t[..end + 1]));
        }
        out.push_str(pending);
        pending.clear();
        *depth += 1;
        out.push_str(&t[..end + 1]);
        *operand = false;
        return Ok(&t[end + 1..]);
    }
    let mut on = String::new();
    let mut off = String::new();
    let mut negative = false;
    let mut saw_flag = false;
    let mut rest = &t[2..];
    while let Some((c, r)) = next_char(rest) {
        rest = r;
        match c {
            'i' | 'm' | 's' | 'U' => {
                let (add, remove) = if negative {
                    (&mut off, &mut on)
                } else {
                    (&mut on, &mut off)
                };
                remove.retain(|x| x != c);
                if !add.contains(c) {
                    add.push(c);
                }
                saw_flag = true;
            }
            '-' if !negative => {
                negative = true;
                saw_flag = false;
            }
            ':' | ')' if !negative || saw_flag => {
                let flags = if off.is_empty() {
                    on
                } else {
                    format!("{on}-{off}")
                };
                if c == ':' {
                    out.push_str(pending);
                    pending.clear();
                    *depth += 1;
                    out.push_str(&format!("(?{flags}:"));
                    *operand = false;
                } else if !flags.is_empty() {
                    pending.push_str(&format!("(?{flags})"));
                }
                return Ok(rest);
            }
            _ => break,
        }
    }
    Err(syntax_error(INVALID_PERL, &t[..t.len() - rest.len()]))
}
