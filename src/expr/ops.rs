//! Runtime operations with Go expr's semantics and error texts (`vm/runtime`).
//!
//! Takes evaluated [`Value`]s and returns a value or the exact Go panic text: member access
//! (`cannot fetch deeper from <nil>`, `index out of range: 5 (array length is 2)`), arithmetic
//! (int wraps, mixed int/float is float, `/` is always float, `%` only on ints), comparisons,
//! `in`, slices and type assertions (`interface conversion: interface {} is nil, not bool`).

use std::sync::Arc;

use super::gofmt;
use super::value::{ListKind, Value, deep_equal, equal};

/// Go's name of a dynamic type inside a failed type assertion (`nil` rather than `<nil>`).
pub fn assert_type_name(v: &Value<'_>) -> String {
    match v {
        Value::Nil => "nil".to_string(),
        _ => v.go_type().into_owned(),
    }
}

/// The message of a failed `x.(T)` on an `interface {}`.
pub fn interface_conversion(v: &Value<'_>, want: &str) -> String {
    format!(
        "interface conversion: interface {{}} is {}, not {want}",
        assert_type_name(v)
    )
}

/// `v.(bool)`.
#[inline]
pub fn as_bool(v: &Value<'_>) -> Result<bool, String> {
    match v {
        Value::Bool(b) => Ok(*b),
        _ => Err(interface_conversion(v, "bool")),
    }
}

/// `v.(string)`.
pub fn as_string<'v>(v: &'v Value<'_>) -> Result<&'v str, String> {
    v.as_str().ok_or_else(|| interface_conversion(v, "string"))
}

/// expr's `runtime.ToInt`.
pub fn to_int(v: &Value<'_>) -> Result<i64, String> {
    match v {
        Value::Float(f) => Ok(go_float_to_int(*f)),
        _ => v
            .as_integer()
            .ok_or_else(|| format!("invalid operation: int({})", v.go_type())),
    }
}

/// Go's `int(f)` conversion (saturating here; Go's result is unspecified out of range).
pub fn go_float_to_int(f: f64) -> i64 {
    if f.is_nan() { i64::MIN } else { f as i64 }
}

/// expr's `runtime.ToFloat64`.
pub fn to_float(v: &Value<'_>) -> Result<f64, String> {
    v.as_number()
        .ok_or_else(|| format!("invalid operation: float({})", v.go_type()))
}

fn fetch_key_text(key: &Value<'_>) -> String {
    gofmt::sprint_v(key)
}

/// expr's `runtime.Fetch(from, key)`: map lookup (missing key is nil), array/string index
/// (negative counts from the end), or an error.
#[inline]
pub fn fetch<'a>(from: &Value<'a>, key: &Value<'a>) -> Result<Value<'a>, String> {
    match from {
        Value::JsonMap(m) => match key.as_str() {
            Some(k) => Ok(m.get(k).map(Value::from_json).unwrap_or(Value::Nil)),
            None => Err(map_key_error(key)),
        },
        Value::Map(m) => match key.as_str() {
            Some(k) => Ok(m.entries.get(k).cloned().unwrap_or(Value::Nil)),
            None => Err(map_key_error(key)),
        },
        Value::AnyMap(m) => Ok(m
            .iter()
            .find(|(k, _)| deep_equal(k, key))
            .map(|(_, v)| v.clone())
            .unwrap_or(Value::Nil)),
        Value::JsonArray(_) | Value::List(_) | Value::Bytes(_) => {
            let len = from.array_len().unwrap_or(0);
            let i = index(to_int(key)?, len)?;
            Ok(from.array_get(i).unwrap_or(Value::Nil))
        }
        Value::Str(_) | Value::String(_) => {
            let s = from.as_str().unwrap_or_default().as_bytes();
            let i = index(to_int(key)?, s.len())?;
            Ok(Value::Uint8(s[i]))
        }
        Value::Nil => Err(format!("cannot fetch {} from <nil>", fetch_key_text(key))),
        other => Err(format!(
            "cannot fetch {} from {}",
            fetch_key_text(key),
            other.go_type()
        )),
    }
}

/// Member access by a constant string key (the common `a.b` case).
#[inline]
pub fn fetch_str<'a>(from: &Value<'a>, key: &str) -> Result<Value<'a>, String> {
    match from {
        Value::JsonMap(m) => Ok(m.get(key).map(Value::from_json).unwrap_or(Value::Nil)),
        Value::Map(m) => Ok(m.entries.get(key).cloned().unwrap_or(Value::Nil)),
        _ => fetch(from, &Value::string(key)),
    }
}

fn map_key_error(key: &Value<'_>) -> String {
    format!(
        "reflect.Value.MapIndex: value of type {} is not assignable to type string",
        key.go_type()
    )
}

fn index(i: i64, len: usize) -> Result<usize, String> {
    let l = len as i64;
    let j = if i < 0 { l.wrapping_add(i) } else { i };
    if j < 0 || j >= l {
        return Err(format!("index out of range: {j} (array length is {len})"));
    }
    Ok(j as usize)
}

/// expr's `runtime.Slice(array, from, to)`: bounds are clamped; strings slice by bytes.
pub fn slice<'a>(
    v: &Value<'a>,
    from: Option<&Value<'a>>,
    to: Option<&Value<'a>>,
) -> Result<Value<'a>, String> {
    let len = match v {
        Value::Str(_) | Value::String(_) => v.as_str().unwrap_or_default().len(),
        _ => match v.array_len() {
            Some(n) => n,
            None => {
                let f = from
                    .map(gofmt::sprint_v)
                    .unwrap_or_else(|| "<nil>".to_string());
                return Err(format!("cannot slice {f}"));
            }
        },
    } as i64;
    let mut a = match from {
        Some(f) => to_int(f)?,
        None => 0,
    };
    let mut b = match to {
        Some(t) => to_int(t)?,
        None => len,
    };
    if a < 0 {
        a += len;
    }
    if a < 0 {
        a = 0;
    }
    if b < 0 {
        b += len;
    }
    if b < 0 {
        b = 0;
    }
    if b > len {
        b = len;
    }
    if a > b {
        a = b;
    }
    let (a, b) = (a as usize, b as usize);
    Ok(match v {
        Value::Str(s) => Value::Str(slice_str(s, a, b)),
        Value::String(s) => Value::string(slice_str(s, a, b)),
        Value::JsonArray(arr) => Value::JsonArray(&arr[a..b]),
        Value::List(l) => Value::typed_list(l.kind, l.items[a..b].to_vec()),
        Value::Bytes(bytes) => Value::Bytes(Arc::from(&bytes[a..b])),
        _ => Value::Nil,
    })
}

/// A byte slice of a string; a cut inside a multi-byte character widens to whole characters
/// (Rust strings must stay valid UTF-8).
fn slice_str(s: &str, mut a: usize, mut b: usize) -> &str {
    while a > 0 && !s.is_char_boundary(a) {
        a -= 1;
    }
    while b < s.len() && !s.is_char_boundary(b) {
        b += 1;
    }
    &s[a..b]
}

fn both_ints(a: &Value<'_>, b: &Value<'_>) -> Option<(i64, i64)> {
    match (a, b) {
        (Value::Int(x), Value::Int(y)) => Some((*x, *y)),
        _ if a.is_integer()
            && b.is_integer()
            && !matches!(a, Value::Duration(_))
            && !matches!(b, Value::Duration(_)) =>
        {
            Some((a.as_integer()?, b.as_integer()?))
        }
        _ => None,
    }
}

fn op_error(a: &Value<'_>, op: &str, b: &Value<'_>) -> String {
    format!("invalid operation: {} {op} {}", a.go_type(), b.go_type())
}

/// `a + b`.
pub fn add<'a>(a: &Value<'a>, b: &Value<'a>) -> Result<Value<'a>, String> {
    if let Some((x, y)) = both_ints(a, b) {
        return Ok(Value::Int(x.wrapping_add(y)));
    }
    match (a, b) {
        (Value::Duration(x), Value::Duration(y)) => Ok(Value::Duration(x.wrapping_add(*y))),
        _ if a.is_number() && b.is_number() && !is_dur(a) && !is_dur(b) => Ok(Value::Float(
            a.as_number().unwrap_or(0.0) + b.as_number().unwrap_or(0.0),
        )),
        _ => match (a.as_str(), b.as_str()) {
            (Some(x), Some(y)) => {
                let mut s = String::with_capacity(x.len() + y.len());
                s.push_str(x);
                s.push_str(y);
                Ok(Value::string(s))
            }
            _ => Err(op_error(a, "+", b)),
        },
    }
}

fn is_dur(v: &Value<'_>) -> bool {
    matches!(v, Value::Duration(_))
}

/// `a - b` and `a * b`.
pub fn arith<'a>(op: char, a: &Value<'a>, b: &Value<'a>) -> Result<Value<'a>, String> {
    if let Some((x, y)) = both_ints(a, b) {
        return Ok(Value::Int(if op == '-' {
            x.wrapping_sub(y)
        } else {
            x.wrapping_mul(y)
        }));
    }
    match (a, b) {
        (Value::Duration(x), Value::Duration(y)) => Ok(Value::Duration(if op == '-' {
            x.wrapping_sub(*y)
        } else {
            x.wrapping_mul(*y)
        })),
        (Value::Duration(x), y) | (y, Value::Duration(x)) if op == '*' && y.is_integer() => {
            Ok(Value::Duration(x.wrapping_mul(y.as_integer().unwrap_or(0))))
        }
        _ if a.is_number() && b.is_number() && !is_dur(a) && !is_dur(b) => {
            let (x, y) = (a.as_number().unwrap_or(0.0), b.as_number().unwrap_or(0.0));
            Ok(Value::Float(if op == '-' { x - y } else { x * y }))
        }
        _ => Err(op_error(a, if op == '-' { "-" } else { "*" }, b)),
    }
}

/// `a / b` (always float64).
pub fn divide<'a>(a: &Value<'a>, b: &Value<'a>) -> Result<Value<'a>, String> {
    match (a.as_number(), b.as_number()) {
        (Some(x), Some(y)) if !is_dur(a) && !is_dur(b) => Ok(Value::Float(x / y)),
        _ => Err(op_error(a, "/", b)),
    }
}

/// `a % b` (ints only).
pub fn modulo<'a>(a: &Value<'a>, b: &Value<'a>) -> Result<Value<'a>, String> {
    match both_ints(a, b) {
        Some((_, 0)) => Err("runtime error: integer divide by zero".to_string()),
        Some((x, y)) => Ok(Value::Int(x.wrapping_rem(y))),
        None => Err(op_error(a, "%", b)),
    }
}

/// `a ** b` (float64).
pub fn pow<'a>(a: &Value<'a>, b: &Value<'a>) -> Result<Value<'a>, String> {
    match (a.as_number(), b.as_number()) {
        (Some(x), Some(y)) => Ok(Value::Float(x.powf(y))),
        _ => Err(op_error(a, "**", b)),
    }
}

/// `-a`.
pub fn negate<'a>(a: &Value<'a>) -> Result<Value<'a>, String> {
    Ok(match a {
        Value::Int(i) => Value::Int(i.wrapping_neg()),
        Value::Int64(i) => Value::Int64(i.wrapping_neg()),
        Value::Duration(i) => Value::Duration(i.wrapping_neg()),
        Value::Uint8(b) => Value::Uint8(b.wrapping_neg()),
        Value::Float(f) => Value::Float(-f),
        _ => return Err(format!("invalid operation: - {}", a.go_type())),
    })
}

/// `a < b` and friends: `op` is one of `<`, `>`, `<=`, `>=`.
pub fn compare(op: &str, a: &Value<'_>, b: &Value<'_>) -> Result<bool, String> {
    use std::cmp::Ordering;
    let ord: Option<Ordering> = match (a, b) {
        (Value::Duration(x), Value::Duration(y)) => Some(x.cmp(y)),
        _ if a.is_number() && b.is_number() && !is_dur(a) && !is_dur(b) => {
            match both_ints(a, b) {
                Some((x, y)) => Some(x.cmp(&y)),
                None => {
                    let (x, y) = (a.as_number().unwrap_or(0.0), b.as_number().unwrap_or(0.0));
                    // NaN compares false in every direction.
                    match x.partial_cmp(&y) {
                        Some(o) => Some(o),
                        None => return Ok(false),
                    }
                }
            }
        }
        _ => match (a.as_str(), b.as_str()) {
            (Some(x), Some(y)) => Some(x.cmp(y)),
            _ => None,
        },
    };
    let Some(o) = ord else {
        return Err(op_error(a, op, b));
    };
    Ok(match op {
        "<" => o == Ordering::Less,
        ">" => o == Ordering::Greater,
        "<=" => o != Ordering::Greater,
        _ => o != Ordering::Less,
    })
}

/// expr's `runtime.In(needle, haystack)`.
pub fn contains_in(needle: &Value<'_>, hay: &Value<'_>) -> Result<bool, String> {
    match hay {
        Value::Nil => Ok(false),
        Value::JsonArray(a) => Ok(a.iter().any(|x| equal(&Value::from_json(x), needle))),
        Value::List(l) => Ok(l.items.iter().any(|x| equal(x, needle))),
        Value::Bytes(b) => Ok(b.iter().any(|x| equal(&Value::Uint8(*x), needle))),
        Value::JsonMap(_) | Value::Map(_) => match needle.as_str() {
            Some(k) => Ok(hay.map_get(k).is_some()),
            None if needle.is_nil() => Ok(hay.map_get("").is_some()),
            None => Err(map_key_error(needle)),
        },
        Value::AnyMap(m) => Ok(m.iter().any(|(k, _)| deep_equal(k, needle))),
        _ => Err(format!("operator \"in\" not defined on {}", hay.go_type())),
    }
}

/// `contains`, `startsWith`, `endsWith`: nil on either side is false, non-strings fail.
pub fn string_op(op: &str, a: &Value<'_>, b: &Value<'_>) -> Result<bool, String> {
    if a.is_nil() || b.is_nil() {
        return Ok(false);
    }
    let x = as_string(a)?;
    let y = as_string(b)?;
    Ok(match op {
        "contains" => x.contains(y),
        "startsWith" => x.starts_with(y),
        _ => x.ends_with(y),
    })
}

/// `a..b`: an inclusive `[]int`, empty when reversed; its length is checked by the caller.
pub fn range_len(a: &Value<'_>, b: &Value<'_>) -> Result<(i64, i64), String> {
    let x = to_int(a)?;
    let y = to_int(b)?;
    Ok((x, y.saturating_sub(x).saturating_add(1).max(0)))
}

/// Builds the `[]int` of a range.
pub fn make_range<'a>(start: i64, size: i64) -> Value<'a> {
    Value::typed_list(
        ListKind::Int,
        (0..size)
            .map(|i| Value::Int(start.wrapping_add(i)))
            .collect(),
    )
}
