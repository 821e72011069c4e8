//! Argo's own vectors: `server/auth/webhook/interceptor_test.go` (spec §13 cases 13–17)
//! and the GitHub e2e case (§13 case 19) with our GitHub push fixture.
//!
//! Cases 9–12 and 18 are about the HTTP interceptor (method, path, `Authorization`,
//! missing Secret, body cap); they belong to the events endpoint's tests.

use std::collections::BTreeMap;

use super::support::{ARGO_HMAC_HEX, ARGO_SECRET, now};
use crate::auth::webhook::{WebhookClient, parse_clients, verify};

/// The interceptor test's Secret: one client per Argo provider, each `secret: sh!`.
fn argo_clients() -> Vec<WebhookClient> {
    let data: BTreeMap<String, Vec<u8>> = ["bitbucket", "bitbucketserver", "github", "gitlab"]
        .into_iter()
        .map(|kind| {
            let yaml = format!("type: {kind}\nsecret: {ARGO_SECRET}\n");
            (kind.to_owned(), yaml.into_bytes())
        })
        .collect();
    let parsed = parse_clients(&data);
    assert!(parsed.errors.is_empty(), "{:?}", parsed.errors);
    assert_eq!(parsed.clients.len(), 4);
    parsed.clients
}

#[test]
fn case_13_no_provider_headers_matches_nothing() {
    let clients = argo_clients();
    let headers = [("Content-Type", "application/json")];
    assert_eq!(verify(&clients, &headers, b"{}", now()), None);
}

#[test]
fn case_14_bitbucket_hook_uuid() {
    let clients = argo_clients();
    let headers = [("X-Event-Key", "repo:push"), ("X-Hook-UUID", "sh!")];
    assert_eq!(verify(&clients, &headers, b"{}", now()), Some("bitbucket"));
}

#[test]
fn case_15_bitbucketserver_seven_junk_characters_and_hmac() {
    let clients = argo_clients();
    let signature = format!("0000000{ARGO_HMAC_HEX}");
    assert_eq!(
        signature,
        "0000000926ceeb8dcd67d5979fd7d726e3905af6d220f7fd6b2d8cce946906f7cf35963"
    );
    let headers = [
        ("X-Event-Key", "pr:modified"),
        ("X-Hub-Signature", signature.as_str()),
    ];
    assert_eq!(
        verify(&clients, &headers, b"{}", now()),
        Some("bitbucketserver")
    );
}

#[test]
fn case_16_github_signature_256() {
    let clients = argo_clients();
    let headers = [
        ("X-Github-Event", "push"),
        (
            "X-Hub-Signature-256",
            "sha256=926ceeb8dcd67d5979fd7d726e3905af6d220f7fd6b2d8cce946906f7cf35963",
        ),
    ];
    assert_eq!(verify(&clients, &headers, b"{}", now()), Some("github"));
}

#[test]
fn case_17_gitlab_token() {
    let clients = argo_clients();
    let headers = [("X-Gitlab-Event", "Push Hook"), ("X-Gitlab-Token", "sh!")];
    assert_eq!(verify(&clients, &headers, b"{}", now()), Some("gitlab"));
}

#[test]
fn cases_14_to_17_fail_with_another_body_or_secret() {
    let clients = argo_clients();
    let signed = [
        ("X-Hub-Signature-256", format!("sha256={ARGO_HMAC_HEX}")),
        ("X-Hub-Signature", format!("0000000{ARGO_HMAC_HEX}")),
    ];
    // The body is signed: `{ }` is not `{}`.
    assert_eq!(verify(&clients, &signed, b"{ }", now()), None);
    // The tokens are not: only the value matters.
    let tokens = [("X-Hook-UUID", "sh?"), ("X-Gitlab-Token", "sh")];
    assert_eq!(verify(&clients, &tokens, b"{}", now()), None);
}

/// Our GitHub `push` fixture, shared with the events endpoint's e2e test.
const GITHUB_PUSH: &[u8] = include_bytes!("../../../../tests/fixtures/github-push.json");

/// `sha256=` + HMAC-SHA256(`shh!`, the fixture's exact bytes), computed with Python's
/// `hmac` module.
const GITHUB_PUSH_SIGNATURE: &str =
    "sha256=ffd0bfc6d901fee0bb1743544347f1c91ed6eb04e4bd39a1a16568a8d4a9290f";

fn github_e2e_client() -> Vec<WebhookClient> {
    let data = BTreeMap::from([(
        "github.com".to_owned(),
        b"type: github\nsecret: \"shh!\"\n".to_vec(),
    )]);
    parse_clients(&data).clients
}

#[test]
fn case_19_github_push_fixture_is_a_push_event() {
    let payload: serde_json::Value = match serde_json::from_slice(GITHUB_PUSH) {
        Ok(payload) => payload,
        Err(error) => panic!("fixture is not JSON: {error}"),
    };
    assert_eq!(payload["ref"], "refs/heads/main");
    assert_eq!(payload["repository"]["full_name"], "octo-org/hello-events");
    assert!(payload["commits"].as_array().is_some_and(|c| !c.is_empty()));
    assert!(
        (2_000..=6_000).contains(&GITHUB_PUSH.len()),
        "{}",
        GITHUB_PUSH.len()
    );
}

#[test]
fn case_19_github_push_with_shh_secret() {
    let clients = github_e2e_client();
    let headers = [
        ("X-Github-Event", "push"),
        ("X-GitHub-Delivery", "72d3162e-cc78-11e3-81ab-4c9367dc0958"),
        ("X-Hub-Signature-256", GITHUB_PUSH_SIGNATURE),
    ];
    assert_eq!(
        verify(&clients, &headers, GITHUB_PUSH, now()),
        Some("github.com")
    );
}

#[test]
fn case_19_any_changed_byte_fails() {
    let clients = github_e2e_client();
    let headers = [
        ("X-Github-Event", "push"),
        ("X-Hub-Signature-256", GITHUB_PUSH_SIGNATURE),
    ];
    let mut tampered = GITHUB_PUSH.to_vec();
    let at = tampered.len() / 2;
    tampered[at] ^= 0x01;
    assert_eq!(verify(&clients, &headers, &tampered, now()), None);
    // Without the trailing newline.
    let trimmed = &GITHUB_PUSH[..GITHUB_PUSH.len() - 1];
    assert_eq!(verify(&clients, &headers, trimmed, now()), None);
}
