//! expr's plain built-in functions (`builtin/builtin.go`, `builtin/lib.go`), minus the
//! predicate ones, which the evaluator runs itself.
//!
//! Takes evaluated arguments and a [`Budget`], returns a value or Go's error/panic text
//! (the evaluator adds the position). Time functions other than `duration` are not
//! supported and say so, naming the function.

use std::collections::BTreeMap;
use std::sync::Arc;

use base64::Engine as _;

use super::gofmt::{self, JsonOptions};
use super::limits;
use super::ops::{self, as_string, interface_conversion};
use super::value::{ListKind, Value, equal};

/// Per-evaluation resource accounting.
#[derive(Debug, Default)]
pub struct Budget {
    /// Elements or bytes allocated by ranges and list/string building functions so far.
    pub memory: u64,
    /// Operations evaluated so far (counted by the evaluator, checked at every predicate
    /// iteration against [`MAX_EVAL_STEPS`](limits::MAX_EVAL_STEPS)).
    pub steps: u64,
}

impl Budget {
    /// Accounts `n` more units of memory (Go's `memory budget exceeded`).
    pub fn grow(&mut self, n: u64) -> Result<(), String> {
        self.memory = self.memory.saturating_add(n);
        // Go's `vm.memGrow`: the budget is exceeded when it is reached.
        if self.memory >= limits::MEMORY_BUDGET {
            return Err("memory budget exceeded".to_string());
        }
        Ok(())
    }
}

/// A built-in implementation.
pub type BuiltinFn = for<'a> fn(&mut Budget, Vec<Value<'a>>) -> Result<Value<'a>, String>;

/// Resolves a built-in by name.
pub fn lookup(name: &str) -> Option<BuiltinFn> {
    Some(match name {
        "len" => len,
        "type" => type_,
        "abs" => abs,
        "ceil" => ceil,
        "floor" => floor,
        "round" => round,
        "int" => int,
        "float" => float,
        "string" => string,
        "trim" => trim,
        "trimPrefix" => trim_prefix,
        "trimSuffix" => trim_suffix,
        "upper" => upper,
        "lower" => lower,
        "split" => split,
        "splitAfter" => split_after,
        "replace" => replace,
        "repeat" => repeat,
        "join" => join,
        "indexOf" => index_of,
        "lastIndexOf" => last_index_of,
        "hasPrefix" => has_prefix,
        "hasSuffix" => has_suffix,
        "max" => max,
        "min" => min,
        "mean" => mean,
        "median" => median,
        "toJSON" => to_json,
        "fromJSON" => from_json,
        "toBase64" => to_base64,
        "fromBase64" => from_base64,
        "now" => now,
        "duration" => duration,
        "date" => date,
        "timezone" => timezone,
        "first" => first,
        "last" => last,
        "get" => get,
        "take" => take,
        "keys" => keys,
        "values" => values,
        "toPairs" => to_pairs,
        "fromPairs" => from_pairs,
        "reverse" => reverse,
        "uniq" => uniq,
        "concat" => concat,
        "flatten" => flatten,
        "sort" => sort,
        "bitand" => bitand,
        "bitor" => bitor,
        "bitxor" => bitxor,
        "bitnand" => bitnand,
        "bitshl" => bitshl,
        "bitshr" => bitshr,
        "bitushr" => bitushr,
        "bitnot" => bitnot,
        _ => return None,
    })
}

type R<'a> = Result<Value<'a>, String>;

fn arg<'v, 'a>(args: &'v [Value<'a>], i: usize) -> &'v Value<'a> {
    static NIL: Value<'static> = Value::Nil;
    args.get(i).unwrap_or(&NIL)
}

fn s<'v>(args: &'v [Value<'_>], i: usize) -> Result<&'v str, String> {
    as_string(arg(args, i))
}

fn expect_count(args: &[Value<'_>], n: usize) -> Result<(), String> {
    if args.len() != n {
        return Err(format!(
            "invalid number of arguments (expected {n}, got {})",
            args.len()
        ));
    }
    Ok(())
}

fn len<'a>(_: &mut Budget, a: Vec<Value<'a>>) -> R<'a> {
    let v = arg(&a, 0);
    let n = match v {
        Value::Str(_) | Value::String(_) => v.as_str().unwrap_or_default().len(),
        _ => match v.array_len().or_else(|| v.map_len()) {
            Some(n) => n,
            None => return Err(format!("invalid argument for len (type {})", v.go_type())),
        },
    };
    Ok(Value::Int(n as i64))
}

fn type_<'a>(_: &mut Budget, a: Vec<Value<'a>>) -> R<'a> {
    Ok(Value::string(arg(&a, 0).expr_type_name().as_ref()))
}

fn abs<'a>(_: &mut Budget, a: Vec<Value<'a>>) -> R<'a> {
    Ok(match arg(&a, 0) {
        Value::Int(i) => Value::Int(i.wrapping_abs()),
        Value::Int64(i) => Value::Int64(i.wrapping_abs()),
        Value::Float(f) => Value::Float(if *f < 0.0 { -f } else { *f }),
        v @ Value::Uint8(_) => v.clone(),
        v => return Err(format!("invalid argument for abs (type {})", v.go_type())),
    })
}

fn round_with<'a>(name: &str, a: &[Value<'a>], f: fn(f64) -> f64) -> R<'a> {
    match arg(a, 0) {
        Value::Float(x) => Ok(Value::Float(f(*x))),
        v if v.is_integer() => Ok(Value::Float(v.as_number().unwrap_or(0.0))),
        v => Err(format!(
            "invalid argument for {name} (type {})",
            v.go_type()
        )),
    }
}

fn ceil<'a>(_: &mut Budget, a: Vec<Value<'a>>) -> R<'a> {
    round_with("ceil", &a, f64::ceil)
}
fn floor<'a>(_: &mut Budget, a: Vec<Value<'a>>) -> R<'a> {
    round_with("floor", &a, f64::floor)
}
fn round<'a>(_: &mut Budget, a: Vec<Value<'a>>) -> R<'a> {
    round_with("round", &a, f64::round)
}

/// expr's `int()` (also Argo's `asInt`).
pub fn int<'a>(_: &mut Budget, a: Vec<Value<'a>>) -> R<'a> {
    let v = arg(&a, 0);
    match v {
        Value::Float(f) => Ok(Value::Int(ops::go_float_to_int(*f))),
        _ if v.is_integer() => Ok(Value::Int(v.as_integer().unwrap_or(0))),
        Value::Str(_) | Value::String(_) => {
            let t = v.as_str().unwrap_or_default();
            go_atoi(t)
                .map(Value::Int)
                .ok_or_else(|| format!("invalid operation: int({t})"))
        }
        _ => Err(format!("invalid operation: int({})", v.go_type())),
    }
}

/// Go's `strconv.Atoi` (optional sign, decimal digits, no spaces).
fn go_atoi(t: &str) -> Option<i64> {
    let digits = t.strip_prefix(['+', '-']).unwrap_or(t);
    if digits.is_empty() || !digits.bytes().all(|c| c.is_ascii_digit()) {
        return None;
    }
    t.parse::<i64>().ok()
}

/// expr's `float()` (also Argo's `asFloat`).
pub fn float<'a>(_: &mut Budget, a: Vec<Value<'a>>) -> R<'a> {
    let v = arg(&a, 0);
    match v {
        _ if v.is_number() => Ok(Value::Float(v.as_number().unwrap_or(0.0))),
        Value::Str(_) | Value::String(_) => {
            let t = v.as_str().unwrap_or_default();
            go_parse_float(t)
                .map(Value::Float)
                .ok_or_else(|| format!("invalid operation: float({t})"))
        }
        _ => Err(format!("invalid operation: float({})", v.go_type())),
    }
}

/// Go's `strconv.ParseFloat(s, 64)` for the common forms.
fn go_parse_float(t: &str) -> Option<f64> {
    let body = t.strip_prefix(['+', '-']).unwrap_or(t).replace('_', "");
    match body.to_ascii_lowercase().as_str() {
        "inf" | "infinity" => {
            return Some(if t.starts_with('-') {
                f64::NEG_INFINITY
            } else {
                f64::INFINITY
            });
        }
        "nan" => return Some(f64::NAN),
        _ => {}
    }
    if body.is_empty()
        || !body
            .bytes()
            .all(|c| c.is_ascii_digit() || b".eE+-".contains(&c))
    {
        return None;
    }
    t.replace('_', "").parse::<f64>().ok()
}

fn string<'a>(_: &mut Budget, a: Vec<Value<'a>>) -> R<'a> {
    Ok(Value::string(gofmt::sprint_v(arg(&a, 0))))
}

fn trim<'a>(_: &mut Budget, a: Vec<Value<'a>>) -> R<'a> {
    let x = s(&a, 0)?;
    Ok(Value::string(if a.len() == 2 {
        let cut = s(&a, 1)?;
        x.trim_matches(|c| cut.contains(c))
    } else {
        x.trim_matches(|c: char| c.is_whitespace())
    }))
}

fn trim_prefix<'a>(_: &mut Budget, a: Vec<Value<'a>>) -> R<'a> {
    let x = s(&a, 0)?;
    let p = if a.len() == 2 { s(&a, 1)? } else { " " };
    Ok(Value::string(x.strip_prefix(p).unwrap_or(x)))
}

fn trim_suffix<'a>(_: &mut Budget, a: Vec<Value<'a>>) -> R<'a> {
    let x = s(&a, 0)?;
    let p = if a.len() == 2 { s(&a, 1)? } else { " " };
    Ok(Value::string(x.strip_suffix(p).unwrap_or(x)))
}

fn upper<'a>(_: &mut Budget, a: Vec<Value<'a>>) -> R<'a> {
    Ok(Value::string(s(&a, 0)?.to_uppercase()))
}

fn lower<'a>(_: &mut Budget, a: Vec<Value<'a>>) -> R<'a> {
    Ok(Value::string(s(&a, 0)?.to_lowercase()))
}

/// Go's `strings.SplitN` / `SplitAfterN` (`n < 0` means all).
fn go_split(x: &str, sep: &str, n: i64, after: bool) -> Vec<String> {
    if n == 0 {
        return Vec::new();
    }
    if sep.is_empty() {
        let mut out: Vec<String> = x.chars().map(String::from).collect();
        if n > 0 && out.len() > n as usize {
            let rest: String = out[n as usize - 1..].concat();
            out.truncate(n as usize - 1);
            out.push(rest);
        }
        return out;
    }
    let mut out = Vec::new();
    let mut rest = x;
    while n < 0 || (out.len() as i64) < n - 1 {
        match rest.find(sep) {
            Some(i) => {
                let cut = if after { i + sep.len() } else { i };
                out.push(rest[..cut].to_string());
                rest = &rest[i + sep.len()..];
            }
            None => break,
        }
    }
    out.push(rest.to_string());
    out
}

fn split_impl<'a>(a: &[Value<'a>], after: bool) -> R<'a> {
    let x = s(a, 0)?;
    let sep = s(a, 1)?;
    let n = if a.len() == 3 {
        ops::to_int(&a[2])?
    } else {
        -1
    };
    Ok(Value::strings(go_split(x, sep, n, after)))
}

fn split<'a>(_: &mut Budget, a: Vec<Value<'a>>) -> R<'a> {
    split_impl(&a, false)
}
fn split_after<'a>(_: &mut Budget, a: Vec<Value<'a>>) -> R<'a> {
    split_impl(&a, true)
}

fn replace<'a>(_: &mut Budget, a: Vec<Value<'a>>) -> R<'a> {
    let x = s(&a, 0)?;
    let old = s(&a, 1)?;
    let new = s(&a, 2)?;
    let n = if a.len() == 4 {
        ops::to_int(&a[3])?
    } else {
        -1
    };
    if n < 0 {
        return Ok(Value::string(go_replace_all(x, old, new)));
    }
    let mut out = String::new();
    let mut rest = x;
    let mut done = 0;
    while done < n {
        if old.is_empty() {
            break;
        }
        match rest.find(old) {
            Some(i) => {
                out.push_str(&rest[..i]);
                out.push_str(new);
                rest = &rest[i + old.len()..];
                done += 1;
            }
            None => break,
        }
    }
    out.push_str(rest);
    Ok(Value::string(out))
}

fn go_replace_all(x: &str, old: &str, new: &str) -> String {
    if old.is_empty() {
        // Go inserts `new` before every rune and at the end.
        let mut out = String::from(new);
        for c in x.chars() {
            out.push(c);
            out.push_str(new);
        }
        return out;
    }
    x.replace(old, new)
}

fn repeat<'a>(b: &mut Budget, a: Vec<Value<'a>>) -> R<'a> {
    let x = s(&a, 0)?;
    let n = ops::to_int(arg(&a, 1))?;
    if n < 0 {
        return Err(format!(
            "invalid argument for repeat (expected positive integer, got {n})"
        ));
    }
    if n > 1_000_000 || (x.len() as u64).saturating_mul(n as u64) > limits::MAX_STRING_BYTES {
        return Err("memory budget exceeded".to_string());
    }
    b.grow(x.len() as u64 * n as u64 / 16)?;
    Ok(Value::string(x.repeat(n as usize)))
}

fn join<'a>(_: &mut Budget, a: Vec<Value<'a>>) -> R<'a> {
    let glue = if a.len() == 2 { s(&a, 1)? } else { "" };
    let v = arg(&a, 0);
    let Some(items) = v.array_items() else {
        return Err(format!("invalid argument for join (type {})", v.go_type()));
    };
    let mut parts = Vec::with_capacity(items.len());
    for i in &items {
        parts.push(as_string(i)?);
    }
    Ok(Value::string(parts.join(glue)))
}

fn byte_index(i: Option<usize>) -> Value<'static> {
    Value::Int(i.map(|i| i as i64).unwrap_or(-1))
}

fn index_of<'a>(_: &mut Budget, a: Vec<Value<'a>>) -> R<'a> {
    Ok(byte_index(s(&a, 0)?.find(s(&a, 1)?)))
}
fn last_index_of<'a>(_: &mut Budget, a: Vec<Value<'a>>) -> R<'a> {
    Ok(byte_index(s(&a, 0)?.rfind(s(&a, 1)?)))
}
fn has_prefix<'a>(_: &mut Budget, a: Vec<Value<'a>>) -> R<'a> {
    Ok(Value::Bool(s(&a, 0)?.starts_with(s(&a, 1)?)))
}
fn has_suffix<'a>(_: &mut Budget, a: Vec<Value<'a>>) -> R<'a> {
    Ok(Value::Bool(s(&a, 0)?.ends_with(s(&a, 1)?)))
}

fn min_max<'a>(name: &str, want_greater: bool, args: &[Value<'a>]) -> R<'a> {
    let mut best: Option<Value<'a>> = None;
    for v in args {
        if let Some(items) = v.array_items() {
            for item in items {
                let e = min_max(name, want_greater, std::slice::from_ref(&item))?;
                if !e.is_number() {
                    return Err(format!(
                        "invalid argument for {name} (type {})",
                        e.go_type()
                    ));
                }
                if best.as_ref().is_none_or(|b| {
                    ops::compare(if want_greater { ">" } else { "<" }, &e, b) == Ok(true)
                }) {
                    best = Some(e);
                }
            }
        } else if v.is_number() {
            if best.as_ref().is_none_or(|b| {
                ops::compare(if want_greater { ">" } else { "<" }, v, b) == Ok(true)
            }) {
                best = Some(v.clone());
            }
        } else {
            if args.len() == 1 {
                return Ok(v.clone());
            }
            return Err(format!(
                "invalid argument for {name} (type {})",
                v.go_type()
            ));
        }
    }
    Ok(best.unwrap_or(Value::Nil))
}

fn max<'a>(_: &mut Budget, a: Vec<Value<'a>>) -> R<'a> {
    min_max("max", true, &a)
}
fn min<'a>(_: &mut Budget, a: Vec<Value<'a>>) -> R<'a> {
    min_max("min", false, &a)
}

fn numbers(name: &str, args: &[Value<'_>], out: &mut Vec<f64>) -> Result<(), String> {
    for v in args {
        if let Some(items) = v.array_items() {
            numbers(name, &items, out)?;
        } else if let Some(n) = v.as_number() {
            out.push(n);
        } else {
            return Err(format!(
                "invalid argument for {name} (type {})",
                v.go_type()
            ));
        }
    }
    Ok(())
}

fn mean<'a>(_: &mut Budget, a: Vec<Value<'a>>) -> R<'a> {
    let mut v = Vec::new();
    numbers("mean", &a, &mut v)?;
    if v.is_empty() {
        return Ok(Value::Float(0.0));
    }
    Ok(Value::Float(v.iter().sum::<f64>() / v.len() as f64))
}

fn median<'a>(_: &mut Budget, a: Vec<Value<'a>>) -> R<'a> {
    let mut v = Vec::new();
    numbers("median", &a, &mut v)?;
    if v.is_empty() {
        return Ok(Value::Float(0.0));
    }
    v.sort_by(|x, y| x.total_cmp(y));
    let n = v.len();
    Ok(Value::Float(if n % 2 == 1 {
        v[n / 2]
    } else {
        (v[n / 2 - 1] + v[n / 2]) / 2.0
    }))
}

fn to_json<'a>(_: &mut Budget, a: Vec<Value<'a>>) -> R<'a> {
    gofmt::to_json(arg(&a, 0), JsonOptions::INDENT2)
        .map(Value::string)
        .map_err(|e| e.0)
}

/// Go's `json.Unmarshal` into `interface{}`, with Go's error texts for the common failures.
pub fn go_unmarshal(text: &str) -> Result<Value<'static>, String> {
    match serde_json::from_str::<serde_json::Value>(text) {
        Ok(v) => Ok(Value::from_owned_json(v)),
        Err(e) => Err(go_json_error(text, &e)),
    }
}

/// Imitates Go's `encoding/json` syntax error texts.
pub fn go_json_error(text: &str, e: &serde_json::Error) -> String {
    if e.is_eof() || text.trim().is_empty() {
        return "unexpected end of JSON input".to_string();
    }
    // Find the offending byte from serde's line/column.
    let line = e.line();
    let col = e.column();
    let offset: usize = text
        .split('\n')
        .take(line.saturating_sub(1))
        .map(|l| l.len() + 1)
        .sum::<usize>()
        + col.saturating_sub(1);
    let c = text[offset.min(text.len())..].chars().next().unwrap_or(' ');
    let shown = match c {
        '\'' => "'\\''".to_string(),
        c => format!("'{c}'"),
    };
    let msg = e.to_string();
    if msg.starts_with("key must be a string") {
        format!("invalid character {shown} looking for beginning of object key string")
    } else if msg.starts_with("trailing characters") {
        format!("invalid character {shown} after top-level value")
    } else if msg.starts_with("expected ident") {
        format!("invalid character {shown} in literal")
    } else {
        format!("invalid character {shown} looking for beginning of value")
    }
}

fn from_json<'a>(_: &mut Budget, a: Vec<Value<'a>>) -> R<'a> {
    go_unmarshal(s(&a, 0)?)
}

fn to_base64<'a>(_: &mut Budget, a: Vec<Value<'a>>) -> R<'a> {
    Ok(Value::string(
        base64::engine::general_purpose::STANDARD.encode(s(&a, 0)?),
    ))
}

fn from_base64<'a>(_: &mut Budget, a: Vec<Value<'a>>) -> R<'a> {
    let text = s(&a, 0)?;
    match base64::engine::general_purpose::STANDARD.decode(text) {
        Ok(b) => Ok(Value::string(String::from_utf8_lossy(&b).into_owned())),
        Err(e) => {
            let at = match e {
                base64::DecodeError::InvalidByte(i, _) => i,
                base64::DecodeError::InvalidLength(n) => n,
                base64::DecodeError::InvalidLastSymbol(i, _) => i,
                base64::DecodeError::InvalidPadding => text.len(),
            };
            Err(format!("illegal base64 data at input byte {at}"))
        }
    }
}

fn unsupported(name: &str) -> String {
    format!(
        "function {name} is not supported (time functions other than duration are not available)"
    )
}

fn now<'a>(_: &mut Budget, _: Vec<Value<'a>>) -> R<'a> {
    Err(unsupported("now"))
}
fn date<'a>(_: &mut Budget, _: Vec<Value<'a>>) -> R<'a> {
    Err(unsupported("date"))
}
fn timezone<'a>(_: &mut Budget, _: Vec<Value<'a>>) -> R<'a> {
    Err(unsupported("timezone"))
}

fn duration<'a>(_: &mut Budget, a: Vec<Value<'a>>) -> R<'a> {
    parse_duration(s(&a, 0)?).map(Value::Duration)
}

/// Go's `time.ParseDuration`.
pub fn parse_duration(orig: &str) -> Result<i64, String> {
    let err = || format!("time: invalid duration {}", super::lexer::go_quote(orig));
    let mut s = orig;
    let mut neg = false;
    if let Some(r) = s.strip_prefix('-') {
        neg = true;
        s = r;
    } else if let Some(r) = s.strip_prefix('+') {
        s = r;
    }
    if s == "0" {
        return Ok(0);
    }
    if s.is_empty() {
        return Err(err());
    }
    let mut total: f64 = 0.0;
    while !s.is_empty() {
        let num_end = s
            .find(|c: char| !(c.is_ascii_digit() || c == '.'))
            .unwrap_or(s.len());
        let num = &s[..num_end];
        if num.is_empty() || num == "." {
            return Err(err());
        }
        s = &s[num_end..];
        let unit_end = s
            .find(|c: char| c.is_ascii_digit() || c == '.')
            .unwrap_or(s.len());
        let unit = &s[..unit_end];
        s = &s[unit_end..];
        let scale: f64 = match unit {
            "ns" => 1.0,
            "us" | "µs" | "μs" => 1e3,
            "ms" => 1e6,
            "s" => 1e9,
            "m" => 60e9,
            "h" => 3600e9,
            "" => {
                return Err(format!(
                    "time: missing unit in duration {}",
                    super::lexer::go_quote(orig)
                ));
            }
            u => {
                return Err(format!(
                    "time: unknown unit {} in duration {}",
                    super::lexer::go_quote(u),
                    super::lexer::go_quote(orig)
                ));
            }
        };
        let n: f64 = num.parse().map_err(|_| err())?;
        total += n * scale;
        if total > 9.223372036854775807e18 {
            return Err(err());
        }
    }
    let t = total.round() as i64;
    Ok(if neg { -t } else { t })
}

fn fetch_or_nil<'a>(from: &Value<'a>, key: &Value<'a>) -> Value<'a> {
    ops::fetch(from, key).unwrap_or(Value::Nil)
}

fn first<'a>(_: &mut Budget, a: Vec<Value<'a>>) -> R<'a> {
    Ok(fetch_or_nil(arg(&a, 0), &Value::Int(0)))
}
fn last<'a>(_: &mut Budget, a: Vec<Value<'a>>) -> R<'a> {
    Ok(fetch_or_nil(arg(&a, 0), &Value::Int(-1)))
}
fn get<'a>(_: &mut Budget, a: Vec<Value<'a>>) -> R<'a> {
    Ok(fetch_or_nil(arg(&a, 0), arg(&a, 1)))
}

fn take<'a>(_: &mut Budget, a: Vec<Value<'a>>) -> R<'a> {
    expect_count(&a, 2)?;
    let v = &a[0];
    let Some(items) = v.array_items() else {
        return Err(format!("cannot take from {}", kind_name(v)));
    };
    let n = match &a[1] {
        x if x.is_integer() => x.as_integer().unwrap_or(0),
        x => return Err(format!("cannot take {} elements", kind_name(x))),
    };
    if n > items.len() as i64 {
        return Ok(v.clone());
    }
    let n = n.max(0) as usize;
    Ok(match v {
        Value::List(l) => Value::typed_list(l.kind, items[..n].to_vec()),
        _ => Value::list(items[..n].to_vec()),
    })
}

/// Go's `reflect.Kind` name of a value.
fn kind_name(v: &Value<'_>) -> &'static str {
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

fn keys<'a>(_: &mut Budget, a: Vec<Value<'a>>) -> R<'a> {
    expect_count(&a, 1)?;
    match a[0].map_entries() {
        Some(e) => Ok(Value::list(e.into_iter().map(|(k, _)| k).collect())),
        None => Err(format!("cannot get keys from {}", kind_name(&a[0]))),
    }
}

fn values<'a>(_: &mut Budget, a: Vec<Value<'a>>) -> R<'a> {
    expect_count(&a, 1)?;
    match a[0].map_entries() {
        Some(e) => Ok(Value::list(e.into_iter().map(|(_, v)| v).collect())),
        None => Err(format!("cannot get values from {}", kind_name(&a[0]))),
    }
}

fn to_pairs<'a>(_: &mut Budget, a: Vec<Value<'a>>) -> R<'a> {
    expect_count(&a, 1)?;
    match a[0].map_entries() {
        Some(e) => Ok(Value::typed_list(
            ListKind::Pairs,
            e.into_iter()
                .map(|(k, v)| Value::typed_list(ListKind::Pair, vec![k, v]))
                .collect(),
        )),
        None => Err(format!("cannot transform {} to pairs", kind_name(&a[0]))),
    }
}

fn from_pairs<'a>(_: &mut Budget, a: Vec<Value<'a>>) -> R<'a> {
    expect_count(&a, 1)?;
    let Some(items) = a[0].array_items() else {
        return Err(format!(
            "cannot transform {} from pairs",
            gofmt::sprint_v(&a[0])
        ));
    };
    let mut out = BTreeMap::new();
    for p in items {
        let Some(pair) = p.array_items() else {
            return Err(format!("invalid pair {}", gofmt::sprint_v(&p)));
        };
        if pair.len() != 2 {
            return Err(format!("invalid pair length {}", gofmt::sprint_v(&p)));
        }
        let Some(k) = pair[0].as_str() else {
            return Err(format!(
                "reflect.Value.SetMapIndex: value of type {} is not assignable to type string",
                pair[0].go_type()
            ));
        };
        out.insert(k.to_string(), pair[1].clone());
    }
    Ok(Value::map(out))
}

fn reverse<'a>(_: &mut Budget, a: Vec<Value<'a>>) -> R<'a> {
    expect_count(&a, 1)?;
    match a[0].array_items() {
        Some(mut items) => {
            items.reverse();
            Ok(Value::list(items))
        }
        None => Err(format!("cannot reverse {}", kind_name(&a[0]))),
    }
}

fn uniq<'a>(_: &mut Budget, a: Vec<Value<'a>>) -> R<'a> {
    expect_count(&a, 1)?;
    let Some(items) = a[0].array_items() else {
        return Err(format!("cannot uniq {}", kind_name(&a[0])));
    };
    let mut out: Vec<Value<'a>> = Vec::new();
    for i in items {
        if !out.iter().any(|o| equal(&i, o)) {
            out.push(i);
        }
    }
    Ok(Value::list(out))
}

fn concat<'a>(b: &mut Budget, a: Vec<Value<'a>>) -> R<'a> {
    if a.is_empty() {
        return Err("invalid number of arguments (expected at least 1, got 0)".to_string());
    }
    let mut out = Vec::new();
    for v in &a {
        match v.array_items() {
            Some(items) => {
                b.grow(items.len() as u64)?;
                out.extend(items);
            }
            None => return Err(format!("cannot concat {}", kind_name(v))),
        }
    }
    Ok(Value::list(out))
}

fn flatten_into<'a>(v: &Value<'a>, out: &mut Vec<Value<'a>>, depth: usize) -> Result<(), String> {
    if depth > limits::MAX_VALUE_DEPTH as usize {
        return Err("flatten: value nests too deeply".to_string());
    }
    for i in v.array_items().unwrap_or_default() {
        if i.is_array() {
            limits::deeper(|| flatten_into(&i, out, depth + 1))?;
        } else {
            out.push(i);
        }
    }
    Ok(())
}

fn flatten<'a>(b: &mut Budget, a: Vec<Value<'a>>) -> R<'a> {
    expect_count(&a, 1)?;
    if !a[0].is_array() {
        return Err(format!("cannot flatten {}", kind_name(&a[0])));
    }
    let mut out = Vec::new();
    flatten_into(&a[0], &mut out, 0)?;
    b.grow(out.len() as u64)?;
    Ok(Value::list(out))
}

/// expr's `runtime.Less` ordering used by `sort` and `sortBy` (numbers, strings).
pub fn sort_less(a: &Value<'_>, b: &Value<'_>) -> Result<bool, String> {
    ops::compare("<", a, b)
}

/// Sorts values stably with `sort_less`; the first comparison error is returned.
pub fn sort_values<'a>(items: &mut [Value<'a>], desc: bool) -> Result<(), String> {
    let mut err = None;
    items.sort_by(|x, y| {
        let (p, q) = if desc { (y, x) } else { (x, y) };
        match sort_less(p, q) {
            Ok(true) => std::cmp::Ordering::Less,
            Ok(false) => match sort_less(q, p) {
                Ok(true) => std::cmp::Ordering::Greater,
                _ => std::cmp::Ordering::Equal,
            },
            Err(e) => {
                err.get_or_insert(e);
                std::cmp::Ordering::Equal
            }
        }
    });
    match err {
        Some(e) => Err(e),
        None => Ok(()),
    }
}

fn sort<'a>(b: &mut Budget, a: Vec<Value<'a>>) -> R<'a> {
    if a.len() != 1 && a.len() != 2 {
        return Err(format!(
            "invalid number of arguments (expected 1 or 2, got {})",
            a.len()
        ));
    }
    let mut items = a[0].array_items().unwrap_or_default();
    let desc = match a.get(1) {
        None => false,
        Some(o) => match as_string(o)? {
            "asc" => false,
            "desc" => true,
            other => return Err(format!("invalid order {other}, expected asc or desc")),
        },
    };
    b.grow(items.len() as u64)?;
    sort_values(&mut items, desc)?;
    Ok(Value::list(items))
}

fn bit_args(name: &str, a: &[Value<'_>]) -> Result<(i64, i64), String> {
    if a.len() != 2 {
        return Err(format!(
            "invalid number of arguments for {name} (expected 2, got {})",
            a.len()
        ));
    }
    let x = a[0]
        .as_integer()
        .ok_or_else(|| format!("{} to call {name}", interface_conversion(&a[0], "int")))?;
    let y = a[1]
        .as_integer()
        .ok_or_else(|| format!("{} to call {name}", interface_conversion(&a[1], "int")))?;
    Ok((x, y))
}

fn shift_check(y: i64) -> Result<u32, String> {
    if y < 0 {
        return Err(format!(
            "invalid operation: negative shift count {y} (type int)"
        ));
    }
    Ok(y.min(64) as u32)
}

fn bitand<'a>(_: &mut Budget, a: Vec<Value<'a>>) -> R<'a> {
    let (x, y) = bit_args("bitand", &a)?;
    Ok(Value::Int(x & y))
}
fn bitor<'a>(_: &mut Budget, a: Vec<Value<'a>>) -> R<'a> {
    let (x, y) = bit_args("bitor", &a)?;
    Ok(Value::Int(x | y))
}
fn bitxor<'a>(_: &mut Budget, a: Vec<Value<'a>>) -> R<'a> {
    let (x, y) = bit_args("bitxor", &a)?;
    Ok(Value::Int(x ^ y))
}
fn bitnand<'a>(_: &mut Budget, a: Vec<Value<'a>>) -> R<'a> {
    let (x, y) = bit_args("bitnand", &a)?;
    Ok(Value::Int(x & !y))
}
fn bitshl<'a>(_: &mut Budget, a: Vec<Value<'a>>) -> R<'a> {
    let (x, y) = bit_args("bitshl", &a)?;
    let n = shift_check(y)?;
    Ok(Value::Int(if n >= 64 { 0 } else { x << n }))
}
fn bitshr<'a>(_: &mut Budget, a: Vec<Value<'a>>) -> R<'a> {
    let (x, y) = bit_args("bitshr", &a)?;
    let n = shift_check(y)?;
    Ok(Value::Int(if n >= 64 {
        if x < 0 { -1 } else { 0 }
    } else {
        x >> n
    }))
}
fn bitushr<'a>(_: &mut Budget, a: Vec<Value<'a>>) -> R<'a> {
    let (x, y) = bit_args("bitushr", &a)?;
    let n = shift_check(y)?;
    Ok(Value::Int(if n >= 64 {
        0
    } else {
        ((x as u64) >> n) as i64
    }))
}
fn bitnot<'a>(_: &mut Budget, a: Vec<Value<'a>>) -> R<'a> {
    if a.len() != 1 {
        return Err(format!(
            "invalid number of arguments for bitnot (expected 1, got {})",
            a.len()
        ));
    }
    let x = a[0]
        .as_integer()
        .ok_or_else(|| format!("{} to call bitnot", interface_conversion(&a[0], "int")))?;
    Ok(Value::Int(!x))
}

#[allow(dead_code)]
fn _arc_used(_: Arc<str>) {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations() {
        assert_eq!(parse_duration("1h30m"), Ok(5_400_000_000_000));
        assert_eq!(parse_duration("1.5s"), Ok(1_500_000_000));
        assert_eq!(parse_duration("-2ms"), Ok(-2_000_000));
        assert_eq!(
            parse_duration("x"),
            Err("time: invalid duration \"x\"".to_string())
        );
    }

    #[test]
    fn splitting() {
        assert_eq!(go_split("a,b", ",", -1, true), ["a,", "b"]);
        assert_eq!(go_split("a,b,c", ",", 2, false), ["a", "b,c"]);
        assert_eq!(go_split("", ",", -1, false), [""]);
    }

    #[test]
    fn json_errors() {
        assert_eq!(
            go_unmarshal("[1").unwrap_err(),
            "unexpected end of JSON input"
        );
        assert_eq!(
            go_unmarshal("{bad").unwrap_err(),
            "invalid character 'b' looking for beginning of object key string"
        );
    }
}
