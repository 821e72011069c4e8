//! `flowgate expr`: evaluate an expression the way Argo does, for users and for tests.
//!
//! Takes command-line arguments ([`ExprArgs`]) and writes one JSON result in the `expect` shape
//! of the conformance format (`{"result": …}`, `{"value": …}`, `{"value": …, "type": …}` or
//! `{"error": …, "phase": …}`), or, with `--cases FILE.jsonl`, one line
//! `{"id": …, "got": {…}}` per case. Returns exit code 0 when every evaluation succeeded and 1
//! when one reported an error; I/O and usage problems are a [`CliError`].

use std::io::{Read, Write};
use std::process::ExitCode;

use serde_json::{Value as Json, json};

use super::argo::{EnvKind, Expression, Input};
use super::error::ExprError;
use super::gofmt::{self, JsonOptions};

/// Arguments of `flowgate expr`.
#[derive(Debug, Clone, clap::Args)]
pub struct ExprArgs {
    /// How the result is used: `expr` (raw value and Go type), `selector`, `param` or `metadata`.
    #[arg(long, default_value = "expr", value_parser = ["expr", "selector", "param", "metadata"])]
    pub kind: String,
    /// The event body: a JSON file, or `-` for standard input (default: `{}`).
    #[arg(long)]
    pub payload: Option<String>,
    /// A request header `Name: value` (repeatable); `X-` headers become `metadata`.
    #[arg(long = "header")]
    pub headers: Vec<String>,
    /// The event's discriminator.
    #[arg(long, default_value = "")]
    pub discriminator: String,
    /// The event's namespace.
    #[arg(long, default_value = "default")]
    pub namespace: String,
    /// Evaluate every case of a conformance JSON Lines file instead of one expression.
    #[arg(long, conflicts_with = "expression")]
    pub cases: Option<String>,
    /// The expression.
    #[arg(required_unless_present = "cases")]
    pub expression: Option<String>,
}

/// A failure of the command itself (not of an expression).
#[derive(Debug, thiserror::Error)]
pub enum CliError {
    /// A file or stream could not be read or written.
    #[error("{what}: {source}")]
    Io {
        /// What was being read or written.
        what: String,
        /// The cause.
        #[source]
        source: std::io::Error,
    },
    /// Input that is not valid JSON.
    #[error("{what}: invalid JSON: {source}")]
    Json {
        /// Which input.
        what: String,
        /// The cause.
        #[source]
        source: serde_json::Error,
    },
    /// A malformed argument.
    #[error("{0}")]
    Usage(String),
}

/// Parses JSON without serde_json's nesting limit of 128 (expressions may build deeper
/// values; the engine bounds them itself).
pub fn parse_json_deep(text: &str) -> Result<Json, serde_json::Error> {
    use serde::Deserialize;
    let mut de = serde_json::Deserializer::from_str(text);
    de.disable_recursion_limit();
    let v = Json::deserialize(&mut de)?;
    de.end()?;
    Ok(v)
}

fn error_json(e: &ExprError) -> Json {
    json!({"error": e.message, "phase": e.phase.as_str()})
}

/// Evaluates `expr` as `kind` against `env` (`{namespace, discriminator, metadata,
/// payload}`) and returns the result in the conformance `expect` shape.
pub fn evaluate(kind: &str, env: &Json, expr: &str) -> Json {
    static EMPTY: Json = Json::Null;
    let obj = |k: &str| env.get(k).unwrap_or(&EMPTY);
    let metadata = obj("metadata");
    let empty_map = json!({});
    let input = Input {
        namespace: obj("namespace").as_str().unwrap_or(""),
        discriminator: obj("discriminator").as_str().unwrap_or(""),
        metadata: if metadata.is_null() {
            &empty_map
        } else {
            metadata
        },
        payload: obj("payload"),
    };
    let env_kind = if kind == "metadata" {
        EnvKind::Metadata
    } else {
        EnvKind::Plain
    };
    let e = Expression::new(expr, env_kind);
    match kind {
        "selector" => match e.selector(&input) {
            Ok(b) => json!({"result": b}),
            Err(err) => error_json(&err),
        },
        "param" => match e.param(&input) {
            Ok(s) => json!({"value": s}),
            Err(err) => error_json(&err),
        },
        "metadata" => match e.metadata(&input) {
            Ok(s) => json!({"value": s}),
            Err(err) => error_json(&err),
        },
        _ => match e.eval(&input) {
            Ok(v) => match gofmt::to_json(&v, JsonOptions::MARSHAL) {
                Ok(text) => {
                    let value: Json = parse_json_deep(&text).unwrap_or(Json::Null);
                    json!({"value": value, "type": v.go_type()})
                }
                Err(m) => json!({
                    "type": v.go_type(),
                    "repr": gofmt::sprint_v(&v),
                    "marshal_error": m.0,
                }),
            },
            Err(err) => error_json(&err),
        },
    }
}

fn read_payload(spec: Option<&str>) -> Result<Json, CliError> {
    let text = match spec {
        None => return Ok(json!({})),
        Some("-") => {
            let mut s = String::new();
            std::io::stdin()
                .read_to_string(&mut s)
                .map_err(|source| CliError::Io {
                    what: "standard input".into(),
                    source,
                })?;
            s
        }
        Some(path) => std::fs::read_to_string(path).map_err(|source| CliError::Io {
            what: path.to_string(),
            source,
        })?,
    };
    if text.trim().is_empty() {
        return Ok(Json::Null);
    }
    serde_json::from_str(&text).map_err(|source| CliError::Json {
        what: "payload".into(),
        source,
    })
}

fn headers_to_metadata(headers: &[String]) -> Result<Json, CliError> {
    let mut map = serde_json::Map::new();
    for h in headers {
        let Some((name, value)) = h.split_once(':') else {
            return Err(CliError::Usage(format!(
                "--header {h:?}: expected \"Name: value\""
            )));
        };
        let name = name.trim().to_ascii_lowercase();
        if !name.starts_with("x-") {
            continue;
        }
        let entry = map.entry(name).or_insert_with(|| Json::Array(Vec::new()));
        if let Json::Array(a) = entry {
            a.push(Json::String(value.trim_start().to_string()));
        }
    }
    Ok(Json::Object(map))
}

fn write_line(out: &mut dyn Write, v: &Json) -> Result<(), CliError> {
    writeln!(out, "{v}").map_err(|source| CliError::Io {
        what: "output".into(),
        source,
    })
}

/// Runs `flowgate expr`.
pub fn run(args: &ExprArgs, out: &mut dyn Write) -> Result<ExitCode, CliError> {
    if let Some(path) = &args.cases {
        let text = std::fs::read_to_string(path).map_err(|source| CliError::Io {
            what: path.clone(),
            source,
        })?;
        let mut all_ok = true;
        for (n, line) in text.lines().enumerate() {
            if line.trim().is_empty() {
                continue;
            }
            let case: Json = parse_json_deep(line).map_err(|source| CliError::Json {
                what: format!("{path}:{}", n + 1),
                source,
            })?;
            let kind = case["kind"].as_str().unwrap_or("expr");
            let expr = case["expr"].as_str().unwrap_or("");
            let got = evaluate(kind, &case["env"], expr);
            all_ok &= got.get("error").is_none();
            write_line(out, &json!({"id": case["id"], "got": got}))?;
        }
        return Ok(if all_ok {
            ExitCode::SUCCESS
        } else {
            ExitCode::from(1)
        });
    }
    let env = json!({
        "namespace": args.namespace,
        "discriminator": args.discriminator,
        "metadata": headers_to_metadata(&args.headers)?,
        "payload": read_payload(args.payload.as_deref())?,
    });
    let expr = args.expression.as_deref().unwrap_or("");
    let got = evaluate(&args.kind, &env, expr);
    write_line(out, &got)?;
    Ok(if got.get("error").is_some() {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}
