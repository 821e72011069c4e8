//! Index terms: the literal comparisons that decide a selector is false without running it.
//!
//! Takes an [`Expression`] (a selector) and returns its [`IndexTerm`]s: conjuncts of its
//! top-level `&&` chain of the form `path == "literal"` or `path == ["a", "b"]`, where `path`
//! is a chain of literal member accesses on `namespace`, `discriminator`, `metadata` or
//! `payload` ([`IndexPath`]), and every conjunct before it can neither fail nor yield a
//! non-bool. At event time [`IndexPath::key`] evaluates a path once, with the evaluator
//! itself, and returns the [`IndexKey`] its value has; a term whose key differs proves the
//! selector `false`, so a binding index (`binding::index`) runs only the selectors whose terms
//! may hold.
//!
//! Why a term is exact: `&&` evaluates its conjuncts left to right and stops at the first
//! `false` (`eval::eval_bool` and `eval::test`). The conjuncts before a term never fail and
//! always yield a bool, so evaluation either stops before the term (`false`) or reaches it;
//! when the term is false, the selector is `false` without error, whatever follows. A path
//! that fails to evaluate proves nothing (the selector must run to report the error), and
//! [`IndexPath::key`] says so.
//!
//! The analysis holds for events whose `payload` and `metadata` are JSON objects
//! ([`indexable`]): there `payload.key` and `metadata["key"]` read a field (nil when missing)
//! and cannot fail, and the program analysed is the one compiled for an object payload.
//!
//! What counts as infallible (read from `eval.rs`): a comparison with a literal
//! (`Op::EqStr`, `Op::EqStrList`, `Op::EqConst`, `==` or `!=`) returns a bool once its operand
//! is evaluated, so it is infallible when its operand is: a top-level name (`Op::Env`), a
//! constant, a field of the object `payload` or `metadata` (`Op::EnvField`), or such a field
//! behind `?.` (`Op::Chain`). `true`, `false`, and `!`, `&&`, `||` of infallible conjuncts
//! are infallible. Anything else (a member of a member, which fails on nil or a string, a
//! built-in, a variable, an arithmetic or ordering operator) may fail.

use std::fmt;
use std::hash::{Hash, Hasher};
use std::sync::Arc;

use super::argo::{Expression, Input};
use super::compile::{EnvName, Op};
use super::error::Loc;
use super::eval::{Frame, eval};
use super::value::Value;

/// Errors of this module.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum IndexError {
    /// The path failed on this event (the selector must run to report the error).
    #[error("the path fails to evaluate on this event")]
    PathFails,
}

/// Whether the index analysis holds for this event: its `payload` and its `metadata` are JSON
/// objects. For any other event every selector must run.
pub fn indexable(input: &Input<'_>) -> bool {
    input.payload.is_object() && input.metadata.is_object()
}

/// A top-level name a path starts from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
enum Root {
    Namespace,
    Discriminator,
    Metadata,
    Payload,
}

impl Root {
    fn of(name: EnvName) -> Option<Root> {
        Some(match name {
            EnvName::Namespace => Root::Namespace,
            EnvName::Discriminator => Root::Discriminator,
            EnvName::Metadata => Root::Metadata,
            EnvName::Payload => Root::Payload,
            EnvName::Sprig => return None,
        })
    }

    fn name(self) -> EnvName {
        match self {
            Root::Namespace => EnvName::Namespace,
            Root::Discriminator => EnvName::Discriminator,
            Root::Metadata => EnvName::Metadata,
            Root::Payload => EnvName::Payload,
        }
    }

    fn text(self) -> &'static str {
        match self {
            Root::Namespace => "namespace",
            Root::Discriminator => "discriminator",
            Root::Metadata => "metadata",
            Root::Payload => "payload",
        }
    }
}

/// Where a path starts: `Op::Env` or `Op::EnvField`.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
enum Base {
    Env(Root),
    Field {
        root: Root,
        key: Arc<str>,
        optional: bool,
    },
}

/// One operation applied to the path so far: `Op::MemberStr` or `Op::Chain`.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
enum Step {
    Member { key: Arc<str>, optional: bool },
    Chain,
}

/// The canonical identity of a path: the operations the compiler produced, without source
/// locations, so the same path in many selectors is one path.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
struct PathId {
    base: Base,
    steps: Box<[Step]>,
}

/// A pure path (`payload.repository.full_name`, `metadata["x-github-event"]`,
/// `discriminator`, `payload?.a.b`), comparable and hashable by its operations, evaluable by
/// the evaluator. Cheap to clone.
#[derive(Clone)]
pub struct IndexPath {
    id: Arc<PathId>,
    /// The same operations, rebuilt (source locations do not matter: errors are not
    /// reported from here).
    op: Arc<Op>,
}

impl PartialEq for IndexPath {
    fn eq(&self, other: &Self) -> bool {
        self.id == other.id
    }
}

impl Eq for IndexPath {}

impl Hash for IndexPath {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.id.hash(state);
    }
}

impl fmt::Display for IndexPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fn member(f: &mut fmt::Formatter<'_>, key: &str, optional: bool) -> fmt::Result {
            let ident = !key.is_empty()
                && !key.starts_with(|c: char| c.is_ascii_digit())
                && key.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
            match (ident, optional) {
                (true, false) => write!(f, ".{key}"),
                (true, true) => write!(f, "?.{key}"),
                (false, false) => write!(f, "[{key:?}]"),
                (false, true) => write!(f, "?.[{key:?}]"),
            }
        }
        match &self.id.base {
            Base::Env(r) => f.write_str(r.text())?,
            Base::Field {
                root,
                key,
                optional,
            } => {
                f.write_str(root.text())?;
                member(f, key, *optional)?;
            }
        }
        for s in &self.id.steps {
            if let Step::Member { key, optional } = s {
                member(f, key, *optional)?;
            }
        }
        Ok(())
    }
}

impl fmt::Debug for IndexPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "IndexPath({self})")
    }
}

impl IndexPath {
    /// The path `op` computes, if it is a pure path.
    fn of(op: &Op) -> Option<IndexPath> {
        let mut steps = Vec::new();
        let mut cur = op;
        let base = loop {
            match cur {
                Op::MemberStr {
                    obj, key, optional, ..
                } => {
                    steps.push(Step::Member {
                        key: key.clone(),
                        optional: *optional,
                    });
                    cur = obj;
                }
                Op::Chain(inner) => {
                    steps.push(Step::Chain);
                    cur = inner;
                }
                Op::Env(name) => break Base::Env(Root::of(*name)?),
                Op::EnvField {
                    name,
                    key,
                    optional,
                    ..
                } => {
                    let root = Root::of(*name)?;
                    if !matches!(root, Root::Metadata | Root::Payload) {
                        return None;
                    }
                    break Base::Field {
                        root,
                        key: key.clone(),
                        optional: *optional,
                    };
                }
                _ => return None,
            }
        };
        steps.reverse();
        let id = PathId {
            base,
            steps: steps.into(),
        };
        let op = build(&id);
        Some(IndexPath {
            id: Arc::new(id),
            op: Arc::new(op),
        })
    }

    /// The key of this path's value on `input`: `Ok(Some(key))` when the value is a string
    /// or an array of strings, `Ok(None)` when it equals no literal a term compares with,
    /// `Err` when evaluating the path fails.
    pub fn key(&self, input: &Input<'_>) -> Result<Option<IndexKey>, IndexError> {
        self.value(input).map(|v| IndexKey::of_value(&v))
    }

    /// This path's value on `input` (borrowed from it), or `Err` when evaluating it fails.
    /// Compare it with a literal with [`IndexKey::matches`], without building a key.
    pub fn value<'a>(&self, input: &Input<'a>) -> Result<Value<'a>, IndexError> {
        let mut frame = Frame::new(input, 0);
        eval(&self.op, &mut frame).map_err(|_| IndexError::PathFails)
    }
}

/// Rebuilds the operations of a path.
fn build(id: &PathId) -> Op {
    let loc = Loc::default();
    let mut op = match &id.base {
        Base::Env(r) => Op::Env(r.name()),
        Base::Field {
            root,
            key,
            optional,
        } => Op::EnvField {
            name: root.name(),
            key: key.clone(),
            optional: *optional,
            loc,
        },
    };
    for s in &id.steps {
        op = match s {
            Step::Member { key, optional } => Op::MemberStr {
                obj: Box::new(op),
                key: key.clone(),
                optional: *optional,
                loc,
            },
            Step::Chain => Op::Chain(Box::new(op)),
        };
    }
    op
}

/// What a term compares a path with, and what a path's value is, with the equality of the
/// comparisons themselves: a Go string equals `"s"` exactly when its bytes are `s`
/// (`Op::EqStr`: only strings, never a number or nil); an array equals `["a", "b"]` exactly
/// when it has as many elements and each is the string at its position (`Op::EqStrList`,
/// `eval::equal_strings`, for a JSON array and a computed list alike). A string never equals
/// an array and an array never equals a string, so one key per value serves both kinds.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum IndexKey {
    /// A string.
    Str(Arc<str>),
    /// An array of strings.
    StrList(Box<[Arc<str>]>),
}

impl IndexKey {
    /// The key of a value: a string, an array made only of strings, or `None`.
    pub fn of_value(v: &Value<'_>) -> Option<IndexKey> {
        if let Some(s) = v.as_str() {
            return Some(IndexKey::Str(Arc::from(s)));
        }
        let items: Option<Box<[Arc<str>]>> = match v {
            Value::JsonArray(a) => a.iter().map(|j| j.as_str().map(Arc::from)).collect(),
            Value::List(l) => l.items.iter().map(|x| x.as_str().map(Arc::from)).collect(),
            _ => None,
        };
        items.map(IndexKey::StrList)
    }

    /// Whether `v` equals this literal, as `Op::EqStr` and `Op::EqStrList` compare
    /// (`IndexKey::of_value(v) == Some(self)`, without building a key).
    pub fn matches(&self, v: &Value<'_>) -> bool {
        match self {
            IndexKey::Str(s) => v.as_str() == Some(&**s),
            IndexKey::StrList(list) => match v {
                Value::JsonArray(a) => {
                    a.len() == list.len()
                        && a.iter()
                            .zip(list.iter())
                            .all(|(j, s)| j.as_str() == Some(&**s))
                }
                Value::List(l) => {
                    l.items.len() == list.len()
                        && l.items
                            .iter()
                            .zip(list.iter())
                            .all(|(x, s)| x.as_str() == Some(&**s))
                }
                _ => false,
            },
        }
    }
}

/// A conjunct that proves the selector false when `path`'s key on the event is not `key`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct IndexTerm {
    /// The path compared.
    pub path: IndexPath,
    /// The literal it must equal.
    pub key: IndexKey,
}

/// The conjuncts of the top-level `&&` chain, in evaluation order.
fn conjuncts(root: &Op) -> Vec<&Op> {
    let mut out = Vec::new();
    let mut pending = vec![root];
    while let Some(op) = pending.pop() {
        match op {
            Op::And(l, r, _) => {
                pending.push(r);
                pending.push(l);
            }
            other => out.push(other),
        }
    }
    out
}

/// Whether evaluating `op` as the operand of a comparison cannot fail (on an indexable event).
fn infallible_value(op: &Op) -> bool {
    let mut cur = op;
    loop {
        match cur {
            Op::Chain(inner) => cur = inner,
            Op::Const(_) => return true,
            Op::Env(name) => return Root::of(*name).is_some(),
            Op::EnvField { name, .. } => {
                return matches!(name, EnvName::Payload | EnvName::Metadata);
            }
            _ => return false,
        }
    }
}

/// Whether evaluating `op` as a conjunct cannot fail and always yields a bool (on an
/// indexable event).
fn infallible_bool(op: &Op) -> bool {
    let mut pending = vec![op];
    while let Some(op) = pending.pop() {
        match op {
            Op::EqStr(x, ..) | Op::EqStrList(x, ..) | Op::EqConst(x, ..) => {
                if !infallible_value(x) {
                    return false;
                }
            }
            Op::Const(Value::Bool(_)) => {}
            Op::Not(x, _) => pending.push(x),
            Op::And(l, r, _) | Op::Or(l, r, _) => {
                pending.push(l);
                pending.push(r);
            }
            _ => return false,
        }
    }
    true
}

/// The term a conjunct is, if it is `path == "s"` or `path == ["a", ...]`.
fn term(op: &Op) -> Option<IndexTerm> {
    let (x, key) = match op {
        Op::EqStr(x, s, false) => (x, IndexKey::Str(s.clone())),
        Op::EqStrList(x, list, false) => (x, IndexKey::StrList(list.clone())),
        _ => return None,
    };
    Some(IndexTerm {
        path: IndexPath::of(x)?,
        key,
    })
}

impl Expression {
    /// The index terms of this selector, in evaluation order (see the module doc); empty when
    /// it does not compile for an object payload or has no such conjunct.
    pub fn index_terms(&self) -> Vec<IndexTerm> {
        let object = serde_json::Value::Object(serde_json::Map::new());
        let Ok(program) = self.program(&object) else {
            return Vec::new();
        };
        let mut out = Vec::new();
        for c in conjuncts(&program.root) {
            if let Some(t) = term(c) {
                out.push(t);
            }
            if !infallible_bool(c) {
                break;
            }
        }
        out
    }
}

#[cfg(test)]
mod tests;
