//! `delivery_id`.

use crate::auth::webhook::delivery_id;

#[test]
fn each_providers_header() {
    for header in [
        "X-GitHub-Delivery",
        "x-github-delivery",
        "X-Gitlab-Event-UUID",
        "X-Request-UUID",
        "webhook-id",
        "Webhook-Id",
    ] {
        let headers = [(header, "72d3162e-cc78-11e3-81ab-4c9367dc0958")];
        assert_eq!(
            delivery_id(&headers).as_deref(),
            Some("72d3162e-cc78-11e3-81ab-4c9367dc0958"),
            "{header}"
        );
    }
}

#[test]
fn none_without_a_delivery_header() {
    let headers = [("X-GitHub-Event", "push"), ("X-Request-Id", "abc")];
    assert_eq!(delivery_id(&headers), None);
}

#[test]
fn header_order_decides_between_several() {
    let headers = [("webhook-id", "msg_1"), ("X-GitHub-Delivery", "gh-1")];
    assert_eq!(delivery_id(&headers).as_deref(), Some("gh-1"));
}

#[test]
fn unusable_values_are_skipped() {
    let long = "a".repeat(257);
    for bad in ["", "   ", "has space", "tab\tid", "ünï", long.as_str()] {
        let headers = [("X-GitHub-Delivery", bad), ("webhook-id", "msg_2")];
        assert_eq!(delivery_id(&headers).as_deref(), Some("msg_2"), "{bad:?}");
    }
    let max = "a".repeat(256);
    let headers = [("webhook-id", max.as_str())];
    assert_eq!(delivery_id(&headers), Some(max.clone()));
    // Surrounding whitespace is trimmed.
    let headers = [("webhook-id", " msg_3 ")];
    assert_eq!(delivery_id(&headers).as_deref(), Some("msg_3"));
}
