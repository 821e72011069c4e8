//! Resource limits of the expression engine, so that no expression can hurt the server.
//!
//! - [`MAX_NODES`](super::parser::MAX_NODES): Go's node limit (10 000), checked by the parser.
//! - [`MAX_DEPTH`](super::parser::MAX_DEPTH): nesting depth, checked by the parser (bounds
//!   the recursion of the checker, the compiler and the evaluator too).
//! - [`MEMORY_BUDGET`]: Go's memory budget (1 000 000 elements) for ranges and for list-building
//!   built-ins; `1..2000000` fails with `memory budget exceeded`.
//! - [`MAX_STRING_BYTES`]: the largest string `repeat` may build.
//! - [`MAX_PREDICATE_STEPS`]: predicate iterations per evaluation (nested `map`/`filter`/…).
//! - [`MAX_VALUE_DEPTH`]: nesting of values walked recursively (`flatten`, JSON conversion).

/// Go expr's `conf.DefaultMemoryBudget`.
pub const MEMORY_BUDGET: u64 = 1_000_000;

/// Largest string `repeat` builds (bytes).
pub const MAX_STRING_BYTES: u64 = 16 * 1024 * 1024;

/// Predicate iterations allowed per evaluation.
pub const MAX_PREDICATE_STEPS: u64 = 10_000_000;

/// Deepest value nesting walked recursively.
pub const MAX_VALUE_DEPTH: usize = 1_000;

/// The error text when the predicate step budget is exhausted.
pub const STEPS_EXCEEDED: &str = "predicate step budget exceeded";
