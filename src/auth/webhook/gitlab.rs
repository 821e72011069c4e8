//! `type: gitlab`: GitLab's `X-Gitlab-Token`.
//!
//! Takes the client's secret and the request headers; returns whether the token equals
//! the secret. As in go-playground/webhooks v6.4.0, the SHA-512 digests of both are
//! compared in constant time, so neither the content nor the length of the secret leaks
//! through timing. GitLab does not sign the body. There is no `X-Gitlab-Event`
//! allow-list.

use super::mac::token_matches;
use super::{HeaderLookup, Rejection, SecretBytes};

/// The header GitLab sends the secret token in.
pub const TOKEN_HEADER: &str = "X-Gitlab-Token";

/// A GitLab webhook client.
#[derive(Debug, Clone)]
pub struct GitLab {
    secret: SecretBytes,
}

impl GitLab {
    /// A client with `secret`; the caller has already rejected an empty secret.
    pub fn new(secret: SecretBytes) -> Self {
        GitLab { secret }
    }

    /// Checks `X-Gitlab-Token` against the secret.
    pub fn check(&self, headers: &dyn HeaderLookup) -> Result<(), Rejection> {
        let token = headers
            .get(TOKEN_HEADER)
            .ok_or(Rejection::MissingHeader(TOKEN_HEADER))?;
        if token_matches(token.as_bytes(), self.secret.expose()) {
            Ok(())
        } else {
            Err(Rejection::Mismatch)
        }
    }
}
