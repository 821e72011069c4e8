//! Resource limits of the expression engine, so that no expression can hurt the server.
//!
//! - [`MAX_NODES`](super::parser::MAX_NODES): Go's node limit (10 000), checked by the parser.
//! - [`MAX_DEPTH`](super::parser::MAX_DEPTH): nesting depth, checked by the parser (bounds
//!   the recursion of the checker, the compiler and the evaluator too).
//! - [`MEMORY_BUDGET`]: Go's memory budget (1 000 000 elements) for ranges and for list-building
//!   built-ins; `1..2000000` fails with `memory budget exceeded`.
//! - [`MAX_STRING_BYTES`]: the largest string an expression builds or prints.
//! - [`MAX_VALUE_WEIGHT`]: the largest value counting shared parts once per reference.
//! - [`MAX_EVAL_STEPS`]: operations evaluated per evaluation, checked at every predicate
//!   iteration (the only way an expression of bounded size can keep running).
//! - [`MAX_VALUE_DEPTH`]: nesting of values built (`reduce(1..5000, [#acc], 0)` fails with
//!   `value nests deeper than 1000 levels`), which bounds every walk over values.

/// Go expr's `conf.DefaultMemoryBudget`.
pub const MEMORY_BUDGET: u64 = 1_000_000;

/// Largest string an expression builds (bytes): `repeat`, `+`, `string()`, `toJSON()`,
/// sprig functions; printing and JSON encoding stop there too.
pub const MAX_STRING_BYTES: u64 = 16 * 1024 * 1024;

/// Heaviest value an expression builds (see [`Value::weight`](super::value::Value::weight)):
/// sharing (`let a = …; [a, a, …]`, nested) cannot make a value exponentially large to print
/// or compare.
pub const MAX_VALUE_WEIGHT: u64 = 10_000_000;

/// Bytes of string built per evaluation step charged against [`MAX_EVAL_STEPS`] (so growing a
/// string one piece at a time in a loop is bounded too).
pub const STRING_BYTES_PER_STEP: u64 = 32;

/// Operations evaluated per evaluation (a few hundred milliseconds at most).
pub const MAX_EVAL_STEPS: u64 = 25_000_000;

/// Deepest nesting of a value built by an expression (Go has no limit; `reduce` can nest a
/// value once per element). Bounds every recursive walk over values.
pub const MAX_VALUE_DEPTH: u32 = 1_000;

/// The error text when the predicate step budget is exhausted.
pub const STEPS_EXCEEDED: &str = "evaluation step budget exceeded";

/// Runs one level of a recursive walk (over a syntax tree, a program or a value), first making
/// sure enough stack remains: near the end of the stack the walk continues on a new segment.
/// Costs a comparison otherwise, so walks are safe on any thread whatever their depth.
#[inline]
pub fn deeper<R>(f: impl FnOnce() -> R) -> R {
    use super::parser::{STACK_GROW, STACK_RED_ZONE};
    stacker::maybe_grow(STACK_RED_ZONE, STACK_GROW, f)
}
