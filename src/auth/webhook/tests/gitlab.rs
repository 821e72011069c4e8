//! `type: gitlab`.

use super::support::{big_body, check, client, garbage_values};
use crate::auth::webhook::{ConfigError, Rejection, WebhookClient, parse_client};

const HEADER: &str = "X-Gitlab-Token";

fn gitlab() -> WebhookClient {
    client("gitlab", "type: gitlab\nsecret: sh!\n")
}

#[test]
fn good_token() {
    assert_eq!(check(&gitlab(), &[(HEADER, "sh!")], b"{}"), Ok(()));
    assert_eq!(
        check(&gitlab(), &[("x-gitlab-token", "sh!")], b"{}"),
        Ok(())
    );
}

#[test]
fn the_body_is_not_signed() {
    // GitLab sends the token, not a signature: any body passes with the right token.
    assert_eq!(check(&gitlab(), &[(HEADER, "sh!")], &big_body()), Ok(()));
    assert_eq!(check(&gitlab(), &[(HEADER, "sh!")], b""), Ok(()));
}

#[test]
fn no_event_allow_list() {
    let headers = [(HEADER, "sh!"), ("X-Gitlab-Event", "Emoji Hook")];
    assert_eq!(check(&gitlab(), &headers, b"{}"), Ok(()));
}

#[test]
fn wrong_secret() {
    let c = client("gitlab", "type: gitlab\nsecret: other\n");
    assert_eq!(
        check(&c, &[(HEADER, "sh!")], b"{}"),
        Err(Rejection::Mismatch)
    );
}

#[test]
fn prefixes_suffixes_and_case_do_not_match() {
    for token in ["sh", "sh!!", "SH!", " sh!", "sh! ", "sh!\u{0}"] {
        assert_eq!(
            check(&gitlab(), &[(HEADER, token)], b"{}"),
            Err(Rejection::Mismatch),
            "{token:?}"
        );
    }
}

#[test]
fn missing_header() {
    let headers = [("X-Gitlab-Event", "Push Hook"), ("X-Hook-UUID", "sh!")];
    assert_eq!(
        check(&gitlab(), &headers, b"{}"),
        Err(Rejection::MissingHeader(HEADER))
    );
}

#[test]
fn garbage_headers_are_mismatches() {
    for value in garbage_values() {
        assert_eq!(
            check(&gitlab(), &[(HEADER, value.as_str())], b"{}"),
            Err(Rejection::Mismatch)
        );
    }
}

#[test]
fn empty_secret_is_rejected() {
    // In Argo an empty secret accepts an empty token; here the client is unusable.
    assert_eq!(
        parse_client("gitlab", b"type: gitlab\nsecret: ''\n").map(|_| ()),
        Err(ConfigError::EmptySecret {
            client: "gitlab".to_owned()
        })
    );
}
