//! `type: bitbucketserver`, including the prefix rule.

use super::support::{ARGO_HMAC_HEX, BIG_BODY_HMAC_HEX, big_body, check, client, garbage_values};
use crate::auth::webhook::{ConfigError, Rejection, WebhookClient, parse_client};

const HEADER: &str = "X-Hub-Signature";

fn server() -> WebhookClient {
    client("bitbucketserver", "type: bitbucketserver\nsecret: sh!\n")
}

#[test]
fn accepted_forms() {
    // What Bitbucket Server sends, the bare digest, and Argo's 7 junk characters.
    for value in [
        format!("sha256={ARGO_HMAC_HEX}"),
        ARGO_HMAC_HEX.to_owned(),
        format!("0000000{ARGO_HMAC_HEX}"),
        format!("sha512:{ARGO_HMAC_HEX}"),
    ] {
        assert_eq!(
            check(&server(), &[(HEADER, value.as_str())], b"{}"),
            Ok(()),
            "{value}"
        );
    }
}

#[test]
fn other_prefix_lengths_are_malformed_not_blindly_cut() {
    // Argo would cut 7 characters from each of these and compare the rest.
    for value in [
        format!("sha1={ARGO_HMAC_HEX}"),
        format!("sha256:={ARGO_HMAC_HEX}"),
        format!("x{ARGO_HMAC_HEX}"),
        format!("sha256={ARGO_HMAC_HEX}00"),
        format!("00000000{ARGO_HMAC_HEX}"),
        format!("sha256={}", ARGO_HMAC_HEX.to_uppercase()),
        // Lengths are counted in bytes: 3 two-byte characters are 6 bytes.
        format!("ééé{}", &ARGO_HMAC_HEX[1..]),
    ] {
        assert!(
            matches!(
                check(&server(), &[(HEADER, value.as_str())], b"{}"),
                Err(Rejection::Malformed { .. })
            ),
            "{value}"
        );
    }
}

#[test]
fn wrong_secret() {
    let c = client("bitbucketserver", "type: bitbucketserver\nsecret: sh\n");
    let value = format!("sha256={ARGO_HMAC_HEX}");
    assert_eq!(
        check(&c, &[(HEADER, value.as_str())], b"{}"),
        Err(Rejection::Mismatch)
    );
}

#[test]
fn missing_header() {
    // GitHub's SHA-256 header does not count for Bitbucket Server.
    let value = format!("sha256={ARGO_HMAC_HEX}");
    let headers = [
        ("X-Hub-Signature-256", value.as_str()),
        ("X-Event-Key", "pr:modified"),
    ];
    assert_eq!(
        check(&server(), &headers, b"{}"),
        Err(Rejection::MissingHeader(HEADER))
    );
}

#[test]
fn short_truncated_and_garbage_headers_fail_without_panicking() {
    // Argo panics on values shorter than 7 characters.
    for value in garbage_values() {
        let result = check(&server(), &[(HEADER, value.as_str())], b"{}");
        assert!(
            matches!(result, Err(Rejection::Malformed { .. })),
            "{:?}: {result:?}",
            value.get(..20)
        );
    }
}

#[test]
fn seven_junk_characters_with_a_wrong_digest_is_a_mismatch() {
    let value = format!("0000000{}", "0".repeat(64));
    assert_eq!(
        check(&server(), &[(HEADER, value.as_str())], b"{}"),
        Err(Rejection::Mismatch)
    );
}

#[test]
fn large_body_is_verified() {
    let value = format!("sha256={BIG_BODY_HMAC_HEX}");
    assert_eq!(
        check(&server(), &[(HEADER, value.as_str())], &big_body()),
        Ok(())
    );
}

#[test]
fn no_event_allow_list() {
    // Argo's list lacks `diagnostics:ping`, the "Test connection" event.
    let value = format!("sha256={ARGO_HMAC_HEX}");
    let headers = [
        (HEADER, value.as_str()),
        ("X-Event-Key", "diagnostics:ping"),
    ];
    assert_eq!(check(&server(), &headers, b"{}"), Ok(()));
}

#[test]
fn empty_secret_is_rejected() {
    assert_eq!(
        parse_client("bitbucketserver", b"type: bitbucketserver\nsecret: \"\"").map(|_| ()),
        Err(ConfigError::EmptySecret {
            client: "bitbucketserver".to_owned()
        })
    );
}
