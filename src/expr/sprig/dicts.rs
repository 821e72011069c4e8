//! sprig's dict functions (`dict.go`) on `map[string]interface {}` values.
//!
//! Go maps are references, so sprig's `set`, `unset` and `merge` mutate their first argument
//! (even the event's payload). flowgate never mutates the event: these return a modified copy,
//! which is what the result of the call shows in Go too. Go's map iteration order is random;
//! `keys` and `values` use sorted key order here.

use std::collections::BTreeMap;

use crate::expr::value::Value;

use super::Result;
use super::conv::{empty, strval};
use super::lists::NIL_DEREF;

/// Deepest map nesting `merge` walks.
const MAX_MERGE_DEPTH: usize = 1_000;

/// The entries of a map argument (already checked to be a `map[string]interface {}`).
pub fn entries<'a>(v: &Value<'a>) -> BTreeMap<String, Value<'a>> {
    match v {
        Value::Map(m) => m.entries.clone(),
        _ => v
            .map_entries()
            .unwrap_or_default()
            .into_iter()
            .map(|(k, x)| (k.as_str().unwrap_or_default().to_string(), x))
            .collect(),
    }
}

/// `get(d, key)`: the value, or `""` when the key is absent.
pub fn get<'a>(d: &Value<'a>, key: &str) -> Value<'a> {
    d.map_get(key).unwrap_or_else(|| Value::from(""))
}

/// `set(d, key, value)`.
pub fn set<'a>(d: &Value<'a>, key: &str, value: Value<'a>) -> Value<'a> {
    let mut m = entries(d);
    m.insert(key.to_string(), value);
    Value::map(m)
}

/// `unset(d, key)`.
pub fn unset<'a>(d: &Value<'a>, key: &str) -> Value<'a> {
    let mut m = entries(d);
    m.remove(key);
    Value::map(m)
}

/// `dict(k1, v1, k2, v2, ...)`: keys through `strval`; a missing last value is `""`.
pub fn dict<'a>(args: Vec<Value<'a>>) -> Value<'a> {
    let mut m = BTreeMap::new();
    let mut it = args.into_iter();
    while let Some(k) = it.next() {
        let v = it.next().unwrap_or_else(|| Value::from(""));
        m.insert(strval(&k), v);
    }
    Value::map(m)
}

/// `pluck(key, dicts...)`: the values under `key`, in argument order.
pub fn pluck<'a>(key: &str, dicts: &[Value<'a>]) -> Value<'a> {
    Value::list(dicts.iter().filter_map(|d| d.map_get(key)).collect())
}

/// `keys(dicts...)`.
pub fn keys<'a>(dicts: &[Value<'a>]) -> Value<'a> {
    Value::strings(dicts.iter().flat_map(|d| entries(d).into_keys()))
}

/// `values(dict)`.
pub fn values<'a>(d: &Value<'a>) -> Value<'a> {
    Value::list(entries(d).into_values().collect())
}

/// `pick(dict, keys...)` / `omit(dict, keys...)`.
pub fn pick<'a>(d: &Value<'a>, keys: &[Value<'a>], keep: bool) -> Value<'a> {
    let names: Vec<&str> = keys.iter().filter_map(Value::as_str).collect();
    let m = entries(d)
        .into_iter()
        .filter(|(k, _)| names.contains(&k.as_str()) == keep)
        .collect();
    Value::map(m)
}

/// mergo's map merge of `src` into `dst`: without `overwrite`, only missing or empty
/// destination values are filled; nested maps merge recursively either way.
fn merge_into<'a>(
    dst: &mut BTreeMap<String, Value<'a>>,
    src: &Value<'a>,
    overwrite: bool,
    depth: usize,
) {
    for (k, sv) in entries(src) {
        let dv = dst.get(&k);
        if sv.is_nil() {
            if overwrite {
                dst.insert(k, Value::Nil);
            }
            continue;
        }
        if let Some(d) = dv.filter(|d| d.is_map() && sv.is_map() && depth < MAX_MERGE_DEPTH) {
            let mut inner = entries(d);
            merge_into(&mut inner, &sv, overwrite, depth + 1);
            dst.insert(k, Value::map(inner));
            continue;
        }
        let fill = match dv {
            None => true,
            Some(d) => overwrite || empty(d),
        };
        if fill {
            dst.insert(k, sv);
        }
    }
}

/// `merge(dst, srcs...)` / `mergeOverwrite(dst, srcs...)`.
pub fn merge<'a>(dst: &Value<'a>, srcs: &[Value<'a>], overwrite: bool) -> Value<'a> {
    let mut m = entries(dst);
    for src in srcs {
        merge_into(&mut m, src, overwrite, 0);
    }
    Value::map(m)
}

/// Go's panic text for a failed `x.(T)` on an `interface {}`.
fn assertion(v: &Value<'_>, want: &str) -> String {
    let got = match v {
        Value::Nil => "nil".to_string(),
        _ => v.go_type().into_owned(),
    };
    format!("interface conversion: interface {{}} is {got}, not {want}")
}

fn is_any_map(v: &Value<'_>) -> bool {
    matches!(v, Value::JsonMap(_))
        || matches!(v, Value::Map(m) if m.kind == crate::expr::value::MapKind::Any)
}

/// `dig(keys..., default, dict)`.
pub fn dig<'a>(args: &[Value<'a>]) -> Result<Value<'a>> {
    if args.len() < 3 {
        return Err("dig needs at least three arguments".to_string());
    }
    let n = args.len();
    let dict = &args[n - 1];
    if !is_any_map(dict) {
        return Err(assertion(dict, "map[string]interface {}"));
    }
    let default = &args[n - 2];
    let mut keys = Vec::with_capacity(n - 2);
    for k in &args[..n - 2] {
        match k.as_str() {
            Some(s) => keys.push(s),
            None => return Err(assertion(k, "string")),
        }
    }
    let mut cur = dict.clone();
    for (i, k) in keys.iter().enumerate() {
        let Some(step) = cur.map_get(k) else {
            return Ok(default.clone());
        };
        if i == keys.len() - 1 {
            return Ok(step);
        }
        if !is_any_map(&step) {
            return Err(assertion(&step, "map[string]interface {}"));
        }
        cur = step;
    }
    Ok(default.clone())
}

/// `urlJoin`'s `dictGetOrEmpty`: a string entry, `""` when absent, a panic otherwise.
pub fn get_string(d: &Value<'_>, key: &str) -> Result<String> {
    match d.map_get(key) {
        None => Ok(String::new()),
        Some(Value::Nil) => Err(NIL_DEREF.to_string()),
        Some(v) => match v.as_str() {
            Some(s) => Ok(s.to_string()),
            None => Err(format!(
                "unable to parse {key} key, must be of type string, but {} found",
                super::conv::kind_of(&v)
            )),
        },
    }
}
