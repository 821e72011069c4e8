//! `type: bitbucketserver`: Bitbucket Server / Data Center's `X-Hub-Signature`.
//!
//! Takes the client's secret, the request headers and the raw body; returns whether the
//! header carries the lowercase hex HMAC-SHA256 of the body under the secret, compared
//! in constant time. There is no `X-Event-Key` allow-list (Argo's list even omits
//! `diagnostics:ping`, the event Bitbucket's "Test connection" button sends).
//!
//! # The prefix rule
//!
//! Bitbucket Server sends `sha256=<64 hex>`. Argo (go-playground/webhooks v6.4.0)
//! drops the first 7 characters without looking at them (`signature[7:]`), and panics
//! on a value shorter than 7 characters; Argo's own test (spec §13 case 15) relies on
//! this by sending `0000000<64 hex>`. We accept exactly these forms:
//!
//! - `sha256=<64 hex>`: what Bitbucket Server sends;
//! - `<64 hex>`: the bare digest;
//! - any other 7 bytes followed by `<64 hex>`: Argo-compatible, so existing senders
//!   and Argo's test vector keep working. The 7 bytes carry no security: the HMAC is the
//!   proof.
//!
//! Everything else (another length, uppercase or non-hex digits, a short value) is a
//! failed check, never a crash. Every slice is taken on bytes, so multi-byte UTF-8 in
//! the header cannot cause a panic either.

use super::hmac::Algorithm;
use super::mac::{decode_lower_hex, hmac_matches};
use super::{HeaderLookup, Rejection, SecretBytes};

/// The header Bitbucket Server signs with.
pub const SIGNATURE_HEADER: &str = "X-Hub-Signature";

/// The prefix Bitbucket Server puts before the hex digest.
pub const PREFIX: &str = "sha256=";

/// Length of a hex HMAC-SHA256.
const HEX_LEN: usize = 64;

/// A Bitbucket Server webhook client.
#[derive(Debug, Clone)]
pub struct BitbucketServer {
    secret: SecretBytes,
}

impl BitbucketServer {
    /// A client with `secret`; the caller has already rejected an empty secret.
    pub fn new(secret: SecretBytes) -> Self {
        BitbucketServer { secret }
    }

    /// Checks `X-Hub-Signature` against the body, with the prefix rule above.
    pub fn check(&self, headers: &dyn HeaderLookup, body: &[u8]) -> Result<(), Rejection> {
        let value = headers
            .get(SIGNATURE_HEADER)
            .ok_or(Rejection::MissingHeader(SIGNATURE_HEADER))?;
        let digest = signature_digest(value.as_bytes()).ok_or_else(|| {
            Rejection::malformed(
                SIGNATURE_HEADER,
                "expected [sha256= or any 7 bytes] and 64 lowercase hex digits",
            )
        })?;
        if hmac_matches(Algorithm::Sha256, self.secret.expose(), &[body], &digest) {
            Ok(())
        } else {
            Err(Rejection::Mismatch)
        }
    }
}

/// The 32-byte digest in an `X-Hub-Signature` value, by the prefix rule (lengths in
/// bytes, as Go's `signature[7:]`).
fn signature_digest(value: &[u8]) -> Option<[u8; 32]> {
    let hex = match value.len() {
        HEX_LEN => value,
        // `sha256=` is itself 7 characters; any other 7-byte prefix is Argo's `[7:]`.
        len if len == PREFIX.len() + HEX_LEN => &value[PREFIX.len()..],
        _ => return None,
    };
    decode_lower_hex::<32>(hex)
}
