//! flowgate: an Argo Workflows-compatible events endpoint. Webhooks in, Workflows out.
//!
//! # Layout
//! - [`expr`]: the expr-lang engine (lexer, parser, checker, compiler, evaluator, built-ins)
//!   and the Argo environments and encodings built on it.
//! - [`model`]: serde types for the Kubernetes and Argo objects (bindings, templates, workflows, RBAC).
#![forbid(unsafe_code)]

pub mod expr;
pub mod model;
