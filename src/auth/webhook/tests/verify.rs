//! `verify` and `verify_explained`: order and explanations.

use std::collections::BTreeMap;

use super::support::{ARGO_HMAC_HEX, now};
use crate::auth::webhook::{Rejection, parse_clients, verify, verify_explained};

#[test]
fn first_matching_client_in_key_order_wins() {
    // Inserted in reverse; the BTreeMap (like the Secret's data) is key-ordered.
    let mut data = BTreeMap::new();
    data.insert("zeta".to_owned(), b"type: github\nsecret: sh!".to_vec());
    data.insert("alpha".to_owned(), b"type: github\nsecret: sh!".to_vec());
    data.insert("beta".to_owned(), b"type: gitlab\nsecret: sh!".to_vec());
    let clients = parse_clients(&data).clients;
    let names: Vec<_> = clients.iter().map(|c| c.service_account.as_str()).collect();
    assert_eq!(names, ["alpha", "beta", "zeta"]);

    let signature = format!("sha256={ARGO_HMAC_HEX}");
    let headers = [("X-Hub-Signature-256", signature.as_str())];
    assert_eq!(verify(&clients, &headers, b"{}", now()), Some("alpha"));
    let both = [
        ("X-Hub-Signature-256", signature.as_str()),
        ("X-Gitlab-Token", "sh!"),
    ];
    assert_eq!(verify(&clients, &both, b"{}", now()), Some("alpha"));
    let gitlab_only = [("X-Gitlab-Token", "sh!")];
    assert_eq!(verify(&clients, &gitlab_only, b"{}", now()), Some("beta"));
}

#[test]
fn explained_gives_each_clients_reason() {
    let mut data = BTreeMap::new();
    data.insert("github".to_owned(), b"type: github\nsecret: other".to_vec());
    data.insert("gitlab".to_owned(), b"type: gitlab\nsecret: sh!".to_vec());
    let clients = parse_clients(&data).clients;
    let signature = format!("sha256={ARGO_HMAC_HEX}");
    let headers = [("X-Hub-Signature-256", signature.as_str())];
    let reasons = match verify_explained(&clients, &headers, b"{}", now()) {
        Ok(client) => panic!("matched {}", client.service_account),
        Err(reasons) => reasons,
    };
    assert_eq!(
        reasons,
        [
            ("github", Rejection::Mismatch),
            ("gitlab", Rejection::MissingHeader("X-Gitlab-Token")),
        ]
    );
    assert_eq!(reasons[1].1.to_string(), "header X-Gitlab-Token is missing");

    let good = [("X-Gitlab-Token", "sh!")];
    match verify_explained(&clients, &good, b"{}", now()) {
        Ok(client) => assert_eq!(client.service_account, "gitlab"),
        Err(reasons) => panic!("{reasons:?}"),
    }
}

#[test]
fn no_clients_no_match() {
    let signature = format!("sha256={ARGO_HMAC_HEX}");
    let headers = [("X-Hub-Signature-256", signature.as_str())];
    assert_eq!(verify(&[], &headers, b"{}", now()), None);
}
