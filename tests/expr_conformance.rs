//! Conformance of the expression engine with Go expr v1.17.8 as Argo uses it.
//!
//! Reads `../shared/conformance/expr/cases.jsonl` (relative to the crate; a missing file is a
//! failure, never a skip), evaluates every case with `flowgate::expr::cli::evaluate`, compares
//! it with the recorded outcome following the rules of that folder's README, prints the pass
//! rates of value results and of exact error texts, and checks them against
//! `tests/expr_deviations.txt`, which lists every case that does not pass, with its reason.
//! A listed case that passes fails the test, so the list stays honest.

#[path = "support/conformance_cases.rs"]
mod conformance_cases;

use std::collections::BTreeMap;
use std::path::PathBuf;

use anyhow::{Context, Result, bail};
use serde_json::Value as Json;

fn numbers_equal(a: &Json, b: &Json) -> bool {
    match (a.as_f64(), b.as_f64()) {
        (Some(x), Some(y)) => x == y && x.is_sign_negative() == y.is_sign_negative(),
        _ => false,
    }
}

/// JSON equality with numbers compared numerically (`-0` is not `0`).
fn json_equal(a: &Json, b: &Json) -> bool {
    match (a, b) {
        (Json::Number(_), Json::Number(_)) => numbers_equal(a, b),
        (Json::Array(x), Json::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(p, q)| json_equal(p, q))
        }
        (Json::Object(x), Json::Object(y)) => {
            x.len() == y.len()
                && x.iter()
                    .all(|(k, v)| y.get(k).is_some_and(|w| json_equal(v, w)))
        }
        _ => a == b,
    }
}

#[derive(Debug, PartialEq)]
enum Outcome {
    /// Value, type and class all match (and the error text, for error cases).
    Pass,
    /// An error case whose class and phase match but whose text differs.
    ErrorText,
    /// Wrong class, phase, value or type.
    Wrong,
}

fn compare(expect: &Json, got: &Json) -> Outcome {
    let want_err = expect.get("error");
    let got_err = got.get("error");
    match (want_err, got_err) {
        (Some(w), Some(g)) => {
            if expect.get("phase") != got.get("phase") {
                Outcome::Wrong
            } else if w == g {
                Outcome::Pass
            } else {
                Outcome::ErrorText
            }
        }
        (None, None) => {
            for key in ["result", "value", "type"] {
                match (expect.get(key), got.get(key)) {
                    (None, None) => {}
                    (Some(a), Some(b)) if json_equal(a, b) => {}
                    _ => return Outcome::Wrong,
                }
            }
            // `repr` and `marshal_error` are Go-specific text: only their presence counts.
            if expect.get("marshal_error").is_some() != got.get("marshal_error").is_some() {
                return Outcome::Wrong;
            }
            Outcome::Pass
        }
        _ => Outcome::Wrong,
    }
}

fn load_deviations(path: &PathBuf) -> Result<BTreeMap<String, String>> {
    let text =
        std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
    let mut out = BTreeMap::new();
    for line in text.lines() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let (id, reason) = line.split_once(char::is_whitespace).unwrap_or((line, ""));
        if reason.trim().is_empty() {
            bail!("deviation {id} has no reason");
        }
        out.insert(id.to_string(), reason.trim().to_string());
    }
    Ok(out)
}

#[test]
fn expr_conformance() -> Result<()> {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let text = conformance_cases::read()?;
    let deviations = load_deviations(&root.join("tests/expr_deviations.txt"))?;

    let (mut values, mut values_ok, mut errors, mut errors_exact) = (0, 0, 0, 0);
    let mut failing = BTreeMap::new();
    let mut problems = Vec::new();
    for line in text.lines().filter(|l| !l.trim().is_empty()) {
        let case: Json = flowgate::expr::cli::parse_json_deep(line)?;
        let id = case["id"].as_str().context("case without id")?.to_string();
        let kind = case["kind"].as_str().context("case without kind")?;
        let expr = case["expr"].as_str().context("case without expr")?;
        let expect = &case["expect"];
        let got = flowgate::expr::cli::evaluate(kind, &case["env"], expr);
        let outcome = compare(expect, &got);
        if expect.get("error").is_some() {
            errors += 1;
            if outcome == Outcome::Pass {
                errors_exact += 1;
            }
        } else {
            values += 1;
            if outcome == Outcome::Pass {
                values_ok += 1;
            }
        }
        if outcome != Outcome::Pass {
            failing.insert(id.clone(), (outcome, expect.clone(), got.clone()));
        }
    }

    let pct = |a: usize, b: usize| 100.0 * a as f64 / b.max(1) as f64;
    println!(
        "expr conformance: value results {values_ok}/{values} ({:.1} %), exact error texts {errors_exact}/{errors} ({:.1} %)",
        pct(values_ok, values),
        pct(errors_exact, errors)
    );

    for (id, (outcome, expect, got)) in &failing {
        if !deviations.contains_key(id) {
            problems.push(format!(
                "{id} fails ({outcome:?}) and is not listed in tests/expr_deviations.txt\n   expect: {expect}\n   got:    {got}"
            ));
        }
    }
    for id in deviations.keys() {
        if !failing.contains_key(id) {
            problems.push(format!(
                "{id} is listed in tests/expr_deviations.txt but now passes: remove it"
            ));
        }
    }
    // Value results must all pass, apart from listed deviations.
    let unlisted_value_failures = failing
        .iter()
        .filter(|(id, (o, e, _))| {
            *o == Outcome::Wrong && e.get("error").is_none() && !deviations.contains_key(*id)
        })
        .count();
    if unlisted_value_failures > 0 {
        problems.push(format!(
            "{unlisted_value_failures} value results differ from Go"
        ));
    }
    if pct(errors_exact, errors) < 95.0 {
        problems.push(format!(
            "exact error texts {:.1} % is below the required 95 %",
            pct(errors_exact, errors)
        ));
    }
    if !problems.is_empty() {
        bail!("{}", problems.join("\n"));
    }
    Ok(())
}
