//! flowgate: an Argo Workflows-compatible events endpoint. Webhooks in, Workflows out.
//!
//! # Layout
//! - [`expr`]: the expr-lang engine (lexer, parser, checker, compiler, evaluator, built-ins)
//!   and the Argo environments and encodings built on it.
#![forbid(unsafe_code)]

pub mod expr;
