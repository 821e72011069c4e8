//! The selector index on the recorded conformance cases: each case's expression as the
//! selector of a one-binding namespace gives the same outcome planned through the index
//! (`dispatch::plan`) as evaluated unconditionally (`dispatch::plan_all`).
//!
//! Reads `../shared/conformance/expr/cases.jsonl` (a missing file is a failure, never a skip).
//! Every `selector` case runs against its own event, and also against every other distinct
//! event of the file, so selectors with literal comparisons meet events that rule them out.
//! The expressions of the other kinds run as selectors against their own events too. Prints
//! how many pairs ran and how many the index skipped.

#[path = "support/conformance_cases.rs"]
mod conformance_cases;

use std::collections::BTreeSet;
use std::sync::Arc;

use anyhow::{Context as _, Result, ensure};
use flowgate::binding::dispatch::{Context, TemplateInfo, plan, plan_all};
use flowgate::binding::{BindingSet, Caller, CompiledBinding, Event};
use flowgate::expr::Input;
use flowgate::model::{WorkflowEventBinding, WorkflowTemplateRef};
use serde_json::{Value as Json, json};

struct Ctx;

impl Context for Ctx {
    fn template(&self, _ns: &str, r: &WorkflowTemplateRef) -> Option<Arc<TemplateInfo>> {
        Some(Arc::new(TemplateInfo {
            name: r.name.clone(),
            ..TemplateInfo::default()
        }))
    }
    fn allowed(&self, _: &Caller, _: &str, _: &str, _: Option<&str>, _: Option<&str>) -> bool {
        true
    }
    fn instance_id(&self) -> Option<&str> {
        None
    }
}

fn binding(selector: &str) -> Result<CompiledBinding> {
    let b: WorkflowEventBinding = serde_json::from_value(json!({
        "metadata": {"name": "b", "namespace": "ns"},
        "spec": {
            "event": {"selector": selector},
            "submit": {
                "workflowTemplateRef": {"name": "t"},
                "metadata": {"name": "\"wf\""}
            }
        }
    }))?;
    Ok(CompiledBinding::compile(&b)?)
}

/// The event of a case's `env`, built as `flowgate expr` builds its input.
fn event(env: &Json) -> Event {
    let text = |k: &str| env.get(k).and_then(Json::as_str).unwrap_or("").to_string();
    let metadata = match env.get("metadata") {
        None | Some(Json::Null) => json!({}),
        Some(m) => m.clone(),
    };
    Event {
        id: "ev".into(),
        namespace: text("namespace"),
        discriminator: text("discriminator"),
        metadata,
        payload: env.get("payload").cloned().unwrap_or(Json::Null),
        caller: Caller::Server,
        delivery_id: None,
        grants: None,
    }
}

#[test]
fn index_agrees_with_every_selector_on_the_conformance_cases() -> Result<()> {
    let text = conformance_cases::read()?;
    let mut cases = Vec::new();
    let mut envs = BTreeSet::new();
    for line in text.lines().filter(|l| !l.trim().is_empty()) {
        let case: Json = flowgate::expr::cli::parse_json_deep(line)?;
        let id = case["id"].as_str().context("case without id")?.to_string();
        let kind = case["kind"]
            .as_str()
            .context("case without kind")?
            .to_string();
        let expr = case["expr"]
            .as_str()
            .context("case without expr")?
            .to_string();
        envs.insert(case["env"].to_string());
        cases.push((id, kind, expr, case["env"].clone()));
    }
    let envs: Vec<Event> = envs
        .iter()
        .map(|e| Ok(event(&serde_json::from_str(e)?)))
        .collect::<Result<_>>()?;

    let (mut pairs, mut skipped, mut with_terms, mut selectors) = (0, 0, 0, 0);
    let mut disagree = Vec::new();
    for (id, kind, expr, env) in &cases {
        let b = binding(expr)?;
        if !b.selector.index_terms().is_empty() {
            with_terms += 1;
        }
        let set = BindingSet::new(vec![b.clone()]);
        let own = event(env);
        let events: Vec<&Event> = if kind == "selector" {
            selectors += 1;
            std::iter::once(&own).chain(envs.iter()).collect()
        } else {
            vec![&own]
        };
        for ev in events {
            pairs += 1;
            let input = Input {
                namespace: &ev.namespace,
                discriminator: &ev.discriminator,
                metadata: &ev.metadata,
                payload: &ev.payload,
            };
            if set.index().candidates(&input).is_some_and(|c| c.is_empty()) {
                skipped += 1;
            }
            let indexed = plan(ev, &set, &Ctx);
            let all = plan_all(ev, std::slice::from_ref(&b), &Ctx);
            if indexed != all {
                disagree.push(format!(
                    "{id} ({expr}) on {}: indexed {indexed:?}, all {all:?}",
                    ev.payload
                ));
            }
        }
    }
    println!(
        "index conformance: {} cases ({selectors} selectors, {with_terms} with index terms), \
         {} distinct events, {pairs} (expression, event) pairs, {skipped} skipped by the index, \
         {} disagreements",
        cases.len(),
        envs.len(),
        disagree.len()
    );
    ensure!(
        selectors > 0,
        "no selector case in {}",
        conformance_cases::path().display()
    );
    ensure!(
        skipped > 0,
        "the index skipped no selector: the comparison says nothing"
    );
    ensure!(disagree.is_empty(), "{}", disagree.join("\n"));
    Ok(())
}
