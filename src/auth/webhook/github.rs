//! `type: github`: GitHub's `X-Hub-Signature-256`.
//!
//! Takes the client's secret, the request headers and the raw body; returns whether the
//! header is `sha256=` (optional, as in go-playground/webhooks v6.4.0) followed by the
//! lowercase hex HMAC-SHA256 of the body under the secret. The comparison is constant
//! time. There is no `X-GitHub-Event` allow-list: any event type GitHub signs is
//! accepted, and selectors can match it through `metadata["x-github-event"]`.

use super::hmac::Algorithm;
use super::mac::{decode_lower_hex, hmac_matches};
use super::{HeaderLookup, Rejection, SecretBytes};

/// The header GitHub signs with.
pub const SIGNATURE_HEADER: &str = "X-Hub-Signature-256";

/// The prefix GitHub puts before the hex digest; optional here, as in Argo.
pub const PREFIX: &str = "sha256=";

/// A GitHub webhook client.
#[derive(Debug, Clone)]
pub struct GitHub {
    secret: SecretBytes,
}

impl GitHub {
    /// A client with `secret`; the caller has already rejected an empty secret.
    pub fn new(secret: SecretBytes) -> Self {
        GitHub { secret }
    }

    /// Checks `X-Hub-Signature-256` against the body.
    pub fn check(&self, headers: &dyn HeaderLookup, body: &[u8]) -> Result<(), Rejection> {
        let value = headers
            .get(SIGNATURE_HEADER)
            .ok_or(Rejection::MissingHeader(SIGNATURE_HEADER))?;
        let digest = value.strip_prefix(PREFIX).unwrap_or(value);
        let tag = decode_lower_hex::<32>(digest.as_bytes()).ok_or_else(|| {
            Rejection::malformed(
                SIGNATURE_HEADER,
                "expected [sha256=] and 64 lowercase hex digits",
            )
        })?;
        if hmac_matches(Algorithm::Sha256, self.secret.expose(), &[body], &tag) {
            Ok(())
        } else {
            Err(Rejection::Mismatch)
        }
    }
}
