//! Provider webhook signatures: who sent this unauthenticated event?
//!
//! Many senders (GitHub, GitLab, Bitbucket, any Standard Webhooks sender) cannot set an
//! `Authorization` header; they prove their origin with a shared secret instead. This
//! module owns the pure part of that check, the equivalent of Argo's
//! `server/auth/webhook/*.go`: no HTTP framework, no I/O, no clock of its own.
//!
//! - **Takes:** the decoded `data` of the namespace's `argo-workflows-webhook-clients`
//!   Secret (see [`clients::parse_clients`]), the request headers through the
//!   [`HeaderLookup`] trait, the raw body bytes (already read, size-capped by the caller),
//!   and the current time.
//! - **Returns:** the ServiceAccount name of the first client whose check passes
//!   ([`verify`]), or why each client failed ([`verify_explained`]), and the provider's
//!   delivery id ([`delivery_id`]) for deduplication.
//!
//! # Providers
//!
//! | `type` | Header | Check |
//! |---|---|---|
//! | `github` | `X-Hub-Signature-256` | optional `sha256=` + lowercase hex HMAC-SHA256 of the body |
//! | `gitlab` | `X-Gitlab-Token` | equals the secret (SHA-512 digests compared in constant time, as Argo) |
//! | `bitbucket` | `X-Hook-UUID` | equals the secret (constant time) |
//! | `bitbucketserver` | `X-Hub-Signature` | lowercase hex HMAC-SHA256, see [`bitbucketserver`] for the prefix rule |
//! | `hmac` | configurable | configurable algorithm, prefix and encoding, see [`hmac`] |
//! | `standardwebhooks` | `webhook-id`, `webhook-timestamp`, `webhook-signature` | the Standard Webhooks scheme, 5-minute tolerance, see [`standard`] |
//!
//! # Differences from Argo (deliberate)
//!
//! - **No event-type allow-lists.** Argo (go-playground/webhooks v6.4.0) also requires
//!   `X-GitHub-Event`, `X-Gitlab-Event` or `X-Event-Key` to be one of a fixed list, which
//!   broke every event type added after that list was written. The signature is the
//!   proof of origin; the event type is for selectors (`metadata["x-github-event"]`).
//! - **No body parsing here.** Argo also requires a non-empty body that decodes into the
//!   provider's Go struct. We verify the raw bytes only; the events endpoint parses the
//!   body afterwards once, and bad JSON is a 400 there, not a silent "no match".
//! - **Stable order.** Argo walks the Secret's `data` in Go's random map order. We try
//!   clients in key order (byte-wise sorted ServiceAccount names), so when two clients
//!   could match, the same one always wins.
//! - **Configuration errors never crash and never disable checks.** An unknown `type`
//!   (a nil-func panic in Argo), bad YAML for one client (a 403 for the whole Secret in
//!   Argo) or an empty `secret` (which turns the signature check *off* in Argo) makes that
//!   one client unusable, reported as a [`clients::ConfigError`]; the other clients keep
//!   working. When no client is usable, every request is simply "no match".
//! - **Bitbucket Server prefix.** Argo drops the first 7 characters of `X-Hub-Signature`
//!   unconditionally and panics on shorter values; see [`bitbucketserver`] for our rule.
//! - **New types** `hmac` and `standardwebhooks`.
//!
//! # Security
//!
//! Secrets live in [`SecretBytes`], which is zeroed on drop and never printed. Every
//! comparison of a secret or signature is constant time (`subtle`, or `hmac`'s
//! `verify_slice`, which uses it). Errors and rejections name headers and clients, never
//! secret material or received signature values.

pub mod bitbucket;
pub mod bitbucketserver;
pub mod clients;
pub mod github;
pub mod gitlab;
pub mod hmac;
mod mac;
mod secret;
pub mod standard;

use std::time::SystemTime;

pub use clients::{
    ConfigError, ParsedClients, WebhookClient, parse_client, parse_clients, parse_entries,
};
pub use secret::SecretBytes;

#[cfg(test)]
mod tests;

/// Name of the Secret, in the event's namespace, that lists the webhook clients.
pub const WEBHOOK_CLIENTS_SECRET: &str = "argo-workflows-webhook-clients";

/// Exact body Argo returns with 403 when the clients Secret cannot be read (missing,
/// unreadable) or the body is too large. Note the space after the colon.
pub const WEBHOOK_FAILURE_BODY: &str = r#"{"message": "failed to process webhook request"}"#;

/// Argo's body cap for webhook requests (2 MiB); one byte more gives 403 in Argo.
pub const ARGO_MAX_BODY_BYTES: usize = 2 * 1024 * 1024;

/// Case-insensitive access to request headers, so the checks do not depend on an HTTP
/// framework. A header value that is not valid UTF-8 is treated as absent.
pub trait HeaderLookup {
    /// The first value of header `name` (case-insensitive), if any.
    fn get(&self, name: &str) -> Option<&str>;
    /// Every value of header `name` (case-insensitive), in the order received.
    fn get_all(&self, name: &str) -> Vec<&str>;
}

/// A list of `(name, value)` pairs, as in tests and the fuzz target.
impl<K: AsRef<str>, V: AsRef<str>> HeaderLookup for Vec<(K, V)> {
    fn get(&self, name: &str) -> Option<&str> {
        first_pair(self, name)
    }

    fn get_all(&self, name: &str) -> Vec<&str> {
        all_pairs(self, name)
    }
}

/// An array of `(name, value)` pairs, as in tests.
impl<K: AsRef<str>, V: AsRef<str>, const N: usize> HeaderLookup for [(K, V); N] {
    fn get(&self, name: &str) -> Option<&str> {
        first_pair(self, name)
    }

    fn get_all(&self, name: &str) -> Vec<&str> {
        all_pairs(self, name)
    }
}

fn first_pair<'a, K: AsRef<str>, V: AsRef<str>>(
    pairs: &'a [(K, V)],
    name: &str,
) -> Option<&'a str> {
    pairs
        .iter()
        .find(|(k, _)| k.as_ref().eq_ignore_ascii_case(name))
        .map(|(_, v)| v.as_ref())
}

fn all_pairs<'a, K: AsRef<str>, V: AsRef<str>>(pairs: &'a [(K, V)], name: &str) -> Vec<&'a str> {
    pairs
        .iter()
        .filter(|(k, _)| k.as_ref().eq_ignore_ascii_case(name))
        .map(|(_, v)| v.as_ref())
        .collect()
}

/// The check of one client, by provider type.
#[derive(Debug, Clone)]
pub enum Verifier {
    /// `type: github`.
    GitHub(github::GitHub),
    /// `type: gitlab`.
    GitLab(gitlab::GitLab),
    /// `type: bitbucket` (Bitbucket Cloud).
    Bitbucket(bitbucket::Bitbucket),
    /// `type: bitbucketserver` (Bitbucket Server / Data Center).
    BitbucketServer(bitbucketserver::BitbucketServer),
    /// `type: hmac`, a configurable HMAC header.
    Hmac(hmac::HmacSignature),
    /// `type: standardwebhooks`.
    StandardWebhooks(standard::StandardWebhooks),
}

impl Verifier {
    /// The `type:` value this verifier was configured with.
    pub fn kind(&self) -> &'static str {
        match self {
            Verifier::GitHub(_) => "github",
            Verifier::GitLab(_) => "gitlab",
            Verifier::Bitbucket(_) => "bitbucket",
            Verifier::BitbucketServer(_) => "bitbucketserver",
            Verifier::Hmac(_) => "hmac",
            Verifier::StandardWebhooks(_) => "standardwebhooks",
        }
    }

    /// Checks one request against this client. `Ok(())` means the request is proven to
    /// come from the holder of this client's secret.
    pub fn check(
        &self,
        headers: &dyn HeaderLookup,
        body: &[u8],
        now: SystemTime,
    ) -> Result<(), Rejection> {
        match self {
            Verifier::GitHub(v) => v.check(headers, body),
            Verifier::GitLab(v) => v.check(headers),
            Verifier::Bitbucket(v) => v.check(headers),
            Verifier::BitbucketServer(v) => v.check(headers, body),
            Verifier::Hmac(v) => v.check(headers, body),
            Verifier::StandardWebhooks(v) => v.check(headers, body, now),
        }
    }
}

/// Why one client's check failed. Safe to log: it names headers, never values or secrets.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Rejection {
    /// The header the provider signs with is absent (or not valid UTF-8).
    #[error("header {0} is missing")]
    MissingHeader(&'static str),
    /// A configured header (type `hmac`) is absent.
    #[error("header {0} is missing")]
    MissingConfiguredHeader(String),
    /// The header is present but cannot be a signature of this provider (wrong length,
    /// not hex or base64, wrong prefix, bad timestamp).
    #[error("header {header} is malformed: {reason}")]
    Malformed {
        /// The header name.
        header: String,
        /// What is wrong with it, without quoting the value.
        reason: &'static str,
    },
    /// The header is well formed but does not match the secret.
    #[error("signature or token does not match")]
    Mismatch,
    /// Standard Webhooks: `webhook-timestamp` is further than the tolerance from now.
    #[error(
        "webhook-timestamp is {skew_secs}s away from now, more than the {tolerance_secs}s tolerance"
    )]
    OutsideTolerance {
        /// Absolute distance between the timestamp and now, in seconds.
        skew_secs: u64,
        /// The tolerance, in seconds.
        tolerance_secs: u64,
    },
}

impl Rejection {
    pub(crate) fn malformed(header: &str, reason: &'static str) -> Self {
        Rejection::Malformed {
            header: header.to_owned(),
            reason,
        }
    }
}

/// The ServiceAccount of the first client (in slice order) whose check passes, or `None`.
///
/// [`parse_clients`] returns clients sorted by ServiceAccount name, so the order is
/// stable. `body` must be the exact bytes received; the caller caps its size before
/// calling (see [`ARGO_MAX_BODY_BYTES`]).
pub fn verify<'a>(
    clients: &'a [WebhookClient],
    headers: &dyn HeaderLookup,
    body: &[u8],
    now: SystemTime,
) -> Option<&'a str> {
    clients
        .iter()
        .find(|c| c.verifier.check(headers, body, now).is_ok())
        .map(|c| c.service_account.as_str())
}

/// Like [`verify`], but on no match returns each client's ServiceAccount with the reason
/// its check failed, for debug logs ("why did my webhook not authenticate").
pub fn verify_explained<'a>(
    clients: &'a [WebhookClient],
    headers: &dyn HeaderLookup,
    body: &[u8],
    now: SystemTime,
) -> Result<&'a WebhookClient, Vec<(&'a str, Rejection)>> {
    let mut reasons = Vec::with_capacity(clients.len());
    for client in clients {
        match client.verifier.check(headers, body, now) {
            Ok(()) => return Ok(client),
            Err(why) => reasons.push((client.service_account.as_str(), why)),
        }
    }
    Err(reasons)
}

/// Headers that carry a provider's per-delivery id, in the order they are consulted.
pub const DELIVERY_ID_HEADERS: [&str; 4] = [
    "X-GitHub-Delivery",
    "X-Gitlab-Event-UUID",
    "X-Request-UUID",
    "webhook-id",
];

/// Longest delivery id accepted, in bytes; longer values are ignored.
pub const MAX_DELIVERY_ID_LEN: usize = 256;

/// The provider's delivery id, for deduplicating redeliveries: the first non-empty value
/// of `X-GitHub-Delivery` (GitHub), `X-Gitlab-Event-UUID` (GitLab), `X-Request-UUID`
/// (Bitbucket Cloud) or `webhook-id` (Standard Webhooks).
///
/// A value longer than [`MAX_DELIVERY_ID_LEN`] bytes or containing anything but visible
/// ASCII is ignored (the next header is tried), so the id is safe to use as a key and to
/// log.
pub fn delivery_id(headers: &dyn HeaderLookup) -> Option<String> {
    DELIVERY_ID_HEADERS.iter().find_map(|name| {
        headers
            .get(name)
            .map(str::trim)
            .filter(|v| {
                !v.is_empty()
                    && v.len() <= MAX_DELIVERY_ID_LEN
                    && v.bytes().all(|b| b.is_ascii_graphic())
            })
            .map(str::to_owned)
    })
}
