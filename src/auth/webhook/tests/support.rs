//! Shared fixtures for the webhook tests.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use crate::auth::webhook::{HeaderLookup, Rejection, WebhookClient, parse_client};

/// The fixed "now" of every test: the Standard Webhooks reference vector's timestamp.
pub const NOW_SECS: u64 = 1_614_265_330;

pub fn now() -> SystemTime {
    UNIX_EPOCH + Duration::from_secs(NOW_SECS)
}

/// Argo's interceptor test secret (spec §13, cases 9–18).
pub const ARGO_SECRET: &str = "sh!";

/// HMAC-SHA256(`sh!`, `{}`), lowercase hex (spec §13 case 16, verified there).
pub const ARGO_HMAC_HEX: &str = "926ceeb8dcd67d5979fd7d726e3905af6d220f7fd6b2d8cce946906f7cf35963";

/// Length of Argo's body cap, used for the large-body cases.
pub const BIG_BODY_LEN: usize = 2 * 1024 * 1024;

/// `BIG_BODY_LEN` bytes of `a`.
pub fn big_body() -> Vec<u8> {
    vec![b'a'; BIG_BODY_LEN]
}

/// HMAC-SHA256(`sh!`, [`big_body`]), lowercase hex (computed with Python's `hmac`).
pub const BIG_BODY_HMAC_HEX: &str =
    "a6f9184f828f75718ebf121831be85e28f249b731802b9949a2cabbdc4d18061";

/// A client parsed from YAML; panics (in the test) when the YAML is rejected.
pub fn client(name: &str, yaml: &str) -> WebhookClient {
    match parse_client(name, yaml.as_bytes()) {
        Ok(client) => client,
        Err(error) => panic!("client {name} rejected: {error}"),
    }
}

/// Runs one client's check at [`now`].
pub fn check(
    client: &WebhookClient,
    headers: &dyn HeaderLookup,
    body: &[u8],
) -> Result<(), Rejection> {
    client.verifier.check(headers, body, now())
}

/// Header values that are not a signature of any provider: empty, odd-length hex,
/// non-hex, whitespace, multi-byte UTF-8, a 7-character value (Argo's panic boundary),
/// and a very long value.
pub fn garbage_values() -> Vec<String> {
    vec![
        String::new(),
        "a".to_owned(),
        "abc".to_owned(),
        "sha256=".to_owned(),
        "sha256".to_owned(),
        "000000".to_owned(),
        "0000000".to_owned(),
        format!("sha256={}", &ARGO_HMAC_HEX[..63]),
        format!("sha256={}", "zz".repeat(32)),
        format!("sha256={}0", ARGO_HMAC_HEX),
        " ".repeat(71),
        "é".repeat(40),
        format!("ééé{}", "é".repeat(35)),
        "sha256=".repeat(2000),
        "f".repeat(100_000),
        "\u{0}".repeat(71),
    ]
}
