//! The Pratt parser: tokens to an [`ast::Node`](super::ast::Node), as Go expr v1.17.8's
//! `parser/parser.go` does it.
//!
//! Takes the source text, returns the tree or the first error (Go keeps only the first one).
//! Reproduces Go's grammar and precedence (§1.2 of the spec): comparison chains
//! (`1 < x < 3` → `1 < x && x < 3`), the `??`-mixing rule, `?.`, ternary and elvis, `if/else`,
//! `let`, `;` sequences, pipes, predicates with `#`/`#index`/`#acc`/`.Field`, slices, map and
//! array literals, and Go's node limit ([`MAX_NODES`], counted the way Go counts). On top of
//! Go, nesting is limited to [`MAX_DEPTH`] so that no input can exhaust the stack.

use super::ast::{Node, NodeKind};
use super::error::{Loc, SourceError};
use super::lexer::{Kind, Token, is_valid_identifier, lex};

/// Go's `conf.DefaultMaxNodes`.
pub const MAX_NODES: usize = 10_000;

/// The deepest nesting of parentheses, brackets, unary operators and calls accepted.
/// Go has no such limit (it would overflow its stack far later); real expressions stay far
/// below it.
pub const MAX_DEPTH: usize = 1_000;

/// The greatest height of the syntax tree (left-nested chains such as `1 + 1 + …` count
/// too). Bounds every recursive walk of the tree and of the compiled program.
pub const MAX_TREE_DEPTH: u32 = 5_000;

/// The most nodes a tree may have once the operands that Go shares between two parents are
/// counted per use (the middle operands of comparison chains such as `a < b < c`, and the
/// condition of `a ?: b`). Go shares them, but its checker and compiler still visit them once
/// per use, so nesting such shapes is exponential there; here it is a compile error.
pub const MAX_EXPANDED_NODES: u32 = 4 * MAX_NODES as u32;

/// Recursive walks make sure this much stack remains before going deeper …
pub const STACK_RED_ZONE: usize = 128 * 1024;
/// … and otherwise continue on a new stack segment of this size.
pub const STACK_GROW: usize = 4 << 20;

/// Names of expr's built-in functions (`builtin.Index`).
pub const BUILTINS: &[&str] = &[
    "all",
    "none",
    "any",
    "one",
    "filter",
    "map",
    "find",
    "findIndex",
    "findLast",
    "findLastIndex",
    "count",
    "sum",
    "groupBy",
    "sortBy",
    "reduce",
    "len",
    "type",
    "abs",
    "ceil",
    "floor",
    "round",
    "int",
    "float",
    "string",
    "trim",
    "trimPrefix",
    "trimSuffix",
    "upper",
    "lower",
    "split",
    "splitAfter",
    "replace",
    "repeat",
    "join",
    "indexOf",
    "lastIndexOf",
    "hasPrefix",
    "hasSuffix",
    "max",
    "min",
    "mean",
    "median",
    "toJSON",
    "fromJSON",
    "toBase64",
    "fromBase64",
    "now",
    "duration",
    "date",
    "timezone",
    "first",
    "last",
    "get",
    "take",
    "keys",
    "values",
    "toPairs",
    "fromPairs",
    "reverse",
    "uniq",
    "concat",
    "flatten",
    "sort",
    "bitand",
    "bitor",
    "bitxor",
    "bitnand",
    "bitshl",
    "bitshr",
    "bitushr",
    "bitnot",
];

/// True if `name` is an expr built-in.
pub fn is_builtin(name: &str) -> bool {
    BUILTINS.contains(&name)
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Arg {
    Expr,
    Predicate,
    OptionalPredicate,
    OptionalExpr,
}

fn predicate_args(name: &str) -> Option<&'static [Arg]> {
    use Arg::*;
    Some(match name {
        "all" | "none" | "any" | "one" | "filter" | "map" | "find" | "findIndex" | "findLast"
        | "findLastIndex" | "groupBy" => &[Expr, Predicate],
        "count" | "sum" => &[Expr, OptionalPredicate],
        "sortBy" | "reduce" => &[Expr, Predicate, OptionalExpr],
        _ => return None,
    })
}

fn unary_precedence(op: &str) -> Option<usize> {
    match op {
        "not" | "!" => Some(50),
        "-" | "+" => Some(90),
        _ => None,
    }
}

/// Precedence and right-associativity of a binary operator.
fn binary_op(op: &str) -> Option<(usize, bool)> {
    Some(match op {
        "|" => (0, false),
        "or" | "||" => (10, false),
        "and" | "&&" => (15, false),
        "==" | "!=" | "<" | ">" | ">=" | "<=" | "in" | "matches" | "contains" | "startsWith"
        | "endsWith" => (20, false),
        ".." => (25, false),
        "+" | "-" => (30, false),
        "*" | "/" | "%" => (60, false),
        "**" | "^" => (100, true),
        "??" => (500, false),
        _ => return None,
    })
}

fn is_comparison(op: &str) -> bool {
    matches!(op, "<" | ">" | ">=" | "<=")
}

fn allowed_negate_suffix(op: &str) -> bool {
    matches!(
        op,
        "in" | "matches" | "contains" | "startsWith" | "endsWith"
    )
}

type PResult<T> = Result<T, ()>;

struct Parser {
    tokens: Vec<Token>,
    lex_error: Option<SourceError>,
    pos: usize,
    current: Token,
    err: Option<SourceError>,
    depth: usize,
    nesting: usize,
    node_count: usize,
}

/// Parses `source` into a tree.
pub fn parse(source: &str) -> Result<Node, SourceError> {
    let lexed = lex(source);
    let mut p = Parser {
        tokens: lexed.tokens,
        lex_error: lexed.error,
        pos: 0,
        current: Token {
            kind: Kind::Eof,
            value: String::new(),
            loc: Loc::default(),
        },
        err: None,
        depth: 0,
        nesting: 0,
        node_count: 0,
    };
    let result = p.run();
    match (result, p.err) {
        (Ok(node), None) => Ok(node),
        (_, Some(e)) => Err(e),
        (Err(()), None) => Err(SourceError::new("unexpected token EOF", Loc::default())),
    }
}

impl Parser {
    fn run(&mut self) -> PResult<Node> {
        // The first token.
        if self.tokens.is_empty() {
            return self.fail_lex();
        }
        self.current = self.tokens[0].clone();
        let node = self.parse_sequence()?;
        if self.current.kind != Kind::Eof {
            let msg = format!("unexpected token {}", self.current);
            return self.error(msg);
        }
        Ok(node)
    }

    fn fail_lex(&mut self) -> PResult<Node> {
        if self.err.is_none() {
            self.err = self.lex_error.take();
        }
        Err(())
    }

    fn error<T>(&mut self, message: String) -> PResult<T> {
        let loc = self.current.loc;
        self.error_at(loc, message)
    }

    fn error_at<T>(&mut self, loc: Loc, message: String) -> PResult<T> {
        if self.err.is_none() {
            self.err = Some(SourceError::new(message, loc));
        }
        Err(())
    }

    fn next(&mut self) -> PResult<()> {
        if self.pos + 1 >= self.tokens.len() {
            if self.current.kind == Kind::Eof || self.lex_error.is_none() {
                return self.error("unexpected end of expression".to_string());
            }
            self.fail_lex()?;
        }
        self.pos += 1;
        self.current = self.tokens[self.pos].clone();
        Ok(())
    }

    fn expect(&mut self, kind: Kind, value: Option<&str>) -> PResult<()> {
        if self.current.kind == kind && value.is_none_or(|v| self.current.value == v) {
            return self.next();
        }
        let msg = format!("unexpected token {}", self.current);
        self.error(msg)
    }

    fn is_op(&self, v: &str) -> bool {
        self.current.is(Kind::Operator, v)
    }

    fn is_bracket(&self, v: &str) -> bool {
        self.current.is(Kind::Bracket, v)
    }

    fn create(&mut self, kind: NodeKind, loc: Loc) -> PResult<Node> {
        self.node_count += 1;
        if self.node_count > MAX_NODES {
            return self
                .error("compilation failed: expression exceeds maximum allowed nodes".to_string());
        }
        let node = Node::new(kind, loc);
        if node.size > MAX_EXPANDED_NODES {
            return self.error(format!(
                "compilation failed: expression exceeds {MAX_EXPANDED_NODES} nodes once its \
                 repeated operands are counted"
            ));
        }
        if node.depth > MAX_TREE_DEPTH {
            return self.error(format!(
                "compilation failed: expression nests deeper than {MAX_TREE_DEPTH} levels"
            ));
        }
        Ok(node)
    }

    fn enter(&mut self) -> PResult<()> {
        self.nesting += 1;
        if self.nesting > MAX_DEPTH {
            return self.error(format!(
                "compilation failed: expression nests deeper than {MAX_DEPTH} levels"
            ));
        }
        Ok(())
    }

    fn parse_sequence(&mut self) -> PResult<Node> {
        let first = self.parse_expression(0)?;
        let mut nodes = vec![first];
        while self.is_op(";") {
            self.next()?;
            if self.current.kind == Kind::Eof {
                break;
            }
            nodes.push(self.parse_expression(0)?);
        }
        if nodes.len() == 1 {
            return Ok(nodes.pop().expect("one node"));
        }
        let loc = nodes[0].loc;
        self.create(NodeKind::Sequence(nodes), loc)
    }

    fn parse_expression(&mut self, precedence: usize) -> PResult<Node> {
        self.enter()?;
        let r = stacker::maybe_grow(STACK_RED_ZONE, STACK_GROW, || {
            self.parse_expression_inner(precedence)
        });
        self.nesting -= 1;
        r
    }

    fn parse_expression_inner(&mut self, precedence: usize) -> PResult<Node> {
        if precedence == 0 && self.is_op("let") {
            return self.parse_let();
        }
        if precedence == 0 && self.is_op("if") {
            return self.parse_if();
        }
        let mut left = self.parse_primary()?;
        let mut prev_op = String::new();
        let mut op_token = self.current.clone();
        while op_token.kind == Kind::Operator {
            let negate = op_token.value == "not";
            let mut not_token = None;
            if negate {
                let backup_pos = self.pos;
                let backup = self.current.clone();
                self.next()?;
                if allowed_negate_suffix(&self.current.value) {
                    match binary_op(&self.current.value) {
                        Some((p, _)) if p >= precedence => {
                            not_token = Some(op_token.clone());
                            op_token = self.current.clone();
                        }
                        _ => {
                            self.pos = backup_pos;
                            self.current = backup;
                            break;
                        }
                    }
                } else {
                    let msg = format!("unexpected token {}", self.current);
                    return self.error(msg);
                }
            }
            let Some((op_prec, right_assoc)) = binary_op(&op_token.value) else {
                break;
            };
            if op_prec < precedence {
                break;
            }
            self.next()?;
            if op_token.value == "|" {
                let ident = self.current.clone();
                self.expect(Kind::Identifier, None)?;
                left = self.parse_call(ident, vec![left])?;
            } else {
                if prev_op == "??" && op_token.value != "??" {
                    return self.error_at(
                        op_token.loc,
                        format!(
                            "Operator ({}) and coalesce expressions (??) cannot be mixed. Wrap either by parentheses.",
                            op_token.value
                        ),
                    );
                }
                if is_comparison(&op_token.value) {
                    left = self.parse_comparison(left, op_token.clone(), op_prec)?;
                } else {
                    let right = if right_assoc {
                        self.parse_expression(op_prec)?
                    } else {
                        self.parse_expression(op_prec + 1)?
                    };
                    left = self.create(
                        NodeKind::Binary {
                            op: op_token.value.clone(),
                            left: Box::new(left),
                            right: Box::new(right),
                        },
                        op_token.loc,
                    )?;
                    if let Some(nt) = &not_token {
                        // Go sets the location of the `not` to the operator token after it.
                        let loc = op_token.loc;
                        let _ = nt;
                        left = self.create(
                            NodeKind::Unary {
                                op: "not".to_string(),
                                node: Box::new(left),
                            },
                            loc,
                        )?;
                    }
                }
            }
            prev_op = op_token.value.clone();
            op_token = self.current.clone();
        }
        if precedence == 0 {
            left = self.parse_conditional(left)?;
        }
        Ok(left)
    }

    fn parse_let(&mut self) -> PResult<Node> {
        self.expect(Kind::Operator, Some("let"))?;
        let name = self.current.clone();
        self.expect(Kind::Identifier, None)?;
        self.expect(Kind::Operator, Some("="))?;
        let value = self.parse_expression(0)?;
        self.expect(Kind::Operator, Some(";"))?;
        let expr = self.parse_sequence()?;
        self.create(
            NodeKind::Let {
                name: name.value.clone(),
                value: Box::new(value),
                expr: Box::new(expr),
            },
            name.loc,
        )
    }

    fn parse_if(&mut self) -> PResult<Node> {
        self.next()?;
        let cond = self.parse_expression(0)?;
        self.expect(Kind::Bracket, Some("{"))?;
        let then = self.parse_sequence()?;
        self.expect(Kind::Bracket, Some("}"))?;
        self.expect(Kind::Operator, Some("else"))?;
        let otherwise = if self.is_op("if") {
            self.enter()?;
            let r = self.parse_if();
            self.nesting -= 1;
            r?
        } else {
            self.expect(Kind::Bracket, Some("{"))?;
            let e = self.parse_sequence()?;
            self.expect(Kind::Bracket, Some("}"))?;
            e
        };
        // Go builds this node without a location.
        Ok(Node::new(
            NodeKind::Conditional {
                cond: Box::new(cond),
                then: Box::new(then),
                otherwise: Box::new(otherwise),
            },
            Loc::default(),
        ))
    }

    fn parse_conditional(&mut self, mut node: Node) -> PResult<Node> {
        while self.is_op("?") {
            self.next()?;
            let (then, otherwise) = if !self.is_op(":") {
                let a = self.parse_expression(0)?;
                self.expect(Kind::Operator, Some(":"))?;
                let b = self.parse_expression(0)?;
                (a, b)
            } else {
                self.next()?;
                let b = self.parse_expression(0)?;
                (node.clone(), b)
            };
            let loc = self.current.loc;
            node = self.create(
                NodeKind::Conditional {
                    cond: Box::new(node),
                    then: Box::new(then),
                    otherwise: Box::new(otherwise),
                },
                loc,
            )?;
        }
        Ok(node)
    }

    fn parse_primary(&mut self) -> PResult<Node> {
        let token = self.current.clone();
        if token.kind == Kind::Operator {
            if let Some(prec) = unary_precedence(&token.value) {
                self.next()?;
                let expr = self.parse_expression(prec)?;
                let node = self.create(
                    NodeKind::Unary {
                        op: token.value.clone(),
                        node: Box::new(expr),
                    },
                    token.loc,
                )?;
                return self.parse_postfix(node);
            }
        }
        if token.is(Kind::Bracket, "(") {
            self.next()?;
            self.enter()?;
            let expr = self.parse_sequence();
            self.nesting -= 1;
            let expr = expr?;
            self.expect(Kind::Bracket, Some(")"))?;
            return self.parse_postfix(expr);
        }
        if self.depth > 0 && (token.is(Kind::Operator, "#") || token.is(Kind::Operator, ".")) {
            let mut name = String::new();
            if token.is(Kind::Operator, "#") {
                self.next()?;
                if self.current.kind == Kind::Identifier {
                    name = self.current.value.clone();
                    self.next()?;
                }
            }
            let node = self.create(NodeKind::Pointer(name), token.loc)?;
            return self.parse_postfix(node);
        }
        if token.is(Kind::Operator, "::") {
            self.next()?;
            let t = self.current.clone();
            self.expect(Kind::Identifier, None)?;
            let call = self.parse_call(t, Vec::new())?;
            return self.parse_postfix(call);
        }
        self.parse_secondary()
    }

    fn parse_secondary(&mut self) -> PResult<Node> {
        let token = self.current.clone();
        let node = match token.kind {
            Kind::Identifier => {
                self.next()?;
                match token.value.as_str() {
                    "true" => return self.create(NodeKind::Bool(true), token.loc),
                    "false" => return self.create(NodeKind::Bool(false), token.loc),
                    "nil" => return self.create(NodeKind::Nil, token.loc),
                    _ => {
                        if self.is_bracket("(") {
                            self.parse_call(token, Vec::new())?
                        } else {
                            self.create(NodeKind::Ident(token.value.clone()), token.loc)?
                        }
                    }
                }
            }
            Kind::Number => {
                self.next()?;
                return self.parse_number(&token);
            }
            Kind::String => {
                self.next()?;
                self.create(NodeKind::Str(token.value.clone()), token.loc)?
            }
            Kind::Bytes => {
                self.next()?;
                self.create(NodeKind::Bytes(token.value.clone().into_bytes()), token.loc)?
            }
            _ => {
                if token.is(Kind::Bracket, "[") {
                    self.parse_array(&token)?
                } else if token.is(Kind::Bracket, "{") {
                    self.parse_map(&token)?
                } else {
                    return self.error(format!("unexpected token {token}"));
                }
            }
        };
        self.parse_postfix(node)
    }

    fn parse_number(&mut self, token: &Token) -> PResult<Node> {
        let value = token.value.replace('_', "");
        let lower = value.to_ascii_lowercase();
        let int = |digits: &str, radix: u32, what: &str| -> Result<i64, String> {
            i64::from_str_radix(digits, radix).map_err(|e| {
                let reason = match e.kind() {
                    std::num::IntErrorKind::PosOverflow | std::num::IntErrorKind::NegOverflow => {
                        "value out of range"
                    }
                    _ => "invalid syntax",
                };
                format!(
                    "invalid {what} literal: strconv.ParseInt: parsing {}: {reason}",
                    super::lexer::go_quote(&value)
                )
            })
        };
        let result: Result<NodeKind, String> = if lower.starts_with("0x") {
            int(&value[2..], 16, "hex").map(NodeKind::Int)
        } else if lower.contains('.') || lower.contains('e') {
            match value.parse::<f64>() {
                Ok(f) if f.is_infinite() => Err(format!(
                    "invalid float literal: strconv.ParseFloat: parsing {}: value out of range",
                    super::lexer::go_quote(&value)
                )),
                Ok(f) => Ok(NodeKind::Float(f)),
                Err(_) => Err(format!(
                    "invalid float literal: strconv.ParseFloat: parsing {}: invalid syntax",
                    super::lexer::go_quote(&value)
                )),
            }
        } else if lower.starts_with("0b") {
            int(&value[2..], 2, "binary").map(NodeKind::Int)
        } else if lower.starts_with("0o") {
            int(&value[2..], 8, "octal").map(NodeKind::Int)
        } else {
            int(&value, 10, "integer").map(NodeKind::Int)
        };
        match result {
            Ok(kind) => {
                let loc = self.current.loc;
                let mut node = self.create(kind, loc)?;
                node.loc = token.loc;
                Ok(node)
            }
            Err(msg) => self.error(msg),
        }
    }

    fn parse_call(&mut self, token: Token, mut args: Vec<Node>) -> PResult<Node> {
        self.enter()?;
        let r = (|| {
            if let Some(spec) = predicate_args(&token.value) {
                self.expect(Kind::Bracket, Some("("))?;
                let spec = &spec[args.len().min(spec.len())..];
                for (i, arg) in spec.iter().enumerate() {
                    let optional = matches!(arg, Arg::OptionalExpr | Arg::OptionalPredicate);
                    if self.is_bracket(")") {
                        if optional {
                            break;
                        }
                        return self.error(format!("expected at least {} arguments", spec.len()));
                    }
                    if i > 0 {
                        self.expect(Kind::Operator, Some(","))?;
                    }
                    let node = match arg {
                        Arg::Expr | Arg::OptionalExpr => self.parse_expression(0)?,
                        Arg::Predicate | Arg::OptionalPredicate => self.parse_predicate()?,
                    };
                    args.push(node);
                }
                if self.is_op(",") {
                    self.next()?;
                }
                self.expect(Kind::Bracket, Some(")"))?;
                self.create(
                    NodeKind::Builtin {
                        name: token.value.clone(),
                        args,
                    },
                    token.loc,
                )
            } else if is_builtin(&token.value) {
                let args = self.parse_arguments(args)?;
                self.create(
                    NodeKind::Builtin {
                        name: token.value.clone(),
                        args,
                    },
                    token.loc,
                )
            } else {
                let callee = self.create(NodeKind::Ident(token.value.clone()), token.loc)?;
                let args = self.parse_arguments(args)?;
                self.create(
                    NodeKind::Call {
                        callee: Box::new(callee),
                        args,
                    },
                    token.loc,
                )
            }
        })();
        self.nesting -= 1;
        r
    }

    fn parse_arguments(&mut self, mut args: Vec<Node>) -> PResult<Vec<Node>> {
        let offset = args.len();
        self.expect(Kind::Bracket, Some("("))?;
        while !self.is_bracket(")") {
            if args.len() > offset {
                self.expect(Kind::Operator, Some(","))?;
            }
            if self.is_bracket(")") {
                break;
            }
            args.push(self.parse_expression(0)?);
        }
        self.expect(Kind::Bracket, Some(")"))?;
        Ok(args)
    }

    fn parse_predicate(&mut self) -> PResult<Node> {
        let start = self.current.clone();
        let brackets = self.is_bracket("{");
        if brackets {
            self.next()?;
        }
        self.depth += 1;
        let node = if brackets {
            self.parse_sequence()
        } else {
            let n = self.parse_expression(0);
            if n.is_ok() && self.is_op(";") {
                self.depth -= 1;
                return self.error("wrap predicate with brackets { and }".to_string());
            }
            n
        };
        self.depth -= 1;
        let node = node?;
        if brackets {
            self.expect(Kind::Bracket, Some("}"))?;
        }
        self.create(NodeKind::Predicate(Box::new(node)), start.loc)
    }

    fn parse_array(&mut self, token: &Token) -> PResult<Node> {
        self.enter()?;
        let mut nodes = Vec::new();
        self.expect(Kind::Bracket, Some("["))?;
        while !self.is_bracket("]") {
            if !nodes.is_empty() {
                self.expect(Kind::Operator, Some(","))?;
                if self.is_bracket("]") {
                    break;
                }
            }
            nodes.push(self.parse_expression(0)?);
        }
        self.expect(Kind::Bracket, Some("]"))?;
        self.nesting -= 1;
        self.create(NodeKind::Array(nodes), token.loc)
    }

    fn parse_map(&mut self, token: &Token) -> PResult<Node> {
        self.enter()?;
        self.expect(Kind::Bracket, Some("{"))?;
        let mut pairs = Vec::new();
        while !self.is_bracket("}") {
            if !pairs.is_empty() {
                self.expect(Kind::Operator, Some(","))?;
                if self.is_bracket("}") {
                    break;
                }
                if self.is_op(",") {
                    let msg = format!("unexpected token {}", self.current);
                    return self.error(msg);
                }
            }
            let key = if matches!(
                self.current.kind,
                Kind::Number | Kind::String | Kind::Identifier
            ) {
                let loc = self.current.loc;
                let k = self.create(NodeKind::Str(self.current.value.clone()), loc)?;
                self.next()?;
                k
            } else if self.is_bracket("(") {
                self.parse_expression(0)?
            } else {
                let msg = format!(
                    "a map key must be a quoted string, a number, a identifier, or an expression enclosed in parentheses (unexpected token {})",
                    self.current
                );
                return self.error(msg);
            };
            self.expect(Kind::Operator, Some(":"))?;
            let value = self.parse_expression(0)?;
            // PairNode
            self.create(NodeKind::Nil, token.loc)?;
            pairs.push((key, value));
        }
        self.expect(Kind::Bracket, Some("}"))?;
        self.nesting -= 1;
        self.create(NodeKind::Map(pairs), token.loc)
    }

    fn parse_postfix(&mut self, mut node: Node) -> PResult<Node> {
        let mut postfix = self.current.clone();
        while matches!(postfix.kind, Kind::Operator | Kind::Bracket) {
            let optional = postfix.value == "?.";
            if postfix.value == "." || postfix.value == "?." {
                self.next()?;
                let property_token = self.current.clone();
                if optional && property_token.is(Kind::Bracket, "[") {
                    postfix = property_token;
                    node = self.parse_index(node, &postfix, true)?;
                    postfix = self.current.clone();
                    continue;
                }
                self.next()?;
                if property_token.kind != Kind::Identifier
                    && (property_token.kind != Kind::Operator
                        || !is_valid_identifier(&property_token.value))
                {
                    return self.error("expected name".to_string());
                }
                let property = self.create(
                    NodeKind::Str(property_token.value.clone()),
                    property_token.loc,
                )?;
                let (inner, is_chain) = if let NodeKind::Chain(inner) = &mut node.kind {
                    let leaf = Node::new(NodeKind::Nil, inner.loc);
                    (std::mem::replace(&mut **inner, leaf), true)
                } else {
                    (node, false)
                };
                let mut member = self.create(
                    NodeKind::Member {
                        node: Box::new(inner),
                        property: Box::new(property),
                        optional,
                        method: false,
                    },
                    property_token.loc,
                )?;
                if self.is_bracket("(") {
                    if let NodeKind::Member { method, .. } = &mut member.kind {
                        *method = true;
                    }
                    self.enter()?;
                    let args = self.parse_arguments(Vec::new());
                    self.nesting -= 1;
                    let args = args?;
                    node = self.create(
                        NodeKind::Call {
                            callee: Box::new(member),
                            args,
                        },
                        property_token.loc,
                    )?;
                } else {
                    node = member;
                }
                if is_chain || optional {
                    node = self.create(NodeKind::Chain(Box::new(node)), property_token.loc)?;
                }
            } else if postfix.value == "[" {
                node = self.parse_index(node, &postfix, false)?;
            } else {
                break;
            }
            postfix = self.current.clone();
        }
        Ok(node)
    }

    fn parse_index(&mut self, node: Node, postfix: &Token, optional: bool) -> PResult<Node> {
        self.enter()?;
        let r = (|| {
            self.next()?;
            if self.is_op(":") {
                self.next()?;
                let to = if !self.is_bracket("]") {
                    Some(Box::new(self.parse_expression(0)?))
                } else {
                    None
                };
                let n = self.create(
                    NodeKind::Slice {
                        node: Box::new(node),
                        from: None,
                        to,
                    },
                    postfix.loc,
                )?;
                self.expect(Kind::Bracket, Some("]"))?;
                return Ok(n);
            }
            let from = self.parse_expression(0)?;
            if self.is_op(":") {
                self.next()?;
                let to = if !self.is_bracket("]") {
                    Some(Box::new(self.parse_expression(0)?))
                } else {
                    None
                };
                let n = self.create(
                    NodeKind::Slice {
                        node: Box::new(node),
                        from: Some(Box::new(from)),
                        to,
                    },
                    postfix.loc,
                )?;
                self.expect(Kind::Bracket, Some("]"))?;
                return Ok(n);
            }
            let mut n = self.create(
                NodeKind::Member {
                    node: Box::new(node),
                    property: Box::new(from),
                    optional,
                    method: false,
                },
                postfix.loc,
            )?;
            if optional {
                n = self.create(NodeKind::Chain(Box::new(n)), postfix.loc)?;
            }
            self.expect(Kind::Bracket, Some("]"))?;
            Ok(n)
        })();
        self.nesting -= 1;
        r
    }

    fn parse_comparison(&mut self, mut left: Node, mut token: Token, prec: usize) -> PResult<Node> {
        let mut root: Option<Node> = None;
        loop {
            let comparator = self.parse_expression(prec + 1)?;
            let next = self.current.clone();
            let more = next.kind == Kind::Operator && is_comparison(&next.value);
            // In a chain the comparator is also the left operand of the next comparison.
            let (right, carried) = if more {
                (comparator.clone(), Some(comparator))
            } else {
                (comparator, None)
            };
            let cmp = self.create(
                NodeKind::Binary {
                    op: token.value.clone(),
                    left: Box::new(left),
                    right: Box::new(right),
                },
                token.loc,
            )?;
            root = Some(match root {
                None => cmp,
                Some(r) => self.create(
                    NodeKind::Binary {
                        op: "&&".to_string(),
                        left: Box::new(r),
                        right: Box::new(cmp),
                    },
                    token.loc,
                )?,
            });
            let Some(c) = carried else {
                break;
            };
            left = c;
            token = next;
            self.next()?;
        }
        Ok(root.expect("at least one comparison"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn err(src: &str) -> String {
        parse(src).unwrap_err().format(src)
    }

    #[test]
    fn argo_exact_strings() {
        assert_eq!(
            err("garbage!!!!!!"),
            "unexpected token Operator(\"!\") (1:8)\n | garbage!!!!!!\n | .......^"
        );
        assert_eq!(
            err("rubbish!!!"),
            "unexpected token Operator(\"!\") (1:8)\n | rubbish!!!\n | .......^"
        );
        assert_eq!(
            err("payload.......foo[.numeric]"),
            "unexpected token Operator(\"..\") (1:10)\n | payload.......foo[.numeric]\n | .........^"
        );
        assert_eq!(
            err("foo...bar"),
            "unexpected token Operator(\".\") (1:6)\n | foo...bar\n | .....^"
        );
        assert_eq!(
            err("foo.[..]bar"),
            "expected name (1:6)\n | foo.[..]bar\n | .....^"
        );
        assert_eq!(err(""), "unexpected token EOF");
    }

    #[test]
    fn grammar_errors() {
        assert!(err("payload.n ?? 0 + 1").starts_with(
            "Operator (+) and coalesce expressions (??) cannot be mixed. Wrap either by parentheses. (1:16)"
        ));
        assert!(err("a.").starts_with("unexpected end of expression (1:2)"));
        assert!(err("9223372036854775808").starts_with(
            "invalid integer literal: strconv.ParseInt: parsing \"9223372036854775808\": value out of range (1:19)"
        ));
        let deep = format!(
            "{}1{}",
            "(".repeat(MAX_DEPTH + 5),
            ")".repeat(MAX_DEPTH + 5)
        );
        assert!(err(&deep).contains("nests deeper"));
    }

    #[test]
    fn node_limit() {
        let src = vec!["1"; 5001].join(" + ");
        assert!(
            err(&src).starts_with(
                "compilation failed: expression exceeds maximum allowed nodes (1:20001)"
            )
        );
        let ok = vec!["1"; 1000].join(" + ");
        assert!(parse(&ok).is_ok());
    }

    #[test]
    fn chains_and_predicates() {
        assert!(parse("1 < x < 3").is_ok());
        assert!(parse("filter(a, # > 1) | map(.x)").is_ok());
        assert!(parse("let x = 1; x + 1").is_ok());
        assert!(parse("if a { 1 } else if b { 2 } else { 3 }").is_ok());
        assert!(parse("a?.b?.[0][1:2]").is_ok());
        assert!(parse("{a: 1, \"b\": 2, (c): 3,}").is_ok());
    }
}
