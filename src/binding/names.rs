//! Random name suffixes: 5 characters from `[a-z0-9]`, as Argo's dispatch appends.

const ALPHABET: &[u8] = b"abcdefghijklmnopqrstuvwxyz0123456789";

/// Five random characters from `[a-z0-9]`.
pub fn random_suffix() -> String {
    (0..5)
        .map(|_| ALPHABET[rand::random_range(0..ALPHABET.len())] as char)
        .collect()
}
