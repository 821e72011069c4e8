//! Creator labels (spec §3, §7 step 8): who submitted a workflow, as label values.
//!
//! Takes an [`Identity`]; returns the labels Argo's `creator.LabelCreator`
//! (`workflow/creator/creator.go`) sets or deletes, in order, as `(key, Some(value))` to set
//! or `(key, None)` to delete. Also [`dns_friendly`], Argo's label-value sanitiser.

use super::token::Identity;

/// `workflows.argoproj.io/creator`: the subject (user name).
pub const CREATOR_LABEL: &str = "workflows.argoproj.io/creator";
/// `workflows.argoproj.io/creator-email`: the email, `@` written `.at.`.
pub const CREATOR_EMAIL_LABEL: &str = "workflows.argoproj.io/creator-email";
/// `workflows.argoproj.io/creator-preferred-username`.
pub const CREATOR_PREFERRED_USERNAME_LABEL: &str =
    "workflows.argoproj.io/creator-preferred-username";

/// Longest label value Kubernetes accepts.
const MAX_LABEL_VALUE: usize = 63;

/// Argo's `dnsFriendly`: every character outside `[-_.a-zA-Z0-9]` becomes `-`, only the
/// **last** 63 characters are kept, then non-alphanumerics are trimmed from both ends.
/// `system:serviceaccount:argo:jenkins` → `system-serviceaccount-argo-jenkins`.
pub fn dns_friendly(s: &str) -> String {
    let mapped: Vec<u8> = s
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.') {
                c as u8
            } else {
                b'-'
            }
        })
        .collect();
    let tail = &mapped[mapped.len().saturating_sub(MAX_LABEL_VALUE)..];
    let start = tail
        .iter()
        .position(u8::is_ascii_alphanumeric)
        .unwrap_or(tail.len());
    let end = tail
        .iter()
        .rposition(u8::is_ascii_alphanumeric)
        .map_or(start, |i| i + 1);
    // Every byte is ASCII by construction.
    tail[start..end.max(start)]
        .iter()
        .map(|&b| b as char)
        .collect()
}

/// The creator labels for `identity`, in Argo's order: a claim that is present and non-empty
/// sets its label (even if sanitising leaves an empty value, as Argo does); an absent or
/// empty claim deletes it. `workflows.argoproj.io/action` is not included; Argo deletes it
/// too, which dispatch does separately.
pub fn creator_labels(identity: &Identity) -> Vec<(String, Option<String>)> {
    let claim = |v: Option<&str>, f: fn(&str) -> String| v.filter(|v| !v.is_empty()).map(f);
    vec![
        (
            CREATOR_LABEL.to_owned(),
            claim(Some(&identity.username), dns_friendly),
        ),
        (
            CREATOR_EMAIL_LABEL.to_owned(),
            claim(identity.email.as_deref(), |e| {
                dns_friendly(&e.replacen('@', ".at.", 1))
            }),
        ),
        (
            CREATOR_PREFERRED_USERNAME_LABEL.to_owned(),
            claim(identity.preferred_username.as_deref(), dns_friendly),
        ),
    ]
}
