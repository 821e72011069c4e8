//! `type: standardwebhooks`: the reference vector, tolerance, signature lists and key
//! rotation, garbage headers and secret errors.

use std::time::{Duration, UNIX_EPOCH};

use super::support::{BIG_BODY_LEN, NOW_SECS, big_body, check, client, garbage_values};
use crate::auth::webhook::{ConfigError, Rejection, WebhookClient, parse_client};

/// The Standard Webhooks reference vector (from the specification's test suite).
const SECRET: &str = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
const ID: &str = "msg_p5jXN8AQM9LWM0D4loKWxJek";
const TIMESTAMP: &str = "1614265330";
const BODY: &[u8] = br#"{"test": 2432232314}"#;
const SIGNATURE: &str = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=";

/// The same key signing `msg_big.1614265330.` + [`big_body`] (computed with Python).
const BIG_SIGNATURE: &str = "v1,EhaecQNPaSHaD0qVNVx4LaHx3T3gwF7yhFxRramWLVU=";

fn standard() -> WebhookClient {
    client(
        "svix",
        &format!("type: standardwebhooks\nsecret: {SECRET}\n"),
    )
}

fn headers<'a>(id: &'a str, timestamp: &'a str, signature: &'a str) -> [(&'a str, &'a str); 3] {
    [
        ("webhook-id", id),
        ("webhook-timestamp", timestamp),
        ("webhook-signature", signature),
    ]
}

#[test]
fn reference_vector() {
    assert_eq!(
        check(&standard(), &headers(ID, TIMESTAMP, SIGNATURE), BODY),
        Ok(())
    );
    // Header names are case-insensitive.
    let upper = [
        ("Webhook-Id", ID),
        ("WEBHOOK-TIMESTAMP", TIMESTAMP),
        ("Webhook-Signature", SIGNATURE),
    ];
    assert_eq!(check(&standard(), &upper, BODY), Ok(()));
}

#[test]
fn the_whsec_prefix_is_optional() {
    let bare = client(
        "svix",
        "type: standardwebhooks\nsecret: MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw\n",
    );
    assert_eq!(
        check(&bare, &headers(ID, TIMESTAMP, SIGNATURE), BODY),
        Ok(())
    );
}

#[test]
fn id_timestamp_and_body_are_all_signed() {
    let c = standard();
    assert_eq!(
        check(&c, &headers("msg_other", TIMESTAMP, SIGNATURE), BODY),
        Err(Rejection::Mismatch)
    );
    assert_eq!(
        check(&c, &headers(ID, "1614265331", SIGNATURE), BODY),
        Err(Rejection::Mismatch)
    );
    assert_eq!(
        check(
            &c,
            &headers(ID, TIMESTAMP, SIGNATURE),
            br#"{"test": 2432232315}"#
        ),
        Err(Rejection::Mismatch)
    );
}

#[test]
fn wrong_secret() {
    let c = client(
        "svix",
        "type: standardwebhooks\nsecret: whsec_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\n",
    );
    assert_eq!(
        check(&c, &headers(ID, TIMESTAMP, SIGNATURE), BODY),
        Err(Rejection::Mismatch)
    );
}

#[test]
fn replay_outside_the_tolerance_is_rejected_both_ways() {
    let c = standard();
    let h = headers(ID, TIMESTAMP, SIGNATURE);
    let at = |secs: u64| UNIX_EPOCH + Duration::from_secs(secs);
    // Exactly 5 minutes either way is still accepted.
    assert_eq!(c.verifier.check(&h, BODY, at(NOW_SECS + 300)), Ok(()));
    assert_eq!(c.verifier.check(&h, BODY, at(NOW_SECS - 300)), Ok(()));
    // One second more is a replay (or a clock far ahead).
    assert_eq!(
        c.verifier.check(&h, BODY, at(NOW_SECS + 301)),
        Err(Rejection::OutsideTolerance {
            skew_secs: 301,
            tolerance_secs: 300
        })
    );
    assert_eq!(
        c.verifier.check(&h, BODY, at(NOW_SECS - 301)),
        Err(Rejection::OutsideTolerance {
            skew_secs: 301,
            tolerance_secs: 300
        })
    );
    // A day later.
    assert!(matches!(
        c.verifier.check(&h, BODY, at(NOW_SECS + 86_400)),
        Err(Rejection::OutsideTolerance { .. })
    ));
    // A clock before 1970 does not panic.
    assert!(matches!(
        c.verifier
            .check(&h, BODY, UNIX_EPOCH - Duration::from_secs(10)),
        Err(Rejection::OutsideTolerance { .. })
    ));
}

#[test]
fn a_timestamp_far_from_now_is_rejected_even_with_a_valid_signature_format() {
    let c = standard();
    for timestamp in ["0", "99999999999999999", "1614264000"] {
        assert!(matches!(
            check(&c, &headers(ID, timestamp, SIGNATURE), BODY),
            Err(Rejection::OutsideTolerance { .. })
        ));
    }
}

#[test]
fn several_signatures_any_v1_may_match() {
    let c = standard();
    let lists = [
        format!("v1,bm9wZQ== {SIGNATURE}"),
        format!("{SIGNATURE} v1,bm9wZQ=="),
        format!("v1a,c2lnbmF0dXJl {SIGNATURE}"),
        format!("  {SIGNATURE}  v2,eA== "),
    ];
    for list in &lists {
        assert_eq!(
            check(&c, &headers(ID, TIMESTAMP, list), BODY),
            Ok(()),
            "{list}"
        );
    }
    // Several header lines form one list.
    let lines = [
        ("webhook-id", ID),
        ("webhook-timestamp", TIMESTAMP),
        ("webhook-signature", "v1,bm9wZQ=="),
        ("webhook-signature", SIGNATURE),
    ];
    assert_eq!(check(&c, &lines, BODY), Ok(()));
}

#[test]
fn no_matching_v1_signature() {
    let c = standard();
    assert_eq!(
        check(&c, &headers(ID, TIMESTAMP, "v1,bm9wZQ== v1,AAAA"), BODY),
        Err(Rejection::Mismatch)
    );
    // The right digest under another version label does not count.
    let other_version = SIGNATURE.replacen("v1,", "v2,", 1);
    assert!(matches!(
        check(&c, &headers(ID, TIMESTAMP, &other_version), BODY),
        Err(Rejection::Malformed { .. })
    ));
    let bare = SIGNATURE.trim_start_matches("v1,");
    assert!(matches!(
        check(&c, &headers(ID, TIMESTAMP, bare), BODY),
        Err(Rejection::Malformed { .. })
    ));
}

#[test]
fn missing_headers() {
    let c = standard();
    for (missing, h) in [
        (
            "webhook-id",
            vec![
                ("webhook-timestamp", TIMESTAMP),
                ("webhook-signature", SIGNATURE),
            ],
        ),
        (
            "webhook-timestamp",
            vec![("webhook-id", ID), ("webhook-signature", SIGNATURE)],
        ),
        (
            "webhook-signature",
            vec![("webhook-id", ID), ("webhook-timestamp", TIMESTAMP)],
        ),
    ] {
        assert_eq!(
            check(&c, &h, BODY),
            Err(Rejection::MissingHeader(missing)),
            "{missing}"
        );
    }
}

#[test]
fn malformed_timestamps() {
    let c = standard();
    for timestamp in [
        "",
        "+1614265330",
        "-1614265330",
        " 1614265330",
        "1614265330.5",
        "1614265330s",
        "0x60380ff2",
        "99999999999999999999999",
        "Fri, 26 Feb 2021 15:02:10 GMT",
    ] {
        assert!(
            matches!(
                check(&c, &headers(ID, timestamp, SIGNATURE), BODY),
                Err(Rejection::Malformed { .. })
            ),
            "{timestamp:?}"
        );
    }
}

#[test]
fn truncated_and_garbage_signatures_fail_without_panicking() {
    let c = standard();
    let truncated = &SIGNATURE[..SIGNATURE.len() - 2];
    assert_eq!(
        check(&c, &headers(ID, TIMESTAMP, truncated), BODY),
        Err(Rejection::Mismatch)
    );
    for value in garbage_values() {
        assert!(check(&c, &headers(ID, TIMESTAMP, &value), BODY).is_err());
        let v1 = format!("v1,{value}");
        assert_eq!(
            check(&c, &headers(ID, TIMESTAMP, &v1), BODY),
            Err(Rejection::Mismatch),
            "{:?}",
            value.get(..20)
        );
        assert!(check(&c, &headers(&value, TIMESTAMP, SIGNATURE), BODY).is_err());
        assert!(check(&c, &headers(ID, &value, SIGNATURE), BODY).is_err());
    }
}

#[test]
fn large_body_is_verified() {
    let body = big_body();
    assert_eq!(body.len(), BIG_BODY_LEN);
    assert_eq!(
        check(
            &standard(),
            &headers("msg_big", TIMESTAMP, BIG_SIGNATURE),
            &body
        ),
        Ok(())
    );
}

#[test]
fn secret_errors() {
    let error = |yaml: &str| parse_client("svix", yaml.as_bytes()).map(|_| ());
    assert_eq!(
        error("type: standardwebhooks\nsecret: \"\"\n"),
        Err(ConfigError::EmptySecret {
            client: "svix".to_owned()
        })
    );
    for secret in ["whsec_", "whsec_not base64!", "whsec_%%%%"] {
        assert!(
            matches!(
                error(&format!("type: standardwebhooks\nsecret: \"{secret}\"\n")),
                Err(ConfigError::InvalidOption {
                    field: "secret",
                    ..
                })
            ),
            "{secret}"
        );
    }
}
