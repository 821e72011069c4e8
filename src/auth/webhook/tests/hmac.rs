//! `type: hmac`: every algorithm and encoding, prefixes, and option errors.
//!
//! Vectors: HMAC(`It's a Secret to Everybody`, `Hello, World!`), computed with Python's
//! `hmac` module.

use super::support::{check, client, garbage_values};
use crate::auth::webhook::{ConfigError, Rejection, WebhookClient, parse_client};

const SECRET: &str = "It's a Secret to Everybody";
const BODY: &[u8] = b"Hello, World!";
const SHA1_HEX: &str = "01dc10d0c83e72ed246219cdd91669667fe2ca59";
const SHA256_HEX: &str = "757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17";
const SHA256_B64: &str = "dXEH6g6yUJ/CESIczphLijdXC211hsIsRvQ3nIsEPhc=";
const SHA512_HEX: &str = "11ed355a617e98134e842012a7944ccf59c10256cb182357bd7e3a42013ff07c\
                          376f8c14cf5cc1923da20b51d64256b2fb8ebbf100aa67a61326f61fea8111bc";
const SHA512_B64: &str =
    "Ee01WmF+mBNOhCASp5RMz1nBAlbLGCNXvX46QgE/8Hw3b4wUz1zBkj2iC1HWQlay+4678QCqZ6YTJvYf6oERvA==";

fn hmac_client(options: &str) -> WebhookClient {
    client(
        "signer",
        &format!("type: hmac\nsecret: \"{SECRET}\"\n{options}"),
    )
}

#[test]
fn github_sha1_header_issue_15064() {
    // The generic `X-Hub-Signature: sha1=…` that GitHub and many others send.
    let c = hmac_client("header: X-Hub-Signature\nalgorithm: sha1\nprefix: \"sha1=\"\n");
    let value = format!("sha1={SHA1_HEX}");
    assert_eq!(
        check(&c, &[("x-hub-signature", value.as_str())], BODY),
        Ok(())
    );
    // The prefix is required once configured.
    assert!(matches!(
        check(&c, &[("X-Hub-Signature", SHA1_HEX)], BODY),
        Err(Rejection::Malformed { .. })
    ));
    assert_eq!(
        check(&c, &[("X-Hub-Signature", value.as_str())], b"Hello, World?"),
        Err(Rejection::Mismatch)
    );
}

#[test]
fn every_algorithm_and_encoding() {
    let cases = [
        ("sha1", "hex", SHA1_HEX.to_owned()),
        ("sha1", "hex", SHA1_HEX.to_uppercase()),
        ("sha256", "hex", SHA256_HEX.to_owned()),
        ("sha256", "base64", SHA256_B64.to_owned()),
        (
            "sha256",
            "base64",
            SHA256_B64.trim_end_matches('=').to_owned(),
        ),
        ("sha512", "hex", SHA512_HEX.to_owned()),
        ("sha512", "base64", SHA512_B64.to_owned()),
    ];
    for (algorithm, encoding, value) in cases {
        let c = hmac_client(&format!(
            "header: X-Signature\nalgorithm: {algorithm}\nencoding: {encoding}\n"
        ));
        assert_eq!(
            check(&c, &[("X-Signature", value.as_str())], BODY),
            Ok(()),
            "{algorithm} {encoding}"
        );
        assert_eq!(
            check(&c, &[("X-Signature", value.as_str())], b"other"),
            Err(Rejection::Mismatch),
            "{algorithm} {encoding}"
        );
    }
}

#[test]
fn encoding_defaults_to_hex() {
    let c = hmac_client("header: X-Signature\nalgorithm: sha256\n");
    assert_eq!(check(&c, &[("X-Signature", SHA256_HEX)], BODY), Ok(()));
    assert!(check(&c, &[("X-Signature", SHA256_B64)], BODY).is_err());
}

#[test]
fn a_digest_of_another_algorithm_is_malformed() {
    let c = hmac_client("header: X-Signature\nalgorithm: sha256\n");
    for value in [SHA1_HEX, SHA512_HEX] {
        assert!(matches!(
            check(&c, &[("X-Signature", value)], BODY),
            Err(Rejection::Malformed { .. })
        ));
    }
}

#[test]
fn wrong_secret() {
    let c = client(
        "signer",
        "type: hmac\nsecret: other\nheader: X-Signature\nalgorithm: sha256\n",
    );
    assert_eq!(
        check(&c, &[("X-Signature", SHA256_HEX)], BODY),
        Err(Rejection::Mismatch)
    );
}

#[test]
fn missing_header() {
    let c = hmac_client("header: X-Signature\nalgorithm: sha256\n");
    assert_eq!(
        check(&c, &[("X-Hub-Signature-256", SHA256_HEX)], BODY),
        Err(Rejection::MissingConfiguredHeader("X-Signature".to_owned()))
    );
}

#[test]
fn truncated_and_garbage_headers_fail_without_panicking() {
    for encoding in ["hex", "base64"] {
        let c = hmac_client(&format!(
            "header: X-Signature\nalgorithm: sha256\nencoding: {encoding}\nprefix: \"sha256=\"\n"
        ));
        let truncated = format!("sha256={}", &SHA256_HEX[..62]);
        assert!(check(&c, &[("X-Signature", truncated.as_str())], BODY).is_err());
        for value in garbage_values() {
            let result = check(&c, &[("X-Signature", value.as_str())], BODY);
            assert!(
                matches!(result, Err(Rejection::Malformed { .. })),
                "{encoding} {:?}: {result:?}",
                value.get(..20)
            );
        }
    }
}

fn option_error(options: &str) -> ConfigError {
    let yaml = format!("type: hmac\nsecret: s\n{options}");
    match parse_client("signer", yaml.as_bytes()) {
        Ok(_) => panic!("accepted: {options}"),
        Err(error) => error,
    }
}

#[test]
fn option_errors() {
    let invalid = |field| move |e: &ConfigError| matches!(e, ConfigError::InvalidOption { field: f, .. } if *f == field);
    assert_eq!(
        option_error("algorithm: sha256\n"),
        ConfigError::MissingField {
            client: "signer".to_owned(),
            field: "header"
        }
    );
    assert_eq!(
        option_error("header: X-Sig\n"),
        ConfigError::MissingField {
            client: "signer".to_owned(),
            field: "algorithm"
        }
    );
    assert!(invalid("algorithm")(&option_error(
        "header: X-Sig\nalgorithm: md5\n"
    )));
    assert!(invalid("algorithm")(&option_error(
        "header: X-Sig\nalgorithm: SHA256\n"
    )));
    assert!(invalid("encoding")(&option_error(
        "header: X-Sig\nalgorithm: sha1\nencoding: base32\n"
    )));
    assert!(invalid("header")(&option_error(
        "header: \"X Sig\"\nalgorithm: sha1\n"
    )));
    assert!(invalid("header")(&option_error(
        "header: \"\"\nalgorithm: sha1\n"
    )));
    assert!(invalid("header")(&option_error(
        "header: Authorization\nalgorithm: sha1\n"
    )));
    assert_eq!(
        option_error("header: [a]\nalgorithm: sha1\n"),
        ConfigError::NotAString {
            client: "signer".to_owned(),
            field: "header"
        }
    );
}

#[test]
fn empty_secret_is_rejected() {
    assert_eq!(
        parse_client(
            "signer",
            b"type: hmac\nsecret: ''\nheader: X-Sig\nalgorithm: sha256\n"
        )
        .map(|_| ()),
        Err(ConfigError::EmptySecret {
            client: "signer".to_owned()
        })
    );
}
