//! `flowgate expr`: evaluate one expression from the command line (placeholder).

use std::io::Write;
use std::process::ExitCode;

use super::{EnvKind, Expression, Input};

/// Errors of the `expr` subcommand.
#[derive(Debug, thiserror::Error)]
pub enum CliError {
    /// The payload is not JSON.
    #[error("payload is not JSON: {0}")]
    Payload(#[from] serde_json::Error),
    /// Writing the result failed.
    #[error("cannot write the result: {0}")]
    Io(#[from] std::io::Error),
}

/// Arguments of `flowgate expr`.
#[derive(Debug, clap::Args)]
pub struct ExprArgs {
    /// The expression.
    pub expression: String,
    /// The event payload, as JSON.
    #[arg(long, default_value = "null")]
    pub payload: String,
}

/// Evaluates the expression as a selector and prints the result.
pub fn run(args: &ExprArgs, out: &mut dyn Write) -> Result<ExitCode, CliError> {
    let payload: serde_json::Value = serde_json::from_str(&args.payload)?;
    let metadata = serde_json::json!({});
    let input = Input { namespace: "", discriminator: "", metadata: &metadata, payload: &payload };
    match Expression::new(&args.expression, EnvKind::Plain).selector(&input) {
        Ok(b) => {
            writeln!(out, "{b}")?;
            Ok(ExitCode::SUCCESS)
        }
        Err(e) => {
            writeln!(out, "error: {e}")?;
            Ok(ExitCode::FAILURE)
        }
    }
}
