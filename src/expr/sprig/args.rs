//! How Go's `reflect.Value.Call` hands expr's arguments to a sprig function.
//!
//! expr calls every `sprig.*` function through reflection (its `OpCall`), so before the
//! function runs Go checks the argument count and that each argument's dynamic type is
//! *assignable* to the parameter type: nothing converts, so a JSON number (`float64`) passed
//! where sprig expects `int` fails with `reflect: Call using float64 as type int`. A nil
//! argument arrives as a zero `interface {}` value (expr's "nil hack"), which only
//! `interface {}` parameters accept.
//!
//! Takes the parameter list of a function and its arguments; returns Go's panic text.

use crate::expr::value::{MapKind, Value};

/// A Go parameter type used by sprig's functions.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum P {
    /// `interface {}`: accepts anything, including nil.
    Any,
    /// `string`.
    Str,
    /// `int`: only expr's integer literals and `int` results (not `int64`, not `float64`).
    Int,
    /// `bool`.
    Bool,
    /// `float64`.
    F64,
    /// `map[string]interface {}`.
    Map,
}

impl P {
    /// The type as Go's `reflect.Type.String()` prints it.
    fn go_name(self) -> &'static str {
        match self {
            P::Any => "interface {}",
            P::Str => "string",
            P::Int => "int",
            P::Bool => "bool",
            P::F64 => "float64",
            P::Map => "map[string]interface {}",
        }
    }

    /// Go's `AssignableTo` for the argument's dynamic type.
    fn accepts(self, v: &Value<'_>) -> bool {
        match self {
            P::Any => true,
            P::Str => matches!(v, Value::Str(_) | Value::String(_)),
            P::Int => matches!(v, Value::Int(_)),
            P::Bool => matches!(v, Value::Bool(_)),
            P::F64 => matches!(v, Value::Float(_)),
            P::Map => match v {
                Value::JsonMap(_) => true,
                Value::Map(m) => m.kind == MapKind::Any,
                _ => false,
            },
        }
    }
}

/// The argument's type as reflect reports it: nil arrives as `interface {}`.
fn arg_type(v: &Value<'_>) -> String {
    match v {
        Value::Nil => "interface {}".to_string(),
        _ => v.go_type().into_owned(),
    }
}

/// A function's parameter list: fixed parameters, then an optional variadic element type.
#[derive(Clone, Copy, Debug)]
pub struct Sig {
    /// Fixed parameters, in order.
    pub fixed: &'static [P],
    /// The element type of a final `...T` parameter.
    pub variadic: Option<P>,
}

/// Checks `args` against `sig` in the order `reflect.Value.Call` does: count, fixed
/// parameter types, then variadic element types.
pub fn check(args: &[Value<'_>], sig: Sig) -> Result<(), String> {
    let n = sig.fixed.len();
    if args.len() < n {
        return Err("reflect: Call with too few input arguments".to_string());
    }
    if sig.variadic.is_none() && args.len() > n {
        return Err("reflect: Call with too many input arguments".to_string());
    }
    for (v, p) in args.iter().zip(sig.fixed) {
        if !p.accepts(v) {
            return Err(format!(
                "reflect: Call using {} as type {}",
                arg_type(v),
                p.go_name()
            ));
        }
    }
    if let Some(p) = sig.variadic {
        for v in &args[n..] {
            if !p.accepts(v) {
                return Err(format!(
                    "reflect: cannot use {} as type {} in Call",
                    arg_type(v),
                    p.go_name()
                ));
            }
        }
    }
    Ok(())
}

/// Checked arguments with typed accessors. After [`check`] succeeded the accessors cannot
/// meet a wrong type; they still fall back to zero values instead of panicking.
pub struct Args<'a> {
    values: Vec<Value<'a>>,
}

impl<'a> Args<'a> {
    /// Wraps already checked arguments.
    pub fn new(values: Vec<Value<'a>>) -> Args<'a> {
        Args { values }
    }

    /// The number of arguments.
    pub fn len(&self) -> usize {
        self.values.len()
    }

    /// Argument `i` (nil when absent).
    pub fn get(&self, i: usize) -> &Value<'a> {
        self.values.get(i).unwrap_or(&Value::Nil)
    }

    /// Argument `i` as a Go `string`.
    pub fn str(&self, i: usize) -> &str {
        self.get(i).as_str().unwrap_or_default()
    }

    /// Argument `i` as a Go `int`.
    pub fn int(&self, i: usize) -> i64 {
        self.get(i).as_integer().unwrap_or(0)
    }

    /// Argument `i` as a Go `bool`.
    pub fn bool(&self, i: usize) -> bool {
        self.get(i).as_bool().unwrap_or(false)
    }

    /// Argument `i` as a Go `float64`.
    pub fn f64(&self, i: usize) -> f64 {
        self.get(i).as_number().unwrap_or(0.0)
    }

    /// Moves argument `i` out (leaving nil).
    pub fn take(&mut self, i: usize) -> Value<'a> {
        self.values
            .get_mut(i)
            .map(|v| std::mem::replace(v, Value::Nil))
            .unwrap_or(Value::Nil)
    }

    /// All arguments from `i` on (a variadic tail).
    pub fn rest(&self, i: usize) -> &[Value<'a>] {
        self.values.get(i..).unwrap_or_default()
    }

    /// Moves all arguments from `i` on out.
    pub fn take_rest(&mut self, i: usize) -> Vec<Value<'a>> {
        if i >= self.values.len() {
            return Vec::new();
        }
        self.values.split_off(i)
    }
}
