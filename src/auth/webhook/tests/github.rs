//! `type: github`.

use super::support::{ARGO_HMAC_HEX, BIG_BODY_HMAC_HEX, big_body, check, client, garbage_values};
use crate::auth::webhook::{ConfigError, Rejection, parse_client};

const HEADER: &str = "X-Hub-Signature-256";

fn github() -> crate::auth::webhook::WebhookClient {
    client("github", "type: github\nsecret: sh!\n")
}

#[test]
fn good_signature_with_and_without_prefix() {
    let c = github();
    let prefixed = format!("sha256={ARGO_HMAC_HEX}");
    assert_eq!(check(&c, &[(HEADER, prefixed.as_str())], b"{}"), Ok(()));
    assert_eq!(check(&c, &[(HEADER, ARGO_HMAC_HEX)], b"{}"), Ok(()));
}

#[test]
fn header_name_is_case_insensitive() {
    let c = github();
    let prefixed = format!("sha256={ARGO_HMAC_HEX}");
    assert_eq!(
        check(&c, &[("x-hub-signature-256", prefixed.as_str())], b"{}"),
        Ok(())
    );
}

#[test]
fn githubs_documented_example() {
    // docs.github.com "Validating webhook deliveries": secret "It's a Secret to
    // Everybody", payload "Hello, World!".
    let c = client(
        "github",
        "type: github\nsecret: \"It's a Secret to Everybody\"\n",
    );
    let headers = [(
        HEADER,
        "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17",
    )];
    assert_eq!(check(&c, &headers, b"Hello, World!"), Ok(()));
}

#[test]
fn wrong_secret_is_a_mismatch() {
    let c = client("github", "type: github\nsecret: sh?\n");
    let prefixed = format!("sha256={ARGO_HMAC_HEX}");
    assert_eq!(
        check(&c, &[(HEADER, prefixed.as_str())], b"{}"),
        Err(Rejection::Mismatch)
    );
}

#[test]
fn other_body_is_a_mismatch() {
    let c = github();
    let prefixed = format!("sha256={ARGO_HMAC_HEX}");
    assert_eq!(
        check(&c, &[(HEADER, prefixed.as_str())], b"{\"a\":1}"),
        Err(Rejection::Mismatch)
    );
    assert_eq!(
        check(&c, &[(HEADER, prefixed.as_str())], b""),
        Err(Rejection::Mismatch)
    );
}

#[test]
fn missing_header() {
    let c = github();
    // The SHA-1 header alone is not enough, nor a different provider's header.
    let prefixed = format!("sha1={ARGO_HMAC_HEX}");
    let headers = [
        ("X-Hub-Signature", prefixed.as_str()),
        ("X-GitHub-Event", "push"),
    ];
    assert_eq!(
        check(&c, &headers, b"{}"),
        Err(Rejection::MissingHeader(HEADER))
    );
}

#[test]
fn uppercase_hex_is_rejected_as_in_argo() {
    let c = github();
    let upper = format!("sha256={}", ARGO_HMAC_HEX.to_uppercase());
    assert!(matches!(
        check(&c, &[(HEADER, upper.as_str())], b"{}"),
        Err(Rejection::Malformed { .. })
    ));
}

#[test]
fn other_prefixes_are_malformed() {
    let c = github();
    for prefix in ["sha1=", "SHA256=", "sha512=", " sha256=", "sha256= "] {
        let value = format!("{prefix}{ARGO_HMAC_HEX}");
        assert!(
            matches!(
                check(&c, &[(HEADER, value.as_str())], b"{}"),
                Err(Rejection::Malformed { .. })
            ),
            "{prefix:?}"
        );
    }
}

#[test]
fn truncated_and_garbage_headers_fail_without_panicking() {
    let c = github();
    for value in garbage_values() {
        let result = check(&c, &[(HEADER, value.as_str())], b"{}");
        assert!(
            matches!(result, Err(Rejection::Malformed { .. })),
            "{:?}: {result:?}",
            value.get(..20)
        );
    }
}

#[test]
fn large_body_is_verified() {
    let c = github();
    let body = big_body();
    let good = format!("sha256={BIG_BODY_HMAC_HEX}");
    assert_eq!(check(&c, &[(HEADER, good.as_str())], &body), Ok(()));
    let mut longer = body.clone();
    longer.push(b'a');
    assert_eq!(
        check(&c, &[(HEADER, good.as_str())], &longer),
        Err(Rejection::Mismatch)
    );
}

#[test]
fn first_header_value_is_the_one_checked() {
    let c = github();
    let good = format!("sha256={ARGO_HMAC_HEX}");
    let headers = [(HEADER, good.as_str()), (HEADER, "sha256=00")];
    assert_eq!(check(&c, &headers, b"{}"), Ok(()));
    let headers = [(HEADER, "sha256=00"), (HEADER, good.as_str())];
    assert!(check(&c, &headers, b"{}").is_err());
}

#[test]
fn empty_secret_is_rejected() {
    for yaml in [
        "type: github\nsecret: \"\"\n",
        "type: github\nsecret:\n",
        "type: github\n",
    ] {
        assert_eq!(
            parse_client("github", yaml.as_bytes()).map(|_| ()),
            Err(ConfigError::EmptySecret {
                client: "github".to_owned()
            }),
            "{yaml:?}"
        );
    }
}
