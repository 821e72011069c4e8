//! sprig's list functions (`list.go`). They accept any slice (`[]interface {}`, `[]string`,
//! `[]int`, bytes) through reflection and mostly return `[]interface {}`; anything else is
//! an error naming its `reflect.Kind`, and nil is Go's nil-pointer panic (sprig calls
//! `reflect.TypeOf(nil).Kind()`). The non-`must` variants panic with the same error, so both
//! fail the same way here.

use std::collections::HashSet;

use crate::expr::value::{ListKind, Value, deep_equal};

use super::conv::{empty, kind_of, to_int64};
use super::{MEMORY_BUDGET, Result, budget_exceeded};

/// Go's panic for `reflect.TypeOf(nil).Kind()`.
pub const NIL_DEREF: &str = "runtime error: invalid memory address or nil pointer dereference";

/// The elements of a list argument, or the error sprig gives for anything else.
/// `what` completes `Cannot find {what} on type {kind}`-style messages via `msg`.
fn items<'a>(v: &Value<'a>, msg: impl FnOnce(&str) -> String) -> Result<Vec<Value<'a>>> {
    if v.is_nil() {
        return Err(NIL_DEREF.to_string());
    }
    v.array_items().ok_or_else(|| msg(kind_of(v)))
}

fn find(what: &'static str) -> impl FnOnce(&str) -> String {
    move |kind| format!("Cannot find {what} on type {kind}")
}

/// `append` / `push`: a new `[]interface {}` with `v` at the end.
pub fn push<'a>(list: &Value<'a>, v: Value<'a>) -> Result<Value<'a>> {
    let mut items = items(list, |k| format!("Cannot push on type {k}"))?;
    items.push(v);
    Ok(Value::list(items))
}

/// `prepend`: a new `[]interface {}` with `v` first.
pub fn prepend<'a>(list: &Value<'a>, v: Value<'a>) -> Result<Value<'a>> {
    let mut items = items(list, |k| format!("Cannot prepend on type {k}"))?;
    items.insert(0, v);
    Ok(Value::list(items))
}

/// `first`: the first element, nil for an empty list.
pub fn first<'a>(list: &Value<'a>) -> Result<Value<'a>> {
    items(list, find("first")).map(|i| i.into_iter().next().unwrap_or(Value::Nil))
}

/// `last`: the last element, nil for an empty list.
pub fn last<'a>(list: &Value<'a>) -> Result<Value<'a>> {
    items(list, find("last")).map(|i| i.into_iter().next_back().unwrap_or(Value::Nil))
}

/// `rest`: all but the first element.
pub fn rest<'a>(list: &Value<'a>) -> Result<Value<'a>> {
    let items = items(list, find("rest"))?;
    Ok(Value::list(items.into_iter().skip(1).collect()))
}

/// `initial`: all but the last element.
pub fn initial<'a>(list: &Value<'a>) -> Result<Value<'a>> {
    let mut items = items(list, find("initial"))?;
    items.pop();
    Ok(Value::list(items))
}

/// `reverse`.
pub fn reverse<'a>(list: &Value<'a>) -> Result<Value<'a>> {
    let mut items = items(list, find("reverse"))?;
    items.reverse();
    Ok(Value::list(items))
}

/// `compact`: the non-empty elements.
pub fn compact<'a>(list: &Value<'a>) -> Result<Value<'a>> {
    let items = items(list, |k| format!("Cannot compact on type {k}"))?;
    Ok(Value::list(
        items.into_iter().filter(|x| !empty(x)).collect(),
    ))
}

/// Nesting past which [`deep_key`] gives up (the value is then compared one by one).
const MAX_KEY_DEPTH: usize = 200;

/// A canonical encoding of a value's type and contents: two values have the same key exactly
/// when `reflect.DeepEqual` holds. `None` for values that equal nothing (NaN, functions) or
/// are nested too deeply.
fn deep_key(v: &Value<'_>) -> Option<String> {
    let mut out = String::new();
    push_key(&mut out, v, 0).then_some(out)
}

fn push_key(out: &mut String, v: &Value<'_>, depth: usize) -> bool {
    use std::fmt::Write as _;
    if depth > MAX_KEY_DEPTH {
        return false;
    }
    let _ = write!(out, "{}|", v.go_type());
    match v {
        Value::Nil => {}
        Value::Bool(b) => out.push(if *b { '1' } else { '0' }),
        Value::Int(n) | Value::Int64(n) | Value::Duration(n) => {
            let _ = write!(out, "{n}");
        }
        Value::Uint8(b) => {
            let _ = write!(out, "{b}");
        }
        Value::Float(x) if x.is_nan() => return false,
        Value::Float(x) => {
            // DeepEqual uses ==, so -0 equals 0.
            let _ = write!(out, "{}", if *x == 0.0 { 0 } else { x.to_bits() });
        }
        Value::Func(_) => return false,
        Value::Str(_) | Value::String(_) | Value::Bytes(_) => {
            let text = super::conv::strval(v);
            let _ = write!(out, "{}:{text}", text.len());
        }
        _ => {
            if let Some(items) = v.array_items() {
                let _ = write!(out, "{}[", items.len());
                for x in &items {
                    if !push_key(out, x, depth + 1) {
                        return false;
                    }
                    out.push(',');
                }
                out.push(']');
            } else if let Some(entries) = v.map_entries() {
                let mut parts = Vec::with_capacity(entries.len());
                for (k, x) in &entries {
                    let mut part = String::new();
                    if !push_key(&mut part, k, depth + 1) || !push_key(&mut part, x, depth + 1) {
                        return false;
                    }
                    parts.push(part);
                }
                parts.sort();
                let _ = write!(out, "{}{{", parts.len());
                for p in parts {
                    out.push_str(&p);
                    out.push(',');
                }
                out.push('}');
            }
        }
    }
    true
}

/// A set of values under `reflect.DeepEqual`: hashed by [`deep_key`], the rest compared one
/// by one.
#[derive(Default)]
struct DeepSet<'a> {
    keys: HashSet<String>,
    others: Vec<Value<'a>>,
}

impl<'a> DeepSet<'a> {
    fn contains(&self, v: &Value<'_>) -> bool {
        match deep_key(v) {
            Some(k) => self.keys.contains(&k),
            None => self.others.iter().any(|o| deep_equal(o, v)),
        }
    }

    fn insert(&mut self, v: &Value<'a>) {
        match deep_key(v) {
            Some(k) => {
                self.keys.insert(k);
            }
            None => self.others.push(v.clone()),
        }
    }
}

/// `uniq`: the elements without `reflect.DeepEqual` duplicates, first occurrence kept.
pub fn uniq<'a>(list: &Value<'a>) -> Result<Value<'a>> {
    let items = items(list, find("uniq"))?;
    let mut seen = DeepSet::default();
    let mut out = Vec::new();
    for x in items {
        if !seen.contains(&x) {
            seen.insert(&x);
            out.push(x);
        }
    }
    Ok(Value::list(out))
}

/// `without(list, omit...)`.
pub fn without<'a>(list: &Value<'a>, omit: &[Value<'a>]) -> Result<Value<'a>> {
    let items = items(list, find("without"))?;
    let mut set = DeepSet::default();
    for o in omit {
        set.insert(o);
    }
    Ok(Value::list(
        items.into_iter().filter(|x| !set.contains(x)).collect(),
    ))
}

/// `has(needle, haystack)`: nil haystack is false.
pub fn has(needle: &Value<'_>, haystack: &Value<'_>) -> Result<bool> {
    if haystack.is_nil() {
        return Ok(false);
    }
    let items = items(haystack, find("has"))?;
    Ok(items.iter().any(|x| deep_equal(needle, x)))
}

/// `slice(list, start?, end?)`: a sub-slice of the same type; nil for an empty list.
pub fn slice<'a>(list: &Value<'a>, indices: &[Value<'a>]) -> Result<Value<'a>> {
    if list.is_nil() {
        return Err(NIL_DEREF.to_string());
    }
    let Some(len) = list.array_len() else {
        return Err(format!(
            "list should be type of slice or array but {}",
            kind_of(list)
        ));
    };
    if len == 0 {
        return Ok(Value::Nil);
    }
    let start = indices.first().map_or(0, to_int64);
    let end = indices.get(1).map_or(len as i64, to_int64);
    if start < 0 || end < start || end > len as i64 {
        return Err("reflect.Value.Slice: slice index out of bounds".to_string());
    }
    let (s, e) = (start as usize, end as usize);
    Ok(match list {
        Value::JsonArray(a) => Value::JsonArray(&a[s..e]),
        Value::Bytes(b) => Value::Bytes(b[s..e].into()),
        Value::List(l) => Value::typed_list(l.kind, l.items[s..e].to_vec()),
        _ => Value::Nil,
    })
}

/// `concat(lists...)`: all elements in one `[]interface {}`.
pub fn concat<'a>(lists: &[Value<'a>]) -> Result<Value<'a>> {
    let mut out = Vec::new();
    for l in lists {
        if l.is_nil() {
            return Err(NIL_DEREF.to_string());
        }
        let items = l
            .array_items()
            .ok_or_else(|| format!("Cannot concat type {} as list", kind_of(l)))?;
        if out.len() + items.len() > MEMORY_BUDGET as usize {
            return Err(budget_exceeded());
        }
        out.extend(items);
    }
    Ok(Value::list(out))
}

/// `chunk(size, list)`: sub-lists of `size` elements, computed with sprig's float formula
/// (so a zero or negative size fails like Go's `make` does).
pub fn chunk<'a>(size: i64, list: &Value<'a>) -> Result<Value<'a>> {
    let items = items(list, |k| format!("Cannot chunk type {k}"))?;
    const MAKESLICE: &str = "runtime error: makeslice: len out of range";
    let l = items.len() as f64;
    let cs = crate::expr::sprig::conv::f64_to_i64(((l - 1.0) / size as f64).floor() + 1.0);
    if cs < 0 {
        return Err(MAKESLICE.to_string());
    }
    if cs > MEMORY_BUDGET as i64 {
        return Err(budget_exceeded());
    }
    let mut out = Vec::with_capacity(cs as usize);
    for i in 0..cs {
        let mut clen = size;
        if i == cs - 1 {
            clen = crate::expr::sprig::conv::f64_to_i64((l % size as f64).floor());
            if clen == 0 {
                clen = size;
            }
        }
        if clen < 0 {
            return Err(MAKESLICE.to_string());
        }
        let mut part = Vec::with_capacity(clen.min(items.len() as i64) as usize);
        for j in 0..clen {
            let ix = i.wrapping_mul(size).wrapping_add(j);
            let Some(x) = usize::try_from(ix).ok().and_then(|ix| items.get(ix)) else {
                return Err("reflect: slice index out of range".to_string());
            };
            part.push(x.clone());
        }
        out.push(Value::list(part));
    }
    Ok(Value::list(out))
}

/// `tuple` / `list`: the arguments as a `[]interface {}`.
pub fn list<'a>(items: Vec<Value<'a>>) -> Value<'a> {
    Value::typed_list(ListKind::Any, items)
}
