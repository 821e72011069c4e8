//! `type: bitbucket`: Bitbucket Cloud's `X-Hook-UUID`.
//!
//! Takes the client's secret (the webhook's UUID) and the request headers; returns
//! whether `X-Hook-UUID` equals it. Argo compares with `!=`; we compare digests in
//! constant time. Bitbucket Cloud does not sign the body. There is no `X-Event-Key`
//! allow-list.

use super::mac::token_matches;
use super::{HeaderLookup, Rejection, SecretBytes};

/// The header Bitbucket Cloud sends the webhook's UUID in.
pub const UUID_HEADER: &str = "X-Hook-UUID";

/// A Bitbucket Cloud webhook client.
#[derive(Debug, Clone)]
pub struct Bitbucket {
    secret: SecretBytes,
}

impl Bitbucket {
    /// A client with `secret`; the caller has already rejected an empty secret.
    pub fn new(secret: SecretBytes) -> Self {
        Bitbucket { secret }
    }

    /// Checks `X-Hook-UUID` against the secret.
    pub fn check(&self, headers: &dyn HeaderLookup) -> Result<(), Rejection> {
        let uuid = headers
            .get(UUID_HEADER)
            .ok_or(Rejection::MissingHeader(UUID_HEADER))?;
        if token_matches(uuid.as_bytes(), self.secret.expose()) {
            Ok(())
        } else {
            Err(Rejection::Mismatch)
        }
    }
}
