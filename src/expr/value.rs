//! The value model of the expression engine.
//!
//! Owns [`Value`], the runtime value every expression, built-in and sprig function works on,
//! and the Go type names (`%T`, expr's `type()`) that go with it.
//!
//! # Design
//! - **Borrowed input.** The event (`payload`, `metadata`, `namespace`, `discriminator`) is never
//!   copied. [`Value::from_json`] turns a `&'a serde_json::Value` into a `Value<'a>` in O(1):
//!   scalars become [`Value::Bool`], [`Value::Float`] or [`Value::Str`], containers stay borrowed
//!   as [`Value::JsonArray`] / [`Value::JsonMap`].
//! - **Computed values** (literals, results of operators and functions) own their data behind an
//!   `Arc`, so cloning a `Value` is at most one reference-count increment. A compiled program
//!   keeps its constants as `Value<'static>`, which coerce to any `Value<'a>`.
//! - **Go's type distinctions are kept**, because results and error texts depend on them:
//!   - [`Value::Int`] is Go `int` (64-bit, wrapping arithmetic); every integer literal is one.
//!   - [`Value::Float`] is Go `float64`; **every JSON number is one** (Argo round-trips the
//!     environment through JSON), so `payload.n % 2` fails and `type(payload.n)` is `"float"`.
//!   - [`Value::Int64`] is Go `int64` (sprig's numeric helpers return it), [`Value::Uint8`] a
//!     byte (`"abc"[0]`), [`Value::Duration`] a `time.Duration` in nanoseconds.
//!   - Lists and maps carry their Go element type ([`ListKind`], [`MapKind`]) so that `%T`
//!     prints `[]int`, `[]string`, `[][2]interface {}`, `map[string]string`, … exactly.
//! - Strings are Rust `str`, so always valid UTF-8. Go strings may hold arbitrary bytes (for
//!   example after slicing a multi-byte character); such slices are repaired with U+FFFD here,
//!   which is also what Go's `json.Marshal` would print for them.
//!
//! Formatting (`%v`, `%s`, JSON) lives in `gofmt.rs`; operators live in the evaluator.

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::sync::Arc;

use serde_json::Value as Json;

use super::limits;

/// A borrowed JSON object (`map[string]interface {}` in Go).
pub type JsonObject = serde_json::Map<String, Json>;

/// A runtime value. See the module doc for the mapping to Go types.
#[derive(Clone, Debug)]
pub enum Value<'a> {
    /// Go `nil`.
    Nil,
    /// Go `bool`.
    Bool(bool),
    /// Go `int` (64-bit). Integer literals, `len`, ranges, `int()`.
    Int(i64),
    /// Go `int64` (sprig `int64`, `add`, `sub`, …).
    Int64(i64),
    /// Go `uint8`, i.e. a byte: the result of indexing a string.
    Uint8(u8),
    /// Go `float64`. Every JSON number.
    Float(f64),
    /// Go `time.Duration`, in nanoseconds.
    Duration(i64),
    /// A Go `string` borrowed from the input.
    Str(&'a str),
    /// A Go `string` that was computed or comes from a literal.
    String(Arc<str>),
    /// Go `[]uint8` (a `b"…"` literal). JSON-encodes as base64, like Go.
    Bytes(Arc<[u8]>),
    /// A JSON array borrowed from the input (`[]interface {}`).
    JsonArray(&'a [Json]),
    /// A JSON object borrowed from the input (`map[string]interface {}`).
    JsonMap(&'a JsonObject),
    /// A computed list; its Go type is given by [`ListKind`].
    List(Arc<List<'a>>),
    /// A computed map with string keys; its Go type is given by [`MapKind`].
    Map(Arc<Map<'a>>),
    /// A map whose keys are arbitrary values (`map[interface {}][]interface {}`, from `groupBy`).
    AnyMap(Arc<Vec<(Value<'a>, Value<'a>)>>),
    /// A function used as a value (e.g. `toJson` or `sprig.trim` without a call).
    Func(Arc<Func>),
}

/// A computed list.
#[derive(Clone, Debug)]
pub struct List<'a> {
    /// The Go type of the list.
    pub kind: ListKind,
    /// The elements, in order.
    pub items: Vec<Value<'a>>,
    /// Its nesting, size and reflexivity, computed when it is built.
    shape: Shape,
}

/// Facts about a computed container, computed once when it is built so that limits and
/// shortcuts cost nothing later.
#[derive(Clone, Copy, Debug)]
struct Shape {
    /// [`Value::nesting`].
    depth: u32,
    /// [`Value::weight`].
    weight: u64,
    /// [`Value::reflexive`].
    reflexive: bool,
}

impl Shape {
    fn of<'v, 'a: 'v>(items: impl Iterator<Item = &'v Value<'a>>) -> Shape {
        let mut shape = Shape {
            depth: 1,
            weight: 1,
            reflexive: true,
        };
        for v in items {
            shape.depth = shape.depth.max(v.nesting().saturating_add(1));
            shape.weight = shape.weight.saturating_add(v.weight());
            shape.reflexive &= v.reflexive();
        }
        shape
    }
}

/// The Go type of a computed list.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ListKind {
    /// `[]interface {}`: array literals, `map`, `filter`, … and most functions.
    Any,
    /// `[]int`: ranges (`1..3`).
    Int,
    /// `[]string`: `split`, `splitAfter`, sprig `splitList`, …
    String,
    /// `[2]interface {}`: one element of `toPairs`.
    Pair,
    /// `[][2]interface {}`: the result of `toPairs`.
    Pairs,
}

/// A computed map with string keys, sorted (Go prints and encodes maps with sorted keys).
#[derive(Clone, Debug)]
pub struct Map<'a> {
    /// The Go type of the map.
    pub kind: MapKind,
    /// The entries.
    pub entries: BTreeMap<String, Value<'a>>,
    /// Its nesting, size and reflexivity, computed when it is built.
    shape: Shape,
}

/// The Go type of a computed map.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MapKind {
    /// `map[string]interface {}`.
    Any,
    /// `map[string]string` (sprig `split`).
    String,
}

/// A function used as a value.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Func {
    /// The name it was referenced by, e.g. `toJson` or `sprig.trim`.
    pub name: String,
    /// Its Go type as `%T` prints it, e.g. `func(interface {}) string`.
    pub go_type: String,
}

impl<'a> Value<'a> {
    /// Views a JSON value as an expression value without copying it.
    ///
    /// Numbers become `float64` as Go's `json.Unmarshal` makes them (values above 2^53 lose
    /// precision the same way, because both round to the nearest float64).
    #[inline]
    pub fn from_json(json: &'a Json) -> Value<'a> {
        match json {
            Json::Null => Value::Nil,
            Json::Bool(b) => Value::Bool(*b),
            Json::Number(n) => Value::Float(json_number_to_f64(n)),
            Json::String(s) => Value::Str(s),
            Json::Array(a) => Value::JsonArray(a),
            Json::Object(o) => Value::JsonMap(o),
        }
    }

    /// Converts an owned JSON value (e.g. the result of `fromJSON`) into an owned expression
    /// value, with Go `json.Unmarshal` types (`float64`, `[]interface {}`,
    /// `map[string]interface {}`).
    pub fn from_owned_json(json: Json) -> Value<'static> {
        match json {
            Json::Null => Value::Nil,
            Json::Bool(b) => Value::Bool(b),
            Json::Number(n) => Value::Float(json_number_to_f64(&n)),
            Json::String(s) => Value::String(s.into()),
            Json::Array(a) => Value::list(a.into_iter().map(Value::from_owned_json).collect()),
            Json::Object(o) => Value::map(
                o.into_iter()
                    .map(|(k, v)| (k, Value::from_owned_json(v)))
                    .collect(),
            ),
        }
    }

    /// A computed string.
    pub fn string(s: impl Into<Arc<str>>) -> Value<'a> {
        Value::String(s.into())
    }

    /// A `[]interface {}` list.
    pub fn list(items: Vec<Value<'a>>) -> Value<'a> {
        Value::typed_list(ListKind::Any, items)
    }

    /// A list with an explicit Go type.
    pub fn typed_list(kind: ListKind, items: Vec<Value<'a>>) -> Value<'a> {
        let shape = Shape::of(items.iter());
        Value::List(Arc::new(List { kind, items, shape }))
    }

    /// A `[]string` list.
    pub fn strings<I, S>(items: I) -> Value<'a>
    where
        I: IntoIterator<Item = S>,
        S: Into<Arc<str>>,
    {
        Value::typed_list(
            ListKind::String,
            items.into_iter().map(|s| Value::String(s.into())).collect(),
        )
    }

    /// A `map[string]interface {}`.
    pub fn map(entries: BTreeMap<String, Value<'a>>) -> Value<'a> {
        Value::typed_map(MapKind::Any, entries)
    }

    /// A map with an explicit Go type.
    pub fn typed_map(kind: MapKind, entries: BTreeMap<String, Value<'a>>) -> Value<'a> {
        let shape = Shape::of(entries.values());
        Value::Map(Arc::new(Map {
            kind,
            entries,
            shape,
        }))
    }

    /// How deeply containers nest in this value: 0 for a scalar, 1 for a container of
    /// scalars, and so on. Borrowed JSON counts as 1 (its depth is bounded when it is parsed);
    /// computed containers know theirs, so this is O(1) except for `groupBy` maps. The
    /// evaluator refuses to build values nested deeper than
    /// [`MAX_VALUE_DEPTH`](super::limits::MAX_VALUE_DEPTH), which bounds every recursive walk
    /// over values (printing, encoding, comparing, dropping).
    pub fn nesting(&self) -> u32 {
        match self {
            Value::List(l) => l.shape.depth,
            Value::Map(m) => m.shape.depth,
            Value::AnyMap(m) => {
                1 + m
                    .iter()
                    .map(|(k, v)| k.nesting().max(v.nesting()))
                    .max()
                    .unwrap_or(0)
            }
            Value::JsonArray(_) | Value::JsonMap(_) => 1,
            _ => 0,
        }
    }

    /// How many values a walk over this value visits, counting a shared part once per
    /// reference (`let a = 1..1000; [a, a, a]` weighs 3 004): 1 for a scalar or borrowed
    /// JSON (whose size is bounded by the request), the sum of the parts plus one for a
    /// computed container. The evaluator refuses values heavier than
    /// [`MAX_VALUE_WEIGHT`](super::limits::MAX_VALUE_WEIGHT), so repeated sharing cannot make
    /// printing or comparing a value exponential.
    pub fn weight(&self) -> u64 {
        match self {
            Value::List(l) => l.shape.weight,
            Value::Map(m) => m.shape.weight,
            Value::AnyMap(m) => m.iter().fold(1u64, |w, (k, v)| {
                w.saturating_add(k.weight()).saturating_add(v.weight())
            }),
            _ => 1,
        }
    }

    /// True when the value equals itself: false if it holds a NaN or a function anywhere.
    /// Borrowed JSON always does (JSON has no NaN), so identical references compare equal
    /// without a walk.
    pub fn reflexive(&self) -> bool {
        match self {
            Value::Float(f) => !f.is_nan(),
            Value::Func(_) => false,
            Value::List(l) => l.shape.reflexive,
            Value::Map(m) => m.shape.reflexive,
            Value::AnyMap(m) => m.iter().all(|(k, v)| k.reflexive() && v.reflexive()),
            _ => true,
        }
    }

    /// True when `self` and `other` are the same container (one allocation or one JSON node)
    /// and equal to themselves, so they are equal under [`equal`] and [`deep_equal`].
    fn same_reflexive(&self, other: &Value<'_>) -> bool {
        match (self, other) {
            (Value::JsonArray(x), Value::JsonArray(y)) => {
                std::ptr::eq(x.as_ptr(), y.as_ptr()) && x.len() == y.len()
            }
            (Value::JsonMap(x), Value::JsonMap(y)) => std::ptr::eq(*x, *y),
            (Value::List(x), Value::List(y)) => {
                std::ptr::eq(Arc::as_ptr(x) as *const u8, Arc::as_ptr(y) as *const u8)
                    && x.shape.reflexive
            }
            (Value::Map(x), Value::Map(y)) => {
                std::ptr::eq(Arc::as_ptr(x) as *const u8, Arc::as_ptr(y) as *const u8)
                    && x.shape.reflexive
            }
            _ => false,
        }
    }

    /// True for Go `nil`.
    #[inline]
    pub fn is_nil(&self) -> bool {
        matches!(self, Value::Nil)
    }

    /// The string, if this is a Go `string`.
    #[inline]
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Value::Str(s) => Some(s),
            Value::String(s) => Some(s),
            _ => None,
        }
    }

    /// The boolean, if this is a Go `bool`.
    #[inline]
    pub fn as_bool(&self) -> Option<bool> {
        match self {
            Value::Bool(b) => Some(*b),
            _ => None,
        }
    }

    /// The integer value of any Go integer kind (`int`, `int64`, `uint8`, `time.Duration`).
    #[inline]
    pub fn as_integer(&self) -> Option<i64> {
        match self {
            Value::Int(i) | Value::Int64(i) | Value::Duration(i) => Some(*i),
            Value::Uint8(b) => Some(i64::from(*b)),
            _ => None,
        }
    }

    /// The numeric value of any Go number (integers and `float64`) as `f64`.
    #[inline]
    pub fn as_number(&self) -> Option<f64> {
        match self {
            Value::Float(f) => Some(*f),
            _ => self.as_integer().map(|i| i as f64),
        }
    }

    /// True for Go integer kinds.
    #[inline]
    pub fn is_integer(&self) -> bool {
        matches!(
            self,
            Value::Int(_) | Value::Int64(_) | Value::Uint8(_) | Value::Duration(_)
        )
    }

    /// True for any Go number kind.
    #[inline]
    pub fn is_number(&self) -> bool {
        self.is_integer() || matches!(self, Value::Float(_))
    }

    /// True for arrays and maps (values that contain values).
    #[inline]
    pub fn is_container(&self) -> bool {
        matches!(
            self,
            Value::JsonArray(_)
                | Value::JsonMap(_)
                | Value::List(_)
                | Value::Map(_)
                | Value::AnyMap(_)
        )
    }

    /// True for arrays and slices of any element type.
    pub fn is_array(&self) -> bool {
        matches!(self, Value::JsonArray(_) | Value::List(_) | Value::Bytes(_))
    }

    /// True for maps of any type.
    pub fn is_map(&self) -> bool {
        matches!(self, Value::JsonMap(_) | Value::Map(_) | Value::AnyMap(_))
    }

    /// The number of elements of an array (or bytes of a `[]uint8`), if this is one.
    pub fn array_len(&self) -> Option<usize> {
        match self {
            Value::JsonArray(a) => Some(a.len()),
            Value::List(l) => Some(l.items.len()),
            Value::Bytes(b) => Some(b.len()),
            _ => None,
        }
    }

    /// Element `i` of an array (no bounds wrapping; `None` when out of range or not an array).
    pub fn array_get(&self, i: usize) -> Option<Value<'a>> {
        match self {
            Value::JsonArray(a) => a.get(i).map(Value::from_json),
            Value::List(l) => l.items.get(i).cloned(),
            Value::Bytes(b) => b.get(i).map(|b| Value::Uint8(*b)),
            _ => None,
        }
    }

    /// All elements of an array as values (cheap: borrowed JSON stays borrowed).
    pub fn array_items(&self) -> Option<Vec<Value<'a>>> {
        match self {
            Value::JsonArray(a) => Some(a.iter().map(Value::from_json).collect()),
            Value::List(l) => Some(l.items.clone()),
            Value::Bytes(b) => Some(b.iter().map(|b| Value::Uint8(*b)).collect()),
            _ => None,
        }
    }

    /// The number of entries of a map, if this is one.
    pub fn map_len(&self) -> Option<usize> {
        match self {
            Value::JsonMap(m) => Some(m.len()),
            Value::Map(m) => Some(m.entries.len()),
            Value::AnyMap(m) => Some(m.len()),
            _ => None,
        }
    }

    /// Looks up a string key in a map. `None` if the key is absent or this is not a
    /// string-keyed map.
    #[inline]
    pub fn map_get(&self, key: &str) -> Option<Value<'a>> {
        match self {
            Value::JsonMap(m) => m.get(key).map(Value::from_json),
            Value::Map(m) => m.entries.get(key).cloned(),
            Value::AnyMap(m) => m
                .iter()
                .find(|(k, _)| k.as_str() == Some(key))
                .map(|(_, v)| v.clone()),
            _ => None,
        }
    }

    /// The entries of a map, sorted by key as Go's `fmt` and `json` print them.
    pub fn map_entries(&self) -> Option<Vec<(Value<'a>, Value<'a>)>> {
        match self {
            Value::JsonMap(m) => Some(
                m.iter()
                    .map(|(k, v)| (Value::Str(k.as_str()), Value::from_json(v)))
                    .collect(),
            ),
            Value::Map(m) => Some(
                m.entries
                    .iter()
                    .map(|(k, v)| (Value::string(k.as_str()), v.clone()))
                    .collect(),
            ),
            Value::AnyMap(m) => Some(m.as_ref().clone()),
            _ => None,
        }
    }

    /// Go's `%T` name of the value's dynamic type, e.g. `float64`, `[]interface {}`,
    /// `map[string]interface {}`, `<nil>`.
    pub fn go_type(&self) -> Cow<'static, str> {
        Cow::Borrowed(match self {
            Value::Nil => "<nil>",
            Value::Bool(_) => "bool",
            Value::Int(_) => "int",
            Value::Int64(_) => "int64",
            Value::Uint8(_) => "uint8",
            Value::Float(_) => "float64",
            Value::Duration(_) => "time.Duration",
            Value::Str(_) | Value::String(_) => "string",
            Value::Bytes(_) => "[]uint8",
            Value::JsonArray(_) => "[]interface {}",
            Value::JsonMap(_) => "map[string]interface {}",
            Value::List(l) => match l.kind {
                ListKind::Any => "[]interface {}",
                ListKind::Int => "[]int",
                ListKind::String => "[]string",
                ListKind::Pair => "[2]interface {}",
                ListKind::Pairs => "[][2]interface {}",
            },
            Value::Map(m) => match m.kind {
                MapKind::Any => "map[string]interface {}",
                MapKind::String => "map[string]string",
            },
            Value::AnyMap(_) => "map[interface {}][]interface {}",
            Value::Func(f) => return Cow::Owned(f.go_type.clone()),
        })
    }

    /// The name expr's `type()` built-in returns: `nil`, `bool`, `int`, `uint`, `float`,
    /// `string`, `array`, `map`, `func` or the Go type name for anything else
    /// (`time.Duration`).
    pub fn expr_type_name(&self) -> Cow<'static, str> {
        Cow::Borrowed(match self {
            Value::Nil => "nil",
            Value::Bool(_) => "bool",
            Value::Int(_) | Value::Int64(_) => "int",
            Value::Uint8(_) => "uint",
            Value::Float(_) => "float",
            Value::Str(_) | Value::String(_) => "string",
            Value::Bytes(_) | Value::JsonArray(_) | Value::List(_) => "array",
            Value::JsonMap(_) | Value::Map(_) | Value::AnyMap(_) => "map",
            Value::Func(_) => "func",
            Value::Duration(_) => "time.Duration",
        })
    }

    /// Converts a value that borrows nothing (or only from `'a`) to `Value<'static>` by
    /// copying borrowed data. Used when a value must outlive the input (caches).
    pub fn into_owned(self) -> Value<'static> {
        limits::deeper(|| self.into_owned_here())
    }

    fn into_owned_here(self) -> Value<'static> {
        match self {
            Value::Nil => Value::Nil,
            Value::Bool(b) => Value::Bool(b),
            Value::Int(i) => Value::Int(i),
            Value::Int64(i) => Value::Int64(i),
            Value::Uint8(b) => Value::Uint8(b),
            Value::Float(f) => Value::Float(f),
            Value::Duration(d) => Value::Duration(d),
            Value::Str(s) => Value::String(s.into()),
            Value::String(s) => Value::String(s),
            Value::Bytes(b) => Value::Bytes(b),
            Value::JsonArray(a) => Value::from_owned_json(Json::Array(a.to_vec())),
            Value::JsonMap(m) => Value::from_owned_json(Json::Object(m.clone())),
            Value::List(l) => Value::typed_list(
                l.kind,
                l.items.iter().cloned().map(Value::into_owned).collect(),
            ),
            Value::Map(m) => Value::typed_map(
                m.kind,
                m.entries
                    .iter()
                    .map(|(k, v)| (k.clone(), v.clone().into_owned()))
                    .collect(),
            ),
            Value::AnyMap(m) => Value::AnyMap(Arc::new(
                m.iter()
                    .map(|(k, v)| (k.clone().into_owned(), v.clone().into_owned()))
                    .collect(),
            )),
            Value::Func(f) => Value::Func(f),
        }
    }
}

impl From<bool> for Value<'_> {
    fn from(b: bool) -> Self {
        Value::Bool(b)
    }
}

impl From<f64> for Value<'_> {
    fn from(f: f64) -> Self {
        Value::Float(f)
    }
}

impl From<String> for Value<'_> {
    fn from(s: String) -> Self {
        Value::String(s.into())
    }
}

impl From<&str> for Value<'_> {
    fn from(s: &str) -> Self {
        Value::String(s.into())
    }
}

/// Go `json.Unmarshal` into `interface{}` makes every number a float64.
#[inline]
pub fn json_number_to_f64(n: &serde_json::Number) -> f64 {
    n.as_f64().unwrap_or(f64::NAN)
}

/// expr's `runtime.Equal`: numbers compare numerically across kinds, strings by content,
/// arrays element-wise (recursively with `equal`), maps with Go's `reflect.DeepEqual`
/// (so `float64(1)` and `int(1)` differ inside maps), everything else is false unless both
/// sides are nil.
pub fn equal(a: &Value<'_>, b: &Value<'_>) -> bool {
    match (a, b) {
        (Value::Str(x), Value::Str(y)) => x == y,
        (Value::Str(x), Value::String(y)) | (Value::String(y), Value::Str(x)) => *x == &**y,
        (Value::String(x), Value::String(y)) => x == y,
        (Value::Nil, Value::Nil) => true,
        (Value::Bool(x), Value::Bool(y)) => x == y,
        (Value::Float(x), Value::Float(y)) => x == y,
        (Value::Duration(x), Value::Duration(y)) => x == y,
        (Value::Duration(_), _) | (_, Value::Duration(_)) => false,
        _ if a.is_number() && b.is_number() => match (a, b) {
            (Value::Float(_), _) | (_, Value::Float(_)) => a.as_number() == b.as_number(),
            _ => a.as_integer() == b.as_integer(),
        },
        _ if a.same_reflexive(b) => true,
        (Value::JsonArray(x), Value::JsonArray(y)) => {
            x.len() == y.len()
                && x.iter()
                    .zip(y.iter())
                    .all(|(p, q)| equal_item(&Value::from_json(p), &Value::from_json(q)))
        }
        (Value::JsonArray(x), Value::List(l)) | (Value::List(l), Value::JsonArray(x)) => {
            x.len() == l.items.len()
                && x.iter()
                    .zip(l.items.iter())
                    .all(|(p, q)| equal_item(&Value::from_json(p), q))
        }
        (Value::List(l), Value::List(m)) => {
            l.items.len() == m.items.len()
                && l.items
                    .iter()
                    .zip(m.items.iter())
                    .all(|(p, q)| equal_item(p, q))
        }
        _ => {
            if a.is_array() && b.is_array() {
                // `[]uint8` against another array.
                let (Some(la), Some(lb)) = (a.array_len(), b.array_len()) else {
                    return false;
                };
                return la == lb
                    && (0..la).all(|i| match (a.array_get(i), b.array_get(i)) {
                        (Some(x), Some(y)) => equal_item(&x, &y),
                        _ => false,
                    });
            }
            if a.is_map() && b.is_map() {
                return deep_equal(a, b);
            }
            false
        }
    }
}

/// [`equal`] on two elements; only nested containers pay for the stack check.
#[inline]
fn equal_item(a: &Value<'_>, b: &Value<'_>) -> bool {
    if a.is_container() && b.is_container() {
        limits::deeper(|| equal(a, b))
    } else {
        equal(a, b)
    }
}

/// Go's `reflect.DeepEqual` on two dynamic values: the types must be identical, then the
/// contents are compared recursively. NaN is never equal to itself.
pub fn deep_equal(a: &Value<'_>, b: &Value<'_>) -> bool {
    if a.go_type() != b.go_type() {
        return false;
    }
    match (a, b) {
        (Value::Nil, Value::Nil) => true,
        (Value::Bool(x), Value::Bool(y)) => x == y,
        (Value::Float(x), Value::Float(y)) => x == y,
        (Value::Func(_), Value::Func(_)) => false,
        _ if a.is_integer() => a.as_integer() == b.as_integer(),
        _ if a.same_reflexive(b) => true,
        _ => {
            if let (Some(x), Some(y)) = (a.as_str(), b.as_str()) {
                return x == y;
            }
            if let (Some(la), Some(lb)) = (a.array_len(), b.array_len()) {
                return la == lb
                    && (0..la).all(|i| match (a.array_get(i), b.array_get(i)) {
                        (Some(x), Some(y)) => limits::deeper(|| deep_equal(&x, &y)),
                        _ => false,
                    });
            }
            if let (Value::JsonMap(_) | Value::Map(_), Value::JsonMap(_) | Value::Map(_)) = (a, b) {
                // String keys: look each one up (linear in the map's size).
                let Some(ea) = a.map_entries() else {
                    return false;
                };
                return ea.len() == b.map_len().unwrap_or(0)
                    && ea.iter().all(|(k, va)| {
                        k.as_str()
                            .and_then(|k| b.map_get(k))
                            .is_some_and(|vb| limits::deeper(|| deep_equal(va, &vb)))
                    });
            }
            if let (Some(ea), Some(eb)) = (a.map_entries(), b.map_entries()) {
                if ea.len() != eb.len() {
                    return false;
                }
                return ea.iter().all(|(k, va)| {
                    eb.iter()
                        .find(|(kb, _)| limits::deeper(|| deep_equal(k, kb)))
                        .is_some_and(|(_, vb)| limits::deeper(|| deep_equal(va, vb)))
                });
            }
            false
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn json_numbers_are_float64() {
        let j = json!({"n": 3, "big": 9007199254740993u64});
        let v = Value::from_json(&j);
        assert_eq!(v.go_type(), "map[string]interface {}");
        let n = v.map_get("n").unwrap();
        assert_eq!(n.go_type(), "float64");
        assert_eq!(n.expr_type_name(), "float");
        assert_eq!(
            v.map_get("big").unwrap().as_number(),
            Some(9007199254740992.0)
        );
    }

    #[test]
    fn equality_follows_expr_runtime() {
        let j = json!({"l": ["true"]});
        let v = Value::from_json(&j);
        let obj = json!({"a": 1});
        // numbers compare across int and float64
        assert!(equal(&Value::Int(1), &Value::Float(1.0)));
        // arrays element-wise, []interface{} vs computed list
        let l = Value::list(vec![Value::string("true")]);
        assert!(equal(&v.map_get("l").unwrap(), &l));
        // maps use DeepEqual: float64(1) != int(1)
        let mut m = BTreeMap::new();
        m.insert("a".to_string(), Value::Int(1));
        assert!(!equal(&Value::from_json(&obj), &Value::map(m)));
        let mut m = BTreeMap::new();
        m.insert("a".to_string(), Value::Float(1.0));
        assert!(equal(&Value::from_json(&obj), &Value::map(m)));
        assert!(equal(&Value::Nil, &Value::Nil));
        assert!(!equal(&Value::Nil, &l));
        assert!(!equal(&Value::string("3"), &Value::Float(3.0)));
    }

    #[test]
    fn go_type_names() {
        assert_eq!(Value::typed_list(ListKind::Int, vec![]).go_type(), "[]int");
        assert_eq!(Value::strings(["a"]).go_type(), "[]string");
        assert_eq!(Value::Nil.go_type(), "<nil>");
        assert_eq!(Value::Duration(1).go_type(), "time.Duration");
        assert_eq!(Value::Uint8(1).expr_type_name(), "uint");
    }
}
