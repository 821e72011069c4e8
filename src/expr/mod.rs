//! The expr-lang engine: a compatible implementation of expr-lang/expr v1.17.8 (the version
//! Argo Workflows uses), compiled once per binding and evaluated on borrowed JSON.
//!
//! Pipeline: [`lexer`] → [`parser`] (Pratt, Go's grammar) → [`checker`] (Go's compile-time
//! errors for a `map[string]any` environment) → [`fold`] (Go's constant folding) →
//! [`compile`] (a tree of resolved operations) → [`eval`] (with [`builtins`], [`ops`],
//! [`sprig`], [`jsonpath`], bounded by [`limits`]). [`argo`] wraps it in Argo's selector,
//! parameter and metadata semantics; [`gofmt`] reproduces Go's text encodings; [`cli`] is
//! `flowgate expr`. [`index`] finds the literal comparisons (`payload.repo == "x"`) that let a
//! binding index skip selectors that cannot match.
//!
//! Takes expression sources and events ([`Input`]); returns booleans, strings or [`Value`]s,
//! or an [`ExprError`] whose message is exactly Go's.

pub mod argo;
pub mod ast;
pub mod builtins;
pub mod checker;
pub mod cli;
pub mod compile;
pub mod error;
pub mod eval;
pub mod fold;
pub mod gofmt;
pub mod index;
pub mod jsonpath;
pub mod lexer;
pub mod limits;
pub mod ops;
pub mod parser;
pub mod regex;
pub mod sprig;
pub mod value;

pub use argo::{EnvKind, Expression, Input};
pub use error::{ExprError, Phase};
pub use index::{IndexError, IndexKey, IndexPath, IndexTerm};
pub use value::Value;
