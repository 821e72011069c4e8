//! Fuzz target for webhook authentication: parsing the clients Secret, every provider's
//! header parsing and signature check, and delivery ids, on arbitrary input.
//!
//! Besides "never panics", it checks three properties on every input:
//! - a request carrying a correct GitHub signature of its body always authenticates;
//! - a correct Standard Webhooks signature, with a timestamp inside the tolerance,
//!   always authenticates;
//! - a delivery id, when there is one, is at most 256 visible ASCII characters.
#![no_main]

use std::collections::BTreeMap;
use std::sync::OnceLock;
use std::time::{Duration, UNIX_EPOCH};

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use flowgate::auth::webhook::{
    WebhookClient, delivery_id, parse_client, parse_clients, verify, verify_explained,
};
use hmac::{Hmac, Mac};
use libfuzzer_sys::arbitrary::{self, Arbitrary};
use libfuzzer_sys::fuzz_target;
use sha2::Sha256;

const GITHUB_SECRET: &[u8] = b"fuzz-github-secret";
/// base64 of `fuzz-standard-key!`.
const STANDARD_SECRET: &str = "whsec_ZnV6ei1zdGFuZGFyZC1rZXkh";
const STANDARD_KEY: &[u8] = b"fuzz-standard-key!";

#[derive(Arbitrary, Debug)]
struct Input<'a> {
    /// Extra clients: `data` key and raw YAML value.
    clients: Vec<(&'a str, &'a [u8])>,
    /// Request headers, in order.
    headers: Vec<(&'a str, &'a str)>,
    body: &'a [u8],
    /// Seconds since the epoch for "now"; negative is before 1970.
    now_secs: i64,
    /// Add a correct signature for one of the fixed clients first.
    sign: Option<Signer>,
}

#[derive(Arbitrary, Debug, Clone, Copy)]
enum Signer {
    GitHub,
    /// Standard Webhooks with a timestamp this many seconds from now (clamped to the
    /// tolerance).
    Standard(i16),
}

/// One client of every type, with known secrets, so that fuzzed headers reach every
/// provider's parsing with a real key.
fn fixed_clients() -> &'static [WebhookClient] {
    static CLIENTS: OnceLock<Vec<WebhookClient>> = OnceLock::new();
    CLIENTS.get_or_init(|| {
        let yaml = [
            ("a-github", "type: github\nsecret: fuzz-github-secret\n".to_owned()),
            ("b-gitlab", "type: gitlab\nsecret: fuzz-gitlab\n".to_owned()),
            ("c-bitbucket", "type: bitbucket\nsecret: fuzz-uuid\n".to_owned()),
            ("d-server", "type: bitbucketserver\nsecret: fuzz-server\n".to_owned()),
            (
                "e-hmac-sha1",
                "type: hmac\nsecret: s1\nheader: X-Hub-Signature\nalgorithm: sha1\nprefix: sha1=\n"
                    .to_owned(),
            ),
            (
                "f-hmac-sha512",
                "type: hmac\nsecret: s5\nheader: X-Sig\nalgorithm: sha512\nencoding: base64\n"
                    .to_owned(),
            ),
            ("g-standard", format!("type: standardwebhooks\nsecret: {STANDARD_SECRET}\n")),
        ];
        yaml.iter()
            .map(|(name, value)| match parse_client(name, value.as_bytes()) {
                Ok(client) => client,
                Err(error) => panic!("fixed client {name} rejected: {error}"),
            })
            .collect()
    })
}

fn hmac_sha256(key: &[u8], parts: &[&[u8]]) -> [u8; 32] {
    let mut mac = match Hmac::<Sha256>::new_from_slice(key) {
        Ok(mac) => mac,
        Err(_) => unreachable!("HMAC takes keys of any length"),
    };
    for part in parts {
        mac.update(part);
    }
    mac.finalize().into_bytes().into()
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fuzz_target!(|input: Input<'_>| {
    let distance = Duration::from_secs(input.now_secs.unsigned_abs());
    let now = if input.now_secs >= 0 {
        UNIX_EPOCH.checked_add(distance)
    } else {
        UNIX_EPOCH.checked_sub(distance)
    }
    .unwrap_or(UNIX_EPOCH);

    // Fuzzed clients: never a panic, in key order, errors alongside.
    let data: BTreeMap<String, Vec<u8>> = input
        .clients
        .iter()
        .map(|(k, v)| ((*k).to_owned(), v.to_vec()))
        .collect();
    let parsed = parse_clients(&data);
    for error in &parsed.errors {
        let _ = error.to_string();
    }

    let mut clients = fixed_clients().to_vec();
    clients.extend(parsed.clients);

    let mut headers: Vec<(String, String)> = Vec::new();
    let mut must_match = false;
    match input.sign {
        Some(Signer::GitHub) => {
            let tag = hmac_sha256(GITHUB_SECRET, &[input.body]);
            headers.push(("X-Hub-Signature-256".into(), format!("sha256={}", hex(&tag))));
            must_match = true;
        }
        Some(Signer::Standard(offset)) => {
            if let Ok(since) = now.duration_since(UNIX_EPOCH) {
                let offset = i64::from(offset).clamp(-300, 300);
                if let Some(ts) = since.as_secs().checked_add_signed(offset) {
                    let id = "msg_fuzz";
                    let ts = ts.to_string();
                    let tag = hmac_sha256(
                        STANDARD_KEY,
                        &[id.as_bytes(), b".", ts.as_bytes(), b".", input.body],
                    );
                    headers.push(("webhook-id".into(), id.into()));
                    headers.push(("webhook-timestamp".into(), ts));
                    headers.push((
                        "webhook-signature".into(),
                        format!("v1,{}", STANDARD.encode(tag)),
                    ));
                    must_match = true;
                }
            }
        }
        None => {}
    }
    headers.extend(
        input
            .headers
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned())),
    );

    let matched = verify(&clients, &headers, input.body, now);
    let explained = verify_explained(&clients, &headers, input.body, now);
    assert_eq!(
        matched,
        explained.as_ref().ok().map(|c| c.service_account.as_str()),
        "verify and verify_explained disagree"
    );
    if must_match {
        assert!(matched.is_some(), "a correctly signed request did not authenticate");
    }

    if let Some(id) = delivery_id(&headers) {
        assert!(!id.is_empty() && id.len() <= 256);
        assert!(id.bytes().all(|b| b.is_ascii_graphic()));
    }
});
