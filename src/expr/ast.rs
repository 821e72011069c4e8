//! The syntax tree the parser builds, mirroring Go expr's `ast` package node for node (the
//! node kinds, their locations and the node count matter for error texts).

use super::error::Loc;
use super::value::Value;

/// A node and where it came from.
#[derive(Clone, Debug)]
pub struct Node {
    /// What it is.
    pub kind: NodeKind,
    /// Its location (Go's `SetLocation`).
    pub loc: Loc,
    /// Height of the subtree (1 for a leaf); bounded by the parser.
    pub depth: u32,
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
    /// The greatest height among the direct children.
    fn child_depth(&self) -> u32 {
        let d = |n: &Node| n.depth;
        let o = |n: &Option<Box<Node>>| n.as_deref().map_or(0, d);
        match self {
            NodeKind::Unary { node, .. } | NodeKind::Chain(node) | NodeKind::Predicate(node) => {
                d(node)
            }
            NodeKind::Binary { left, right, .. } => d(left).max(d(right)),
            NodeKind::Member { node, property, .. } => d(node).max(d(property)),
            NodeKind::Slice { node, from, to } => d(node).max(o(from)).max(o(to)),
            NodeKind::Call { callee, args } => args.iter().map(d).fold(d(callee), u32::max),
            NodeKind::Builtin { args, .. } | NodeKind::Sequence(args) | NodeKind::Array(args) => {
                args.iter().map(d).max().unwrap_or(0)
            }
            NodeKind::Let { value, expr, .. } => d(value).max(d(expr)),
            NodeKind::Conditional {
                cond,
                then,
                otherwise,
            } => d(cond).max(d(then)).max(d(otherwise)),
            NodeKind::Map(pairs) => pairs.iter().map(|(k, v)| d(k).max(d(v))).max().unwrap_or(0),
            _ => 0,
        }
    }
}

impl Node {
    /// A node at `loc`.
    pub fn new(kind: NodeKind, loc: Loc) -> Node {
        let depth = 1 + kind.child_depth();
        Node { kind, loc, depth }
    }

    /// True for a string literal.
    pub fn as_str_lit(&self) -> Option<&str> {
        match &self.kind {
            NodeKind::Str(s) => Some(s),
            _ => None,
        }
    }
}
