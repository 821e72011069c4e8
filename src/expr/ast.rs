//! The syntax tree the parser builds, mirroring Go expr's `ast` package node for node (the
//! node kinds, their locations and the node count matter for error texts).
//!
//! Trees can be [`MAX_TREE_DEPTH`](super::parser::MAX_TREE_DEPTH) levels deep, so cloning
//! grows the stack on demand (`stacker::maybe_grow`, free unless the stack is nearly used up)
//! and dropping a deep tree is iterative: neither depends on the thread's stack size.

use super::error::Loc;
use super::value::Value;

/// A node and where it came from.
#[derive(Debug)]
pub struct Node {
    /// What it is.
    pub kind: NodeKind,
    /// Its location (Go's `SetLocation`).
    pub loc: Loc,
    /// Height of the subtree (1 for a leaf); bounded by the parser.
    pub depth: u32,
    /// Number of nodes in the subtree, counting repeated operands (comparison chains and
    /// `?:` repeat one) once per use; bounded by the parser.
    pub size: u32,
}

/// Node kinds.
#[derive(Clone, Debug)]
pub enum NodeKind {
    /// `nil`
    Nil,
    /// `true` / `false`
    Bool(bool),
    /// An integer literal (Go `int`).
    Int(i64),
    /// A float literal.
    Float(f64),
    /// A string literal.
    Str(String),
    /// A `b"…"` literal.
    Bytes(Vec<u8>),
    /// A constant produced by folding (e.g. an array of literals).
    Constant(Value<'static>),
    /// A name.
    Ident(String),
    /// `op node`
    Unary {
        /// `!`, `not`, `-`, `+`
        op: String,
        /// Operand.
        node: Box<Node>,
    },
    /// `left op right`
    Binary {
        /// The operator as written (`&&`, `and`, `==`, …).
        op: String,
        /// Left operand.
        left: Box<Node>,
        /// Right operand.
        right: Box<Node>,
    },
    /// The boundary of an optional chain (`a?.b.c`): a nil inside ends the whole chain.
    Chain(Box<Node>),
    /// `node.property`, `node[property]`, `node?.property`.
    Member {
        /// The object.
        node: Box<Node>,
        /// The key or index.
        property: Box<Node>,
        /// `?.`
        optional: bool,
        /// Called as a method.
        method: bool,
    },
    /// `node[from:to]`
    Slice {
        /// The array or string.
        node: Box<Node>,
        /// Start.
        from: Option<Box<Node>>,
        /// End.
        to: Option<Box<Node>>,
    },
    /// `callee(args)` for anything that is not a built-in.
    Call {
        /// The function.
        callee: Box<Node>,
        /// Arguments.
        args: Vec<Node>,
    },
    /// A built-in function call.
    Builtin {
        /// Its name.
        name: String,
        /// Arguments (predicates are `Predicate` nodes).
        args: Vec<Node>,
    },
    /// The predicate argument of `all`, `map`, … (`{ … }` or a bare expression).
    Predicate(Box<Node>),
    /// `#`, `#index`, `#acc`, or `.` (empty name) inside a predicate.
    Pointer(String),
    /// `let name = value; expr`
    Let {
        /// Variable name.
        name: String,
        /// Its value.
        value: Box<Node>,
        /// The body.
        expr: Box<Node>,
    },
    /// `a; b; c`
    Sequence(Vec<Node>),
    /// `c ? a : b`, `c ?: b`, `if c { a } else { b }`
    Conditional {
        /// Condition.
        cond: Box<Node>,
        /// Then.
        then: Box<Node>,
        /// Else.
        otherwise: Box<Node>,
    },
    /// `[a, b]`
    Array(Vec<Node>),
    /// `{k: v}`
    Map(Vec<(Node, Node)>),
}

impl NodeKind {
    /// Calls `f` on every direct child.
    fn for_each_child(&self, mut f: impl FnMut(&Node)) {
        match self {
            NodeKind::Unary { node, .. } | NodeKind::Chain(node) | NodeKind::Predicate(node) => {
                f(node)
            }
            NodeKind::Binary { left, right, .. } => {
                f(left);
                f(right);
            }
            NodeKind::Member { node, property, .. } => {
                f(node);
                f(property);
            }
            NodeKind::Slice { node, from, to } => {
                f(node);
                from.as_deref().into_iter().chain(to.as_deref()).for_each(f);
            }
            NodeKind::Call { callee, args } => {
                f(callee);
                args.iter().for_each(f);
            }
            NodeKind::Builtin { args, .. } | NodeKind::Sequence(args) | NodeKind::Array(args) => {
                args.iter().for_each(f)
            }
            NodeKind::Let { value, expr, .. } => {
                f(value);
                f(expr);
            }
            NodeKind::Conditional {
                cond,
                then,
                otherwise,
            } => {
                f(cond);
                f(then);
                f(otherwise);
            }
            NodeKind::Map(pairs) => pairs.iter().for_each(|(k, v)| {
                f(k);
                f(v);
            }),
            NodeKind::Nil
            | NodeKind::Bool(_)
            | NodeKind::Int(_)
            | NodeKind::Float(_)
            | NodeKind::Str(_)
            | NodeKind::Bytes(_)
            | NodeKind::Constant(_)
            | NodeKind::Ident(_)
            | NodeKind::Pointer(_) => {}
        }
    }
}

/// Subtrees at most this high are dropped by plain recursion; higher ones are taken apart
/// iteratively by [`Node`]'s `Drop`.
const RECURSIVE_DROP_DEPTH: u32 = 32;

impl Clone for Node {
    fn clone(&self) -> Node {
        use super::parser::{STACK_GROW, STACK_RED_ZONE};
        stacker::maybe_grow(STACK_RED_ZONE, STACK_GROW, || Node {
            kind: self.kind.clone(),
            loc: self.loc,
            depth: self.depth,
            size: self.size,
        })
    }
}

impl Drop for Node {
    fn drop(&mut self) {
        if self.depth <= RECURSIVE_DROP_DEPTH {
            return;
        }
        let mut pending = Vec::new();
        self.detach_high_children(&mut pending);
        while let Some(mut node) = pending.pop() {
            node.detach_high_children(&mut pending);
        }
    }
}

impl Node {
    /// Moves every child higher than [`RECURSIVE_DROP_DEPTH`] into `out` (leaving a leaf in
    /// its place), so that dropping `self` afterwards recurses at most that deep.
    fn detach_high_children(&mut self, out: &mut Vec<Node>) {
        fn take(n: &mut Node, out: &mut Vec<Node>) {
            if n.depth > RECURSIVE_DROP_DEPTH {
                out.push(std::mem::replace(
                    n,
                    Node {
                        kind: NodeKind::Nil,
                        loc: Loc::default(),
                        depth: 1,
                        size: 1,
                    },
                ));
            }
        }
        match &mut self.kind {
            NodeKind::Unary { node, .. } | NodeKind::Chain(node) | NodeKind::Predicate(node) => {
                take(node, out)
            }
            NodeKind::Binary { left, right, .. } => {
                take(left, out);
                take(right, out);
            }
            NodeKind::Member { node, property, .. } => {
                take(node, out);
                take(property, out);
            }
            NodeKind::Slice { node, from, to } => {
                take(node, out);
                for n in [from, to].into_iter().flatten() {
                    take(n, out);
                }
            }
            NodeKind::Call { callee, args } => {
                take(callee, out);
                args.iter_mut().for_each(|n| take(n, out));
            }
            NodeKind::Builtin { args, .. } | NodeKind::Sequence(args) | NodeKind::Array(args) => {
                args.iter_mut().for_each(|n| take(n, out))
            }
            NodeKind::Let { value, expr, .. } => {
                take(value, out);
                take(expr, out);
            }
            NodeKind::Conditional {
                cond,
                then,
                otherwise,
            } => {
                take(cond, out);
                take(then, out);
                take(otherwise, out);
            }
            NodeKind::Map(pairs) => pairs.iter_mut().for_each(|(k, v)| {
                take(k, out);
                take(v, out);
            }),
            NodeKind::Nil
            | NodeKind::Bool(_)
            | NodeKind::Int(_)
            | NodeKind::Float(_)
            | NodeKind::Str(_)
            | NodeKind::Bytes(_)
            | NodeKind::Constant(_)
            | NodeKind::Ident(_)
            | NodeKind::Pointer(_) => {}
        }
        self.depth = 1;
    }

    /// A node at `loc`.
    pub fn new(kind: NodeKind, loc: Loc) -> Node {
        let (mut depth, mut size) = (0u32, 1u32);
        kind.for_each_child(|c| {
            depth = depth.max(c.depth);
            size = size.saturating_add(c.size);
        });
        Node {
            kind,
            loc,
            depth: depth + 1,
            size,
        }
    }

    /// True for a string literal.
    pub fn as_str_lit(&self) -> Option<&str> {
        match &self.kind {
            NodeKind::Str(s) => Some(s),
            _ => None,
        }
    }
}
