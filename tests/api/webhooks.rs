//! Provider webhook signatures on the events endpoint (spec §9, §13 cases 9–19).
//!
//! Requests carry no `Authorization` header; a signature in the provider's headers proves
//! the sender holds a client's secret from the namespace's `argo-workflows-webhook-clients`
//! Secret, and the event then runs as that client's ServiceAccount. Which identity ran is
//! read from the created workflow's creator label. Signatures are computed here with the
//! `hmac`/`sha1`/`sha2` crates, independently of the server's own code.

use std::path::Path;
use std::time::{SystemTime, UNIX_EPOCH};

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as BASE64;
use hmac::{Hmac, Mac};
use reqwest::header::{HeaderName, HeaderValue};
use serde_json::Value;

use crate::helpers::*;

/// Argo's exact 403 body for the webhook path.
const FAILURE_BODY: &str = r#"{"message": "failed to process webhook request"}"#;
/// Argo's 401 body.
const UNAUTHENTICATED: &str = r#"{"code":16,"message":"token not valid. see https://argo-workflows.readthedocs.io/en/latest/faq/"}"#;
/// Argo's webhook body cap (the default `--max-body-bytes`).
const CAP: usize = 2 * 1024 * 1024;
const CREATOR: &str = "workflows.argoproj.io/creator";
const DELIVERY_ANNOTATION: &str = "flowgate.io/delivery-id";

fn fixture(name: &str) -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn hmac_sha256(key: &[u8], parts: &[&[u8]]) -> Vec<u8> {
    let mut mac = Hmac::<sha2::Sha256>::new_from_slice(key).unwrap();
    for p in parts {
        mac.update(p);
    }
    mac.finalize().into_bytes().to_vec()
}

fn hmac_sha1(key: &[u8], body: &[u8]) -> Vec<u8> {
    let mut mac = Hmac::<sha1::Sha1>::new_from_slice(key).unwrap();
    mac.update(body);
    mac.finalize().into_bytes().to_vec()
}

fn now_secs() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs()
}

/// A request header: name and raw value bytes (not necessarily UTF-8).
type Header = (String, Vec<u8>);

fn h(name: &str, value: &str) -> Header {
    (name.to_string(), value.as_bytes().to_vec())
}

/// POSTs `body` to `path` with exactly `headers` (no Authorization unless given).
async fn post(app: &TestApp, path: &str, body: Vec<u8>, headers: &[Header]) -> (u16, String) {
    let mut req = app.client.post(format!("{}{path}", app.base)).body(body);
    for (k, v) in headers {
        req = req.header(
            HeaderName::from_bytes(k.as_bytes()).unwrap(),
            HeaderValue::from_bytes(v).unwrap(),
        );
    }
    let resp = req.send().await.unwrap();
    let status = resp.status().as_u16();
    (status, resp.text().await.unwrap())
}

/// The workflow whose parameter `case` is `case`, read with `token`.
async fn workflow_for(app: &TestApp, ns: &str, token: &str, case: &str) -> Value {
    let items = app.workflows_as(ns, token).await;
    let found: Vec<&Value> = items
        .iter()
        .filter(|wf| params(wf).iter().any(|(n, v)| n == "case" && v == case))
        .collect();
    assert_eq!(found.len(), 1, "workflows for case {case}: {items:?}");
    found[0].clone()
}

// === Argo's interceptor cases (spec §13, 9–18) ===

/// HMAC-SHA256(`sh!`, `{}`).
const ARGO_HMAC: &str = "926ceeb8dcd67d5979fd7d726e3905af6d220f7fd6b2d8cce946906f7cf35963";

async fn argo_app() -> TestApp {
    let app = spawn_app(Options::default().sync().no_examples()).await;
    app.write_manifest(
        "argo-interceptor.yaml",
        &fixture("webhooks/argo-interceptor.yaml"),
    );
    app.wait_for_log("bindings=1").await;
    app
}

/// Cases 14–17: each provider's headers from Argo's test make the request run as that
/// provider's ServiceAccount.
#[tokio::test]
async fn argo_cases_14_to_17_run_as_the_matching_service_account() {
    let app = argo_app().await;
    let cases = [
        (
            "case-14",
            "bitbucket",
            vec![h("X-Event-Key", "repo:push"), h("X-Hook-UUID", "sh!")],
        ),
        (
            "case-15",
            "bitbucketserver",
            vec![
                h("X-Event-Key", "pr:modified"),
                h("X-Hub-Signature", &format!("0000000{ARGO_HMAC}")),
            ],
        ),
        (
            "case-16",
            "github",
            vec![
                h("X-Github-Event", "push"),
                h("X-Hub-Signature-256", &format!("sha256={ARGO_HMAC}")),
            ],
        ),
        (
            "case-17",
            "gitlab",
            vec![h("X-Gitlab-Event", "Push Hook"), h("X-Gitlab-Token", "sh!")],
        ),
    ];
    for (case, sa, headers) in cases {
        let (status, text) = post(
            &app,
            &format!("/api/v1/events/my-ns/{case}"),
            b"{}".to_vec(),
            &headers,
        )
        .await;
        assert_eq!((status, text.as_str()), (200, "{}"), "{case}");
        // Synchronous mode: the workflow exists when the answer arrives.
        let wf = workflow_for(&app, "my-ns", "my-github-token", case).await;
        assert_eq!(
            label(&wf, CREATOR),
            Some(format!("system-serviceaccount-my-ns-{sa}").as_str()),
            "{case}"
        );
    }
}

/// Cases 9–13 and 18: where the interceptor must not act, and where it refuses.
#[tokio::test]
async fn argo_cases_9_to_13_and_18() {
    let app = argo_app().await;
    let github = vec![
        h("X-Github-Event", "push"),
        h("X-Hub-Signature-256", &format!("sha256={ARGO_HMAC}")),
    ];

    // 9: a GET is not intercepted (no 403): the route answers 501.
    let r = app
        .client
        .get(format!("{}/api/v1/events/", app.base))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 501);

    // 10: an existing Authorization header is left alone, even with a valid signature:
    // it is not a bearer token, so 401.
    let mut with_auth = github.clone();
    with_auth.push(h("Authorization", "existing"));
    assert_eq!(
        post(
            &app,
            "/api/v1/events/my-ns/case-10",
            b"{}".to_vec(),
            &with_auth
        )
        .await,
        (401, UNAUTHENTICATED.to_string())
    );

    // 11: another path is not intercepted.
    assert_eq!(
        post(&app, "/api/v1/xxx/", b"{}".to_vec(), &github).await.0,
        404
    );

    // 12: an empty namespace has no clients Secret.
    assert_eq!(
        post(&app, "/api/v1/events//my-d", b"{}".to_vec(), &github).await,
        (403, FAILURE_BODY.to_string())
    );

    // 13: no provider headers: no identity, so 401 in client mode.
    assert_eq!(
        post(&app, "/api/v1/events/my-ns/", b"{}".to_vec(), &[]).await,
        (401, UNAUTHENTICATED.to_string())
    );

    // 18: one byte over 2 MiB on the webhook path is Argo's 403, even correctly signed.
    let big = vec![b'a'; CAP + 1];
    let sig = hex::encode(hmac_sha256(b"sh!", &[&big]));
    let (status, text) = post(
        &app,
        "/api/v1/events/my-ns/case-18",
        big,
        &[
            h("X-Github-Event", "push"),
            h("X-Hub-Signature-256", &format!("sha256={sig}")),
        ],
    )
    .await;
    assert_eq!((status, text.as_str()), (403, FAILURE_BODY));
    // Exactly 2 MiB is accepted (and is not JSON, so 400 after authentication).
    let body = vec![b'a'; CAP];
    let sig = hex::encode(hmac_sha256(b"sh!", &[&body]));
    let (status, _) = post(
        &app,
        "/api/v1/events/my-ns/case-18",
        body,
        &[h("X-Hub-Signature-256", &format!("sha256={sig}"))],
    )
    .await;
    assert_eq!(status, 400);

    // None of the above created a workflow.
    assert!(
        app.workflows_as("my-ns", "my-github-token")
            .await
            .is_empty()
    );
}

/// The interceptor runs before routing, as in Argo: an unauthenticated POST to an
/// unimplemented event path is refused when the namespace has no clients, and routed
/// (501) after a signature check when it has.
#[tokio::test]
async fn interceptor_runs_before_routing() {
    let app = argo_app().await;
    for path in [
        "/api/v1/events/other/a/b",
        "/api/v1/events/other/verb:colon",
    ] {
        assert_eq!(
            post(&app, path, b"{}".to_vec(), &[]).await,
            (403, FAILURE_BODY.to_string()),
            "{path}"
        );
    }
    let github = [h("X-Hub-Signature-256", &format!("sha256={ARGO_HMAC}"))];
    for path in [
        "/api/v1/events/my-ns/a/b",
        "/api/v1/events/my-ns/verb:colon",
    ] {
        assert_eq!(
            post(&app, path, b"{}".to_vec(), &github).await.0,
            501,
            "{path}"
        );
    }
    // Bearer requests are never intercepted: over the cap they keep their 413.
    let (status, text) = post(
        &app,
        "/api/v1/events/my-ns/big",
        vec![b' '; CAP + 1],
        &[h("Authorization", "Bearer my-github-token")],
    )
    .await;
    assert_eq!(status, 413, "{text}");
}

/// The 403 for a missing Secret does not depend on a matching signature, and a response
/// Content-Type is JSON.
#[tokio::test]
async fn missing_secret_answer_is_json() {
    let app = argo_app().await;
    let r = app
        .client
        .post(format!("{}/api/v1/events/elsewhere/", app.base))
        .body("{}")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 403);
    assert_eq!(r.headers()["content-type"], "application/json");
    assert_eq!(r.text().await.unwrap(), FAILURE_BODY);
}

// === Case 19: a real GitHub push ===

/// HMAC-SHA256(`shh!`, tests/fixtures/github-push.json).
const PUSH_SIGNATURE: &str =
    "sha256=ffd0bfc6d901fee0bb1743544347f1c91ed6eb04e4bd39a1a16568a8d4a9290f";
const PUSH_DELIVERY: &str = "9b0f6a1e-8c1d-11f0-9e2a-5a1d3c7b9e10";

fn push_headers(event: &str) -> Vec<Header> {
    vec![
        h("X-GitHub-Event", event),
        h("X-GitHub-Delivery", PUSH_DELIVERY),
        h("X-GitHub-Hook-ID", "292430182"),
        h("User-Agent", "GitHub-Hookshot/f1aa6b4"),
        h("Content-Type", "application/json"),
        h("X-Hub-Signature-256", PUSH_SIGNATURE),
    ]
}

fn push_body() -> Vec<u8> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/github-push.json");
    std::fs::read(path).unwrap()
}

async fn github_app(options: Options) -> TestApp {
    let app = spawn_app(options.no_examples()).await;
    app.write_manifest("github-e2e.yaml", &fixture("webhooks/github-e2e.yaml"));
    app.wait_for_log("bindings=2").await;
    app
}

fn assert_push_workflow(wf: &Value) {
    assert_eq!(
        label(wf, "workflows.argoproj.io/workflow-template"),
        Some("github-webhook")
    );
    assert_eq!(
        label(wf, CREATOR),
        Some("system-serviceaccount-argo-github.com")
    );
    assert_eq!(
        wf["metadata"]["annotations"][DELIVERY_ANNOTATION],
        PUSH_DELIVERY
    );
    assert_eq!(
        params(wf),
        vec![(
            "repository".to_string(),
            "octo-org/hello-events".to_string()
        )]
    );
}

/// Case 19, synchronous: the selector `metadata["x-github-event"] == ["push"]` fires, the
/// other binding does not, and the workflow carries the delivery id.
#[tokio::test]
async fn argo_case_19_github_push_sync() {
    let app = github_app(Options::default().sync()).await;
    let (status, text) = post(
        &app,
        "/api/v1/events/argo/",
        push_body(),
        &push_headers("push"),
    )
    .await;
    assert_eq!((status, text.as_str()), (200, "{}"));
    let items = app.workflows_as("argo", "github-com-token").await;
    assert_eq!(items.len(), 1, "{items:?}");
    assert_push_workflow(&items[0]);

    // The same signed body announced as a pull_request selects the other binding only.
    let (status, _) = post(
        &app,
        "/api/v1/events/argo/",
        push_body(),
        &push_headers("pull_request"),
    )
    .await;
    assert_eq!(status, 200);
    let items = app.workflows_as("argo", "github-com-token").await;
    let templates: Vec<_> = items
        .iter()
        .filter_map(|wf| label(wf, "workflows.argoproj.io/workflow-template"))
        .collect();
    assert_eq!(templates.len(), 2, "{items:?}");
    assert!(templates.contains(&"github-pull-request"), "{templates:?}");

    // One changed byte: no longer signed, so 401 and no new workflow.
    let mut tampered = push_body();
    tampered[10] ^= 1;
    let (status, _) = post(
        &app,
        "/api/v1/events/argo/",
        tampered,
        &push_headers("push"),
    )
    .await;
    assert_eq!(status, 401);
    assert_eq!(app.workflows_as("argo", "github-com-token").await.len(), 2);
}

/// Case 19, asynchronous (the default): 200 at once, the workflow appears shortly after.
#[tokio::test]
async fn argo_case_19_github_push_async() {
    let app = github_app(Options::default()).await;
    let (status, text) = post(
        &app,
        "/api/v1/events/argo/",
        push_body(),
        &push_headers("push"),
    )
    .await;
    assert_eq!((status, text.as_str()), (200, "{}"));
    let items = app
        .wait_for_workflows_as("argo", 1, "github-com-token")
        .await;
    assert_eq!(items.len(), 1, "{items:?}");
    assert_push_workflow(&items[0]);
}

/// In server mode a verified webhook still runs as its ServiceAccount (its creator label
/// and RBAC), and a namespace without clients does not refuse unauthenticated events.
#[tokio::test]
async fn server_mode_runs_verified_webhooks_as_their_service_account() {
    let mut options = Options::default().sync();
    options.auth_mode = "server";
    let app = github_app(options).await;
    app.write_manifest(
        "plain.yaml",
        &[
            template("plain", "t"),
            binding("plain", "b", "true", "t", false, r#""x""#),
        ]
        .join("---\n"),
    );
    app.wait_for_log("bindings=3").await;

    let (status, _) = post(
        &app,
        "/api/v1/events/argo/",
        push_body(),
        &push_headers("push"),
    )
    .await;
    assert_eq!(status, 200);
    let (_, body) = app.get("/api/v1/workflows/argo", None).await;
    assert_push_workflow(&body["items"][0]);

    // Unsigned, to a namespace with clients: no match, so it runs as the server.
    let (status, _) = post(&app, "/api/v1/events/argo/", b"{}".to_vec(), &[]).await;
    assert_eq!(status, 200);

    // No clients Secret in "plain": server mode needs no credentials, so no 403.
    let (status, _) = post(&app, "/api/v1/events/plain/", b"{}".to_vec(), &[]).await;
    assert_eq!(status, 200);
    let (_, body) = app.get("/api/v1/workflows/plain", None).await;
    assert_eq!(label(&body["items"][0], CREATOR), None);
}

// === Every provider ===

/// One provider under test: its client configuration and how a sender signs.
struct Provider {
    /// Its `type:`.
    kind: &'static str,
    /// The client's YAML value for a secret.
    config: fn(&str) -> String,
    /// The secrets of the good and the no-RBAC client, and a wrong one.
    secrets: [&'static str; 3],
    /// Headers proving `body` was sent by the holder of `secret` at Unix time `at`.
    sign: fn(&str, &[u8], u64) -> Vec<Header>,
    /// Header sets that are not a valid signature (truncated, garbage, wrong shape).
    garbage: fn() -> Vec<Vec<Header>>,
}

fn github() -> Provider {
    Provider {
        kind: "github",
        config: |s| format!("type: github\nsecret: {s:?}\n"),
        secrets: ["good-secret", "norbac-secret", "wrong-secret"],
        sign: |s, body, _| {
            vec![
                h("X-GitHub-Event", "push"),
                h(
                    "X-Hub-Signature-256",
                    &format!("sha256={}", hex::encode(hmac_sha256(s.as_bytes(), &[body]))),
                ),
            ]
        },
        garbage: || {
            [
                "",
                "sha256=",
                "sha256=abc",
                "sha256=zz",
                &format!("sha256={}", "0".repeat(64)),
                &"f".repeat(10_000),
            ]
            .iter()
            .map(|v| vec![h("X-GitHub-Event", "push"), h("X-Hub-Signature-256", v)])
            .chain([vec![(
                "X-Hub-Signature-256".to_string(),
                b"sha256=\xff\xfe".to_vec(),
            )]])
            .collect()
        },
    }
}

fn gitlab() -> Provider {
    Provider {
        kind: "gitlab",
        config: |s| format!("type: gitlab\nsecret: {s:?}\n"),
        secrets: ["good-token", "norbac-token", "wrong-token"],
        sign: |s, _, _| vec![h("X-Gitlab-Event", "Push Hook"), h("X-Gitlab-Token", s)],
        garbage: || {
            [
                "",
                "good-toke",
                "good-tokens",
                "GOOD-TOKEN",
                &"x".repeat(10_000),
            ]
            .iter()
            .map(|v| vec![h("X-Gitlab-Token", v)])
            .chain([vec![(
                "X-Gitlab-Token".to_string(),
                b"good-token\xff".to_vec(),
            )]])
            .collect()
        },
    }
}

fn bitbucket() -> Provider {
    Provider {
        kind: "bitbucket",
        config: |s| format!("type: bitbucket\nsecret: {s:?}\n"),
        secrets: [
            "{1b0e2a52-3c3d-4f3e-9f7a-0c8d5e6f7a81}",
            "{9e8d7c6b-5a49-4838-a726-15f4e3d2c1b0}",
            "{00000000-0000-0000-0000-000000000000}",
        ],
        sign: |s, _, _| vec![h("X-Event-Key", "repo:push"), h("X-Hook-UUID", s)],
        garbage: || {
            [
                "",
                "{1b0e2a52-3c3d-4f3e-9f7a-0c8d5e6f7a8",
                "{}",
                &"u".repeat(10_000),
            ]
            .iter()
            .map(|v| vec![h("X-Event-Key", "repo:push"), h("X-Hook-UUID", v)])
            .collect()
        },
    }
}

fn bitbucketserver() -> Provider {
    Provider {
        kind: "bitbucketserver",
        config: |s| format!("type: bitbucketserver\nsecret: {s:?}\n"),
        secrets: ["good-secret", "norbac-secret", "wrong-secret"],
        sign: |s, body, _| {
            vec![
                h("X-Event-Key", "repo:refs_changed"),
                h(
                    "X-Hub-Signature",
                    &format!("sha256={}", hex::encode(hmac_sha256(s.as_bytes(), &[body]))),
                ),
            ]
        },
        garbage: || {
            // Argo panics on values shorter than 7 characters; here they are just wrong.
            [
                "",
                "sha256",
                "sha256=",
                "abc",
                "0000000",
                "sha256=xyz",
                &"0".repeat(10_000),
            ]
            .iter()
            .map(|v| vec![h("X-Hub-Signature", v)])
            .collect()
        },
    }
}

fn generic_hmac() -> Provider {
    Provider {
        kind: "hmac",
        config: |s| {
            format!(
                "type: hmac\nsecret: {s:?}\nheader: X-Hub-Signature\nalgorithm: sha1\nprefix: \"sha1=\"\nencoding: hex\n"
            )
        },
        secrets: ["good-secret", "norbac-secret", "wrong-secret"],
        sign: |s, body, _| {
            vec![h(
                "X-Hub-Signature",
                &format!("sha1={}", hex::encode(hmac_sha1(s.as_bytes(), body))),
            )]
        },
        garbage: || {
            [
                "",
                "sha1=",
                "sha256=00",
                "sha1=abc",
                "sha1=nothex",
                &"1".repeat(10_000),
            ]
            .iter()
            .map(|v| vec![h("X-Hub-Signature", v)])
            .collect()
        },
    }
}

fn standard_signature(secret: &str, id: &str, at: u64, body: &[u8]) -> String {
    let key = BASE64
        .decode(secret.strip_prefix("whsec_").unwrap())
        .unwrap();
    let tag = hmac_sha256(
        &key,
        &[id.as_bytes(), b".", at.to_string().as_bytes(), b".", body],
    );
    format!("v1,{}", BASE64.encode(tag))
}

fn standard() -> Provider {
    Provider {
        kind: "standardwebhooks",
        config: |s| format!("type: standardwebhooks\nsecret: {s:?}\n"),
        // whsec_ + base64 of 24 bytes each.
        secrets: [
            "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
            "whsec_bm9yYmFjLW5vcmJhYy1ub3JiYWMtbm9y",
            "whsec_d3Jvbmctd3Jvbmctd3Jvbmctd3Jvbmct",
        ],
        sign: |s, body, at| {
            let id = "msg_2KWPBgLlAfxdpx2AI54pPJ85f4W";
            vec![
                h("webhook-id", id),
                h("webhook-timestamp", &at.to_string()),
                h("webhook-signature", &standard_signature(s, id, at, body)),
            ]
        },
        garbage: || {
            let id = h("webhook-id", "msg_1");
            let ts = h("webhook-timestamp", &now_secs().to_string());
            [
                vec![id.clone(), ts.clone(), h("webhook-signature", "")],
                vec![id.clone(), ts.clone(), h("webhook-signature", "v1,")],
                vec![id.clone(), ts.clone(), h("webhook-signature", "v1,!!!")],
                vec![id.clone(), ts.clone(), h("webhook-signature", "v2,AAAA")],
                vec![
                    id.clone(),
                    ts.clone(),
                    h("webhook-signature", &format!("v1,{}", "A".repeat(10_000))),
                ],
                vec![
                    id.clone(),
                    h("webhook-timestamp", "soon"),
                    h("webhook-signature", "v1,AAAA"),
                ],
                vec![ts.clone(), h("webhook-signature", "v1,AAAA")],
            ]
            .into_iter()
            .collect()
        },
    }
}

/// A namespace `wh` whose clients Secret has `good` (with RBAC) and `norbac` (a
/// ServiceAccount and token but no Role), and a namespace `nosecret` without clients.
fn provider_manifests(p: &Provider) -> String {
    let [good, norbac, _] = p.secrets;
    let clients = format!(
        "apiVersion: v1\nkind: Secret\nmetadata: {{name: argo-workflows-webhook-clients, namespace: wh}}\nstringData:\n  good: {}\n  norbac: {}\n",
        serde_json::to_string(&(p.config)(good)).unwrap(),
        serde_json::to_string(&(p.config)(norbac)).unwrap(),
    );
    let norbac_sa = r#"apiVersion: v1
kind: ServiceAccount
metadata: {name: norbac, namespace: wh}
---
apiVersion: v1
kind: Secret
type: kubernetes.io/service-account-token
metadata:
  name: norbac.service-account-token
  namespace: wh
  annotations: {kubernetes.io/service-account.name: norbac}
stringData: {token: norbac-token}
"#;
    let mut docs = vec![clients, norbac_sa.to_string()];
    for ns in ["wh", "nosecret"] {
        docs.push(service_account(ns, "good", &format!("{ns}-good-token")));
        docs.push(template(ns, "t"));
        docs.push(
            binding(ns, "b", "true", "t", false, "discriminator")
                .replace("- name: p", "- name: case"),
        );
    }
    docs.join("---\n")
}

/// Every scenario of the acceptance list for one provider, on one server.
async fn provider_scenarios(p: Provider) {
    let app = spawn_app(Options::default().sync().no_examples()).await;
    app.write_manifest("provider.yaml", &provider_manifests(&p));
    app.wait_for_log("bindings=2").await;
    let [good, norbac, wrong] = p.secrets;
    let kind = p.kind;
    let body = br#"{"ref":"refs/heads/main"}"#.to_vec();
    let unauthenticated = (401, UNAUTHENTICATED.to_string());

    // A good signature runs as the client's ServiceAccount.
    let r = post(
        &app,
        "/api/v1/events/wh/good",
        body.clone(),
        &(p.sign)(good, &body, now_secs()),
    )
    .await;
    assert_eq!(r, (200, "{}".to_string()), "{kind}: good signature");
    let wf = workflow_for(&app, "wh", "wh-good-token", "good").await;
    assert_eq!(
        label(&wf, CREATOR),
        Some("system-serviceaccount-wh-good"),
        "{kind}"
    );

    // A wrong secret, no header, garbage headers: no match, so 401 in client mode.
    let r = post(
        &app,
        "/api/v1/events/wh/wrong",
        body.clone(),
        &(p.sign)(wrong, &body, now_secs()),
    )
    .await;
    assert_eq!(r, unauthenticated, "{kind}: wrong secret");
    let r = post(
        &app,
        "/api/v1/events/wh/none",
        body.clone(),
        &[h("X-Other", "1")],
    )
    .await;
    assert_eq!(r, unauthenticated, "{kind}: missing header");
    for headers in (p.garbage)() {
        let r = post(&app, "/api/v1/events/wh/garbage", body.clone(), &headers).await;
        assert_eq!(r, unauthenticated, "{kind}: garbage {headers:?}");
    }
    // A signature of another body does not authenticate this one.
    let r = post(
        &app,
        "/api/v1/events/wh/other-body",
        body.clone(),
        &(p.sign)(good, b"{}", now_secs()),
    )
    .await;
    if kind == "gitlab" || kind == "bitbucket" {
        // Token providers do not sign the body.
        assert_eq!(r.0, 200, "{kind}: token providers ignore the body");
    } else {
        assert_eq!(r, unauthenticated, "{kind}: signature of another body");
    }

    // Over the cap, correctly signed: Argo's 403.
    let big = vec![b' '; CAP + 1];
    let r = post(
        &app,
        "/api/v1/events/wh/big",
        big.clone(),
        &(p.sign)(good, &big, now_secs()),
    )
    .await;
    assert_eq!(r, (403, FAILURE_BODY.to_string()), "{kind}: oversized body");

    // Correctly signed, but the namespace has no clients Secret: 403.
    let r = post(
        &app,
        "/api/v1/events/nosecret/x",
        body.clone(),
        &(p.sign)(good, &body, now_secs()),
    )
    .await;
    assert_eq!(r, (403, FAILURE_BODY.to_string()), "{kind}: no Secret");

    // A client whose ServiceAccount has no RBAC: authenticated, then Forbidden.
    let (status, text) = post(
        &app,
        "/api/v1/events/wh/norbac",
        body.clone(),
        &(p.sign)(norbac, &body, now_secs()),
    )
    .await;
    assert_eq!(status, 403, "{kind}: no RBAC: {text}");
    let v: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(
        v["message"],
        "workfloweventbindings.argoproj.io is forbidden: User \"system:serviceaccount:wh:norbac\" cannot list resource \"workfloweventbindings\" in API group \"argoproj.io\" in the namespace \"wh\"",
        "{kind}"
    );

    if kind == "standardwebhooks" {
        // Replays outside the 5-minute tolerance, either side, are refused.
        for at in [now_secs() - 6 * 60, now_secs() + 6 * 60] {
            let r = post(
                &app,
                "/api/v1/events/wh/replay",
                body.clone(),
                &(p.sign)(good, &body, at),
            )
            .await;
            assert_eq!(r, unauthenticated, "{kind}: timestamp {at}");
        }
        // Inside the tolerance it is accepted, and webhook-id is the delivery id.
        let r = post(
            &app,
            "/api/v1/events/wh/recent",
            body.clone(),
            &(p.sign)(good, &body, now_secs() - 60),
        )
        .await;
        assert_eq!(r.0, 200, "{kind}: one minute old");
        let wf = workflow_for(&app, "wh", "wh-good-token", "recent").await;
        assert_eq!(
            wf["metadata"]["annotations"][DELIVERY_ANNOTATION],
            "msg_2KWPBgLlAfxdpx2AI54pPJ85f4W"
        );
    }

    // Only the good requests created workflows.
    let expected = if kind == "gitlab" || kind == "bitbucket" {
        2
    } else {
        1
    } + usize::from(kind == "standardwebhooks");
    assert_eq!(
        app.workflows_as("wh", "wh-good-token").await.len(),
        expected,
        "{kind}"
    );
    assert!(
        app.workflows_as("nosecret", "nosecret-good-token")
            .await
            .is_empty()
    );
    assert!(
        !app.log().contains(good) && !app.log().contains(norbac),
        "{kind}: a secret was logged"
    );
}

#[tokio::test]
async fn provider_github() {
    provider_scenarios(github()).await;
}

#[tokio::test]
async fn provider_gitlab() {
    provider_scenarios(gitlab()).await;
}

#[tokio::test]
async fn provider_bitbucket() {
    provider_scenarios(bitbucket()).await;
}

#[tokio::test]
async fn provider_bitbucketserver() {
    provider_scenarios(bitbucketserver()).await;
}

#[tokio::test]
async fn provider_hmac() {
    provider_scenarios(generic_hmac()).await;
}

#[tokio::test]
async fn provider_standardwebhooks() {
    provider_scenarios(standard()).await;
}

/// A broken client does not disable the others, and is reported in the log by name only.
#[tokio::test]
async fn broken_client_is_logged_and_skipped() {
    let app = spawn_app(Options::default().sync().no_examples()).await;
    let manifests = provider_manifests(&github()).replace(
        "stringData:\n  good:",
        "stringData:\n  broken: \"type: nope\\nsecret: hidden-value\"\n  empty: \"type: github\\nsecret: ''\"\n  good:",
    );
    app.write_manifest("provider.yaml", &manifests);
    app.wait_for_log("bindings=2").await;
    let log = app.wait_for_log("webhook clients loaded").await;
    assert!(log.contains("webhook client disabled"), "{log}");
    assert!(log.contains("\"broken\""), "{log}");
    assert!(log.contains("\"empty\""), "{log}");
    assert!(!log.contains("hidden-value"), "{log}");

    let body = b"{}".to_vec();
    let r = post(
        &app,
        "/api/v1/events/wh/good",
        body.clone(),
        &(github().sign)("good-secret", &body, 0),
    )
    .await;
    assert_eq!(r.0, 200);
    // The empty-secret client does not accept unsigned requests (Argo would).
    let r = post(
        &app,
        "/api/v1/events/wh/unsigned",
        body,
        &[h("X-GitHub-Event", "push")],
    )
    .await;
    assert_eq!(r.0, 401);
}

/// A verified client whose ServiceAccount, or its token Secret, does not exist: Argo's 403
/// (spec §9 step 4), and nothing is created.
#[tokio::test]
async fn verified_client_without_token_is_403() {
    let app = spawn_app(Options::default().sync().no_examples()).await;
    let clients = "apiVersion: v1\nkind: Secret\nmetadata: {name: argo-workflows-webhook-clients, namespace: wh}\nstringData:\n  ghost: \"type: gitlab\\nsecret: ghost-token\"\n  tokenless: \"type: gitlab\\nsecret: tokenless-token\"\n---\napiVersion: v1\nkind: ServiceAccount\nmetadata: {name: tokenless, namespace: wh}\n";
    let manifests = [
        clients.to_string(),
        service_account("wh", "reader", "reader-token"),
        template("wh", "t"),
        binding("wh", "b", "true", "t", false, r#""x""#),
    ]
    .join("---\n");
    app.write_manifest("wh.yaml", &manifests);
    app.wait_for_log("bindings=1").await;
    for (token, sa) in [("ghost-token", "ghost"), ("tokenless-token", "tokenless")] {
        let r = post(
            &app,
            "/api/v1/events/wh/",
            b"{}".to_vec(),
            &[h("X-Gitlab-Token", token)],
        )
        .await;
        match Backend::of_this_binary() {
            Backend::Embedded => assert_eq!(r, (403, FAILURE_BODY.to_string()), "{token}"),
            // The Kubernetes backend reads no ServiceAccount or token Secret: the client runs
            // as its ServiceAccount's user, whose missing role gives Kubernetes' Forbidden.
            Backend::Kubernetes => {
                assert_eq!(r.0, 403, "{token}");
                let v: Value = serde_json::from_str(&r.1).unwrap();
                assert_eq!(
                    v["message"],
                    format!(
                        "workfloweventbindings.argoproj.io is forbidden: User \"system:serviceaccount:wh:{sa}\" cannot list resource \"workfloweventbindings\" in API group \"argoproj.io\" in the namespace \"wh\""
                    ),
                    "{token}"
                );
            }
        }
    }
    assert!(app.workflows_as("wh", "reader-token").await.is_empty());
    let log = app.log();
    assert!(
        !log.contains("ghost-token") && !log.contains("tokenless-token"),
        "{log}"
    );
}
