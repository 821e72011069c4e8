//! Go expr's constant folding (`optimizer/fold.go`), applied after checking.
//!
//! Takes the checked tree and rewrites it in place. Folding is observable, so it is copied
//! exactly: `x && true` becomes `x` (so `payload.nothing && true` is nil, not an error),
//! `x || true` becomes `true`, `10 % 0` is the compile error `integer divide by zero`, and
//! arrays of literals become constants. A node replaced by a child takes the parent's location,
//! as Go's `ast.Patch` does.

use super::ast::{Node, NodeKind};
use super::error::SourceError;
use super::value::Value;

/// Folds `node` in place (children first).
pub fn fold(node: &mut Node) -> Result<(), SourceError> {
    use super::parser::{STACK_GROW, STACK_RED_ZONE};
    stacker::maybe_grow(STACK_RED_ZONE, STACK_GROW, || fold_node(node))
}

fn fold_node(node: &mut Node) -> Result<(), SourceError> {
    match &mut node.kind {
        NodeKind::Unary { node: inner, .. } => fold(inner)?,
        NodeKind::Binary { left, right, .. } => {
            fold(left)?;
            fold(right)?;
        }
        NodeKind::Chain(inner) | NodeKind::Predicate(inner) => fold(inner)?,
        NodeKind::Member {
            node: n, property, ..
        } => {
            fold(n)?;
            fold(property)?;
        }
        NodeKind::Slice { node: n, from, to } => {
            fold(n)?;
            if let Some(f) = from {
                fold(f)?;
            }
            if let Some(t) = to {
                fold(t)?;
            }
        }
        NodeKind::Call { callee, args } => {
            fold(callee)?;
            for a in args {
                fold(a)?;
            }
        }
        NodeKind::Builtin { args, .. } => {
            for a in args {
                fold(a)?;
            }
        }
        NodeKind::Let { value, expr, .. } => {
            fold(value)?;
            fold(expr)?;
        }
        NodeKind::Sequence(nodes) | NodeKind::Array(nodes) => {
            for n in nodes {
                fold(n)?;
            }
        }
        NodeKind::Conditional {
            cond,
            then,
            otherwise,
        } => {
            fold(cond)?;
            fold(then)?;
            fold(otherwise)?;
        }
        NodeKind::Map(pairs) => {
            for (k, v) in pairs {
                fold(k)?;
                fold(v)?;
            }
        }
        _ => {}
    }
    if let Some(new) = fold_here(node)? {
        let loc = node.loc;
        *node = new;
        node.loc = loc;
    }
    Ok(())
}

fn num(n: &Node) -> Option<(Option<i64>, f64)> {
    match n.kind {
        NodeKind::Int(i) => Some((Some(i), i as f64)),
        NodeKind::Float(f) => Some((None, f)),
        _ => None,
    }
}

fn boolean(n: &Node) -> Option<bool> {
    match n.kind {
        NodeKind::Bool(b) => Some(b),
        _ => None,
    }
}

/// Moves a child out of its parent, which is about to be replaced (no copy of the subtree).
fn take(child: &mut Node) -> Node {
    std::mem::replace(child, Node::new(NodeKind::Nil, child.loc))
}

fn fold_here(node: &mut Node) -> Result<Option<Node>, SourceError> {
    let loc = node.loc;
    let mk = move |kind| Some(Node::new(kind, loc));
    Ok(match &mut node.kind {
        NodeKind::Unary { op, node: inner } => match (op.as_str(), &inner.kind) {
            ("-", NodeKind::Int(i)) => mk(NodeKind::Int(i.wrapping_neg())),
            ("-", NodeKind::Float(f)) => mk(NodeKind::Float(-f)),
            ("!" | "not", NodeKind::Bool(b)) => mk(NodeKind::Bool(!b)),
            _ => None,
        },
        NodeKind::Binary { op, left, right } => {
            let (l, r) = (num(left), num(right));
            match op.as_str() {
                "+" | "-" | "*" => match (l, r) {
                    (Some((Some(a), _)), Some((Some(b), _))) => {
                        mk(NodeKind::Int(match op.as_str() {
                            "+" => a.wrapping_add(b),
                            "-" => a.wrapping_sub(b),
                            _ => a.wrapping_mul(b),
                        }))
                    }
                    (Some((_, a)), Some((_, b))) => mk(NodeKind::Float(match op.as_str() {
                        "+" => a + b,
                        "-" => a - b,
                        _ => a * b,
                    })),
                    _ => match (op.as_str(), left.as_str_lit(), right.as_str_lit()) {
                        ("+", Some(a), Some(b)) => mk(NodeKind::Str(format!("{a}{b}"))),
                        _ => None,
                    },
                },
                "/" => match (l, r) {
                    (Some((_, a)), Some((_, b))) => mk(NodeKind::Float(a / b)),
                    _ => None,
                },
                "%" => match (l, r) {
                    (Some((Some(_), _)), Some((Some(0), _))) => {
                        return Err(SourceError::new("integer divide by zero", loc));
                    }
                    (Some((Some(a), _)), Some((Some(b), _))) => {
                        mk(NodeKind::Int(a.wrapping_rem(b)))
                    }
                    _ => None,
                },
                "**" | "^" => match (l, r) {
                    (Some((_, a)), Some((_, b))) => mk(NodeKind::Float(a.powf(b))),
                    _ => None,
                },
                "and" | "&&" => {
                    let (a, b) = (boolean(left), boolean(right));
                    if a == Some(true) {
                        Some(take(right))
                    } else if b == Some(true) {
                        Some(take(left))
                    } else if a == Some(false) || b == Some(false) {
                        mk(NodeKind::Bool(false))
                    } else {
                        None
                    }
                }
                "or" | "||" => {
                    let (a, b) = (boolean(left), boolean(right));
                    if a == Some(false) {
                        Some(take(right))
                    } else if b == Some(false) {
                        Some(take(left))
                    } else if a == Some(true) || b == Some(true) {
                        mk(NodeKind::Bool(true))
                    } else {
                        None
                    }
                }
                "==" => match (&left.kind, &right.kind) {
                    (NodeKind::Int(a), NodeKind::Int(b)) => mk(NodeKind::Bool(a == b)),
                    (NodeKind::Str(a), NodeKind::Str(b)) => mk(NodeKind::Bool(a == b)),
                    (NodeKind::Float(a), NodeKind::Float(b)) => mk(NodeKind::Bool(a == b)),
                    (NodeKind::Bool(a), NodeKind::Bool(b)) => mk(NodeKind::Bool(a == b)),
                    _ => None,
                },
                _ => None,
            }
        }
        NodeKind::Array(nodes) if !nodes.is_empty() => {
            let mut items = Vec::with_capacity(nodes.len());
            for n in nodes {
                items.push(match &n.kind {
                    NodeKind::Int(i) => Value::Int(*i),
                    NodeKind::Float(f) => Value::Float(*f),
                    NodeKind::Str(s) => Value::string(s.as_str()),
                    NodeKind::Bool(b) => Value::Bool(*b),
                    _ => return Ok(None),
                });
            }
            mk(NodeKind::Constant(Value::list(items)))
        }
        _ => None,
    })
}
