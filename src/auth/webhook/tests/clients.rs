//! Parsing the clients Secret: order, per-client errors, and secrets never printed.

use std::collections::BTreeMap;

use super::support::{ARGO_HMAC_HEX, now};
use crate::auth::webhook::clients::MAX_CLIENT_VALUE_BYTES;
use crate::auth::webhook::{ConfigError, parse_client, parse_clients, parse_entries, verify};

fn data(entries: &[(&str, &str)]) -> BTreeMap<String, Vec<u8>> {
    entries
        .iter()
        .map(|(k, v)| ((*k).to_owned(), v.as_bytes().to_vec()))
        .collect()
}

fn error(yaml: &str) -> ConfigError {
    match parse_client("client", yaml.as_bytes()) {
        Ok(client) => panic!("accepted as {}: {yaml:?}", client.verifier.kind()),
        Err(error) => error,
    }
}

#[test]
fn argos_quick_start_secret() {
    // manifests/quick-start/base/webhooks/argo-workflows-webhook-clients-secret.yaml
    let parsed = parse_clients(&data(&[
        ("bitbucket.org", "type: bitbucket\nsecret: \"my-uuid\"\n"),
        (
            "bitbucketserver",
            "type: bitbucketserver\nsecret: \"shh!\"\n",
        ),
        ("github.com", "type: github\nsecret: \"shh!\"\n"),
        ("gitlab.com", "type: gitlab\nsecret: \"shh!\"\n"),
    ]));
    assert!(parsed.errors.is_empty(), "{:?}", parsed.errors);
    let kinds: Vec<_> = parsed
        .clients
        .iter()
        .map(|c| (c.service_account.as_str(), c.verifier.kind()))
        .collect();
    assert_eq!(
        kinds,
        [
            ("bitbucket.org", "bitbucket"),
            ("bitbucketserver", "bitbucketserver"),
            ("github.com", "github"),
            ("gitlab.com", "gitlab"),
        ]
    );
}

#[test]
fn every_type_parses() {
    for (yaml, kind) in [
        ("type: github\nsecret: s", "github"),
        ("type: gitlab\nsecret: s", "gitlab"),
        ("type: bitbucket\nsecret: s", "bitbucket"),
        ("type: bitbucketserver\nsecret: s", "bitbucketserver"),
        (
            "type: hmac\nsecret: s\nheader: X-Sig\nalgorithm: sha256",
            "hmac",
        ),
        (
            "type: standardwebhooks\nsecret: whsec_c2VjcmV0",
            "standardwebhooks",
        ),
        ("{\"type\": \"github\", \"secret\": \"s\"}", "github"),
    ] {
        match parse_client("client", yaml.as_bytes()) {
            Ok(client) => assert_eq!(client.verifier.kind(), kind),
            Err(error) => panic!("{yaml:?}: {error}"),
        }
    }
}

#[test]
fn unknown_keys_are_ignored_as_in_argo() {
    let client = parse_client(
        "github.com",
        b"type: github\nsecret: s\ncomment: rotated 2024-03\n",
    );
    assert!(client.is_ok());
}

#[test]
fn unknown_type_is_an_error_not_a_panic() {
    for (type_name, shown) in [
        ("gitea", "gitea"),
        ("GitHub", "GitHub"),
        ("github ", "github "),
        ("", ""),
    ] {
        assert_eq!(
            error(&format!("type: \"{type_name}\"\nsecret: s\n")),
            ConfigError::UnknownType {
                client: "client".to_owned(),
                type_name: shown.to_owned()
            }
        );
    }
    // A long type is truncated in the error.
    let long = "x".repeat(1000);
    let ConfigError::UnknownType { type_name, .. } = error(&format!("type: {long}\nsecret: s\n"))
    else {
        panic!("not UnknownType");
    };
    assert!(type_name.len() < 40, "{type_name}");
}

#[test]
fn missing_and_non_string_fields() {
    let client = || "client".to_owned();
    assert_eq!(
        error("secret: s\n"),
        ConfigError::MissingField {
            client: client(),
            field: "type"
        }
    );
    assert_eq!(
        error("type: ~\nsecret: s\n"),
        ConfigError::MissingField {
            client: client(),
            field: "type"
        }
    );
    // Unquoted numbers and booleans are not strings: `secret: 1e3` would otherwise
    // silently become "1000".
    for yaml in [
        "type: github\nsecret: 12345\n",
        "type: github\nsecret: 1e3\n",
        "type: github\nsecret: 0x1F\n",
        "type: github\nsecret: true\n",
        "type: github\nsecret: [a, b]\n",
        "type: github\nsecret: {a: b}\n",
    ] {
        assert_eq!(
            error(yaml),
            ConfigError::NotAString {
                client: client(),
                field: "secret"
            },
            "{yaml:?}"
        );
    }
    assert_eq!(
        error("type: 1\nsecret: s\n"),
        ConfigError::NotAString {
            client: client(),
            field: "type"
        }
    );
}

#[test]
fn string_scalars_are_kept_verbatim() {
    // A leading zero makes `0123` a string in YAML 1.2, kept as written.
    let client = match parse_client("gitlab", b"type: gitlab\nsecret: 0123\n") {
        Ok(client) => client,
        Err(error) => panic!("{error}"),
    };
    let check = |token: &str| {
        client
            .verifier
            .check(&[("X-Gitlab-Token", token)], b"", now())
    };
    assert!(check("0123").is_ok());
    assert!(check("123").is_err());
    // Quoted escapes are decoded as YAML says.
    let client = match parse_client("gitlab", b"type: gitlab\nsecret: \"a\\tb\"\n") {
        Ok(client) => client,
        Err(error) => panic!("{error}"),
    };
    assert!(
        client
            .verifier
            .check(&[("X-Gitlab-Token", "a\tb")], b"", now())
            .is_ok()
    );
}

#[test]
fn binary_tags_are_refused() {
    assert_eq!(
        error("type: github\nsecret: !!binary c2VjcmV0\n"),
        ConfigError::BinaryTag {
            client: "client".to_owned()
        }
    );
}

#[test]
fn not_a_mapping() {
    for yaml in [
        "",
        "~",
        "just a string",
        "- type: github\n- secret: s\n",
        "42",
    ] {
        assert_eq!(
            error(yaml),
            ConfigError::NotAMapping {
                client: "client".to_owned()
            },
            "{yaml:?}"
        );
    }
}

#[test]
fn bad_yaml_reports_a_location_only() {
    let e = error("type: github\nsecret: \"topsecret\n");
    assert!(
        matches!(e, ConfigError::InvalidYaml { line: Some(_), .. }),
        "{e:?}"
    );
    let text = e.to_string();
    assert!(
        text.starts_with("webhook client \"client\": the value is not valid YAML"),
        "{text}"
    );
    assert!(!text.contains("topsecret"), "{text}");

    for yaml in [
        "type: [github\n",
        "type: github\ntype: gitlab\nsecret: s\n",
        "type: github\nsecret: s\n---\ntype: gitlab\n",
        "\tsecret: s",
    ] {
        assert!(
            matches!(error(yaml), ConfigError::InvalidYaml { .. }),
            "{yaml:?}"
        );
    }
    match parse_client("client", b"type: github\nsecret: \xff\xfe\n") {
        Err(ConfigError::InvalidYaml { .. }) => {}
        other => panic!("{other:?}"),
    }
}

#[test]
fn alias_expansion_is_bounded() {
    // A "billion laughs" document: rejected by the YAML library's expansion limit (or
    // accepted as a non-client), never expanded without bound.
    let mut yaml = String::from("a: &a [x, x, x, x, x, x, x, x, x, x]\n");
    for i in 0..9u8 {
        let (prev, next) = ((b'a' + i) as char, (b'b' + i) as char);
        yaml.push_str(&format!(
            "{next}: &{next} [*{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}]\n"
        ));
    }
    yaml.push_str("type: github\nsecret: s\n");
    assert!(parse_client("client", yaml.as_bytes()).is_err());
}

#[test]
fn invalid_service_account_names() {
    let long = "a".repeat(254);
    for name in [
        "",
        "GitHub",
        "git_hub",
        "-github",
        "github.",
        "git hub",
        "é",
        long.as_str(),
    ] {
        match parse_client(name, b"type: github\nsecret: s\n") {
            Err(ConfigError::InvalidServiceAccountName { client }) => {
                assert!(client.len() <= 256, "{}", client.len());
            }
            other => panic!("{name:?}: {other:?}"),
        }
    }
    assert!(parse_client(&"a".repeat(253), b"type: github\nsecret: s\n").is_ok());
}

#[test]
fn oversized_value() {
    let mut yaml = String::from("type: github\nsecret: s\n# ");
    yaml.push_str(&"x".repeat(MAX_CLIENT_VALUE_BYTES));
    assert_eq!(
        error(&yaml),
        ConfigError::TooLarge {
            client: "client".to_owned(),
            len: yaml.len(),
            max: MAX_CLIENT_VALUE_BYTES
        }
    );
}

#[test]
fn a_broken_client_does_not_disable_the_others() {
    let parsed = parse_clients(&data(&[
        ("a-bad-yaml", "type: [github"),
        ("b-unknown", "type: gitea\nsecret: sh!"),
        ("c-empty", "type: github\nsecret: ''"),
        ("d-good", "type: github\nsecret: sh!"),
    ]));
    let failed: Vec<_> = parsed.errors.iter().map(ConfigError::client).collect();
    assert_eq!(failed, ["a-bad-yaml", "b-unknown", "c-empty"]);
    assert_eq!(parsed.clients.len(), 1);
    let signature = format!("sha256={ARGO_HMAC_HEX}");
    let headers = [("X-Hub-Signature-256", signature.as_str())];
    assert_eq!(
        verify(&parsed.clients, &headers, b"{}", now()),
        Some("d-good")
    );
}

#[test]
fn no_usable_client_means_no_match() {
    let parsed = parse_clients(&data(&[("github", "type: github\nsecret: ''")]));
    assert!(parsed.clients.is_empty());
    let signature = format!("sha256={ARGO_HMAC_HEX}");
    let headers = [("X-Hub-Signature-256", signature.as_str())];
    assert_eq!(verify(&parsed.clients, &headers, b"{}", now()), None);
}

#[test]
fn secrets_are_never_printed() {
    const SECRET: &str = "correct-horse-battery-staple";
    let parsed = parse_clients(&data(&[
        ("a", &format!("type: github\nsecret: {SECRET}")),
        ("b", &format!("type: gitlab\nsecret: {SECRET}")),
        ("c", &format!("type: bitbucket\nsecret: {SECRET}")),
        ("d", &format!("type: bitbucketserver\nsecret: {SECRET}")),
        (
            "e",
            &format!("type: hmac\nsecret: {SECRET}\nheader: X-Sig\nalgorithm: sha1"),
        ),
        (
            "f",
            "type: standardwebhooks\nsecret: whsec_Y29ycmVjdC1ob3JzZS1iYXR0ZXJ5LXN0YXBsZQ==",
        ),
        ("g", &format!("type: nope\nsecret: {SECRET}")),
        (
            "h",
            &format!("type: hmac\nsecret: {SECRET}\nheader: X-Sig\nalgorithm: md5"),
        ),
        ("i", &format!("secret: {SECRET}")),
        ("j", &format!("type: github\nsecret: \"{SECRET}")),
        ("k", SECRET),
    ]));
    assert_eq!(parsed.clients.len(), 6);
    assert_eq!(parsed.errors.len(), 5);
    let printed = format!("{parsed:?} {:#?}", parsed.clients);
    let errors: Vec<String> = parsed.errors.iter().map(ToString::to_string).collect();
    for text in std::iter::once(&printed).chain(&errors) {
        assert!(!text.contains(SECRET), "{text}");
        assert!(!text.contains("horse"), "{text}");
        assert!(!text.contains("Y29ycmVjdC1ob3JzZS"), "{text}");
    }
    assert!(printed.contains("[redacted]"));
}

#[test]
fn entries_are_sorted_and_first_of_a_duplicate_wins() {
    let parsed = parse_entries([
        ("zeta", b"type: gitlab\nsecret: z".as_slice()),
        ("alpha", b"type: github\nsecret: a".as_slice()),
        ("alpha", b"type: gitlab\nsecret: a".as_slice()),
        ("mid", b"type: nope\nsecret: m".as_slice()),
    ]);
    let kinds: Vec<_> = parsed
        .clients
        .iter()
        .map(|c| (c.service_account.as_str(), c.verifier.kind()))
        .collect();
    assert_eq!(kinds, [("alpha", "github"), ("zeta", "gitlab")]);
    assert_eq!(parsed.errors.len(), 1);
    assert_eq!(parsed.errors[0].client(), "mid");
}
