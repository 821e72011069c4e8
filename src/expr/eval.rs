//! The evaluator: runs a compiled [`Op`] tree against one event.
//!
//! Takes a [`Program`](super::compile::Program) and the event's [`Input`] and returns a
//! [`Value`] borrowing from the input (no payload data is copied to read it) or a
//! [`RunError`] with the Go message and the location of the failing operation. Every loop is
//! bounded by the [`Budget`] (Go's memory budget, and evaluation steps), every built value by
//! the limits in `limits.rs`, and the recursion by a one-comparison stack check per operation
//! (a new stack segment near the end of the stack). Selectors and the operands of `&&`, `||`,
//! `!` and conditions are evaluated as booleans ([`eval_bool`]), without building values.

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use super::argo::Input;
use super::builtins::{self, Budget};
use super::compile::{BinOp, EnvFunc, EnvName, Op, PredKind};
use super::error::Loc;
use super::gofmt::{self, JsonOptions};
use super::limits;
use super::ops;
use super::parser::{STACK_GROW, STACK_RED_ZONE};
use super::regex::compile_go_regex;
use super::value::{Func, Value, deep_equal, equal};

/// A run-time failure.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RunError {
    /// Go's message.
    pub message: String,
    /// The failing operation's location.
    pub loc: Loc,
    /// Internal: a `?.` met nil and ends its chain (never escapes a `Chain`).
    pub nil_chain: bool,
}

type E = Box<RunError>;
type R<'a> = Result<Value<'a>, E>;

#[cold]
fn fail<T>(message: String, loc: Loc) -> Result<T, E> {
    Err(Box::new(RunError {
        message,
        loc,
        nil_chain: false,
    }))
}

#[inline(always)]
fn at<T>(r: Result<T, String>, loc: Loc) -> Result<T, E> {
    match r {
        Ok(v) => Ok(v),
        Err(m) => fail(m, loc),
    }
}

/// `v.(bool)` for `&&`, `||`, `!` and conditions.
#[inline(always)]
fn truth(v: &Value<'_>, loc: Loc) -> Result<bool, E> {
    match v {
        Value::Bool(b) => Ok(*b),
        _ => not_bool(v, loc),
    }
}

#[cold]
#[inline(never)]
fn not_bool(v: &Value<'_>, loc: Loc) -> Result<bool, E> {
    fail(ops::interface_conversion(v, "bool"), loc)
}

fn nil_chain<T>() -> Result<T, E> {
    Err(Box::new(RunError {
        message: String::new(),
        loc: Loc::default(),
        nil_chain: true,
    }))
}

/// The mutable state of one evaluation.
pub struct Frame<'a, 'i> {
    /// The event.
    pub input: &'i Input<'a>,
    /// Variable and predicate slots.
    pub slots: Vec<Value<'a>>,
    /// Resource accounting.
    pub budget: Budget,
    /// Below this stack address, `eval` continues on a new stack segment.
    stack_low: usize,
}

impl<'a, 'i> Frame<'a, 'i> {
    /// A frame for one evaluation with `slots` variable slots.
    pub fn new(input: &'i Input<'a>, slots: usize) -> Frame<'a, 'i> {
        Frame {
            input,
            slots: if slots > 0 {
                vec![Value::Nil; slots]
            } else {
                Vec::new()
            },
            budget: Budget::default(),
            stack_low: stack_low_here(),
        }
    }
}

/// The address of the current stack frame (the stack grows down).
#[inline(always)]
fn stack_pointer() -> usize {
    let marker = 0u8;
    std::hint::black_box(&marker) as *const u8 as usize
}

/// The stack address below which fewer than `STACK_RED_ZONE` bytes remain on this stack
/// (0 where the platform cannot tell, leaving recursion to the tree depth limit).
fn stack_low_here() -> usize {
    match stacker::remaining_stack() {
        Some(rest) => stack_pointer().saturating_sub(rest) + STACK_RED_ZONE,
        None => 0,
    }
}

/// Evaluates `op`. The stack check is one comparison; only near the end of the stack does
/// the evaluation continue on a new segment (`stacker`), so any tree depth is safe on any
/// thread.
#[inline]
pub fn eval<'a>(op: &Op, f: &mut Frame<'a, '_>) -> R<'a> {
    f.budget.steps += 1;
    if stack_pointer() < f.stack_low {
        return eval_on_new_stack(op, f);
    }
    eval_op(op, f)
}

#[cold]
#[inline(never)]
fn eval_on_new_stack<'a>(op: &Op, f: &mut Frame<'a, '_>) -> R<'a> {
    let saved = f.stack_low;
    let r = stacker::maybe_grow(STACK_RED_ZONE, STACK_GROW, || {
        f.stack_low = stack_low_here();
        eval_op(op, f)
    });
    f.stack_low = saved;
    r
}

/// Evaluates `op` for a selector: its boolean value, or the value itself when it is not a
/// bool (Argo then reports a cast error). Comparisons and `&&`/`||`/`!` chains are evaluated
/// without building values.
pub fn eval_bool<'a>(op: &Op, f: &mut Frame<'a, '_>) -> Result<Result<bool, Value<'a>>, E> {
    if stack_pointer() >= f.stack_low {
        match op {
            Op::And(l, r, loc) => {
                f.budget.steps += 1;
                if !test(l, f, *loc)? {
                    return Ok(Ok(false));
                }
                return eval_bool(r, f);
            }
            Op::Or(l, r, loc) => {
                f.budget.steps += 1;
                if test(l, f, *loc)? {
                    return Ok(Ok(true));
                }
                return eval_bool(r, f);
            }
            Op::Not(..) | Op::EqStr(..) | Op::EqStrList(..) | Op::EqConst(..) => {
                return test(op, f, Loc::default()).map(Ok);
            }
            _ => {}
        }
    }
    Ok(match eval(op, f)? {
        Value::Bool(b) => Ok(b),
        other => Err(other),
    })
}

/// Evaluates `op` as the operand of `&&`, `||`, `!` or a condition: its value must be a
/// bool, and a failed conversion is reported at `loc` (the consumer's location).
#[inline]
fn test(op: &Op, f: &mut Frame<'_, '_>, loc: Loc) -> Result<bool, E> {
    if stack_pointer() >= f.stack_low {
        match op {
            Op::EqStr(x, s, ne) => {
                f.budget.steps += 1;
                let v = operand(x, f)?;
                return Ok((v.as_str() == Some(&**s)) != *ne);
            }
            Op::EqStrList(x, strings, ne) => {
                f.budget.steps += 1;
                let v = operand(x, f)?;
                return Ok(equal_strings(&v, strings) != *ne);
            }
            Op::EqConst(x, c, ne) => {
                f.budget.steps += 1;
                let v = operand(x, f)?;
                return Ok(equal(&v, c) != *ne);
            }
            Op::Not(x, l) => {
                f.budget.steps += 1;
                return Ok(!test(x, f, *l)?);
            }
            Op::And(l, r, l_loc) => {
                f.budget.steps += 1;
                return Ok(test(l, f, *l_loc)? && test(r, f, loc)?);
            }
            Op::Or(l, r, l_loc) => {
                f.budget.steps += 1;
                return Ok(test(l, f, *l_loc)? || test(r, f, loc)?);
            }
            _ => {}
        }
    }
    let v = eval(op, f)?;
    truth(&v, loc)
}

/// `v == ["a", "b"]` for a non-empty constant array of strings.
#[inline]
fn equal_strings(v: &Value<'_>, strings: &[Arc<str>]) -> bool {
    match v {
        Value::JsonArray(a) => {
            a.len() == strings.len()
                && a.iter()
                    .zip(strings.iter())
                    .all(|(j, s)| j.as_str() == Some(&**s))
        }
        Value::List(l) => {
            l.items.len() == strings.len()
                && l.items
                    .iter()
                    .zip(strings.iter())
                    .all(|(x, s)| x.as_str() == Some(&**s))
        }
        // Any other value differs from a non-empty array of strings.
        _ => false,
    }
}

/// Evaluates the operand of an operation: names of the event and constants are read in place
/// (no call, no stack check: they do not recurse), anything else goes through [`eval`].
#[inline(always)]
fn operand<'a>(op: &Op, f: &mut Frame<'a, '_>) -> R<'a> {
    match op {
        Op::Env(name) => Ok(env(*name, f.input)),
        Op::Const(v) => Ok(v.clone()),
        Op::Slot(i) => Ok(f.slots.get(*i).cloned().unwrap_or(Value::Nil)),
        Op::EnvField {
            name,
            key,
            optional,
            loc,
        } => env_field(*name, key, *optional, *loc, f.input),
        _ => eval(op, f),
    }
}

/// `payload.key` / `metadata["key"]`.
#[inline]
fn env_field<'a>(name: EnvName, key: &str, optional: bool, loc: Loc, input: &Input<'a>) -> R<'a> {
    let json = match name {
        EnvName::Metadata => input.metadata,
        _ => input.payload,
    };
    if let serde_json::Value::Object(m) = json {
        return Ok(m.get(key).map(Value::from_json).unwrap_or(Value::Nil));
    }
    let o = Value::from_json(json);
    if optional && o.is_nil() {
        return nil_chain();
    }
    at(ops::fetch_str(&o, key), loc)
}

fn eval_op<'a>(op: &Op, f: &mut Frame<'a, '_>) -> R<'a> {
    match op {
        Op::Const(v) => Ok(v.clone()),
        Op::Slot(i) => Ok(f.slots.get(*i).cloned().unwrap_or(Value::Nil)),
        Op::Env(name) => Ok(env(*name, f.input)),
        Op::EnvMap => {
            let mut m = BTreeMap::new();
            for (k, n) in [
                ("namespace", EnvName::Namespace),
                ("discriminator", EnvName::Discriminator),
                ("metadata", EnvName::Metadata),
                ("payload", EnvName::Payload),
            ] {
                m.insert(k.to_string(), env(n, f.input));
            }
            Ok(Value::map(m))
        }
        Op::MemberStr {
            obj,
            key,
            optional,
            loc,
        } => {
            let o = operand(obj, f)?;
            if *optional && o.is_nil() {
                return nil_chain();
            }
            at(ops::fetch_str(&o, key), *loc)
        }
        Op::Member {
            obj,
            key,
            optional,
            loc,
        } => {
            let o = operand(obj, f)?;
            if *optional && o.is_nil() {
                return nil_chain();
            }
            let k = operand(key, f)?;
            at(ops::fetch(&o, &k), *loc)
        }
        Op::Chain(inner) => match eval(inner, f) {
            Err(e) if e.nil_chain => Ok(Value::Nil),
            other => other,
        },
        Op::Slice { obj, from, to, loc } => {
            let o = operand(obj, f)?;
            let a = match from {
                Some(x) => Some(eval(x, f)?),
                None => None,
            };
            let b = match to {
                Some(x) => Some(eval(x, f)?),
                None => None,
            };
            at(ops::slice(&o, a.as_ref(), b.as_ref()), *loc)
        }
        Op::Not(x, loc) => Ok(Value::Bool(!test(x, f, *loc)?)),
        Op::Neg(x, loc) => {
            let v = operand(x, f)?;
            at(ops::negate(&v), *loc)
        }
        Op::And(l, r, loc) => {
            if !test(l, f, *loc)? {
                return Ok(Value::Bool(false));
            }
            eval(r, f)
        }
        Op::Or(l, r, loc) => {
            if test(l, f, *loc)? {
                return Ok(Value::Bool(true));
            }
            eval(r, f)
        }
        Op::Coalesce(l, r) => {
            let a = operand(l, f)?;
            if a.is_nil() { eval(r, f) } else { Ok(a) }
        }
        Op::EqStr(x, s, ne) => {
            let v = operand(x, f)?;
            Ok(Value::Bool((v.as_str() == Some(s)) != *ne))
        }
        Op::EqConst(x, c, ne) => {
            let v = operand(x, f)?;
            Ok(Value::Bool(equal(&v, c) != *ne))
        }
        Op::EqStrList(x, strings, ne) => {
            let v = operand(x, f)?;
            Ok(Value::Bool(equal_strings(&v, strings) != *ne))
        }
        Op::InConst(x, c, loc) => {
            let v = operand(x, f)?;
            at(ops::contains_in(&v, c), *loc).map(Value::Bool)
        }
        Op::EnvField {
            name,
            key,
            optional,
            loc,
        } => env_field(*name, key, *optional, *loc, f.input),
        Op::Binary(op, l, r, loc) => {
            let a = operand(l, f)?;
            let b = operand(r, f)?;
            binary(*op, &a, &b, *loc, &mut f.budget)
        }
        Op::MatchesConst(x, re, loc) => {
            let v = operand(x, f)?;
            if v.is_nil() {
                return Ok(Value::Bool(false));
            }
            let s = at(ops::as_string(&v), *loc)?;
            Ok(Value::Bool(re.is_match(s)))
        }
        Op::Cond(c, a, b, loc) => {
            if test(c, f, *loc)? {
                eval(a, f)
            } else {
                eval(b, f)
            }
        }
        Op::Let(slot, v, body) => {
            let x = eval(v, f)?;
            set_slot(f, *slot, x);
            eval(body, f)
        }
        Op::Seq(ops_) => {
            let mut last = Value::Nil;
            for o in ops_ {
                last = eval(o, f)?;
            }
            Ok(last)
        }
        Op::Array(items, loc) => {
            let mut out = Vec::with_capacity(items.len());
            for i in items {
                out.push(eval(i, f)?);
            }
            at(f.budget.grow(items.len() as u64), *loc)?;
            shallow(Value::list(out), *loc, &mut f.budget)
        }
        Op::Map(pairs, loc) => {
            let mut evaluated = Vec::with_capacity(pairs.len());
            for (k, v) in pairs {
                let kv = eval(k, f)?;
                let vv = eval(v, f)?;
                evaluated.push((kv, vv));
            }
            at(f.budget.grow(pairs.len() as u64), *loc)?;
            let mut m = BTreeMap::new();
            for (k, v) in evaluated.into_iter().rev() {
                let Some(key) = k.as_str() else {
                    return fail(ops::interface_conversion(&k, "string"), *loc);
                };
                m.insert(key.to_string(), v);
            }
            shallow(Value::map(m), *loc, &mut f.budget)
        }
        Op::Builtin(func, args, loc) => {
            let vals = eval_all(args, f)?;
            let v = at(func(&mut f.budget, vals), *loc)?;
            shallow(v, *loc, &mut f.budget)
        }
        Op::Predicate {
            kind,
            collection,
            pred,
            extra,
            slot,
            loc,
        } => {
            let v = predicate(
                *kind,
                collection,
                pred.as_deref(),
                extra.as_deref(),
                *slot,
                *loc,
                f,
            )?;
            shallow(v, *loc, &mut f.budget)
        }
        Op::EnvCall(func, args, loc) => {
            let vals = eval_all(args, f)?;
            let v = env_call(*func, vals, *loc, &mut f.budget)?;
            shallow(v, *loc, &mut f.budget)
        }
        Op::JmesConst(x, expr, loc) => {
            let v = operand(x, f)?;
            at(jmes(&v, expr), *loc)
        }
        Op::Sprig(name, args, loc) => {
            let vals = eval_all(args, f)?;
            let v = at(super::sprig::call(name, vals), *loc)?;
            shallow(v, *loc, &mut f.budget)
        }
        Op::FuncValue(func) => Ok(Value::Func(Arc::new(Func {
            name: func.name().to_string(),
            go_type: func.go_type().to_string(),
        }))),
        Op::CallValue(callee, args, loc) => {
            let c = eval(callee, f)?;
            let vals = eval_all(args, f)?;
            match &c {
                Value::Func(func) => {
                    let ef = match func.name.as_str() {
                        "asInt" => EnvFunc::AsInt,
                        "asFloat" => EnvFunc::AsFloat,
                        "toJson" => EnvFunc::ToJson,
                        "jsonpath" => EnvFunc::JsonPath,
                        "jmespath" => EnvFunc::Jmespath,
                        _ => {
                            return fail(
                                format!("invalid operation: cannot call {}", func.name),
                                *loc,
                            );
                        }
                    };
                    env_call(ef, vals, *loc, &mut f.budget)
                }
                Value::Nil => fail("invalid operation: cannot call nil".to_string(), *loc),
                other => fail(
                    format!(
                        "reflect: call of reflect.Value.Call on {} Value",
                        other.go_type()
                    ),
                    *loc,
                ),
            }
        }
        Op::Fail(msg, loc) => fail(msg.clone(), *loc),
    }
}

/// Checks a value an operation built: nested at most [`limits::MAX_VALUE_DEPTH`] levels,
/// weighing at most [`limits::MAX_VALUE_WEIGHT`], strings at most
/// [`limits::MAX_STRING_BYTES`] (and charged to the step budget by length).
#[inline]
fn shallow<'a>(v: Value<'a>, loc: Loc, budget: &mut Budget) -> R<'a> {
    match &v {
        Value::String(s) => {
            string_cost(s.len(), budget, loc)?;
        }
        Value::List(_) | Value::Map(_) | Value::AnyMap(_) => {
            if v.nesting() > limits::MAX_VALUE_DEPTH {
                return fail(
                    format!("value nests deeper than {} levels", limits::MAX_VALUE_DEPTH),
                    loc,
                );
            }
            if v.weight() > limits::MAX_VALUE_WEIGHT {
                return fail(
                    format!(
                        "value exceeds {} elements (counting shared parts once per use)",
                        limits::MAX_VALUE_WEIGHT
                    ),
                    loc,
                );
            }
        }
        _ => {}
    }
    Ok(v)
}

/// Charges a built string of `len` bytes to the step budget and refuses it past
/// [`limits::MAX_STRING_BYTES`].
#[inline]
fn string_cost(len: usize, budget: &mut Budget, loc: Loc) -> Result<(), E> {
    if len as u64 > limits::MAX_STRING_BYTES {
        return fail(
            format!("string exceeds {} bytes", limits::MAX_STRING_BYTES),
            loc,
        );
    }
    budget.steps += len as u64 / limits::STRING_BYTES_PER_STEP;
    Ok(())
}

#[inline]
fn env<'a>(name: EnvName, input: &Input<'a>) -> Value<'a> {
    match name {
        EnvName::Namespace => Value::Str(input.namespace),
        EnvName::Discriminator => Value::Str(input.discriminator),
        EnvName::Metadata => Value::from_json(input.metadata),
        EnvName::Payload => Value::from_json(input.payload),
        EnvName::Sprig => Value::map(BTreeMap::new()),
    }
}

fn set_slot<'a>(f: &mut Frame<'a, '_>, slot: usize, v: Value<'a>) {
    if slot >= f.slots.len() {
        f.slots.resize(slot + 1, Value::Nil);
    }
    f.slots[slot] = v;
}

fn eval_all<'a>(args: &[Op], f: &mut Frame<'a, '_>) -> Result<Vec<Value<'a>>, E> {
    let mut out = Vec::with_capacity(args.len());
    for a in args {
        out.push(eval(a, f)?);
    }
    Ok(out)
}

fn binary<'a>(op: BinOp, a: &Value<'a>, b: &Value<'a>, loc: Loc, budget: &mut Budget) -> R<'a> {
    if op == BinOp::Add
        && let (Some(x), Some(y)) = (a.as_str(), b.as_str())
    {
        string_cost(x.len() + y.len(), budget, loc)?;
    }
    let r: Result<Value<'a>, String> = match op {
        BinOp::Eq => Ok(Value::Bool(equal(a, b))),
        BinOp::Ne => Ok(Value::Bool(!equal(a, b))),
        BinOp::Lt => ops::compare("<", a, b).map(Value::Bool),
        BinOp::Gt => ops::compare(">", a, b).map(Value::Bool),
        BinOp::Le => ops::compare("<=", a, b).map(Value::Bool),
        BinOp::Ge => ops::compare(">=", a, b).map(Value::Bool),
        BinOp::Add => ops::add(a, b),
        BinOp::Sub => ops::arith('-', a, b),
        BinOp::Mul => ops::arith('*', a, b),
        BinOp::Div => ops::divide(a, b),
        BinOp::Mod => ops::modulo(a, b),
        BinOp::Pow => ops::pow(a, b),
        BinOp::In => ops::contains_in(a, b).map(Value::Bool),
        BinOp::Contains => ops::string_op("contains", a, b).map(Value::Bool),
        BinOp::StartsWith => ops::string_op("startsWith", a, b).map(Value::Bool),
        BinOp::EndsWith => ops::string_op("endsWith", a, b).map(Value::Bool),
        BinOp::Matches => {
            if a.is_nil() || b.is_nil() {
                Ok(Value::Bool(false))
            } else {
                (|| {
                    let s = ops::as_string(a)?;
                    let p = ops::as_string(b)?;
                    let re = compile_go_regex(p)?;
                    Ok(Value::Bool(re.is_match(s)))
                })()
            }
        }
        BinOp::Range => ops::range_len(a, b).and_then(|(start, size)| {
            budget.grow(size as u64)?;
            Ok(ops::make_range(start, size))
        }),
    };
    at(r, loc)
}

fn env_call<'a>(func: EnvFunc, args: Vec<Value<'a>>, loc: Loc, budget: &mut Budget) -> R<'a> {
    let r: Result<Value<'a>, String> = match func {
        EnvFunc::AsInt => builtins::int(budget, args),
        EnvFunc::AsFloat => builtins::float(budget, args),
        EnvFunc::ToJson => args
            .first()
            .map(|v| {
                gofmt::to_json(v, JsonOptions::MARSHAL)
                    .map(Value::string)
                    .map_err(|e| e.0)
            })
            .unwrap_or_else(|| Err("not enough arguments to call toJson".to_string())),
        EnvFunc::JsonPath => match (
            args.first().and_then(Value::as_str),
            args.get(1).and_then(Value::as_str),
        ) {
            (Some(doc), Some(path)) => super::jsonpath::query(doc, path),
            _ => Err("reflect: Call using interface {} as type string".to_string()),
        },
        EnvFunc::Jmespath => match args.get(1).and_then(Value::as_str) {
            Some(q) => jmespath::compile(q)
                .map_err(|e| format!("invalid JMESPath query: {e}"))
                .and_then(|expr| jmes(&args[0], &expr)),
            None => Err("jmespath: the query must be a string".to_string()),
        },
    };
    at(r, loc)
}

/// Converts a value to JSON for JMESPath (numbers stay float64).
fn to_serde(v: &Value<'_>, depth: usize) -> Result<serde_json::Value, String> {
    if depth > limits::MAX_VALUE_DEPTH as usize {
        return Err("value nests too deeply".to_string());
    }
    Ok(match v {
        Value::JsonArray(_) | Value::JsonMap(_) => {
            let text = gofmt::to_json(v, JsonOptions::MARSHAL).map_err(|e| e.0)?;
            serde_json::from_str(&text).map_err(|e| e.to_string())?
        }
        Value::List(l) => serde_json::Value::Array(
            l.items
                .iter()
                .map(|x| limits::deeper(|| to_serde(x, depth + 1)))
                .collect::<Result<_, _>>()?,
        ),
        _ => {
            let text = gofmt::to_json(v, JsonOptions::MARSHAL).map_err(|e| e.0)?;
            serde_json::from_str(&text).map_err(|e| e.to_string())?
        }
    })
}

fn jmes<'a>(v: &Value<'a>, expr: &jmespath::Expression<'_>) -> Result<Value<'a>, String> {
    use jmespath::ToJmespath;
    let data = to_serde(v, 0)?
        .to_jmespath()
        .map_err(|e| format!("jmespath: {e}"))?;
    let mut ctx = jmespath::Context::new(expr.as_str(), &jmespath::DEFAULT_RUNTIME);
    let out = jmespath::interpret(&data, expr.as_ast(), &mut ctx)
        .map_err(|e| format!("jmespath: {e}"))?;
    let json = serde_json::to_value(&*out).map_err(|e| format!("jmespath: {e}"))?;
    Ok(Value::from_owned_json(json))
}

fn reflect_kind(v: &Value<'_>) -> &'static str {
    match v {
        Value::Bool(_) => "bool",
        Value::Int(_) => "int",
        Value::Int64(_) | Value::Duration(_) => "int64",
        Value::Uint8(_) => "uint8",
        Value::Float(_) => "float64",
        Value::Func(_) => "func",
        _ => "map",
    }
}

/// A hashable identity for a scalar `groupBy` key, equal for two keys exactly when
/// [`deep_equal`] holds; `None` for NaN (equal to nothing) and for other values.
fn group_key(v: &Value<'_>) -> Option<String> {
    Some(match v {
        Value::Nil => "n".to_string(),
        Value::Bool(b) => format!("b{b}"),
        Value::Int(i) => format!("i{i}"),
        Value::Int64(i) => format!("I{i}"),
        Value::Duration(d) => format!("d{d}"),
        Value::Uint8(b) => format!("u{b}"),
        // `-0 == 0` in Go.
        Value::Float(f) if !f.is_nan() => format!("f{}", (f + 0.0).to_bits()),
        Value::Str(_) | Value::String(_) => format!("s{}", v.as_str().unwrap_or_default()),
        _ => return None,
    })
}

#[allow(clippy::too_many_arguments)]
fn predicate<'a>(
    kind: PredKind,
    collection: &Op,
    pred: Option<&Op>,
    extra: Option<&Op>,
    slot: usize,
    loc: Loc,
    f: &mut Frame<'a, '_>,
) -> R<'a> {
    let coll = eval(collection, f)?;
    let len = match &coll {
        Value::Nil => {
            return fail(
                "reflect: call of reflect.Value.Len on zero Value".to_string(),
                loc,
            );
        }
        Value::Str(_) | Value::String(_) => coll.as_str().unwrap_or_default().len(),
        _ if coll.is_array() => coll.array_len().unwrap_or(0),
        _ if coll.is_map() => {
            if coll.map_len().unwrap_or(0) > 0 {
                return fail(
                    "reflect: call of reflect.Value.Index on map Value".to_string(),
                    loc,
                );
            }
            0
        }
        other => {
            return fail(
                format!(
                    "reflect: call of reflect.Value.Len on {} Value",
                    reflect_kind(other)
                ),
                loc,
            );
        }
    };
    let element = |i: usize| -> Value<'a> {
        match &coll {
            Value::Str(_) | Value::String(_) => {
                Value::Uint8(coll.as_str().unwrap_or_default().as_bytes()[i])
            }
            _ => coll.array_get(i).unwrap_or(Value::Nil),
        }
    };
    if slot + 3 > f.slots.len() {
        f.slots.resize(slot + 3, Value::Nil);
    }
    let extra_v = match extra {
        Some(e) => Some(eval(e, f)?),
        None => None,
    };
    // Runs the predicate on element i (or returns the element itself without a predicate).
    macro_rules! run {
        ($i:expr) => {{
            if f.budget.steps > limits::MAX_EVAL_STEPS {
                return fail(limits::STEPS_EXCEEDED.to_string(), loc);
            }
            let e = element($i);
            match pred {
                Some(p) => {
                    f.slots[slot] = e;
                    f.slots[slot + 1] = Value::Int($i as i64);
                    eval(p, f)?
                }
                None => e,
            }
        }};
    }
    let truth = |v: &Value<'a>| at(ops::as_bool(v), loc);
    match kind {
        PredKind::All => {
            for i in 0..len {
                let v = run!(i);
                if !truth(&v)? {
                    return Ok(Value::Bool(false));
                }
            }
            Ok(Value::Bool(true))
        }
        PredKind::Any => {
            for i in 0..len {
                let v = run!(i);
                if truth(&v)? {
                    return Ok(Value::Bool(true));
                }
            }
            Ok(Value::Bool(false))
        }
        PredKind::None => {
            for i in 0..len {
                let v = run!(i);
                if truth(&v)? {
                    return Ok(Value::Bool(false));
                }
            }
            Ok(Value::Bool(true))
        }
        PredKind::One | PredKind::Count => {
            let mut n = 0i64;
            for i in 0..len {
                let v = run!(i);
                if truth(&v)? {
                    n += 1;
                }
            }
            Ok(if kind == PredKind::One {
                Value::Bool(n == 1)
            } else {
                Value::Int(n)
            })
        }
        PredKind::Filter => {
            let mut out = Vec::new();
            for i in 0..len {
                let v = run!(i);
                if truth(&v)? {
                    out.push(element(i));
                }
            }
            at(f.budget.grow(out.len() as u64), loc)?;
            Ok(Value::list(out))
        }
        PredKind::Map => {
            let mut out = Vec::with_capacity(len);
            for i in 0..len {
                out.push(run!(i));
            }
            at(f.budget.grow(len as u64), loc)?;
            Ok(Value::list(out))
        }
        PredKind::Sum => {
            let mut acc = Value::Int(0);
            for i in 0..len {
                let v = run!(i);
                acc = at(ops::add(&acc, &v), loc)?;
            }
            Ok(acc)
        }
        PredKind::Find | PredKind::FindIndex => {
            for i in 0..len {
                let v = run!(i);
                if truth(&v)? {
                    return Ok(if kind == PredKind::Find {
                        element(i)
                    } else {
                        Value::Int(i as i64)
                    });
                }
            }
            Ok(if kind == PredKind::Find {
                Value::Nil
            } else {
                Value::Int(-1)
            })
        }
        PredKind::FindLast | PredKind::FindLastIndex => {
            for i in (0..len).rev() {
                let v = run!(i);
                if truth(&v)? {
                    return Ok(if kind == PredKind::FindLast {
                        element(i)
                    } else {
                        Value::Int(i as i64)
                    });
                }
            }
            Ok(if kind == PredKind::FindLast {
                Value::Nil
            } else {
                Value::Int(-1)
            })
        }
        PredKind::GroupBy => {
            let mut groups: Vec<(Value<'a>, Vec<Value<'a>>)> = Vec::new();
            // Scalar keys are found by hash; only other keys are compared one by one.
            let mut hashed: HashMap<String, usize> = HashMap::new();
            let mut unhashed: Vec<usize> = Vec::new();
            for i in 0..len {
                let k = run!(i);
                let found = match group_key(&k) {
                    Some(h) => match hashed.get(&h) {
                        Some(&g) => Some(g),
                        None => {
                            hashed.insert(h, groups.len());
                            None
                        }
                    },
                    None => {
                        let g = unhashed
                            .iter()
                            .copied()
                            .find(|&g| deep_equal(&groups[g].0, &k));
                        if g.is_none() {
                            unhashed.push(groups.len());
                        }
                        g
                    }
                };
                match found {
                    Some(g) => groups[g].1.push(element(i)),
                    None => groups.push((k, vec![element(i)])),
                }
            }
            Ok(Value::AnyMap(Arc::new(
                groups
                    .into_iter()
                    .map(|(k, items)| (k, Value::list(items)))
                    .collect(),
            )))
        }
        PredKind::SortBy => {
            let desc = match &extra_v {
                None => false,
                Some(o) => match at(ops::as_string(o), loc)? {
                    "asc" => false,
                    "desc" => true,
                    other => return fail(format!("unknown order {other}, use asc or desc"), loc),
                },
            };
            let mut keyed = Vec::with_capacity(len);
            for i in 0..len {
                let k = run!(i);
                keyed.push((k, element(i)));
            }
            let mut err = None;
            keyed.sort_by(|x, y| {
                let (p, q) = if desc { (&y.0, &x.0) } else { (&x.0, &y.0) };
                match builtins::sort_less(p, q) {
                    Ok(true) => std::cmp::Ordering::Less,
                    Ok(false) => match builtins::sort_less(q, p) {
                        Ok(true) => std::cmp::Ordering::Greater,
                        _ => std::cmp::Ordering::Equal,
                    },
                    Err(e) => {
                        err.get_or_insert(e);
                        std::cmp::Ordering::Equal
                    }
                }
            });
            if let Some(e) = err {
                return fail(e, loc);
            }
            at(f.budget.grow(len as u64), loc)?;
            Ok(Value::list(keyed.into_iter().map(|(_, e)| e).collect()))
        }
        PredKind::Reduce => {
            let (mut acc, start) = match extra_v {
                Some(init) => (init, 0),
                None => {
                    if len == 0 {
                        return fail(
                            "reduce of empty array with no initial value".to_string(),
                            loc,
                        );
                    }
                    (element(0), 1)
                }
            };
            for i in start..len {
                f.slots[slot + 2] = acc;
                acc = run!(i);
            }
            Ok(acc)
        }
    }
}
