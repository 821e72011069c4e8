//! sprig's string functions (`strings.go` and the goutils / strings helpers it wraps).
//!
//! Go strings are bytes: `trunc`, `substr`, `abbrev`, `wrap` and friends cut at byte offsets,
//! and `initials` / `nospace` even walk bytes as Latin-1 runes. Results are built as bytes and
//! repaired at the end the way Go prints an invalid string ([`go_lossy`]).

use std::collections::BTreeMap;

use crate::expr::gofmt;
use crate::expr::value::{ListKind, MapKind, Value};

use super::conv::{go_lossy, go_quote, strval};
use super::gounicode::{
    is_letter, is_lower, is_space, is_title, is_upper, to_lower, to_title, to_upper,
};
use super::{Result, budget};

/// A byte string as a value, repaired like Go prints it.
fn bytes_value<'a>(b: &[u8]) -> Value<'a> {
    Value::from(go_lossy(b))
}

/// `trunc(c, s)`: the first `c` bytes, or the last `-c` bytes when `c` is negative.
pub fn trunc<'a>(c: i64, s: &str) -> Value<'a> {
    let b = s.as_bytes();
    let len = b.len() as i64;
    if c < 0 && len + c > 0 {
        return bytes_value(&b[(len + c) as usize..]);
    }
    if c >= 0 && len > c {
        return bytes_value(&b[..c as usize]);
    }
    Value::from(s)
}

/// `substr(start, end, s)` with Go's slice-bounds panics.
pub fn substr<'a>(start: i64, end: i64, s: &str) -> Result<Value<'a>> {
    let b = s.as_bytes();
    let len = b.len() as i64;
    if start < 0 {
        if end < 0 {
            return Err(format!("runtime error: slice bounds out of range [:{end}]"));
        }
        if end > len {
            return Err(format!(
                "runtime error: slice bounds out of range [:{end}] with length {len}"
            ));
        }
        return Ok(bytes_value(&b[..end as usize]));
    }
    if end < 0 || end > len {
        if start > len {
            return Err(format!(
                "runtime error: slice bounds out of range [{start}:{len}]"
            ));
        }
        return Ok(bytes_value(&b[start as usize..]));
    }
    if start > end {
        return Err(format!(
            "runtime error: slice bounds out of range [{start}:{end}]"
        ));
    }
    Ok(bytes_value(&b[start as usize..end as usize]))
}

/// goutils `AbbreviateFull` (byte offsets); `None` is its "illegal argument" error.
fn abbreviate_full(s: &[u8], offset: i64, max_width: i64) -> Option<Vec<u8>> {
    if s.is_empty() {
        return Some(Vec::new());
    }
    if max_width < 4 {
        return None;
    }
    let len = s.len() as i64;
    if len <= max_width {
        return Some(s.to_vec());
    }
    let mut offset = offset.min(len);
    if len - offset < max_width - 3 {
        offset = len - (max_width - 3);
    }
    if offset <= 4 {
        let mut out = s[..(max_width - 3) as usize].to_vec();
        out.extend_from_slice(b"...");
        return Some(out);
    }
    if max_width < 7 {
        return None;
    }
    let mut out = b"...".to_vec();
    if offset + max_width - 3 < len {
        out.extend(abbreviate_full(&s[offset as usize..], 0, max_width - 3).unwrap_or_default());
    } else {
        out.extend_from_slice(&s[(len - (max_width - 3)) as usize..]);
    }
    Some(out)
}

/// `abbrev(width, s)`.
pub fn abbrev<'a>(width: i64, s: &str) -> Value<'a> {
    if width < 4 {
        return Value::from(s);
    }
    bytes_value(&abbreviate_full(s.as_bytes(), 0, width).unwrap_or_default())
}

/// `abbrevboth(left, right, s)`.
pub fn abbrevboth<'a>(left: i64, right: i64, s: &str) -> Value<'a> {
    if right < 4 || left > 0 && right < 7 {
        return Value::from(s);
    }
    bytes_value(&abbreviate_full(s.as_bytes(), left, right).unwrap_or_default())
}

/// Appends a Latin-1 "rune" (a byte converted with Go's `rune(str[i])`) as UTF-8.
fn push_latin1(out: &mut String, b: u8) {
    out.push(char::from(b));
}

/// goutils `Initials`: the first byte of every whitespace-separated word, walked byte-wise.
pub fn initials(s: &str) -> String {
    let mut out = String::new();
    let mut gap = true;
    for &b in s.as_bytes() {
        if is_space(char::from(b)) {
            gap = true;
        } else if gap {
            push_latin1(&mut out, b);
            gap = false;
        }
    }
    out
}

/// goutils `DeleteWhiteSpace` (`nospace`), walked byte-wise.
pub fn nospace(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut count = 0;
    for &b in s.as_bytes() {
        if !is_space(char::from(b)) {
            push_latin1(&mut out, b);
            count += 1;
        }
    }
    if count == s.len() {
        return s.to_string();
    }
    out
}

/// goutils `Uncapitalize` (`untitle`): lowercases the first letter of each word.
pub fn untitle(s: &str) -> String {
    let mut next = true;
    s.chars()
        .map(|c| {
            if is_space(c) {
                next = true;
                c
            } else if next {
                next = false;
                to_lower(c)
            } else {
                c
            }
        })
        .collect()
}

/// goutils `SwapCase`: upper and title become lower; lower becomes title after whitespace
/// and upper elsewhere.
pub fn swapcase(s: &str) -> String {
    let mut whitespace = true;
    s.chars()
        .map(|c| {
            if is_upper(c) || is_title(c) {
                whitespace = false;
                to_lower(c)
            } else if is_lower(c) {
                if whitespace {
                    whitespace = false;
                    to_title(c)
                } else {
                    to_upper(c)
                }
            } else {
                whitespace = is_space(c);
                c
            }
        })
        .collect()
}

/// Go `strings.Title`'s word separator test.
fn is_separator(c: char) -> bool {
    if c.is_ascii() {
        return !(c.is_ascii_alphanumeric() || c == '_');
    }
    if is_letter(c) || super::gounicode::is_digit(c) {
        return false;
    }
    is_space(c)
}

/// Go `strings.Title`.
pub fn title(s: &str) -> String {
    let mut prev = ' ';
    s.chars()
        .map(|c| {
            let out = if is_separator(prev) { to_title(c) } else { c };
            prev = c;
            out
        })
        .collect()
}

/// goutils `WrapCustom` (byte offsets).
pub fn wrap_custom<'a>(s: &str, wrap: i64, newline: &str, long_words: bool) -> Result<Value<'a>> {
    if s.is_empty() {
        return Ok(Value::from(""));
    }
    let newline = if newline.is_empty() { "\n" } else { newline }.as_bytes();
    let wrap = wrap.max(1).min(i64::from(u32::MAX)) as usize;
    let b = s.as_bytes();
    let len = b.len();
    let mut offset = 0usize;
    let mut out: Vec<u8> = Vec::with_capacity(len);
    while len - offset > wrap {
        if b[offset] == b' ' {
            offset += 1;
            continue;
        }
        let end = wrap + offset + 1;
        let space = b[offset..end].iter().rposition(|&c| c == b' ');
        if let Some(sp) = space {
            out.extend_from_slice(&b[offset..offset + sp]);
            out.extend_from_slice(newline);
            offset += sp + 1;
        } else if long_words {
            out.extend_from_slice(&b[offset..offset + wrap]);
            out.extend_from_slice(newline);
            offset += wrap;
        } else {
            let end = wrap + offset;
            match b[end..].iter().position(|&c| c == b' ') {
                Some(i) => {
                    out.extend_from_slice(&b[offset..end + i]);
                    out.extend_from_slice(newline);
                    offset = end + i + 1;
                }
                None => {
                    out.extend_from_slice(&b[offset..]);
                    offset = len;
                }
            }
        }
        budget(out.len())?;
    }
    out.extend_from_slice(&b[offset..]);
    Ok(bytes_value(&out))
}

/// `quote(args...)`: each non-nil argument's `strval` as a Go quoted string.
pub fn quote(args: &[Value<'_>]) -> String {
    let parts: Vec<String> = args
        .iter()
        .filter(|v| !v.is_nil())
        .map(|v| go_quote(&strval(v)))
        .collect();
    parts.join(" ")
}

/// `squote(args...)`: each non-nil argument with `%v`, in single quotes.
pub fn squote(args: &[Value<'_>]) -> String {
    let parts: Vec<String> = args
        .iter()
        .filter(|v| !v.is_nil())
        .map(|v| format!("'{}'", gofmt::sprint_v(v)))
        .collect();
    parts.join(" ")
}

/// `cat(args...)`: the non-nil arguments with `%v`, separated by spaces.
pub fn cat(args: &[Value<'_>]) -> Result<String> {
    let mut out = String::new();
    for (i, v) in args.iter().filter(|v| !v.is_nil()).enumerate() {
        if i > 0 {
            out.push(' ');
        }
        gofmt::write_fmt(&mut out, v, gofmt::Verb::V, true);
        budget(out.len())?;
    }
    Ok(out)
}

/// `strings.Repeat` with Go's panics, bounded by the output budget.
pub fn repeat(s: &str, count: i64) -> Result<String> {
    if count == 0 {
        return Ok(String::new());
    }
    if count < 0 {
        return Err("strings: negative Repeat count".to_string());
    }
    let total = (s.len() as u128) * (count as u128);
    if total > i64::MAX as u128 {
        return Err("strings: Repeat output length overflow".to_string());
    }
    budget(total as usize)?;
    Ok(s.repeat(count as usize))
}

/// `indent(spaces, s)`: pads the start and every line.
pub fn indent(spaces: i64, s: &str) -> Result<String> {
    let pad = repeat(" ", spaces)?;
    let lines = s.bytes().filter(|&c| c == b'\n').count() + 1;
    budget(s.len().saturating_add(pad.len().saturating_mul(lines)))?;
    let mut out = pad.clone();
    out.push_str(&s.replace('\n', &format!("\n{pad}")));
    Ok(out)
}

/// `replace(old, new, src)`: Go `strings.Replace(src, old, new, -1)`, bounded.
pub fn replace(old: &str, new: &str, src: &str) -> Result<String> {
    let n = if old.is_empty() {
        src.chars().count() + 1
    } else {
        src.matches(old).count()
    };
    let grow = new.len().saturating_sub(old.len()).saturating_mul(n);
    budget(src.len().saturating_add(grow))?;
    Ok(src.replace(old, new))
}

/// Go `strings.SplitN(s, sep, n)` (`n < 0` means all).
pub fn split_n(s: &str, sep: &str, n: i64) -> Vec<String> {
    if n == 0 {
        return Vec::new();
    }
    if sep.is_empty() {
        // Go's `explode`: one string per character, the last one taking the rest.
        let count = s.chars().count() as i64;
        let n = if n < 0 || n > count { count } else { n } as usize;
        let mut out = Vec::with_capacity(n);
        let mut rest = s;
        for _ in 0..n.saturating_sub(1) {
            let size = rest.chars().next().map_or(0, char::len_utf8);
            out.push(rest[..size].to_string());
            rest = &rest[size..];
        }
        if n > 0 {
            out.push(rest.to_string());
        }
        return out;
    }
    if n < 0 {
        return s.split(sep).map(str::to_string).collect();
    }
    s.splitn(usize::try_from(n).unwrap_or(usize::MAX), sep)
        .map(str::to_string)
        .collect()
}

/// `split` / `splitn`: a `map[string]string` with keys `_0`, `_1`, ….
pub fn parts_map<'a>(parts: Vec<String>) -> Value<'a> {
    let entries: BTreeMap<String, Value<'a>> = parts
        .into_iter()
        .enumerate()
        .map(|(i, p)| (format!("_{i}"), Value::from(p)))
        .collect();
    Value::typed_map(MapKind::String, entries)
}

/// sprig's `strslice`: a list's non-nil elements through `strval`; nil is empty; any other
/// value is a one-element list.
pub fn strslice(v: &Value<'_>) -> Vec<String> {
    match v {
        Value::Nil => Vec::new(),
        Value::List(l) if l.kind == ListKind::String => l.items.iter().map(strval).collect(),
        _ => match v.array_items() {
            Some(items) => items.iter().filter(|x| !x.is_nil()).map(strval).collect(),
            None => vec![strval(v)],
        },
    }
}

/// `join(sep, v)`, bounded.
pub fn join(sep: &str, v: &Value<'_>) -> Result<String> {
    let parts = strslice(v);
    let total = parts.iter().map(String::len).sum::<usize>()
        + sep.len().saturating_mul(parts.len().saturating_sub(1));
    budget(total)?;
    Ok(parts.join(sep))
}

/// `sortAlpha(list)`: a list's strings sorted; any other value as a one-element list.
pub fn sort_alpha<'a>(v: &Value<'_>) -> Value<'a> {
    let mut parts = if v.is_array() {
        strslice(v)
    } else {
        vec![strval(v)]
    };
    parts.sort();
    Value::strings(parts)
}
