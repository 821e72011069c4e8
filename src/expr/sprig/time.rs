//! sprig's clock-free duration helpers: `duration` (seconds as a Go `time.Duration` string)
//! and `durationRound` (a duration rounded to its largest unit), with a port of Go's
//! `time.ParseDuration`.

use crate::expr::gofmt::duration_string;
use crate::expr::value::Value;

use super::conv::{NumError, parse_int};

/// `duration(sec)`: only `string` (decimal seconds) and `int64` arguments count; anything
/// else (including expr's `int` and JSON's `float64`) is 0 seconds, as in sprig.
pub fn duration(v: &Value<'_>) -> String {
    let n = match v {
        Value::Int64(i) => *i,
        Value::Str(_) | Value::String(_) => match parse_int(v.as_str().unwrap_or_default(), 10) {
            Ok(i) => i,
            Err(NumError::Range(c)) => c,
            Err(NumError::Syntax) => 0,
        },
        _ => 0,
    };
    duration_string(n.wrapping_mul(1_000_000_000))
}

/// `durationRound(d)`: a `string` (Go duration syntax) or `int64` (nanoseconds) rounded down
/// to its largest unit: `2h30m` → `2h`, 45 days → `1m`.
pub fn duration_round(v: &Value<'_>) -> String {
    let d: i64 = match v {
        Value::Int64(i) => *i,
        Value::Str(_) | Value::String(_) => {
            parse_duration(v.as_str().unwrap_or_default()).unwrap_or(0)
        }
        _ => 0,
    };
    let u = d.unsigned_abs();
    const SECOND: u64 = 1_000_000_000;
    const MINUTE: u64 = 60 * SECOND;
    const HOUR: u64 = 60 * MINUTE;
    const DAY: u64 = 24 * HOUR;
    const MONTH: u64 = 30 * DAY;
    const YEAR: u64 = 365 * DAY;
    for (unit, suffix) in [
        (YEAR, "y"),
        (MONTH, "m"),
        (DAY, "d"),
        (HOUR, "h"),
        (MINUTE, "m"),
        (SECOND, "s"),
    ] {
        if u > unit {
            return format!("{}{suffix}", u / unit);
        }
    }
    "0s".to_string()
}

/// Go's `time.ParseDuration`; `None` for any error.
pub fn parse_duration(orig: &str) -> Option<i64> {
    const LIMIT: u64 = 1 << 63;
    let mut s = orig;
    let mut neg = false;
    if let Some(rest) = s.strip_prefix(['-', '+']) {
        neg = s.starts_with('-');
        s = rest;
    }
    if s == "0" {
        return Some(0);
    }
    if s.is_empty() {
        return None;
    }
    let mut d: u64 = 0;
    while !s.is_empty() {
        let b = s.as_bytes();
        if !(b[0] == b'.' || b[0].is_ascii_digit()) {
            return None;
        }
        // Integer part.
        let pl = s.len();
        let mut v: u64 = 0;
        let digits = b.iter().take_while(|c| c.is_ascii_digit()).count();
        for &c in &b[..digits] {
            if v > LIMIT / 10 {
                return None;
            }
            v = v * 10 + u64::from(c - b'0');
            if v > LIMIT {
                return None;
            }
        }
        s = &s[digits..];
        let pre = pl != s.len();
        // Fraction.
        let (mut f, mut scale, mut post) = (0u64, 1f64, false);
        if let Some(rest) = s.strip_prefix('.') {
            s = rest;
            let digits = s.bytes().take_while(u8::is_ascii_digit).count();
            let mut overflow = false;
            for c in s[..digits].bytes() {
                if overflow {
                    continue;
                }
                if f > (LIMIT - 1) / 10 {
                    overflow = true;
                    continue;
                }
                let y = f * 10 + u64::from(c - b'0');
                if y > LIMIT {
                    overflow = true;
                    continue;
                }
                f = y;
                scale *= 10.0;
            }
            post = digits > 0;
            s = &s[digits..];
        }
        if !pre && !post {
            return None;
        }
        // Unit.
        let ulen = s
            .find(|c: char| c == '.' || c.is_ascii_digit())
            .unwrap_or(s.len());
        if ulen == 0 {
            return None;
        }
        let unit: u64 = match &s[..ulen] {
            "ns" => 1,
            "us" | "µs" | "μs" => 1_000,
            "ms" => 1_000_000,
            "s" => 1_000_000_000,
            "m" => 60_000_000_000,
            "h" => 3_600_000_000_000,
            _ => return None,
        };
        s = &s[ulen..];
        if v > LIMIT / unit {
            return None;
        }
        v *= unit;
        if f > 0 {
            v += (f as f64 * (unit as f64 / scale)) as u64;
            if v > LIMIT {
                return None;
            }
        }
        d += v;
        if d > LIMIT {
            return None;
        }
    }
    if neg {
        return Some((d as i64).wrapping_neg());
    }
    if d > LIMIT - 1 {
        return None;
    }
    Some(d as i64)
}
