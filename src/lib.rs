//! flowgate: an Argo Workflows-compatible events endpoint. Webhooks in, Workflows out.
//!
//! # Layout
//! - [`config`]: the settings of `flowgate serve` (flags and `FLOWGATE_…` variables).
//! - [`app`]: assembling the server, running it, draining on shutdown.
//! - [`http`]: actix-web routes: the events endpoint, the read API, health.
//! - [`metrics`]: Prometheus counters served at `/metrics`.
//! - [`actors`]: the pipeline: Dispatcher → Matcher × N → Submitter, and the global queue bound.
//! - [`binding`]: compiling WorkflowEventBindings and turning an event into Workflows (pure).
//! - [`catalog`]: the in-memory bindings, templates and auth objects every event reads.
//! - [`store`]: the `Store` trait, the embedded backend (manifest folders + redb), manifest loading.
//! - [`auth`]: tokens, RBAC, creator labels, provider webhook signatures.
//! - [`expr`]: the expr-lang engine (lexer, parser, checker, compiler, evaluator, built-ins)
//!   and the Argo environments and encodings built on it.
//! - [`model`]: serde types for the Kubernetes and Argo objects (bindings, templates, workflows, RBAC).
#![forbid(unsafe_code)]

pub mod actors;
pub mod app;
pub mod auth;
pub mod binding;
pub mod catalog;
pub mod config;
pub mod expr;
pub mod http;
pub mod metrics;
pub mod model;
pub mod store;
