//! Go's `regexp` on top of the `regex` crate, and sprig's regex functions (`regex.go`).
//!
//! [`compile`] turns a Go pattern into a compiled regex through [`translate`] (Go's syntax and
//! error texts, see `resyntax.rs`). Both engines are leftmost-first with the same empty-match
//! rules, so matches, captures and `$1` / `${name}` expansion agree. Compiled regexes are
//! cached (patterns are usually literals); the cache is bounded.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock};

use regex::{Regex, RegexBuilder};

use crate::expr::value::Value;

use super::Result;
use super::conv::{can_backquote, go_quote};
pub use super::resyntax::translate;
use super::resyntax::{MAX_NESTING, syntax_error};

/// Cached compiled patterns (or their errors) before the cache is cleared.
const CACHE_CAP: usize = 256;

/// Compiled program size limit (Go's parser has similar limits: repeat counts ≤ 1000).
const SIZE_LIMIT: usize = 8 << 20;

/// A compiled pattern or Go's error text.
type Compiled = std::result::Result<Arc<Regex>, String>;

fn cache() -> &'static Mutex<HashMap<String, Compiled>> {
    static CACHE: OnceLock<Mutex<HashMap<String, Compiled>>> = OnceLock::new();
    CACHE.get_or_init(|| Mutex::new(HashMap::new()))
}

/// Go's `regexp.Compile`: the compiled regex, or Go's error text.
pub fn compile(pattern: &str) -> Compiled {
    if let Some(hit) = cache().lock().ok().and_then(|c| c.get(pattern).cloned()) {
        return hit;
    }
    let result = translate(pattern).and_then(|rust| {
        RegexBuilder::new(&rust)
            .size_limit(SIZE_LIMIT)
            .nest_limit(4 * MAX_NESTING as u32)
            .build()
            .map(Arc::new)
            .map_err(|e| match e {
                regex::Error::CompiledTooBig(_) => syntax_error("expression too large", pattern),
                other => format!("error parsing regexp: {other}"),
            })
    });
    if let Ok(mut cache) = cache().lock() {
        if cache.len() >= CACHE_CAP {
            cache.clear();
        }
        cache.insert(pattern.to_string(), result.clone());
    }
    result
}

/// Go's `regexp.MustCompile` panic text for a bad pattern.
fn must_compile(pattern: &str) -> Result<Arc<Regex>> {
    compile(pattern).map_err(|e| {
        let quoted = if can_backquote(pattern) {
            format!("`{pattern}`")
        } else {
            go_quote(pattern)
        };
        format!("regexp: Compile({quoted}): {e}")
    })
}

/// Whether a sprig regex function panics (`MustCompile`) or returns the error (`must*`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    /// `regexFind` & co.: `regexp.MustCompile`.
    Panic,
    /// `mustRegexFind` & co.: `regexp.Compile`'s error.
    Error,
}

fn get(pattern: &str, mode: Mode) -> Result<Arc<Regex>> {
    match mode {
        Mode::Panic => must_compile(pattern),
        Mode::Error => compile(pattern),
    }
}

/// `regexMatch` (bad pattern: false) / `mustRegexMatch` (bad pattern: error).
pub fn is_match(pattern: &str, s: &str, mode: Mode) -> Result<bool> {
    match compile(pattern) {
        Ok(re) => Ok(re.is_match(s)),
        Err(e) if mode == Mode::Error => Err(e),
        Err(_) => Ok(false),
    }
}

/// Go's `FindAllStringIndex(s, n)`: `n < 0` means all.
fn find_all(re: &Regex, s: &str, n: i64) -> Vec<(usize, usize)> {
    let limit = if n < 0 { usize::MAX } else { n as usize };
    re.find_iter(s)
        .take(limit)
        .map(|m| (m.start(), m.end()))
        .collect()
}

/// `regexFindAll(regex, s, n)`.
pub fn find_all_strings<'a>(pattern: &str, s: &str, n: i64, mode: Mode) -> Result<Value<'a>> {
    let re = get(pattern, mode)?;
    Ok(Value::strings(
        find_all(&re, s, n).into_iter().map(|(a, b)| &s[a..b]),
    ))
}

/// `regexFind(regex, s)`: the first match or "".
pub fn find(pattern: &str, s: &str, mode: Mode) -> Result<String> {
    let re = get(pattern, mode)?;
    Ok(re.find(s).map_or(String::new(), |m| m.as_str().to_string()))
}

/// `regexReplaceAll(regex, s, repl)` (with `$1` expansion) and the literal variant; the
/// output is checked against the budget as it grows.
pub fn replace_all(
    pattern: &str,
    s: &str,
    repl: &str,
    literal: bool,
    mode: Mode,
) -> Result<String> {
    let re = get(pattern, mode)?;
    let mut out = String::with_capacity(s.len());
    let mut last = 0;
    if literal || !repl.contains('$') {
        for m in re.find_iter(s) {
            out.push_str(&s[last..m.start()]);
            out.push_str(repl);
            last = m.end();
            super::budget(out.len())?;
        }
    } else {
        for caps in re.captures_iter(s) {
            let Some(m) = caps.get(0) else { continue };
            out.push_str(&s[last..m.start()]);
            caps.expand(repl, &mut out);
            last = m.end();
            super::budget(out.len())?;
        }
    }
    out.push_str(&s[last..]);
    super::budget(out.len())?;
    Ok(out)
}

/// `regexSplit(regex, s, n)`: Go's `Regexp.Split`.
pub fn split<'a>(pattern: &str, s: &str, n: i64, mode: Mode) -> Result<Value<'a>> {
    let re = get(pattern, mode)?;
    if n == 0 {
        return Ok(Value::strings(Vec::<String>::new()));
    }
    if !pattern.is_empty() && s.is_empty() {
        return Ok(Value::strings([""]));
    }
    let mut parts: Vec<&str> = Vec::new();
    let (mut beg, mut end) = (0, 0);
    for (a, b) in find_all(&re, s, n) {
        if n > 0 && parts.len() as i64 == n - 1 {
            break;
        }
        end = a;
        if b != 0 {
            parts.push(&s[beg..end]);
        }
        beg = b;
    }
    if end != s.len() {
        parts.push(&s[beg..]);
    }
    Ok(Value::strings(parts))
}

/// Go's `regexp.QuoteMeta`.
pub fn quote_meta(s: &str) -> String {
    let mut out = String::with_capacity(s.len() * 2);
    for c in s.chars() {
        if r"\.+*?()|[]{}^$".contains(c) {
            out.push('\\');
        }
        out.push(c);
    }
    out
}
