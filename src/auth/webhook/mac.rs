//! Shared primitives for the provider checks: HMAC verification, constant-time token
//! comparison and strict hex decoding.
//!
//! Takes keys, message parts and received tags as bytes; returns `bool` or decoded bytes.
//! Every comparison is constant time: `hmac`'s `verify_slice` (built on `subtle`) or
//! `subtle::ConstantTimeEq` on fixed-size digests.

use hmac::digest::KeyInit;
use hmac::{Hmac, Mac};
use sha1::Sha1;
use sha2::{Digest, Sha256, Sha512};
use subtle::ConstantTimeEq;

use super::hmac::Algorithm;

/// Whether `tag` is the HMAC of the concatenation of `parts` under `key`.
///
/// A tag of the wrong length is simply not equal.
pub(super) fn hmac_matches(algorithm: Algorithm, key: &[u8], parts: &[&[u8]], tag: &[u8]) -> bool {
    fn run<M: Mac + KeyInit>(key: &[u8], parts: &[&[u8]], tag: &[u8]) -> bool {
        // HMAC accepts keys of any length; the error branch is unreachable but is not
        // unwrapped, so that nothing here can panic.
        let Ok(mut mac) = <M as KeyInit>::new_from_slice(key) else {
            return false;
        };
        for part in parts {
            mac.update(part);
        }
        mac.verify_slice(tag).is_ok()
    }
    match algorithm {
        Algorithm::Sha1 => run::<Hmac<Sha1>>(key, parts, tag),
        Algorithm::Sha256 => run::<Hmac<Sha256>>(key, parts, tag),
        Algorithm::Sha512 => run::<Hmac<Sha512>>(key, parts, tag),
    }
}

/// Constant-time equality of a received token and a secret, by comparing their SHA-512
/// digests (as Argo's GitLab check does), so that neither content nor length leaks
/// through timing.
pub(super) fn token_matches(received: &[u8], secret: &[u8]) -> bool {
    let a = Sha512::digest(received);
    let b = Sha512::digest(secret);
    a.as_slice().ct_eq(b.as_slice()).into()
}

/// Decodes exactly `2 * N` **lowercase** hex digits into `N` bytes; anything else
/// (uppercase, other characters, another length) is `None`. Lowercase only, because the
/// providers Argo supports compare against Go's lowercase `hex.EncodeToString`.
pub(super) fn decode_lower_hex<const N: usize>(text: &[u8]) -> Option<[u8; N]> {
    if text.len() != 2 * N
        || !text
            .iter()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(b))
    {
        return None;
    }
    let mut out = [0u8; N];
    hex::decode_to_slice(text, &mut out).ok()?;
    Some(out)
}

/// The HMAC-SHA256 of the concatenation of `parts` under `key`, for checks that compare
/// one computed tag against several received ones (compare with [`tag_eq`]).
pub(super) fn hmac_sha256(key: &[u8], parts: &[&[u8]]) -> Option<[u8; 32]> {
    let mut mac = <Hmac<Sha256> as KeyInit>::new_from_slice(key).ok()?;
    for part in parts {
        mac.update(part);
    }
    Some(mac.finalize().into_bytes().into())
}

/// Constant-time equality of two tags (unequal lengths are unequal).
pub(super) fn tag_eq(a: &[u8], b: &[u8]) -> bool {
    a.ct_eq(b).into()
}
