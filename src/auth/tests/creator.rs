//! Creator labels and `dnsFriendly` (spec §3, §7 step 8; Argo `workflow/creator/creator.go`).

use crate::auth::creator::{
    CREATOR_EMAIL_LABEL, CREATOR_LABEL, CREATOR_PREFERRED_USERNAME_LABEL, creator_labels,
    dns_friendly,
};
use crate::auth::token::Identity;

#[test]
fn dns_friendly_cases() {
    let cases = [
        // spec §3: a service-account subject.
        (
            "system:serviceaccount:argo:jenkins",
            "system-serviceaccount-argo-jenkins",
        ),
        ("admin", "admin"),
        ("a.b_c-d", "a.b_c-d"),
        ("user@example.com", "user-example.com"),
        // Non-alphanumerics trimmed at both ends.
        ("--_.x.y._--", "x.y"),
        ("::::", ""),
        ("", ""),
        // Each non-ASCII character becomes one `-`.
        ("jürgen", "j-rgen"),
        ("名前x", "x"),
        ("x😀y", "x-y"),
    ];
    for (input, want) in cases {
        assert_eq!(dns_friendly(input), want, "{input:?}");
    }
}

#[test]
fn dns_friendly_keeps_the_last_63_characters() {
    let long = format!("system:serviceaccount:{}:sa", "n".repeat(80));
    let out = dns_friendly(&long);
    assert_eq!(out.len(), 63);
    assert!(out.ends_with("nnn-sa"), "{out}");
    // Truncation first, then trimming: a cut that starts at a `-` loses it.
    let s = format!("{}-{}", "a".repeat(10), "b".repeat(62));
    assert_eq!(dns_friendly(&s), "b".repeat(62));
}

#[test]
fn service_account_creator_labels() {
    let labels = creator_labels(&Identity::service_account("argo", "jenkins"));
    assert_eq!(
        labels,
        vec![
            (
                CREATOR_LABEL.to_owned(),
                Some("system-serviceaccount-argo-jenkins".to_owned())
            ),
            (CREATOR_EMAIL_LABEL.to_owned(), None),
            (CREATOR_PREFERRED_USERNAME_LABEL.to_owned(), None),
        ]
    );
}

#[test]
fn claims_with_email_and_preferred_username() {
    let mut id = Identity::user("https://issuer/#sub:42", &[]);
    id.email = Some("jane.doe@example.com".into());
    id.preferred_username = Some("Jane Doe".into());
    let labels = creator_labels(&id);
    assert_eq!(labels[0].1.as_deref(), Some("https---issuer--sub-42"));
    assert_eq!(labels[1].1.as_deref(), Some("jane.doe.at.example.com"));
    assert_eq!(labels[2].1.as_deref(), Some("Jane-Doe"));

    // Only the first `@` becomes `.at.`, as in Argo.
    id.email = Some("a@b@c".into());
    assert_eq!(creator_labels(&id)[1].1.as_deref(), Some("a.at.b-c"));

    // Empty claims delete the label; a subject that sanitises to nothing still sets "".
    id.email = Some(String::new());
    id.username = "@@".into();
    let labels = creator_labels(&id);
    assert_eq!(labels[0].1.as_deref(), Some(""));
    assert_eq!(labels[1].1, None);
}
