//! `type: bitbucket` (Bitbucket Cloud).

use super::support::{big_body, check, client, garbage_values};
use crate::auth::webhook::{ConfigError, Rejection, WebhookClient, parse_client};

const HEADER: &str = "X-Hook-UUID";
const UUID: &str = "{d1e0d6f4-3b5c-4a7e-9b7a-2f6c0e1d9a8b}";

fn bitbucket() -> WebhookClient {
    client(
        "bitbucket.org",
        &format!("type: bitbucket\nsecret: \"{UUID}\"\n"),
    )
}

#[test]
fn good_uuid() {
    assert_eq!(check(&bitbucket(), &[(HEADER, UUID)], b"{}"), Ok(()));
    assert_eq!(
        check(&bitbucket(), &[("x-hook-uuid", UUID)], &big_body()),
        Ok(())
    );
}

#[test]
fn no_event_allow_list() {
    let headers = [(HEADER, UUID), ("X-Event-Key", "repo:transfer")];
    assert_eq!(check(&bitbucket(), &headers, b"{}"), Ok(()));
}

#[test]
fn wrong_secret() {
    let other = "{00000000-3b5c-4a7e-9b7a-2f6c0e1d9a8b}";
    assert_eq!(
        check(&bitbucket(), &[(HEADER, other)], b"{}"),
        Err(Rejection::Mismatch)
    );
    let upper = UUID.to_uppercase();
    assert_eq!(
        check(&bitbucket(), &[(HEADER, upper.as_str())], b"{}"),
        Err(Rejection::Mismatch)
    );
}

#[test]
fn missing_header() {
    let headers = [("X-Event-Key", "repo:push"), ("X-Request-UUID", UUID)];
    assert_eq!(
        check(&bitbucket(), &headers, b"{}"),
        Err(Rejection::MissingHeader(HEADER))
    );
}

#[test]
fn truncated_and_garbage_headers_are_mismatches() {
    let truncated = &UUID[..UUID.len() - 1];
    assert_eq!(
        check(&bitbucket(), &[(HEADER, truncated)], b"{}"),
        Err(Rejection::Mismatch)
    );
    for value in garbage_values() {
        assert_eq!(
            check(&bitbucket(), &[(HEADER, value.as_str())], b"{}"),
            Err(Rejection::Mismatch)
        );
    }
}

#[test]
fn empty_secret_is_rejected() {
    // In Argo an empty secret skips the check entirely.
    assert_eq!(
        parse_client("bitbucket.org", b"type: bitbucket\nsecret: \"\"\n").map(|_| ()),
        Err(ConfigError::EmptySecret {
            client: "bitbucket.org".to_owned()
        })
    );
}
