//! The slice of shopspring/decimal that sprig's float helpers (`addf`, `subf`, `mulf`,
//! `divf`, `add1f`) use: `NewFromFloat` (the shortest round-trip digits of a float64, taken
//! exactly), exact `Add` / `Sub` / `Mul`, `Div` rounded half away from zero to 16 decimal
//! places, and `Float64` (the nearest float64). So `addf(0.1, 0.2)` is `0.3`, not
//! `0.30000000000000004`.
//!
//! Numbers are `±digits × 10^exp` with decimal digits, which keeps every operation simple;
//! operands are float64s, so the digit counts stay small. Very long intermediate results
//! (past [`MAX_DIGITS`]) fall back to float64 arithmetic instead of growing without bound.

use std::cmp::Ordering;

/// Digit count past which an operation falls back to float64 arithmetic.
const MAX_DIGITS: usize = 4_000;

/// shopspring's `DivisionPrecision`.
const DIVISION_PRECISION: i64 = 16;

/// A decimal number `±digits × 10^exp`; `digits` is big-endian without leading zeros, and
/// empty for zero.
#[derive(Clone, Debug)]
pub struct Decimal {
    neg: bool,
    digits: Vec<u8>,
    exp: i64,
}

fn trim(mut d: Vec<u8>) -> Vec<u8> {
    let zeros = d.iter().take_while(|&&x| x == 0).count();
    d.drain(..zeros);
    d
}

fn cmp_mag(a: &[u8], b: &[u8]) -> Ordering {
    a.len().cmp(&b.len()).then_with(|| a.cmp(b))
}

fn add_mag(a: &[u8], b: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(a.len().max(b.len()) + 1);
    let (mut i, mut j, mut carry) = (a.len(), b.len(), 0u8);
    while i > 0 || j > 0 || carry > 0 {
        let mut s = carry;
        if i > 0 {
            i -= 1;
            s += a[i];
        }
        if j > 0 {
            j -= 1;
            s += b[j];
        }
        out.push(s % 10);
        carry = s / 10;
    }
    out.reverse();
    trim(out)
}

/// `a - b` for `a >= b`.
fn sub_mag(a: &[u8], b: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(a.len());
    let (mut i, mut j, mut borrow) = (a.len(), b.len(), 0i8);
    while i > 0 {
        i -= 1;
        let mut d = a[i] as i8 - borrow;
        if j > 0 {
            j -= 1;
            d -= b[j] as i8;
        }
        borrow = i8::from(d < 0);
        out.push((d + 10 * borrow) as u8);
    }
    out.reverse();
    trim(out)
}

fn mul_mag(a: &[u8], b: &[u8]) -> Vec<u8> {
    if a.is_empty() || b.is_empty() {
        return Vec::new();
    }
    // Each column sums at most 81 × MAX_DIGITS, far below `u32::MAX`.
    let mut acc = vec![0u32; a.len() + b.len()];
    for (i, &x) in a.iter().enumerate() {
        for (j, &y) in b.iter().enumerate() {
            acc[i + j + 1] += u32::from(x) * u32::from(y);
        }
    }
    for k in (1..acc.len()).rev() {
        let c = acc[k] / 10;
        acc[k] %= 10;
        acc[k - 1] += c;
    }
    trim(acc.into_iter().map(|d| d as u8).collect())
}

/// Schoolbook long division of magnitudes: `(n / d, n % d)`; `d` is not zero.
fn divmod_mag(n: &[u8], d: &[u8]) -> (Vec<u8>, Vec<u8>) {
    let mut q = Vec::with_capacity(n.len());
    let mut r: Vec<u8> = Vec::new();
    for &digit in n {
        r.push(digit);
        r = trim(r);
        let mut qd = 0u8;
        while cmp_mag(&r, d) != Ordering::Less {
            r = sub_mag(&r, d);
            qd += 1;
        }
        q.push(qd);
    }
    (trim(q), r)
}

fn shift(d: &[u8], zeros: i64) -> Vec<u8> {
    let mut v = d.to_vec();
    if !v.is_empty() {
        v.resize(v.len() + zeros as usize, 0);
    }
    v
}

impl Decimal {
    /// shopspring's `NewFromFloat`; NaN and infinities are its panic text.
    pub fn from_f64(f: f64) -> Result<Decimal, String> {
        if !f.is_finite() {
            return Err(format!(
                "Cannot create a Decimal from {}",
                crate::expr::gofmt::float_v(f)
            ));
        }
        if f == 0.0 {
            return Ok(Decimal {
                neg: false,
                digits: Vec::new(),
                exp: 0,
            });
        }
        // `{:e}` prints the shortest round-trip digits: `8.675309e6`, `1e-7`.
        let s = format!("{:e}", f.abs());
        let (mant, e) = s.split_once('e').unwrap_or((&s, "0"));
        let e: i64 = e.parse().unwrap_or(0);
        let digits: Vec<u8> = mant
            .bytes()
            .filter(u8::is_ascii_digit)
            .map(|c| c - b'0')
            .collect();
        let exp = e - (digits.len() as i64 - 1);
        Ok(Decimal {
            neg: f < 0.0,
            digits: trim(digits),
            exp,
        })
    }

    /// shopspring's `Float64`: the nearest float64 (zero is +0).
    pub fn to_f64(&self) -> f64 {
        if self.digits.is_empty() {
            return 0.0;
        }
        let mut s = String::with_capacity(self.digits.len() + 24);
        if self.neg {
            s.push('-');
        }
        s.extend(self.digits.iter().map(|d| char::from(b'0' + d)));
        s.push('e');
        s.push_str(&self.exp.to_string());
        s.parse().unwrap_or(0.0)
    }

    fn is_zero(&self) -> bool {
        self.digits.is_empty()
    }

    fn too_long(&self, other: &Decimal) -> bool {
        let span = (self.exp - other.exp).unsigned_abs() as usize;
        self.digits.len() + other.digits.len() + span > MAX_DIGITS
    }

    /// Exact sum.
    pub fn add(&self, other: &Decimal) -> Decimal {
        if self.too_long(other) {
            return Decimal::from_f64(self.to_f64() + other.to_f64())
                .unwrap_or_else(|_| self.clone());
        }
        let exp = self.exp.min(other.exp);
        let a = shift(&self.digits, self.exp - exp);
        let b = shift(&other.digits, other.exp - exp);
        let (neg, digits) = if self.neg == other.neg {
            (self.neg, add_mag(&a, &b))
        } else {
            match cmp_mag(&a, &b) {
                Ordering::Less => (other.neg, sub_mag(&b, &a)),
                _ => (self.neg, sub_mag(&a, &b)),
            }
        };
        Decimal {
            neg: neg && !digits.is_empty(),
            digits,
            exp,
        }
    }

    /// Exact difference.
    pub fn sub(&self, other: &Decimal) -> Decimal {
        let mut neg = other.clone();
        neg.neg = !neg.neg && !neg.is_zero();
        self.add(&neg)
    }

    /// Exact product.
    pub fn mul(&self, other: &Decimal) -> Decimal {
        if self.digits.len() + other.digits.len() > MAX_DIGITS {
            return Decimal::from_f64(self.to_f64() * other.to_f64())
                .unwrap_or_else(|_| self.clone());
        }
        let digits = mul_mag(&self.digits, &other.digits);
        Decimal {
            neg: self.neg != other.neg && !digits.is_empty(),
            digits,
            exp: self.exp + other.exp,
        }
    }

    /// shopspring's `Div`: the quotient rounded half away from zero to 16 decimal places.
    pub fn div(&self, other: &Decimal) -> Result<Decimal, String> {
        if other.is_zero() {
            return Err("decimal division by zero".to_string());
        }
        let k = self.exp - other.exp + DIVISION_PRECISION;
        if self.digits.len() + other.digits.len() + k.unsigned_abs() as usize > MAX_DIGITS {
            let f = self.to_f64() / other.to_f64();
            return Decimal::from_f64(f).or_else(|_| Decimal::from_f64(0.0));
        }
        let (n, d) = if k >= 0 {
            (shift(&self.digits, k), other.digits.clone())
        } else {
            (self.digits.clone(), shift(&other.digits, -k))
        };
        let (mut q, r) = divmod_mag(&n, &d);
        if cmp_mag(&add_mag(&r, &r), &d) != Ordering::Less {
            q = add_mag(&q, &[1]);
        }
        Ok(Decimal {
            neg: self.neg != other.neg && !q.is_empty(),
            digits: q,
            exp: -DIVISION_PRECISION,
        })
    }
}
