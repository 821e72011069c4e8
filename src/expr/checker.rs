//! The type checker: Go expr's `checker` package for a `map[string]any` environment.
//!
//! Takes a parsed tree and the environment's shape ([`CheckEnv`]: which names exist and the
//! type of each, where `payload`'s type is the top-level kind of the event's body) and returns
//! the first compile error, with Go's exact message and location, or nothing.
//!
//! Like Go, the top level is strict (`unknown name X`), everything below a map is `interface
//! {}` ("unknown") and only checked at run time, literal type mismatches are errors
//! (`"1" == 1`), literal regexes are compiled, and built-in calls are checked against their Go
//! signatures (`not enough arguments to call split`, `cannot use int as argument (type string)
//! to call upper `).

use std::sync::Arc;

use super::ast::{Node, NodeKind};
use super::error::{Loc, SourceError};
use super::regex::compile_go_regex;

/// The type of an expression as far as the checker knows it (Go's `nature.Nature`).
#[derive(Clone, Debug, PartialEq)]
pub enum Nature {
    /// `interface {}`: anything, checked at run time.
    Unknown,
    /// The type of `nil` (prints as `unknown`, like Go).
    Nil,
    /// `bool`
    Bool,
    /// `int`
    Int,
    /// `uint8`
    Uint8,
    /// `float64`
    Float,
    /// `string`
    String,
    /// `time.Duration`
    Duration,
    /// `time.Time`
    Time,
    /// A slice: element nature and Go type name.
    Array(Arc<Nature>, &'static str),
    /// A map with string keys (or `map[interface {}][]interface {}`), values unknown.
    Map(&'static str),
    /// A Go function from the environment.
    Func(Sig),
    /// A predicate (`func(interface {}) T`); `Nil` output means none.
    Predicate(Arc<Nature>),
}

/// A Go function signature.
#[derive(Clone, Debug, PartialEq)]
pub struct Sig {
    /// Parameter types.
    pub params: Vec<Nature>,
    /// The last parameter is `...T` (then `params.last()` is `T`).
    pub variadic: bool,
    /// The result type.
    pub ret: Arc<Nature>,
}

const ANY_ARRAY: &str = "[]interface {}";
const ANY_MAP: &str = "map[string]interface {}";

impl Nature {
    fn any_array() -> Nature {
        Nature::Array(Arc::new(Nature::Unknown), ANY_ARRAY)
    }

    fn array_of(elem: Nature) -> Nature {
        Nature::Array(Arc::new(elem), ANY_ARRAY)
    }

    fn is_unknown(&self) -> bool {
        matches!(self, Nature::Unknown)
    }
    fn is_nil(&self) -> bool {
        matches!(self, Nature::Nil)
    }
    fn is_integer(&self) -> bool {
        matches!(self, Nature::Int | Nature::Uint8)
    }
    fn is_float(&self) -> bool {
        matches!(self, Nature::Float)
    }
    fn is_number(&self) -> bool {
        self.is_integer() || self.is_float()
    }
    fn is_string(&self) -> bool {
        matches!(self, Nature::String)
    }
    fn is_bool(&self) -> bool {
        matches!(self, Nature::Bool)
    }
    fn is_time(&self) -> bool {
        matches!(self, Nature::Time)
    }
    fn is_duration(&self) -> bool {
        matches!(self, Nature::Duration)
    }
    fn is_array(&self) -> bool {
        matches!(self, Nature::Array(..))
    }
    fn is_map(&self) -> bool {
        matches!(self, Nature::Map(_))
    }

    fn elem(&self) -> Nature {
        match self {
            Nature::Array(e, _) => (**e).clone(),
            Nature::Map(name) if *name != ANY_MAP => Nature::any_array(),
            _ => Nature::Unknown,
        }
    }

    /// Go's `reflect.Kind`-level classification used by `Validate` functions.
    fn kind(&self) -> &'static str {
        match self {
            Nature::Unknown => "interface",
            Nature::Nil => "invalid",
            Nature::Bool => "bool",
            Nature::Int | Nature::Uint8 | Nature::Duration => "int",
            Nature::Float => "float",
            Nature::String => "string",
            Nature::Time => "struct",
            Nature::Array(..) => "slice",
            Nature::Map(_) => "map",
            Nature::Func(_) | Nature::Predicate(_) => "func",
        }
    }

    /// Go's `reflect.Type.AssignableTo`, simplified to the types that occur here.
    fn assignable_to(&self, to: &Nature) -> bool {
        match (self, to) {
            (_, Nature::Unknown) => true,
            (Nature::Nil, _) => false,
            (a, b) => a.to_string() == b.to_string(),
        }
    }
}

impl std::fmt::Display for Nature {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Nature::Unknown => f.write_str("interface {}"),
            Nature::Nil => f.write_str("unknown"),
            Nature::Bool => f.write_str("bool"),
            Nature::Int => f.write_str("int"),
            Nature::Uint8 => f.write_str("uint8"),
            Nature::Float => f.write_str("float64"),
            Nature::String => f.write_str("string"),
            Nature::Duration => f.write_str("time.Duration"),
            Nature::Time => f.write_str("time.Time"),
            Nature::Array(_, name) | Nature::Map(name) => f.write_str(name),
            Nature::Func(sig) => {
                f.write_str("func(")?;
                for (i, p) in sig.params.iter().enumerate() {
                    if i > 0 {
                        f.write_str(", ")?;
                    }
                    if sig.variadic && i + 1 == sig.params.len() {
                        f.write_str("...")?;
                    }
                    write!(f, "{p}")?;
                }
                write!(f, ") {}", sig.ret)
            }
            Nature::Predicate(out) => {
                if out.is_nil() {
                    f.write_str("func(interface {})")
                } else {
                    write!(f, "func(interface {{}}) {out}")
                }
            }
        }
    }
}

fn sig(params: Vec<Nature>, ret: Nature) -> Sig {
    Sig {
        params,
        variadic: false,
        ret: Arc::new(ret),
    }
}

/// The names and types of an environment, for one payload kind.
#[derive(Clone, Debug)]
pub struct CheckEnv {
    /// The nature of `payload`.
    pub payload: Nature,
    /// Whether the metadata helpers (`asInt`, `asFloat`, `toJson`, `jsonpath`, `sprig`) exist.
    pub metadata_helpers: bool,
}

impl CheckEnv {
    /// The nature of a top-level name, if it exists.
    pub fn get(&self, name: &str) -> Option<Nature> {
        use Nature::*;
        Some(match name {
            "namespace" | "discriminator" => String,
            "metadata" => Map(ANY_MAP),
            "payload" => self.payload.clone(),
            "jmespath" => Func(sig(vec![Unknown, String], Unknown)),
            "asInt" | "asFloat" if self.metadata_helpers => Func(sig(vec![Unknown], Unknown)),
            "toJson" if self.metadata_helpers => Func(sig(vec![Unknown], String)),
            "jsonpath" if self.metadata_helpers => Func(sig(vec![String, String], Unknown)),
            "sprig" if self.metadata_helpers => Map(ANY_MAP),
            _ => return None,
        })
    }
}

/// The nature of a JSON payload by its top-level kind.
pub fn payload_nature(json: &serde_json::Value) -> Nature {
    match json {
        serde_json::Value::Null => Nature::Nil,
        serde_json::Value::Bool(_) => Nature::Bool,
        serde_json::Value::Number(_) => Nature::Float,
        serde_json::Value::String(_) => Nature::String,
        serde_json::Value::Array(_) => Nature::any_array(),
        serde_json::Value::Object(_) => Nature::Map(ANY_MAP),
    }
}

struct PredicateScope {
    collection: Nature,
    vars: Vec<(&'static str, Nature)>,
}

struct Checker<'e> {
    env: &'e CheckEnv,
    err: Option<SourceError>,
    predicates: Vec<PredicateScope>,
    vars: Vec<(String, Nature)>,
}

/// Checks `node` against `env`; returns the first error.
pub fn check(node: &Node, env: &CheckEnv) -> Result<Nature, SourceError> {
    let mut c = Checker {
        env,
        err: None,
        predicates: Vec::new(),
        vars: Vec::new(),
    };
    let nt = c.visit(node);
    match c.err {
        Some(e) => Err(e),
        None => Ok(nt),
    }
}

fn or(l: &Nature, r: &Nature, f: &[fn(&Nature) -> bool]) -> bool {
    let any = |n: &Nature| f.iter().any(|g| g(n));
    (l.is_unknown() && r.is_unknown()) || (l.is_unknown() && any(r)) || (r.is_unknown() && any(l))
}

fn comparable(l: &Nature, r: &Nature) -> bool {
    l.is_unknown()
        || r.is_unknown()
        || l.is_nil()
        || r.is_nil()
        || (l.is_number() && r.is_number())
        || (l.is_duration() && r.is_duration())
        || (l.is_time() && r.is_time())
        || (l.is_array() && r.is_array())
        || l.assignable_to(r)
}

fn combined(l: &Nature, r: &Nature) -> Nature {
    if l.is_unknown() || r.is_unknown() {
        Nature::Unknown
    } else if l.is_float() || r.is_float() {
        Nature::Float
    } else {
        Nature::Int
    }
}

impl Checker<'_> {
    fn error(&mut self, loc: Loc, msg: String) -> Nature {
        if self.err.is_none() {
            self.err = Some(SourceError::new(msg, loc));
        }
        Nature::Unknown
    }

    fn lookup_var(&self, name: &str) -> Option<Nature> {
        self.vars
            .iter()
            .rev()
            .find(|(n, _)| n == name)
            .map(|(_, t)| t.clone())
    }

    fn visit(&mut self, node: &Node) -> Nature {
        use super::parser::{STACK_GROW, STACK_RED_ZONE};
        stacker::maybe_grow(STACK_RED_ZONE, STACK_GROW, || self.visit_node(node))
    }

    fn visit_node(&mut self, node: &Node) -> Nature {
        match &node.kind {
            NodeKind::Nil => Nature::Nil,
            NodeKind::Bool(_) => Nature::Bool,
            NodeKind::Int(_) => Nature::Int,
            NodeKind::Float(_) => Nature::Float,
            NodeKind::Str(_) => Nature::String,
            NodeKind::Bytes(_) => Nature::Array(Arc::new(Nature::Uint8), "[]uint8"),
            NodeKind::Constant(_) => Nature::any_array(),
            NodeKind::Ident(name) => {
                if let Some(t) = self.lookup_var(name) {
                    return t;
                }
                if name == "$env" {
                    return Nature::Unknown;
                }
                if let Some(t) = self.env.get(name) {
                    return t;
                }
                self.error(node.loc, format!("unknown name {name}"))
            }
            NodeKind::Unary { op, node: inner } => {
                let nt = self.visit(inner);
                match op.as_str() {
                    "!" | "not" if nt.is_bool() || nt.is_unknown() => Nature::Bool,
                    "+" | "-" if nt.is_number() => nt,
                    "+" | "-" if nt.is_unknown() => Nature::Unknown,
                    _ => self.error(
                        node.loc,
                        format!("invalid operation: {op} (mismatched type {nt})"),
                    ),
                }
            }
            NodeKind::Binary { op, left, right } => self.binary(node, op, left, right),
            NodeKind::Chain(inner) => self.visit(inner),
            NodeKind::Member {
                node: base_node,
                property,
                optional,
                method,
            } => self.member(node, base_node, property, *optional, *method),
            NodeKind::Slice {
                node: inner,
                from,
                to,
            } => {
                let nt = self.visit(inner);
                if nt.is_unknown() {
                    return Nature::Unknown;
                }
                if !(nt.is_string() || nt.is_array()) {
                    return self.error(node.loc, format!("cannot slice {nt}"));
                }
                for idx in [from, to].into_iter().flatten() {
                    let t = self.visit(idx);
                    if !t.is_integer() && !t.is_unknown() {
                        return self.error(idx.loc, format!("non-integer slice index {t}"));
                    }
                }
                nt
            }
            NodeKind::Call { callee, args } => self.call(node, callee, args),
            NodeKind::Builtin { name, args } => self.builtin(node, name, args),
            NodeKind::Predicate(inner) => {
                let nt = self.visit(inner);
                Nature::Predicate(Arc::new(nt))
            }
            NodeKind::Pointer(name) => {
                let Some(scope) = self.predicates.last() else {
                    return self.error(
                        node.loc,
                        "cannot use pointer accessor outside predicate".to_string(),
                    );
                };
                if name.is_empty() {
                    let c = scope.collection.clone();
                    if c.is_unknown() {
                        return Nature::Unknown;
                    }
                    if c.is_array() {
                        return c.elem();
                    }
                    return self.error(node.loc, format!("cannot use {c} as array"));
                }
                if let Some((_, t)) = scope.vars.iter().find(|(n, _)| n == name) {
                    return t.clone();
                }
                self.error(node.loc, format!("unknown pointer #{name}"))
            }
            NodeKind::Let { name, value, expr } => {
                if self.env.get(name).is_some() {
                    return self.error(node.loc, format!("cannot redeclare {name}"));
                }
                if super::parser::is_builtin(name) {
                    return self.error(node.loc, format!("cannot redeclare builtin {name}"));
                }
                if self.lookup_var(name).is_some() {
                    return self.error(node.loc, format!("cannot redeclare variable {name}"));
                }
                let vt = self.visit(value);
                self.vars.push((name.clone(), vt));
                let t = self.visit(expr);
                self.vars.pop();
                t
            }
            NodeKind::Sequence(nodes) => {
                let mut last = Nature::Unknown;
                for n in nodes {
                    last = self.visit(n);
                }
                last
            }
            NodeKind::Conditional {
                cond,
                then,
                otherwise,
            } => {
                let c = self.visit(cond);
                if !c.is_bool() && !c.is_unknown() {
                    return self.error(
                        cond.loc,
                        format!("non-bool expression (type {c}) used as condition"),
                    );
                }
                let t1 = self.visit(then);
                let t2 = self.visit(otherwise);
                match (t1.is_nil(), t2.is_nil()) {
                    (true, false) => t2,
                    (false, true) => t1,
                    (true, true) => Nature::Nil,
                    _ if t1.assignable_to(&t2) => t1,
                    _ => Nature::Unknown,
                }
            }
            NodeKind::Array(nodes) => {
                let mut prev = Nature::Unknown;
                let mut same = true;
                for (i, n) in nodes.iter().enumerate() {
                    let cur = self.visit(n);
                    if i > 0 && cur.kind() != prev.kind() {
                        same = false;
                    }
                    prev = cur;
                }
                if same {
                    Nature::array_of(prev)
                } else {
                    Nature::any_array()
                }
            }
            NodeKind::Map(pairs) => {
                for (k, v) in pairs {
                    self.visit(k);
                    self.visit(v);
                }
                Nature::Map(ANY_MAP)
            }
        }
    }

    fn binary(&mut self, node: &Node, op: &str, left: &Node, right: &Node) -> Nature {
        use Nature as N;
        let l = self.visit(left);
        let r = self.visit(right);
        let ok: Option<Nature> = match op {
            "==" | "!=" => comparable(&l, &r).then_some(N::Bool),
            "or" | "||" | "and" | "&&" => {
                ((l.is_bool() && r.is_bool()) || or(&l, &r, &[Nature::is_bool])).then_some(N::Bool)
            }
            "<" | ">" | ">=" | "<=" => ((l.is_number() && r.is_number())
                || (l.is_string() && r.is_string())
                || (l.is_time() && r.is_time())
                || (l.is_duration() && r.is_duration())
                || or(
                    &l,
                    &r,
                    &[
                        Nature::is_number,
                        Nature::is_string,
                        Nature::is_time,
                        Nature::is_duration,
                    ],
                ))
            .then_some(N::Bool),
            "-" => {
                if l.is_number() && r.is_number() {
                    Some(combined(&l, &r))
                } else if l.is_time() && r.is_time() {
                    Some(N::Duration)
                } else if l.is_time() && r.is_duration() {
                    Some(N::Time)
                } else if l.is_duration() && r.is_duration() {
                    Some(N::Duration)
                } else if or(
                    &l,
                    &r,
                    &[Nature::is_number, Nature::is_time, Nature::is_duration],
                ) {
                    Some(N::Unknown)
                } else {
                    None
                }
            }
            "*" => {
                if l.is_number() && r.is_number() {
                    Some(combined(&l, &r))
                } else if (l.is_number() || l.is_duration()) && r.is_duration()
                    || (l.is_duration() && r.is_number())
                {
                    Some(N::Duration)
                } else if or(&l, &r, &[Nature::is_number, Nature::is_duration]) {
                    Some(N::Unknown)
                } else {
                    None
                }
            }
            "/" | "**" | "^" => ((l.is_number() && r.is_number())
                || or(&l, &r, &[Nature::is_number]))
            .then_some(N::Float),
            "%" => ((l.is_integer() && r.is_integer()) || or(&l, &r, &[Nature::is_integer]))
                .then_some(N::Int),
            "+" => {
                if l.is_number() && r.is_number() {
                    Some(combined(&l, &r))
                } else if l.is_string() && r.is_string() {
                    Some(N::String)
                } else if (l.is_time() && r.is_duration()) || (l.is_duration() && r.is_time()) {
                    Some(N::Time)
                } else if l.is_duration() && r.is_duration() {
                    Some(N::Duration)
                } else if or(
                    &l,
                    &r,
                    &[
                        Nature::is_number,
                        Nature::is_string,
                        Nature::is_time,
                        Nature::is_duration,
                    ],
                ) {
                    Some(N::Unknown)
                } else {
                    None
                }
            }
            "in" => {
                if r.is_map() {
                    if !l.is_unknown() && !l.assignable_to(&N::String) {
                        return self.error(
                            node.loc,
                            format!("cannot use {l} as type string in map key"),
                        );
                    }
                    Some(N::Bool)
                } else if r.is_array() {
                    let e = r.elem();
                    if !comparable(&l, &e) {
                        return self
                            .error(node.loc, format!("cannot use {l} as type {e} in array"));
                    }
                    Some(N::Bool)
                } else if (l.is_unknown() && (r.is_string() || r.is_array() || r.is_map()))
                    || r.is_unknown()
                {
                    Some(N::Bool)
                } else {
                    None
                }
            }
            "matches" => {
                if let Some(pattern) = right.as_str_lit() {
                    if let Err(e) = compile_go_regex(pattern) {
                        return self.error(node.loc, e);
                    }
                }
                ((l.is_string() && r.is_string()) || or(&l, &r, &[Nature::is_string]))
                    .then_some(N::Bool)
            }
            "contains" | "startsWith" | "endsWith" => ((l.is_string() && r.is_string())
                || or(&l, &r, &[Nature::is_string]))
            .then_some(N::Bool),
            ".." => ((l.is_integer() && r.is_integer()) || or(&l, &r, &[Nature::is_integer]))
                .then_some(Nature::Array(Arc::new(N::Int), "[]int")),
            "??" => Some(match (l.is_nil(), r.is_nil()) {
                (true, false) => r.clone(),
                (false, true) => l.clone(),
                (true, true) => N::Nil,
                _ if r.assignable_to(&l) => l.clone(),
                _ => N::Unknown,
            }),
            _ => return self.error(node.loc, format!("unknown operator ({op})")),
        };
        match ok {
            Some(t) => t,
            None => self.error(
                node.loc,
                format!("invalid operation: {op} (mismatched types {l} and {r})"),
            ),
        }
    }

    fn member(
        &mut self,
        node: &Node,
        base_node: &Node,
        property: &Node,
        optional: bool,
        method: bool,
    ) -> Nature {
        if let NodeKind::Ident(id) = &base_node.kind {
            if id == "$env" && self.lookup_var("$env").is_none() {
                if let Some(name) = property.as_str_lit() {
                    if let Some(t) = self.env.get(name) {
                        return t;
                    }
                    if !optional {
                        return self.error(node.loc, format!("unknown name {name}"));
                    }
                }
                return Nature::Unknown;
            }
        }
        let base = self.visit(base_node);
        let prop = self.visit(property);
        if base.is_unknown() {
            return Nature::Unknown;
        }
        let name = property.as_str_lit();
        if let Some(name) = name {
            if base.is_nil() {
                return self.error(node.loc, format!("type nil has no field {name}"));
            }
        }
        match &base {
            Nature::Map(name) => {
                if *name == ANY_MAP && !prop.assignable_to(&Nature::String) && !prop.is_unknown() {
                    return self.error(
                        property.loc,
                        format!("cannot use {prop} to get an element from {base}"),
                    );
                }
                return base.elem();
            }
            Nature::Array(..) => {
                if !prop.is_integer() && !prop.is_unknown() {
                    return self.error(
                        property.loc,
                        format!(
                            "array elements can only be selected using an integer (got {prop})"
                        ),
                    );
                }
                return base.elem();
            }
            _ => {}
        }
        if let Some(name) = name {
            if method {
                return self.error(node.loc, format!("type {base} has no method {name}"));
            }
            return self.error(node.loc, format!("type {base} has no field {name}"));
        }
        self.error(node.loc, format!("type {base}[{prop}] is undefined"))
    }

    fn call(&mut self, node: &Node, callee: &Node, args: &[Node]) -> Nature {
        let nt = self.visit(callee);
        let name = match &callee.kind {
            NodeKind::Ident(n) => n.clone(),
            NodeKind::Member { property, .. } => property
                .as_str_lit()
                .map(str::to_string)
                .unwrap_or_else(|| "function".to_string()),
            _ => "function".to_string(),
        };
        if nt.is_unknown() {
            for a in args {
                self.visit(a);
            }
            return Nature::Unknown;
        }
        if nt.is_nil() {
            return self.error(
                node.loc,
                format!("{name} is nil; cannot call nil as function"),
            );
        }
        match nt {
            Nature::Func(sig) => match self.check_arguments(&name, &sig, args, node.loc) {
                Ok(t) => t,
                Err(e) => {
                    if self.err.is_none() {
                        self.err = Some(e);
                    }
                    Nature::Unknown
                }
            },
            other => self.error(node.loc, format!("{other} is not callable")),
        }
    }

    fn check_arguments(
        &mut self,
        name: &str,
        sig: &Sig,
        args: &[Node],
        loc: Loc,
    ) -> Result<Nature, SourceError> {
        let n = sig.params.len();
        let err = if sig.variadic {
            (args.len() < n - 1).then(|| format!("not enough arguments to call {name}"))
        } else if args.len() < n {
            Some(format!("not enough arguments to call {name}"))
        } else if args.len() > n {
            Some(format!("too many arguments to call {name}"))
        } else {
            None
        };
        if let Some(msg) = err {
            for a in args {
                self.visit(a);
            }
            return Err(SourceError::new(msg, loc));
        }
        for (i, arg) in args.iter().enumerate() {
            let at = self.visit(arg);
            let input = if sig.variadic && i + 1 >= n {
                sig.params[n - 1].clone()
            } else {
                sig.params[i].clone()
            };
            if (input.is_float() || input.is_integer()) && at.is_integer() {
                continue;
            }
            if at.is_nil() {
                if input.is_unknown() {
                    continue;
                }
                return Err(SourceError::new(
                    format!("cannot use nil as argument (type {input}) to call {name}"),
                    arg.loc,
                ));
            }
            if !at.assignable_to(&input) && !at.is_unknown() {
                return Err(SourceError::new(
                    format!("cannot use {at} as argument (type {input}) to call {name} "),
                    arg.loc,
                ));
            }
        }
        Ok((*sig.ret).clone())
    }

    fn check_overloads(&mut self, name: &str, sigs: &[Sig], args: &[Node], loc: Loc) -> Nature {
        let mut last = None;
        for s in sigs {
            match self.check_arguments(name, s, args, loc) {
                Ok(t) => return t,
                Err(e) => last = Some(e),
            }
        }
        if let Some(e) = last {
            if self.err.is_none() {
                self.err = Some(e);
            }
        }
        Nature::Unknown
    }

    /// Checks the predicate `args[1]` over a collection of nature `collection` (already
    /// checked: visiting `args[0]` again would make nested predicates exponential).
    fn predicate(
        &mut self,
        collection: &Nature,
        args: &[Node],
        vars: Vec<(&'static str, Nature)>,
    ) -> Nature {
        if args.len() < 2 {
            return Nature::Unknown;
        }
        self.predicates.push(PredicateScope {
            collection: collection.clone(),
            vars,
        });
        let p = self.visit(&args[1]);
        self.predicates.pop();
        p
    }

    fn builtin(&mut self, node: &Node, name: &str, args: &[Node]) -> Nature {
        use Nature as N;
        match name {
            "all" | "none" | "any" | "one" | "filter" | "map" | "count" | "sum" | "find"
            | "findIndex" | "findLast" | "findLastIndex" | "groupBy" | "sortBy" | "reduce" => {
                let collection = self.visit(&args[0]);
                if !collection.is_array() && !collection.is_unknown() {
                    return self.error(
                        args[0].loc,
                        format!("builtin {name} takes only array (got {collection})"),
                    );
                }
                let vars = match name {
                    "map" => vec![("index", N::Int)],
                    "reduce" => vec![("index", N::Int), ("acc", N::Unknown)],
                    _ => vec![],
                };
                if args.len() == 1 {
                    return match name {
                        "count" => N::Int,
                        _ => collection.elem(),
                    };
                }
                let pred = self.predicate(&collection, args, vars);
                if args.len() == 3 {
                    self.visit(&args[2]);
                }
                let out = match &pred {
                    N::Predicate(o) if !o.is_nil() => (**o).clone(),
                    _ => {
                        let what = if name == "reduce" { "two" } else { "one" };
                        return self.error(
                            args[1].loc,
                            format!("predicate should has {what} input and one output param"),
                        );
                    }
                };
                let needs_bool = matches!(
                    name,
                    "all"
                        | "none"
                        | "any"
                        | "one"
                        | "filter"
                        | "count"
                        | "find"
                        | "findIndex"
                        | "findLast"
                        | "findLastIndex"
                );
                if needs_bool && !out.is_bool() && !out.is_unknown() {
                    return self.error(
                        args[1].loc,
                        format!("predicate should return boolean (got {out})"),
                    );
                }
                match name {
                    "all" | "none" | "any" | "one" => N::Bool,
                    "filter" => {
                        if collection.is_unknown() {
                            N::any_array()
                        } else {
                            N::array_of(collection.elem())
                        }
                    }
                    "map" => N::array_of(out),
                    "count" | "findIndex" | "findLastIndex" => N::Int,
                    "sum" => out,
                    "find" | "findLast" => collection.elem(),
                    "groupBy" => N::Map("map[interface {}][]interface {}"),
                    "sortBy" => collection,
                    _ => out,
                }
            }
            "get" => {
                if args.len() != 2 {
                    return self.error(
                        node.loc,
                        format!(
                            "invalid number of arguments (expected 2, got {})",
                            args.len()
                        ),
                    );
                }
                let base = self.visit(&args[0]);
                let prop = self.visit(&args[1]);
                if matches!(&args[0].kind, NodeKind::Ident(n) if n == "$env") {
                    if let Some(s) = args[1].as_str_lit() {
                        if let Some(t) = self.env.get(s) {
                            return t;
                        }
                    }
                    return N::Unknown;
                }
                if base.is_unknown() {
                    return N::Unknown;
                }
                match base {
                    N::Array(..) => {
                        if !prop.is_integer() && !prop.is_unknown() {
                            return self
                                .error(args[1].loc, format!("non-integer slice index {prop}"));
                        }
                        base.elem()
                    }
                    N::Map(_) => {
                        if !prop.assignable_to(&N::String) && !prop.is_unknown() {
                            return self.error(
                                args[1].loc,
                                format!("cannot use {prop} to get an element from {base}"),
                            );
                        }
                        base.elem()
                    }
                    _ => self.error(
                        args[0].loc,
                        format!("type {base} does not support indexing"),
                    ),
                }
            }
            _ => self.builtin_function(node, name, args),
        }
    }

    fn builtin_function(&mut self, node: &Node, name: &str, args: &[Node]) -> Nature {
        use Nature as N;
        let s = |p: Vec<Nature>, r: Nature| sig(p, r);
        let sigs: Vec<Sig> = match name {
            "type" | "string" | "toJSON" => vec![s(vec![N::Unknown], N::String)],
            "trim" => vec![
                s(vec![N::String], N::String),
                s(vec![N::String, N::String], N::String),
            ],
            "trimPrefix" | "trimSuffix" => vec![
                s(vec![N::String, N::String], N::String),
                s(vec![N::String], N::String),
            ],
            "upper" | "lower" | "toBase64" | "fromBase64" => vec![s(vec![N::String], N::String)],
            "split" | "splitAfter" => {
                let strs = N::Array(Arc::new(N::String), "[]string");
                vec![
                    s(vec![N::String, N::String], strs.clone()),
                    s(vec![N::String, N::String, N::Int], strs),
                ]
            }
            "replace" => vec![
                s(vec![N::String, N::String, N::String, N::Int], N::String),
                s(vec![N::String, N::String, N::String], N::String),
            ],
            "repeat" => vec![s(vec![N::String, N::Int], N::String)],
            "join" => {
                let strs = N::Array(Arc::new(N::String), "[]string");
                vec![
                    s(vec![strs.clone(), N::String], N::String),
                    s(vec![N::any_array(), N::String], N::String),
                    s(vec![N::any_array()], N::String),
                    s(vec![strs.clone(), N::String], N::String),
                    s(vec![strs], N::String),
                ]
            }
            "indexOf" | "lastIndexOf" => vec![s(vec![N::String, N::String], N::Int)],
            "hasPrefix" | "hasSuffix" => vec![s(vec![N::String, N::String], N::Bool)],
            "fromJSON" => vec![s(vec![N::String], N::Unknown)],
            "duration" => vec![s(vec![N::String], N::Duration)],
            "timezone" => vec![s(vec![N::String], N::Unknown)],
            "sort" => {
                let ints = N::Array(Arc::new(N::Int), "[]int");
                let floats = N::Array(Arc::new(N::Float), "[]float64");
                let strs = N::Array(Arc::new(N::String), "[]string");
                let mut v = Vec::new();
                for a in [N::any_array(), ints.clone(), floats.clone(), strs.clone()] {
                    v.push(s(vec![a, N::String], N::any_array()));
                }
                for a in [N::any_array(), floats, strs, ints] {
                    v.push(s(vec![a], N::any_array()));
                }
                v
            }
            "bitand" | "bitor" | "bitxor" | "bitnand" | "bitshl" | "bitshr" | "bitushr" => {
                vec![s(vec![N::Int, N::Int], N::Int)]
            }
            "bitnot" => vec![s(vec![N::Int], N::Int)],
            _ => return self.validate(node, name, args),
        };
        self.check_overloads(name, &sigs, args, node.loc)
    }

    /// Built-ins with a Go `Validate` function.
    fn validate(&mut self, node: &Node, name: &str, args: &[Node]) -> Nature {
        use Nature as N;
        let types: Vec<Nature> = args.iter().map(|a| self.visit(a)).collect();
        // Go passes `nil` for the nil nature and `interface {}` for unknown ones.
        let show = |t: &Nature| -> String {
            if t.is_nil() {
                "%!s(<nil>)".to_string()
            } else {
                t.to_string()
            }
        };
        let count = |n: usize| -> Result<(), String> {
            if types.len() == n {
                Ok(())
            } else {
                Err(format!(
                    "invalid number of arguments (expected {n}, got {})",
                    types.len()
                ))
            }
        };
        let numeric = |t: &Nature| t.is_number() || t.is_unknown();
        let result: Result<Nature, String> = (|| match name {
            "len" => {
                count(1)?;
                match types[0].kind() {
                    "slice" | "map" | "string" | "interface" => Ok(N::Int),
                    _ => Err(format!(
                        "invalid argument for len (type {})",
                        show(&types[0])
                    )),
                }
            }
            "abs" => {
                count(1)?;
                if numeric(&types[0]) {
                    Ok(types[0].clone())
                } else {
                    Err(format!(
                        "invalid argument for abs (type {})",
                        show(&types[0])
                    ))
                }
            }
            "ceil" | "floor" | "round" => {
                count(1)?;
                if numeric(&types[0]) {
                    Ok(N::Float)
                } else {
                    Err(format!(
                        "invalid argument for {name} (type {})",
                        show(&types[0])
                    ))
                }
            }
            "int" | "float" => {
                count(1)?;
                if numeric(&types[0]) || types[0].is_string() {
                    Ok(if name == "int" { N::Int } else { N::Float })
                } else {
                    Err(format!(
                        "invalid argument for {name} (type {})",
                        show(&types[0])
                    ))
                }
            }
            "max" | "min" | "mean" | "median" => {
                if types.is_empty() {
                    return Err(format!("not enough arguments to call {name}"));
                }
                for t in &types {
                    match t.kind() {
                        "interface" | "slice" => return Ok(N::Unknown),
                        "int" | "float" => {}
                        _ => return Err(format!("invalid argument for {name} (type {})", show(t))),
                    }
                }
                Ok(if matches!(name, "mean" | "median") {
                    N::Float
                } else {
                    types[0].clone()
                })
            }
            "first" | "last" => {
                count(1)?;
                match &types[0] {
                    N::Unknown => Ok(N::Unknown),
                    t @ N::Array(..) => Ok(t.elem()),
                    t => Err(format!(
                        "cannot get {} element from {}",
                        if name == "first" { "first" } else { "last" },
                        show(t)
                    )),
                }
            }
            "take" => {
                count(2)?;
                if !(types[0].is_unknown() || types[0].is_array()) {
                    return Err(format!("cannot take from {}", show(&types[0])));
                }
                if !(types[1].is_unknown() || types[1].is_integer()) {
                    return Err(format!("cannot take {} elements", show(&types[1])));
                }
                Ok(types[0].clone())
            }
            "keys" | "values" | "toPairs" => {
                count(1)?;
                if types[0].is_unknown() || types[0].is_map() {
                    Ok(N::any_array())
                } else if name == "toPairs" {
                    Err(format!("cannot transform {} to pairs", show(&types[0])))
                } else {
                    Err(format!("cannot get {name} from {}", show(&types[0])))
                }
            }
            "fromPairs" => {
                count(1)?;
                if types[0].is_unknown() || types[0].is_array() {
                    Ok(N::Map(ANY_MAP))
                } else {
                    Err(format!("cannot transform {} from pairs", show(&types[0])))
                }
            }
            "reverse" | "uniq" | "flatten" => {
                count(1)?;
                if types[0].is_unknown() || types[0].is_array() {
                    Ok(N::any_array())
                } else {
                    Err(format!("cannot {name} {}", show(&types[0])))
                }
            }
            "concat" => {
                if types.is_empty() {
                    return Err(
                        "invalid number of arguments (expected at least 1, got 0)".to_string()
                    );
                }
                for t in &types {
                    if !(t.is_unknown() || t.is_array()) {
                        return Err(format!("cannot concat {}", show(t)));
                    }
                }
                Ok(N::any_array())
            }
            "now" => {
                if types.is_empty() {
                    Ok(N::Time)
                } else {
                    Err(format!(
                        "invalid number of arguments (expected 0, got {})",
                        types.len()
                    ))
                }
            }
            "date" => {
                if types.is_empty() {
                    return Err(format!(
                        "invalid number of arguments (expected at least 1, got {})",
                        types.len()
                    ));
                }
                if types.len() > 3 {
                    return Err(format!(
                        "invalid number of arguments (expected at most 3, got {})",
                        types.len()
                    ));
                }
                Ok(N::Time)
            }
            _ => Err(format!("unknown builtin {name}")),
        })();
        match result {
            Ok(t) => t,
            Err(msg) => self.error(node.loc, msg),
        }
    }
}
