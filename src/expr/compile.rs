//! The compiler: a checked, folded tree to an executable [`Op`] tree.
//!
//! Takes the tree and the environment kind and returns a [`Program`]. The program is a tree of
//! resolved operations evaluated by `eval.rs`: names are resolved to environment slots or
//! variable slots, member access by literal keys keeps the key, literal regexes and JMESPath
//! queries are compiled here (once), built-ins are resolved to function pointers, and every
//! operation that can fail carries its Go location. Common selector shapes get their own
//! operations: `payload.key` and `metadata["key"]` read the event's JSON directly, and
//! comparisons with a literal (`== "s"`, `== ["a"]`, `== 1`, `in [..]`) compare in place.
//! Programs are dropped iteratively (they can be as deep as the syntax tree).
//!
//! Why a tree of resolved operations and not bytecode: evaluation is one `match` per node on
//! borrowed values, with no operand stack and no copies, which is what made a prototype run
//! the reference selector in ~0.23 µs; a bytecode VM would add a stack and dispatch loop for
//! expressions that are typically a dozen nodes long. The tree is plain data, so a program is
//! `Send + Sync` and cheap to share.

use std::sync::Arc;

use super::ast::{Node, NodeKind};
use super::builtins::{self, BuiltinFn};
use super::error::{Loc, SourceError};
use super::regex::compile_go_regex;
use super::value::Value;

/// A top-level name of the environment.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EnvName {
    /// `namespace`
    Namespace,
    /// `discriminator`
    Discriminator,
    /// `metadata`
    Metadata,
    /// `payload`
    Payload,
    /// `sprig` (the map of functions)
    Sprig,
}

/// A binary operator.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BinOp {
    /// `==`
    Eq,
    /// `!=`
    Ne,
    /// `<`
    Lt,
    /// `>`
    Gt,
    /// `<=`
    Le,
    /// `>=`
    Ge,
    /// `+`
    Add,
    /// `-`
    Sub,
    /// `*`
    Mul,
    /// `/`
    Div,
    /// `%`
    Mod,
    /// `**`, `^`
    Pow,
    /// `in`
    In,
    /// `contains`
    Contains,
    /// `startsWith`
    StartsWith,
    /// `endsWith`
    EndsWith,
    /// `matches` with a pattern computed at run time
    Matches,
    /// `..`
    Range,
}

/// Predicate built-ins.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PredKind {
    /// `all`
    All,
    /// `none`
    None,
    /// `any`
    Any,
    /// `one`
    One,
    /// `filter`
    Filter,
    /// `map`
    Map,
    /// `count`
    Count,
    /// `sum`
    Sum,
    /// `find`
    Find,
    /// `findIndex`
    FindIndex,
    /// `findLast`
    FindLast,
    /// `findLastIndex`
    FindLastIndex,
    /// `groupBy`
    GroupBy,
    /// `sortBy`
    SortBy,
    /// `reduce`
    Reduce,
}

/// A function of the environment (Argo's helpers and the `jmespath` extension).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EnvFunc {
    /// `asInt` (expr's `int`)
    AsInt,
    /// `asFloat` (expr's `float`)
    AsFloat,
    /// `toJson` (compact `json.Marshal`)
    ToJson,
    /// `jsonpath(jsonStr, path)`
    JsonPath,
    /// `jmespath(value, query)`
    Jmespath,
}

impl EnvFunc {
    /// Go type, for `%T` when used as a value.
    pub fn go_type(self) -> &'static str {
        match self {
            EnvFunc::AsInt | EnvFunc::AsFloat => "func(interface {}) interface {}",
            EnvFunc::ToJson => "func(interface {}) string",
            EnvFunc::JsonPath => "func(string, string) interface {}",
            EnvFunc::Jmespath => "func(interface {}, string) interface {}",
        }
    }

    /// Name in the environment.
    pub fn name(self) -> &'static str {
        match self {
            EnvFunc::AsInt => "asInt",
            EnvFunc::AsFloat => "asFloat",
            EnvFunc::ToJson => "toJson",
            EnvFunc::JsonPath => "jsonpath",
            EnvFunc::Jmespath => "jmespath",
        }
    }
}

/// A compiled JMESPath query.
pub type Jmes = Arc<jmespath::Expression<'static>>;

/// An executable operation.
#[derive(Debug)]
pub enum Op {
    /// A constant.
    Const(Value<'static>),
    /// A variable or predicate slot.
    Slot(usize),
    /// A top-level name.
    Env(EnvName),
    /// `$env`
    EnvMap,
    /// `obj.key` / `obj["key"]` with a literal key.
    MemberStr {
        /// Object.
        obj: Box<Op>,
        /// Key.
        key: Arc<str>,
        /// `?.`
        optional: bool,
        /// Location.
        loc: Loc,
    },
    /// `obj[key]`
    Member {
        /// Object.
        obj: Box<Op>,
        /// Key.
        key: Box<Op>,
        /// `?.`
        optional: bool,
        /// Location.
        loc: Loc,
    },
    /// The end of an optional chain.
    Chain(Box<Op>),
    /// `obj[from:to]`
    Slice {
        /// Object.
        obj: Box<Op>,
        /// Start.
        from: Option<Box<Op>>,
        /// End.
        to: Option<Box<Op>>,
        /// Location.
        loc: Loc,
    },
    /// `!x`
    Not(Box<Op>, Loc),
    /// `-x`
    Neg(Box<Op>, Loc),
    /// `a && b`
    And(Box<Op>, Box<Op>, Loc),
    /// `a || b`
    Or(Box<Op>, Box<Op>, Loc),
    /// `a ?? b`
    Coalesce(Box<Op>, Box<Op>),
    /// `x == "literal"` or `"literal" == x` (`!=` when the flag is set): a direct string
    /// comparison.
    EqStr(Box<Op>, Arc<str>, bool),
    /// `x == constant` or `constant == x` (`!=` when the flag is set), compared in place
    /// (a literal array is compared element by element with a borrowed JSON array).
    EqConst(Box<Op>, Value<'static>, bool),
    /// `x == ["a", "b"]` (`!=` when the flag is set): element-wise string comparison, so a
    /// header such as `metadata["x-argo-e2e"] == ["true"]` reads the borrowed JSON array in
    /// place.
    EqStrList(Box<Op>, Box<[Arc<str>]>, bool),
    /// `x in constant`: membership in a literal array, without copying it.
    InConst(Box<Op>, Value<'static>, Loc),
    /// `payload.key` / `metadata["key"]`: a field of the event's JSON read directly.
    EnvField {
        /// `Payload` or `Metadata`.
        name: EnvName,
        /// The key.
        key: Arc<str>,
        /// `?.`
        optional: bool,
        /// Location.
        loc: Loc,
    },
    /// Binary operators.
    Binary(BinOp, Box<Op>, Box<Op>, Loc),
    /// `x matches "literal"`
    MatchesConst(Box<Op>, Arc<regex::Regex>, Loc),
    /// `c ? a : b`
    Cond(Box<Op>, Box<Op>, Box<Op>, Loc),
    /// `let` (stores into a slot, then evaluates the body).
    Let(usize, Box<Op>, Box<Op>),
    /// `a; b`
    Seq(Vec<Op>),
    /// `[a, b]`
    Array(Vec<Op>, Loc),
    /// `{k: v}`
    Map(Vec<(Op, Op)>, Loc),
    /// A plain built-in.
    Builtin(BuiltinFn, Vec<Op>, Loc),
    /// A predicate built-in.
    Predicate {
        /// Which.
        kind: PredKind,
        /// The collection.
        collection: Box<Op>,
        /// The predicate (None for `count(x)` / `sum(x)`).
        pred: Option<Box<Op>>,
        /// `sortBy` order or `reduce` initial value.
        extra: Option<Box<Op>>,
        /// Slot of `#`, then `#index`, then `#acc`.
        slot: usize,
        /// Location.
        loc: Loc,
    },
    /// An environment function call.
    EnvCall(EnvFunc, Vec<Op>, Loc),
    /// `jmespath(value, 'literal query')`
    JmesConst(Box<Op>, Jmes, Loc),
    /// `sprig.name(args)`
    Sprig(Arc<str>, Vec<Op>, Loc),
    /// A function value (`toJson` without a call).
    FuncValue(EnvFunc),
    /// Call of a computed value (always a run error, as no value here is callable).
    CallValue(Box<Op>, Vec<Op>, Loc),
    /// A run error known at compile time.
    Fail(String, Loc),
}

impl Op {
    /// True for operations without operands.
    fn is_leaf(&self) -> bool {
        matches!(
            self,
            Op::Const(_)
                | Op::Slot(_)
                | Op::Env(_)
                | Op::EnvMap
                | Op::EnvField { .. }
                | Op::FuncValue(_)
                | Op::Fail(..)
        )
    }

    /// Calls `f` on every direct operand.
    fn for_each_child_mut(&mut self, mut f: impl FnMut(&mut Op)) {
        match self {
            Op::Const(_)
            | Op::Slot(_)
            | Op::Env(_)
            | Op::EnvMap
            | Op::EnvField { .. }
            | Op::FuncValue(_)
            | Op::Fail(..) => {}
            Op::MemberStr { obj, .. } => f(obj),
            Op::Member { obj, key, .. } => {
                f(obj);
                f(key);
            }
            Op::Chain(x)
            | Op::Not(x, _)
            | Op::Neg(x, _)
            | Op::EqStr(x, ..)
            | Op::EqConst(x, ..)
            | Op::EqStrList(x, ..)
            | Op::InConst(x, ..)
            | Op::MatchesConst(x, ..)
            | Op::JmesConst(x, ..) => f(x),
            Op::Slice { obj, from, to, .. } => {
                f(obj);
                for x in [from, to].into_iter().flatten() {
                    f(x);
                }
            }
            Op::And(a, b, _) | Op::Or(a, b, _) | Op::Coalesce(a, b) | Op::Binary(_, a, b, _) => {
                f(a);
                f(b);
            }
            Op::Cond(a, b, c, _) => {
                f(a);
                f(b);
                f(c);
            }
            Op::Let(_, a, b) => {
                f(a);
                f(b);
            }
            Op::Seq(xs)
            | Op::Array(xs, _)
            | Op::Builtin(_, xs, _)
            | Op::EnvCall(_, xs, _)
            | Op::Sprig(_, xs, _) => xs.iter_mut().for_each(f),
            Op::Map(pairs, _) => pairs.iter_mut().for_each(|(k, v)| {
                f(k);
                f(v);
            }),
            Op::Predicate {
                collection,
                pred,
                extra,
                ..
            } => {
                f(collection);
                for x in [pred, extra].into_iter().flatten() {
                    f(x);
                }
            }
            Op::CallValue(callee, args, _) => {
                f(callee);
                args.iter_mut().for_each(f);
            }
        }
    }
}

/// Programs are as deep as their syntax trees (up to
/// [`MAX_TREE_DEPTH`](super::parser::MAX_TREE_DEPTH) levels): they are taken apart
/// iteratively, so dropping one needs no stack in proportion to its depth.
impl Drop for Op {
    fn drop(&mut self) {
        let mut pending = Vec::new();
        detach_operands(self, &mut pending);
        while let Some(mut op) = pending.pop() {
            detach_operands(&mut op, &mut pending);
        }
    }
}

/// Moves every operand that has operands of its own into `out`, leaving a leaf in its place.
fn detach_operands(op: &mut Op, out: &mut Vec<Op>) {
    op.for_each_child_mut(|c| {
        if !c.is_leaf() {
            out.push(std::mem::replace(c, Op::Slot(0)));
        }
    });
}

/// A compiled expression.
#[derive(Debug)]
pub struct Program {
    /// The root operation.
    pub root: Op,
    /// How many slots the evaluator must allocate.
    pub slots: usize,
}

struct Compiler {
    metadata: bool,
    vars: Vec<(String, usize)>,
    pred_slots: Vec<usize>,
    slots: usize,
}

/// Compiles a checked and folded tree.
pub fn compile(node: &Node, metadata: bool) -> Result<Program, SourceError> {
    let mut c = Compiler {
        metadata,
        vars: Vec::new(),
        pred_slots: Vec::new(),
        slots: 0,
    };
    let root = c.op(node)?;
    Ok(Program {
        root,
        slots: c.slots,
    })
}

fn b(op: Op) -> Box<Op> {
    Box::new(op)
}

/// The elements of a constant `[]interface {}` made only of strings.
fn string_list(v: &Value<'static>) -> Option<Box<[Arc<str>]>> {
    let Value::List(l) = v else {
        return None;
    };
    if l.kind != super::value::ListKind::Any || l.items.is_empty() {
        return None;
    }
    l.items
        .iter()
        .map(|x| match x {
            Value::String(s) => Some(s.clone()),
            _ => None,
        })
        .collect()
}

/// The value of a literal other than a string (strings have [`Op::EqStr`]).
fn constant(node: &Node) -> Option<Value<'static>> {
    Some(match &node.kind {
        NodeKind::Nil => Value::Nil,
        NodeKind::Bool(v) => Value::Bool(*v),
        NodeKind::Int(i) => Value::Int(*i),
        NodeKind::Float(f) => Value::Float(*f),
        NodeKind::Constant(v) => v.clone(),
        _ => return None,
    })
}

impl Compiler {
    fn alloc(&mut self, n: usize) -> usize {
        let s = self.slots;
        self.slots += n;
        s
    }

    fn var(&self, name: &str) -> Option<usize> {
        self.vars
            .iter()
            .rev()
            .find(|(n, _)| n == name)
            .map(|(_, s)| *s)
    }

    /// `payload` or `metadata` (not shadowed by a variable): JSON of the event.
    fn env_json(&self, node: &Node) -> Option<EnvName> {
        match &node.kind {
            NodeKind::Ident(n) if self.var(n).is_none() => match n.as_str() {
                "payload" => Some(EnvName::Payload),
                "metadata" => Some(EnvName::Metadata),
                _ => None,
            },
            _ => None,
        }
    }

    fn env_func(&self, name: &str) -> Option<EnvFunc> {
        Some(match name {
            "jmespath" => EnvFunc::Jmespath,
            "asInt" if self.metadata => EnvFunc::AsInt,
            "asFloat" if self.metadata => EnvFunc::AsFloat,
            "toJson" if self.metadata => EnvFunc::ToJson,
            "jsonpath" if self.metadata => EnvFunc::JsonPath,
            _ => return None,
        })
    }

    fn ops(&mut self, nodes: &[Node]) -> Result<Vec<Op>, SourceError> {
        nodes.iter().map(|n| self.op(n)).collect()
    }

    fn op(&mut self, node: &Node) -> Result<Op, SourceError> {
        use super::parser::{STACK_GROW, STACK_RED_ZONE};
        stacker::maybe_grow(STACK_RED_ZONE, STACK_GROW, || self.op_node(node))
    }

    fn op_node(&mut self, node: &Node) -> Result<Op, SourceError> {
        let loc = node.loc;
        Ok(match &node.kind {
            NodeKind::Nil => Op::Const(Value::Nil),
            NodeKind::Bool(v) => Op::Const(Value::Bool(*v)),
            NodeKind::Int(i) => Op::Const(Value::Int(*i)),
            NodeKind::Float(f) => Op::Const(Value::Float(*f)),
            NodeKind::Str(s) => Op::Const(Value::string(s.as_str())),
            NodeKind::Bytes(v) => Op::Const(Value::Bytes(Arc::from(v.as_slice()))),
            NodeKind::Constant(v) => Op::Const(v.clone()),
            NodeKind::Ident(name) => {
                if let Some(s) = self.var(name) {
                    Op::Slot(s)
                } else {
                    match name.as_str() {
                        "$env" => Op::EnvMap,
                        "namespace" => Op::Env(EnvName::Namespace),
                        "discriminator" => Op::Env(EnvName::Discriminator),
                        "metadata" => Op::Env(EnvName::Metadata),
                        "payload" => Op::Env(EnvName::Payload),
                        "sprig" if self.metadata => Op::Env(EnvName::Sprig),
                        n => match self.env_func(n) {
                            Some(f) => Op::FuncValue(f),
                            None => Op::Fail(format!("unknown name {n}"), loc),
                        },
                    }
                }
            }
            NodeKind::Unary { op, node: inner } => {
                let x = self.op(inner)?;
                match op.as_str() {
                    "!" | "not" => Op::Not(b(x), loc),
                    "-" => Op::Neg(b(x), loc),
                    _ => x,
                }
            }
            NodeKind::Binary { op, left, right } => self.binary(op, left, right, loc)?,
            NodeKind::Chain(inner) => Op::Chain(b(self.op(inner)?)),
            NodeKind::Member {
                node: obj,
                property,
                optional,
                ..
            } => {
                // `$env.name`
                if matches!(&obj.kind, NodeKind::Ident(n) if n == "$env" && self.var(n).is_none())
                    && let Some(name) = property.as_str_lit()
                {
                    let ident = Node::new(NodeKind::Ident(name.to_string()), loc);
                    if matches!(name, "namespace" | "discriminator" | "metadata" | "payload")
                        || (self.metadata && name == "sprig")
                        || self.env_func(name).is_some()
                    {
                        return self.op(&ident);
                    }
                    return Ok(Op::Const(Value::Nil));
                }
                if let (Some(name), Some(k)) = (self.env_json(obj), property.as_str_lit()) {
                    return Ok(Op::EnvField {
                        name,
                        key: Arc::from(k),
                        optional: *optional,
                        loc,
                    });
                }
                let o = self.op(obj)?;
                match property.as_str_lit() {
                    Some(k) => Op::MemberStr {
                        obj: b(o),
                        key: Arc::from(k),
                        optional: *optional,
                        loc,
                    },
                    None => Op::Member {
                        obj: b(o),
                        key: b(self.op(property)?),
                        optional: *optional,
                        loc,
                    },
                }
            }
            NodeKind::Slice {
                node: obj,
                from,
                to,
            } => Op::Slice {
                obj: b(self.op(obj)?),
                from: from.as_ref().map(|f| self.op(f)).transpose()?.map(b),
                to: to.as_ref().map(|t| self.op(t)).transpose()?.map(b),
                loc,
            },
            NodeKind::Call { callee, args } => self.call(callee, args, loc)?,
            NodeKind::Builtin { name, args } => self.builtin(name, args, loc)?,
            NodeKind::Predicate(inner) => self.op(inner)?,
            NodeKind::Pointer(name) => {
                let base = *self.pred_slots.last().unwrap_or(&0);
                match name.as_str() {
                    "" => Op::Slot(base),
                    "index" => Op::Slot(base + 1),
                    "acc" => Op::Slot(base + 2),
                    other => Op::Fail(format!("unknown pointer #{other}"), loc),
                }
            }
            NodeKind::Let { name, value, expr } => {
                let v = self.op(value)?;
                let slot = self.alloc(1);
                self.vars.push((name.clone(), slot));
                let body = self.op(expr);
                self.vars.pop();
                Op::Let(slot, b(v), b(body?))
            }
            NodeKind::Sequence(nodes) => Op::Seq(self.ops(nodes)?),
            NodeKind::Conditional {
                cond,
                then,
                otherwise,
            } => Op::Cond(
                b(self.op(cond)?),
                b(self.op(then)?),
                b(self.op(otherwise)?),
                loc,
            ),
            NodeKind::Array(nodes) => Op::Array(self.ops(nodes)?, loc),
            NodeKind::Map(pairs) => {
                let mut out = Vec::with_capacity(pairs.len());
                for (k, v) in pairs {
                    out.push((self.op(k)?, self.op(v)?));
                }
                Op::Map(out, loc)
            }
        })
    }

    fn binary(&mut self, op: &str, left: &Node, right: &Node, loc: Loc) -> Result<Op, SourceError> {
        if op == "matches"
            && let Some(p) = right.as_str_lit()
        {
            let re = compile_go_regex(p).map_err(|e| SourceError::new(e, loc))?;
            return Ok(Op::MatchesConst(b(self.op(left)?), Arc::new(re), loc));
        }
        if op == "==" || op == "!=" {
            let ne = op == "!=";
            // A literal operand has no effects, so only the other one is evaluated.
            if let Some(s) = right.as_str_lit() {
                return Ok(Op::EqStr(b(self.op(left)?), Arc::from(s), ne));
            }
            if let Some(s) = left.as_str_lit() {
                return Ok(Op::EqStr(b(self.op(right)?), Arc::from(s), ne));
            }
            for (lit, other) in [(right, left), (left, right)] {
                let Some(c) = constant(lit) else {
                    continue;
                };
                let x = b(self.op(other)?);
                return Ok(match string_list(&c) {
                    Some(strings) => Op::EqStrList(x, strings, ne),
                    None => Op::EqConst(x, c, ne),
                });
            }
        }
        if op == "in"
            && let Some(c @ Value::List(_)) = constant(right)
        {
            return Ok(Op::InConst(b(self.op(left)?), c, loc));
        }
        let l = self.op(left)?;
        let r = self.op(right)?;
        let bin = match op {
            "&&" | "and" => return Ok(Op::And(b(l), b(r), loc)),
            "||" | "or" => return Ok(Op::Or(b(l), b(r), loc)),
            "??" => return Ok(Op::Coalesce(b(l), b(r))),
            "==" => BinOp::Eq,
            "!=" => BinOp::Ne,
            "<" => BinOp::Lt,
            ">" => BinOp::Gt,
            "<=" => BinOp::Le,
            ">=" => BinOp::Ge,
            "+" => BinOp::Add,
            "-" => BinOp::Sub,
            "*" => BinOp::Mul,
            "/" => BinOp::Div,
            "%" => BinOp::Mod,
            "**" | "^" => BinOp::Pow,
            "in" => BinOp::In,
            "contains" => BinOp::Contains,
            "startsWith" => BinOp::StartsWith,
            "endsWith" => BinOp::EndsWith,
            "matches" => BinOp::Matches,
            ".." => BinOp::Range,
            other => return Ok(Op::Fail(format!("unknown operator ({other})"), loc)),
        };
        Ok(Op::Binary(bin, b(l), b(r), loc))
    }

    fn call(&mut self, callee: &Node, args: &[Node], loc: Loc) -> Result<Op, SourceError> {
        if let NodeKind::Ident(name) = &callee.kind
            && self.var(name).is_none()
            && let Some(f) = self.env_func(name)
        {
            if f == EnvFunc::Jmespath
                && args.len() == 2
                && let Some(q) = args[1].as_str_lit()
            {
                let expr = jmespath::compile(q).map_err(|e| {
                    SourceError::new(format!("invalid JMESPath query: {e}"), args[1].loc)
                })?;
                return Ok(Op::JmesConst(b(self.op(&args[0])?), Arc::new(expr), loc));
            }
            return Ok(Op::EnvCall(f, self.ops(args)?, loc));
        }
        if let NodeKind::Member {
            node: obj,
            property,
            ..
        } = &callee.kind
            && self.metadata
            && matches!(&obj.kind, NodeKind::Ident(n) if n == "sprig" && self.var(n).is_none())
            && let Some(name) = property.as_str_lit()
        {
            if super::sprig::is_known(name) {
                return Ok(Op::Sprig(Arc::from(name), self.ops(args)?, loc));
            }
            if name == "env" || name == "expandenv" {
                return Ok(Op::Fail(
                    "invalid operation: cannot call nil".to_string(),
                    loc,
                ));
            }
            return Err(SourceError::new(
                format!("unknown sprig function {name} (sprig has no function of that name)"),
                loc,
            ));
        }
        Ok(Op::CallValue(b(self.op(callee)?), self.ops(args)?, loc))
    }

    fn builtin(&mut self, name: &str, args: &[Node], loc: Loc) -> Result<Op, SourceError> {
        let kind = match name {
            "all" => Some(PredKind::All),
            "none" => Some(PredKind::None),
            "any" => Some(PredKind::Any),
            "one" => Some(PredKind::One),
            "filter" => Some(PredKind::Filter),
            "map" => Some(PredKind::Map),
            "count" => Some(PredKind::Count),
            "sum" => Some(PredKind::Sum),
            "find" => Some(PredKind::Find),
            "findIndex" => Some(PredKind::FindIndex),
            "findLast" => Some(PredKind::FindLast),
            "findLastIndex" => Some(PredKind::FindLastIndex),
            "groupBy" => Some(PredKind::GroupBy),
            "sortBy" => Some(PredKind::SortBy),
            "reduce" => Some(PredKind::Reduce),
            _ => None,
        };
        if let Some(kind) = kind {
            let collection = self.op(&args[0])?;
            let slot = self.alloc(3);
            self.pred_slots.push(slot);
            let pred = args.get(1).map(|p| self.op(p)).transpose();
            self.pred_slots.pop();
            let pred = pred?;
            let extra = args.get(2).map(|e| self.op(e)).transpose()?;
            return Ok(Op::Predicate {
                kind,
                collection: b(collection),
                pred: pred.map(b),
                extra: extra.map(b),
                slot,
                loc,
            });
        }
        let f = builtins::lookup(name)
            .ok_or_else(|| SourceError::new(format!("unknown builtin {name}"), loc))?;
        Ok(Op::Builtin(f, self.ops(args)?, loc))
    }
}
