//! The Kubernetes backend end to end: several replicas against one API server, RBAC answers,
//! live binding changes, and what an event costs the API server.

use std::collections::HashMap;
use std::process::Stdio;
use std::time::Duration;

use serde_json::Value;
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::{Child, Command};

use crate::cluster::{SERVER_USER, cluster};
use crate::helpers::*;

const NS: &str = "replicas";
const TOKEN: &str = "replicas-token";

/// A second `flowgate serve` against the same API server.
struct Replica {
    base: String,
    child: Child,
}

impl Replica {
    async fn start(sync: bool) -> Replica {
        let c = cluster();
        let log = tempfile::NamedTempFile::new().unwrap();
        let (log_file, log_path) = log.keep().unwrap();
        let mut child = Command::new(env!("CARGO_BIN_EXE_flowgate"))
            .arg("serve")
            .arg("--listen=127.0.0.1:0")
            .arg("--backend=kubernetes")
            .arg(format!("--kubeconfig={}", c.server_kubeconfig.display()))
            .arg(format!("--event-async-dispatch={}", !sync))
            .env("FLOWGATE_LOG", "info")
            .env("POD_NAME", "replica-b")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::from(log_file))
            .kill_on_drop(true)
            .spawn()
            .unwrap();
        let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
        let line = tokio::time::timeout(Duration::from_secs(60), lines.next_line())
            .await
            .expect("no address line")
            .unwrap()
            .unwrap_or_else(|| {
                panic!(
                    "replica exited: {}",
                    std::fs::read_to_string(&log_path).unwrap_or_default()
                )
            });
        let base = line.rsplit(' ').next().unwrap().to_string();
        let client = http_client();
        for _ in 0..1200 {
            if let Ok(r) = client.get(format!("{base}/readyz")).send().await
                && r.status() == 200
            {
                return Replica { base, child };
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        panic!("replica never ready");
    }
}

async fn post(
    client: &reqwest::Client,
    base: &str,
    token: &str,
    n: usize,
) -> Result<String, String> {
    let r = client
        .post(format!("{base}/api/v1/events/{NS}/"))
        .header("Authorization", format!("Bearer {token}"))
        .body(format!("{{\"n\": {n}}}"))
        .send()
        .await
        .map_err(|e| e.to_string())?;
    let status = r.status();
    let id = r
        .headers()
        .get("x-flowgate-event-id")
        .and_then(|v| v.to_str().ok())
        .map(str::to_string);
    let text = r.text().await.map_err(|e| e.to_string())?;
    match (status.as_u16(), id) {
        (200, Some(id)) => Ok(id),
        (code, _) => Err(format!("{code} {text}")),
    }
}

async fn replicas_app(opts: Options) -> TestApp {
    let app = spawn_app(opts.no_examples()).await;
    app.write_manifest(
        "replicas.yaml",
        &[
            service_account(NS, "sender", TOKEN),
            template(NS, "tmpl"),
            binding(NS, "on-any", "true", "tmpl", false, "string(payload.n)"),
        ]
        .join("---\n"),
    );
    app
}

/// Event id → number of workflows carrying it.
async fn workflows_by_event(app: &TestApp) -> HashMap<String, usize> {
    let mut out = HashMap::new();
    for wf in app.workflows_as(NS, TOKEN).await {
        let id = wf["metadata"]["annotations"]["flowgate.io/event-id"]
            .as_str()
            .unwrap_or_default()
            .to_string();
        *out.entry(id).or_default() += 1;
    }
    out
}

#[tokio::test]
async fn two_replicas_each_serve_events() {
    let app = replicas_app(Options::default().sync()).await;
    let b = Replica::start(true).await;
    let token = app.token(TOKEN);
    let mut ids = Vec::new();
    for n in 0..10 {
        let base = if n % 2 == 0 { &app.base } else { &b.base };
        ids.push(post(&app.client, base, &token, n).await.expect("accepted"));
    }
    let by_event = workflows_by_event(&app).await;
    assert_eq!(by_event.len(), 10, "{by_event:?}");
    for id in &ids {
        assert_eq!(by_event.get(id), Some(&1), "event {id}");
    }
    let wfs = app.workflows_as(NS, TOKEN).await;
    assert!(wfs.iter().all(|w| label(w, "workflows.argoproj.io/creator")
        == Some("system-serviceaccount-replicas-sender")));
    drop(b);
}

/// Synchronous dispatch acknowledges an event once its workflows exist. One replica is
/// killed while both take events: every acknowledged event has its workflow, exactly once;
/// only events the killed replica never acknowledged may be missing.
#[tokio::test]
async fn killing_a_replica_loses_only_unacknowledged_events() {
    let app = replicas_app(Options::default().sync()).await;
    let mut b = Replica::start(true).await;
    let token = app.token(TOKEN);
    let client = http_client();
    let send = |base: String, from: usize| {
        let (client, token) = (client.clone(), token.clone());
        tokio::spawn(async move {
            let mut results = Vec::new();
            for n in from..from + 60 {
                results.push(post(&client, &base, &token, n).await);
            }
            results
        })
    };
    let to_a = send(app.base.clone(), 0);
    let to_b = send(b.base.clone(), 1000);
    // Kill B once it has taken some events.
    for _ in 0..600 {
        if workflows_by_event(&app).await.len() >= 20 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    b.child.start_kill().unwrap();
    let a_results = to_a.await.unwrap();
    let b_results = to_b.await.unwrap();
    assert!(
        a_results.iter().all(Result::is_ok),
        "the surviving replica accepts everything: {a_results:?}"
    );
    let acknowledged: Vec<&String> = a_results
        .iter()
        .chain(&b_results)
        .filter_map(|r| r.as_ref().ok())
        .collect();
    let unacknowledged = b_results.iter().filter(|r| r.is_err()).count();
    assert!(unacknowledged > 0, "B was killed while events flowed");
    let by_event = workflows_by_event(&app).await;
    for id in &acknowledged {
        assert_eq!(by_event.get(*id), Some(&1), "acknowledged event {id}");
    }
    assert!(
        by_event.values().all(|n| *n == 1),
        "no duplicates: {by_event:?}"
    );
    let extra = by_event.len() - acknowledged.len();
    assert!(
        extra <= unacknowledged,
        "only events in flight at the kill may exist without an acknowledgement"
    );
    eprintln!(
        "acknowledged {} events, {unacknowledged} unacknowledged by the killed replica, \
         {extra} of those were still created",
        acknowledged.len()
    );
}

#[tokio::test]
async fn a_token_without_permission_gets_403() {
    let app = replicas_app(Options::default().sync()).await;
    let c = cluster();
    for (token, user) in [
        (&c.nobody_token, "nobody"),
        (&c.wfeb_token, "wfeb-controller"),
    ] {
        let r = app.post_event(NS, "", "{}", Some(token), &[]).await;
        assert_eq!(r.status(), 403);
        let body: Value = r.json().await.unwrap();
        assert_eq!(body["code"], 7);
        assert_eq!(
            body["message"],
            format!(
                "workfloweventbindings.argoproj.io is forbidden: User \"{user}\" cannot list resource \"workfloweventbindings\" in API group \"argoproj.io\" in the namespace \"{NS}\""
            )
        );
        let (status, _) = app
            .get(&format!("/api/v1/workflows/{NS}"), Some(token))
            .await;
        assert_eq!(status, 403);
    }
    let r = app.post_event(NS, "", "{}", Some("not-a-token"), &[]).await;
    assert_eq!(r.status(), 401);
    assert!(app.workflows_as(NS, TOKEN).await.is_empty());
}

#[tokio::test]
async fn a_binding_added_or_removed_while_running_is_seen() {
    let app = spawn_app(Options::default().sync().no_examples()).await;
    app.write_manifest(
        "base.yaml",
        &[service_account(NS, "sender", TOKEN), template(NS, "tmpl")].join("---\n"),
    );
    let r = app
        .post_event(NS, "", r#"{"n": 1}"#, Some(TOKEN), &[])
        .await;
    assert_eq!(r.status(), 200);
    assert!(
        app.workflows_as(NS, TOKEN).await.is_empty(),
        "no binding yet"
    );

    app.write_manifest(
        "binding.yaml",
        &binding(NS, "live", "true", "tmpl", false, "string(payload.n)"),
    );
    let r = app
        .post_event(NS, "", r#"{"n": 2}"#, Some(TOKEN), &[])
        .await;
    assert_eq!(r.status(), 200);
    let wfs = app.workflows_as(NS, TOKEN).await;
    assert_eq!(wfs.len(), 1);
    assert_eq!(params(&wfs[0]), vec![("p".to_string(), "2".to_string())]);

    app.remove_manifest("binding.yaml");
    let r = app
        .post_event(NS, "", r#"{"n": 3}"#, Some(TOKEN), &[])
        .await;
    assert_eq!(r.status(), 200);
    assert_eq!(
        app.workflows_as(NS, TOKEN).await.len(),
        1,
        "the binding is gone"
    );
}

/// The whole server in client mode: after the first event (token and permissions reviewed,
/// then cached), an event costs the API server one create per workflow and not a single
/// GET or LIST.
#[tokio::test]
async fn an_event_over_http_sends_no_read() {
    let app = replicas_app(Options::default().sync()).await;
    let c = cluster();
    let r = app
        .post_event(NS, "", r#"{"n": 0}"#, Some(TOKEN), &[])
        .await;
    assert_eq!(r.status(), 200, "warm-up");
    const EVENTS: usize = 20;
    let mark = c.audit_mark();
    let started = std::time::Instant::now();
    for n in 1..=EVENTS {
        let r = app
            .post_event(NS, "", &format!("{{\"n\": {n}}}"), Some(TOKEN), &[])
            .await;
        assert_eq!(r.status(), 200);
    }
    let elapsed = started.elapsed();
    let audit = c.audit_since(mark).await;
    let server: Vec<_> = audit.iter().filter(|a| a.user == SERVER_USER).collect();
    let reads: Vec<_> = server.iter().filter(|a| a.is_read()).collect();
    let creates = server
        .iter()
        .filter(|a| a.verb == "create" && a.resource == "workflows" && a.namespace == NS)
        .count();
    let reviews = server
        .iter()
        .filter(|a| a.resource == "tokenreviews" || a.resource == "subjectaccessreviews")
        .count();
    eprintln!(
        "{EVENTS} events in {:.2} s: per event {:.2} reads, {:.2} workflow creates, {:.2} reviews",
        elapsed.as_secs_f64(),
        reads.len() as f64 / EVENTS as f64,
        creates as f64 / EVENTS as f64,
        reviews as f64 / EVENTS as f64,
    );
    assert!(reads.is_empty(), "{reads:#?}");
    assert_eq!(creates, EVENTS);
    assert!(
        reviews < EVENTS,
        "reviews are cached, not sent per event: {reviews}"
    );
}
