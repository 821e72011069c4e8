//! [`SecretBytes`]: a webhook secret that is zeroed on drop and never printed.
//!
//! Takes the secret's bytes by value (no copy is kept elsewhere by this type) and gives
//! them back only through [`SecretBytes::expose`], inside this module tree.

use zeroize::Zeroizing;

/// Secret key material. `Debug` prints `SecretBytes([redacted])`; there is no `Display`.
#[derive(Clone)]
pub struct SecretBytes(Zeroizing<Vec<u8>>);

impl SecretBytes {
    /// Wraps `bytes`; they are zeroed when the value is dropped.
    pub fn new(bytes: Vec<u8>) -> Self {
        SecretBytes(Zeroizing::new(bytes))
    }

    /// Whether the secret is empty (an empty secret is a configuration error).
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The key bytes, for MAC computation and constant-time comparison only.
    pub(super) fn expose(&self) -> &[u8] {
        &self.0
    }
}

impl std::fmt::Debug for SecretBytes {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SecretBytes([redacted])")
    }
}
