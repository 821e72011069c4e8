//! `type: standardwebhooks`: the Standard Webhooks scheme (used by Svix and many SaaS
//! senders).
//!
//! Takes the client's secret, the request headers, the raw body and the current time;
//! returns whether the request is signed and fresh:
//!
//! - `webhook-id`, `webhook-timestamp` (integer Unix seconds) and `webhook-signature`
//!   are all required;
//! - the timestamp must be within [`TOLERANCE`] (5 minutes) of `now`, in either
//!   direction, so a captured request cannot be replayed later;
//! - `webhook-signature` is a space-separated list of `<version>,<base64>` entries
//!   (several during a key rotation); the request passes when any `v1` entry equals the
//!   base64 HMAC-SHA256 of `{id}.{timestamp}.{body}` under the key. Other versions (for
//!   example `v1a`, asymmetric) are ignored. Several `webhook-signature` header lines
//!   are treated as one list.
//!
//! The secret is `whsec_` followed by the base64 key; the prefix is optional, as in the
//! reference libraries. Redeliveries inside the tolerance carry the same `webhook-id`,
//! which [`super::delivery_id`] returns for deduplication.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use base64::Engine as _;
use base64::alphabet;
use base64::engine::{DecodePaddingMode, GeneralPurpose, GeneralPurposeConfig};

use super::mac::{hmac_sha256, tag_eq};
use super::{HeaderLookup, Rejection, SecretBytes};

/// The message id header (stable across retries).
pub const ID_HEADER: &str = "webhook-id";
/// The send-time header, integer Unix seconds.
pub const TIMESTAMP_HEADER: &str = "webhook-timestamp";
/// The signature list header.
pub const SIGNATURE_HEADER: &str = "webhook-signature";
/// The optional prefix of a Standard Webhooks secret.
pub const SECRET_PREFIX: &str = "whsec_";
/// How far `webhook-timestamp` may be from now, in either direction.
pub const TOLERANCE: Duration = Duration::from_secs(5 * 60);

/// Standard base64 that accepts values with or without `=` padding.
const BASE64: GeneralPurpose = GeneralPurpose::new(
    &alphabet::STANDARD,
    GeneralPurposeConfig::new().with_decode_padding_mode(DecodePaddingMode::Indifferent),
);

/// Longest base64 signature entry decoded (a SHA-256 tag is 44 characters).
const MAX_SIGNATURE_LEN: usize = 64;

/// Most digits accepted in `webhook-timestamp` (u64 seconds have at most 20).
const MAX_TIMESTAMP_DIGITS: usize = 19;

/// A Standard Webhooks client.
#[derive(Debug, Clone)]
pub struct StandardWebhooks {
    key: SecretBytes,
}

impl StandardWebhooks {
    /// A client from its `secret:` value (`whsec_<base64>` or bare base64). `None` when
    /// the value is not base64 or decodes to an empty key.
    pub fn from_secret(secret: &str) -> Option<Self> {
        let encoded = secret.strip_prefix(SECRET_PREFIX).unwrap_or(secret);
        let key = SecretBytes::new(BASE64.decode(encoded.as_bytes()).ok()?);
        (!key.is_empty()).then_some(StandardWebhooks { key })
    }

    /// Checks the three headers against the body at time `now`.
    pub fn check(
        &self,
        headers: &dyn HeaderLookup,
        body: &[u8],
        now: SystemTime,
    ) -> Result<(), Rejection> {
        let id = headers
            .get(ID_HEADER)
            .ok_or(Rejection::MissingHeader(ID_HEADER))?;
        let timestamp = headers
            .get(TIMESTAMP_HEADER)
            .ok_or(Rejection::MissingHeader(TIMESTAMP_HEADER))?;
        let signatures = headers.get_all(SIGNATURE_HEADER);
        if signatures.is_empty() {
            return Err(Rejection::MissingHeader(SIGNATURE_HEADER));
        }

        let sent = parse_timestamp(timestamp).ok_or_else(|| {
            Rejection::malformed(TIMESTAMP_HEADER, "expected integer Unix seconds")
        })?;
        let skew = seconds_between(sent, now);
        if skew > TOLERANCE.as_secs() {
            return Err(Rejection::OutsideTolerance {
                skew_secs: skew,
                tolerance_secs: TOLERANCE.as_secs(),
            });
        }

        let expected = hmac_sha256(
            self.key.expose(),
            &[id.as_bytes(), b".", timestamp.as_bytes(), b".", body],
        )
        .ok_or(Rejection::Mismatch)?;

        let mut saw_v1 = false;
        let mut matched = false;
        let entries = signatures
            .iter()
            .flat_map(|line| line.split(' '))
            .filter(|entry| !entry.is_empty());
        for entry in entries {
            let Some(("v1", encoded)) = entry.split_once(',') else {
                continue;
            };
            saw_v1 = true;
            if encoded.len() > MAX_SIGNATURE_LEN {
                continue;
            }
            if let Ok(tag) = BASE64.decode(encoded.as_bytes()) {
                // Not short-circuited, so the time taken does not depend on which entry
                // matched.
                matched |= tag_eq(&tag, &expected);
            }
        }
        match (matched, saw_v1) {
            (true, _) => Ok(()),
            (false, true) => Err(Rejection::Mismatch),
            (false, false) => Err(Rejection::malformed(
                SIGNATURE_HEADER,
                "no v1,<base64> entry",
            )),
        }
    }
}

/// Parses `webhook-timestamp`: ASCII digits only (no sign, no spaces, no fraction).
fn parse_timestamp(text: &str) -> Option<u64> {
    if text.is_empty()
        || text.len() > MAX_TIMESTAMP_DIGITS
        || !text.bytes().all(|b| b.is_ascii_digit())
    {
        return None;
    }
    text.parse().ok()
}

/// Absolute distance in whole seconds between Unix time `sent` and `now`.
fn seconds_between(sent: u64, now: SystemTime) -> u64 {
    let now_secs: i128 = match now.duration_since(UNIX_EPOCH) {
        Ok(since) => i128::from(since.as_secs()),
        Err(before) => -i128::from(before.duration().as_secs()),
    };
    let skew = (i128::from(sent) - now_secs).unsigned_abs();
    u64::try_from(skew).unwrap_or(u64::MAX)
}
