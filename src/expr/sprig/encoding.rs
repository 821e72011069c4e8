//! sprig's encodings and checksums: `b64enc`/`b64dec`, `b32enc`/`b32dec` (Go's
//! `StdEncoding`s; a decode error *is* the result, e.g. `illegal base64 data at input byte
//! 4`), `sha1sum`, `sha256sum`, `sha512sum` (hex) and `adler32sum` (decimal).
//!
//! The decoders are ports of Go's so that lenient inputs (newlines, non-zero trailing bits)
//! and error offsets match.

use base64::Engine as _;
use sha1::Digest as _;

use super::conv::go_lossy;

fn corrupt(kind: &str, at: usize) -> String {
    format!("illegal {kind} data at input byte {at}")
}

/// `b64enc`.
pub fn b64enc(s: &str) -> String {
    base64::engine::general_purpose::STANDARD.encode(s.as_bytes())
}

fn b64_value(c: u8) -> Option<u8> {
    Some(match c {
        b'A'..=b'Z' => c - b'A',
        b'a'..=b'z' => c - b'a' + 26,
        b'0'..=b'9' => c - b'0' + 52,
        b'+' => 62,
        b'/' => 63,
        _ => return None,
    })
}

/// Go's `base64.StdEncoding.DecodeString` (not strict: newlines are skipped, trailing bits
/// may be non-zero).
fn b64_decode(src: &[u8]) -> Result<Vec<u8>, String> {
    let mut out = Vec::with_capacity(src.len() / 4 * 3);
    let mut si = 0;
    while si < src.len() {
        // decodeQuantum
        let mut dbuf = [0u8; 4];
        let mut dlen = 4;
        let mut j = 0;
        let mut trailing_err = None;
        while j < 4 {
            if si == src.len() {
                if j == 0 {
                    return Ok(out);
                }
                return Err(corrupt("base64", si - j));
            }
            let c = src[si];
            si += 1;
            if let Some(v) = b64_value(c) {
                dbuf[j] = v;
                j += 1;
                continue;
            }
            if c == b'\n' || c == b'\r' {
                continue;
            }
            if c != b'=' {
                return Err(corrupt("base64", si - 1));
            }
            // Padding: `=` at j == 2 needs a second one; j < 2 is an error.
            match j {
                0 | 1 => return Err(corrupt("base64", si - 1)),
                2 => {
                    while si < src.len() && (src[si] == b'\n' || src[si] == b'\r') {
                        si += 1;
                    }
                    if si == src.len() {
                        return Err(corrupt("base64", src.len()));
                    }
                    if src[si] != b'=' {
                        return Err(corrupt("base64", si - 1));
                    }
                    si += 1;
                }
                _ => {}
            }
            while si < src.len() && (src[si] == b'\n' || src[si] == b'\r') {
                si += 1;
            }
            if si < src.len() {
                trailing_err = Some(corrupt("base64", si));
            }
            dlen = j;
            break;
        }
        let val = u32::from(dbuf[0]) << 18
            | u32::from(dbuf[1]) << 12
            | u32::from(dbuf[2]) << 6
            | u32::from(dbuf[3]);
        let bytes = [(val >> 16) as u8, (val >> 8) as u8, val as u8];
        out.extend_from_slice(&bytes[..dlen - 1]);
        if let Some(e) = trailing_err {
            return Err(e);
        }
        if dlen < 4 {
            break;
        }
    }
    Ok(out)
}

/// `b64dec`: the decoded text, or the error text.
pub fn b64dec(s: &str) -> String {
    match b64_decode(s.as_bytes()) {
        Ok(b) => go_lossy(&b),
        Err(e) => e,
    }
}

const B32: &[u8; 32] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

/// `b32enc` (Go's `base32.StdEncoding`, padded).
pub fn b32enc(s: &str) -> String {
    let src = s.as_bytes();
    let mut out = String::with_capacity(src.len().div_ceil(5) * 8);
    for chunk in src.chunks(5) {
        let mut buf = [0u8; 5];
        buf[..chunk.len()].copy_from_slice(chunk);
        let n = u64::from(buf[0]) << 32
            | u64::from(buf[1]) << 24
            | u64::from(buf[2]) << 16
            | u64::from(buf[3]) << 8
            | u64::from(buf[4]);
        let chars = match chunk.len() {
            1 => 2,
            2 => 4,
            3 => 5,
            4 => 7,
            _ => 8,
        };
        for i in 0..8 {
            if i < chars {
                out.push(char::from(B32[((n >> (35 - 5 * i)) & 0x1F) as usize]));
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// Go's `base32.StdEncoding.DecodeString` (newlines are removed first).
fn b32_decode(s: &str) -> Result<Vec<u8>, String> {
    let src: Vec<u8> = s.bytes().filter(|&c| c != b'\n' && c != b'\r').collect();
    let olen = src.len();
    let mut out = Vec::with_capacity(olen / 8 * 5);
    let mut rest: &[u8] = &src;
    let mut end = false;
    while !rest.is_empty() && !end {
        let mut dbuf = [0u8; 8];
        let mut dlen = 8;
        let mut j = 0;
        while j < 8 {
            if rest.is_empty() {
                return Err(corrupt("base32", olen - rest.len() - j));
            }
            let c = rest[0];
            rest = &rest[1..];
            if c == b'=' && j >= 2 && rest.len() < 8 {
                if rest.len() + j < 7 {
                    return Err(corrupt("base32", olen));
                }
                for k in 0..7 - j {
                    if rest.len() > k && rest[k] != b'=' {
                        return Err(corrupt("base32", olen - rest.len() + k - 1));
                    }
                }
                dlen = j;
                end = true;
                if matches!(dlen, 1 | 3 | 6) {
                    return Err(corrupt("base32", olen - rest.len() - 1));
                }
                break;
            }
            let Some(v) = B32.iter().position(|&x| x == c) else {
                return Err(corrupt("base32", olen - rest.len() - 1));
            };
            dbuf[j] = v as u8;
            j += 1;
        }
        let d = dbuf;
        let bytes = [
            d[0] << 3 | d[1] >> 2,
            d[1] << 6 | d[2] << 1 | d[3] >> 4,
            d[3] << 4 | d[4] >> 1,
            d[4] << 7 | d[5] << 2 | d[6] >> 3,
            d[6] << 5 | d[7],
        ];
        let n = match dlen {
            8 => 5,
            7 => 4,
            5 => 3,
            4 => 2,
            2 => 1,
            _ => 0,
        };
        out.extend_from_slice(&bytes[..n]);
    }
    Ok(out)
}

/// `b32dec`: the decoded text, or the error text.
pub fn b32dec(s: &str) -> String {
    match b32_decode(s) {
        Ok(b) => go_lossy(&b),
        Err(e) => e,
    }
}

fn hex(bytes: &[u8]) -> String {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let mut s = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        s.push(char::from(HEX[usize::from(b >> 4)]));
        s.push(char::from(HEX[usize::from(b & 0xF)]));
    }
    s
}

/// `sha1sum`.
pub fn sha1sum(s: &str) -> String {
    hex(&sha1::Sha1::digest(s.as_bytes()))
}

/// `sha256sum`.
pub fn sha256sum(s: &str) -> String {
    hex(&sha2::Sha256::digest(s.as_bytes()))
}

/// `sha512sum`.
pub fn sha512sum(s: &str) -> String {
    hex(&sha2::Sha512::digest(s.as_bytes()))
}

/// `adler32sum`: the Adler-32 checksum in decimal.
pub fn adler32sum(s: &str) -> String {
    const MOD: u32 = 65_521;
    let (mut a, mut b) = (1u32, 0u32);
    for chunk in s.as_bytes().chunks(5_552) {
        for &x in chunk {
            a += u32::from(x);
            b += a;
        }
        a %= MOD;
        b %= MOD;
    }
    (b << 16 | a).to_string()
}
