//! `type: hmac`: a generic HMAC signature header, for senders Argo has no type for
//! (for example GitHub's older `X-Hub-Signature: sha1=…`, or any service that signs the
//! body with a shared secret).
//!
//! Takes the client's options and secret, the request headers and the raw body; returns
//! whether the configured header holds the HMAC of the body under the secret. Options
//! (YAML keys next to `type` and `secret`):
//!
//! | Key | Values | Default |
//! |---|---|---|
//! | `header` | the header name, for example `X-Hub-Signature` | required |
//! | `algorithm` | `sha1`, `sha256`, `sha512` | required |
//! | `prefix` | text before the digest, for example `sha1=` (case-sensitive) | none |
//! | `encoding` | `hex` (either case) or `base64` (standard alphabet, padding optional) | `hex` |
//!
//! When `prefix` is set, a value without it is malformed. The decoded digest must have
//! the algorithm's length. The comparison is constant time.

use base64::Engine as _;
use base64::alphabet;
use base64::engine::{DecodePaddingMode, GeneralPurpose, GeneralPurposeConfig};

use super::mac::hmac_matches;
use super::{HeaderLookup, Rejection, SecretBytes};

/// Standard base64 that accepts values with or without `=` padding.
const BASE64: GeneralPurpose = GeneralPurpose::new(
    &alphabet::STANDARD,
    GeneralPurposeConfig::new().with_decode_padding_mode(DecodePaddingMode::Indifferent),
);

/// Longest header value decoded (after the prefix): a hex SHA-512 is 128 characters.
const MAX_ENCODED_LEN: usize = 128;

/// A hash function for HMAC.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Algorithm {
    /// HMAC-SHA1 (20-byte digest). Weak as a hash, still sound as an HMAC.
    Sha1,
    /// HMAC-SHA256 (32-byte digest).
    Sha256,
    /// HMAC-SHA512 (64-byte digest).
    Sha512,
}

impl Algorithm {
    /// Parses the `algorithm:` option (`sha1`, `sha256`, `sha512`, exact).
    pub fn from_name(name: &str) -> Option<Self> {
        match name {
            "sha1" => Some(Algorithm::Sha1),
            "sha256" => Some(Algorithm::Sha256),
            "sha512" => Some(Algorithm::Sha512),
            _ => None,
        }
    }

    /// The digest length in bytes.
    pub fn output_len(self) -> usize {
        match self {
            Algorithm::Sha1 => 20,
            Algorithm::Sha256 => 32,
            Algorithm::Sha512 => 64,
        }
    }
}

/// How the digest is written in the header.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Encoding {
    /// Hex digits, lowercase or uppercase.
    Hex,
    /// Standard base64, padding optional.
    Base64,
}

impl Encoding {
    /// Parses the `encoding:` option (`hex`, `base64`, exact).
    pub fn from_name(name: &str) -> Option<Self> {
        match name {
            "hex" => Some(Encoding::Hex),
            "base64" => Some(Encoding::Base64),
            _ => None,
        }
    }
}

/// A generic HMAC webhook client.
#[derive(Debug, Clone)]
pub struct HmacSignature {
    header: String,
    algorithm: Algorithm,
    prefix: Option<String>,
    encoding: Encoding,
    secret: SecretBytes,
}

impl HmacSignature {
    /// A client; the caller has validated `header` and rejected an empty secret.
    pub fn new(
        header: String,
        algorithm: Algorithm,
        prefix: Option<String>,
        encoding: Encoding,
        secret: SecretBytes,
    ) -> Self {
        HmacSignature {
            header,
            algorithm,
            prefix: prefix.filter(|p| !p.is_empty()),
            encoding,
            secret,
        }
    }

    /// The configured header name.
    pub fn header(&self) -> &str {
        &self.header
    }

    /// Checks the configured header against the body.
    pub fn check(&self, headers: &dyn HeaderLookup, body: &[u8]) -> Result<(), Rejection> {
        let value = headers
            .get(&self.header)
            .ok_or_else(|| Rejection::MissingConfiguredHeader(self.header.clone()))?;
        let encoded = match &self.prefix {
            Some(prefix) => value.strip_prefix(prefix.as_str()).ok_or_else(|| {
                Rejection::malformed(&self.header, "missing the configured prefix")
            })?,
            None => value,
        };
        let tag = self
            .decode(encoded.as_bytes())
            .ok_or_else(|| Rejection::malformed(&self.header, self.malformed_reason()))?;
        if hmac_matches(self.algorithm, self.secret.expose(), &[body], &tag) {
            Ok(())
        } else {
            Err(Rejection::Mismatch)
        }
    }

    /// The digest bytes, if `encoded` is a well-formed digest of the right length.
    fn decode(&self, encoded: &[u8]) -> Option<Vec<u8>> {
        if encoded.is_empty() || encoded.len() > MAX_ENCODED_LEN {
            return None;
        }
        let bytes = match self.encoding {
            Encoding::Hex => hex::decode(encoded).ok()?,
            Encoding::Base64 => BASE64.decode(encoded).ok()?,
        };
        (bytes.len() == self.algorithm.output_len()).then_some(bytes)
    }

    fn malformed_reason(&self) -> &'static str {
        match self.encoding {
            Encoding::Hex => "not a hex digest of the configured algorithm's length",
            Encoding::Base64 => "not a base64 digest of the configured algorithm's length",
        }
    }
}
