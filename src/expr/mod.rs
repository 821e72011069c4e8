//! Placeholder for the expr-lang engine, with the engine's public API.
//!
//! Takes an expression source and an environment kind; returns a compiled [`Expression`]
//! that evaluates selectors (`bool`), parameters (Argo-encoded strings) and metadata values
//! (strings). This placeholder only understands the literals `true` and `false` and quoted
//! string literals; everything else is a [`Phase::Compile`] error
//! "expression engine not available". It is replaced by the real engine.

pub mod cli;

/// Which names an expression may use.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EnvKind {
    /// `spec.event.selector` and `valueFrom.event`: the event plus expr built-ins.
    Plain,
    /// `submit.metadata` values: also `asInt`, `asFloat`, `jsonpath`, `toJson`, `sprig`.
    Metadata,
}

/// The event an expression is evaluated against.
#[derive(Debug, Clone, Copy)]
pub struct Input<'a> {
    /// `namespace`.
    pub namespace: &'a str,
    /// `discriminator`.
    pub discriminator: &'a str,
    /// `metadata`: lower-cased `x-` headers, each a list of strings.
    pub metadata: &'a serde_json::Value,
    /// `payload`: the request body.
    pub payload: &'a serde_json::Value,
}

/// The phase in which an expression failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Phase {
    /// Lexing, parsing or type checking.
    Compile,
    /// Evaluation.
    Run,
    /// The selector result is not a bool.
    Cast,
    /// The parameter result cannot be encoded as JSON.
    Marshal,
    /// The metadata result is not a string.
    Type,
}

/// An expression error, without Argo's context prefixes.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct ExprError {
    /// Where it failed.
    pub phase: Phase,
    /// The message as Argo prints it after its prefix.
    pub message: String,
}

#[derive(Debug, Clone)]
enum Compiled {
    Bool(bool),
    Str(String),
    Error(ExprError),
}

/// A compiled expression. Cheap to clone; `Send + Sync`.
#[derive(Debug, Clone)]
pub struct Expression {
    source: std::sync::Arc<str>,
    compiled: std::sync::Arc<Compiled>,
}

fn compile_error(message: &str) -> Compiled {
    Compiled::Error(ExprError { phase: Phase::Compile, message: message.to_string() })
}

impl Expression {
    /// Compiles `source` for the given environment.
    pub fn new(source: &str, _env: EnvKind) -> Expression {
        let t = source.trim();
        let compiled = if t.is_empty() {
            compile_error("unexpected token EOF")
        } else if t == "true" || t == "false" {
            Compiled::Bool(t == "true")
        } else if let Some(s) = string_literal(t) {
            Compiled::Str(s)
        } else {
            compile_error("expression engine not available")
        };
        Expression { source: source.into(), compiled: std::sync::Arc::new(compiled) }
    }

    /// The source text.
    pub fn source(&self) -> &str {
        &self.source
    }

    /// The compile error, if any.
    pub fn syntax_error(&self) -> Option<&ExprError> {
        match &*self.compiled {
            Compiled::Error(e) => Some(e),
            _ => None,
        }
    }

    /// Evaluates a selector.
    pub fn selector(&self, _input: &Input<'_>) -> Result<bool, ExprError> {
        match &*self.compiled {
            Compiled::Bool(b) => Ok(*b),
            Compiled::Str(s) => Err(ExprError {
                phase: Phase::Cast,
                message: format!("unable to cast expression result '{s}' to bool"),
            }),
            Compiled::Error(e) => Err(e.clone()),
        }
    }

    /// Evaluates a parameter into Argo's string encoding.
    pub fn param(&self, _input: &Input<'_>) -> Result<String, ExprError> {
        match &*self.compiled {
            Compiled::Bool(b) => Ok(b.to_string()),
            Compiled::Str(s) => {
                let json = serde_json::to_string(s).unwrap_or_default();
                Ok(json[1..json.len() - 1].to_string())
            }
            Compiled::Error(e) => Err(e.clone()),
        }
    }

    /// Evaluates a metadata value, which must be a string.
    pub fn metadata(&self, _input: &Input<'_>) -> Result<String, ExprError> {
        match &*self.compiled {
            Compiled::Bool(_) => Err(ExprError {
                phase: Phase::Type,
                message: "must evaluate to a string, not a bool".to_string(),
            }),
            Compiled::Str(s) => Ok(s.clone()),
            Compiled::Error(e) => Err(e.clone()),
        }
    }
}

fn string_literal(t: &str) -> Option<String> {
    let q = t.chars().next()?;
    if (q != '"' && q != '\'') || t.len() < 2 || !t.ends_with(q) {
        return None;
    }
    let inner = &t[1..t.len() - 1];
    if inner.contains(q) || inner.contains('\\') {
        return None;
    }
    Some(inner.to_string())
}
