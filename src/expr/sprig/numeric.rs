//! sprig's maths (`functions.go`, `numeric.go`): int64 arithmetic through `cast.ToInt64`
//! (wrapping like Go, with Go's divide-by-zero panic), float helpers through
//! shopspring/decimal, `round` with Go's `math.Pow`, and the integer sequences.

use crate::expr::value::{ListKind, Value};

use super::conv::{to_float64, to_int64};
use super::decimal::Decimal;
use super::{MEMORY_BUDGET, Result, budget_exceeded};

const DIVIDE_BY_ZERO: &str = "runtime error: integer divide by zero";

/// `div(a, b)`: int64 division truncating toward zero.
pub fn div(a: &Value<'_>, b: &Value<'_>) -> Result<i64> {
    let d = to_int64(b);
    if d == 0 {
        return Err(DIVIDE_BY_ZERO.to_string());
    }
    Ok(to_int64(a).wrapping_div(d))
}

/// `mod(a, b)`: int64 remainder with the dividend's sign.
pub fn modulo(a: &Value<'_>, b: &Value<'_>) -> Result<i64> {
    let d = to_int64(b);
    if d == 0 {
        return Err(DIVIDE_BY_ZERO.to_string());
    }
    Ok(to_int64(a).wrapping_rem(d))
}

/// `max` / `biggest` / `min`: int64 extremes of all arguments.
pub fn extreme(args: &[Value<'_>], max: bool) -> i64 {
    let mut it = args.iter().map(to_int64);
    let first = it.next().unwrap_or(0);
    it.fold(first, |a, b| if (b > a) == max && b != a { b } else { a })
}

/// Go's `math.Max`.
fn go_max(x: f64, y: f64) -> f64 {
    if x == f64::INFINITY || y == f64::INFINITY {
        f64::INFINITY
    } else if x.is_nan() || y.is_nan() {
        f64::NAN
    } else if x == 0.0 && x == y {
        if x.is_sign_negative() { y } else { x }
    } else if x > y {
        x
    } else {
        y
    }
}

/// Go's `math.Min`.
fn go_min(x: f64, y: f64) -> f64 {
    if x == f64::NEG_INFINITY || y == f64::NEG_INFINITY {
        f64::NEG_INFINITY
    } else if x.is_nan() || y.is_nan() {
        f64::NAN
    } else if x == 0.0 && x == y {
        if x.is_sign_negative() { x } else { y }
    } else if x < y {
        x
    } else {
        y
    }
}

/// `maxf` / `minf`.
pub fn extreme_f(args: &[Value<'_>], max: bool) -> f64 {
    let mut it = args.iter().map(to_float64);
    let first = it.next().unwrap_or(0.0);
    it.fold(first, |a, b| if max { go_max(a, b) } else { go_min(a, b) })
}

/// The decimal operations of `execDecimalOp`.
#[derive(Clone, Copy, Debug)]
pub enum DecOp {
    /// `Add`.
    Add,
    /// `Sub`.
    Sub,
    /// `Mul`.
    Mul,
    /// `Div` (16 decimal places).
    Div,
}

/// sprig's `execDecimalOp`: folds `rest` into `first` with decimal arithmetic.
pub fn decimal_op(first: f64, rest: &[f64], op: DecOp) -> Result<f64> {
    let mut acc = Decimal::from_f64(first)?;
    for &x in rest {
        let d = Decimal::from_f64(x)?;
        acc = match op {
            DecOp::Add => acc.add(&d),
            DecOp::Sub => acc.sub(&d),
            DecOp::Mul => acc.mul(&d),
            DecOp::Div => acc.div(&d)?,
        };
    }
    Ok(acc.to_f64())
}

/// Go's `math.Frexp`.
fn frexp(f: f64) -> (f64, i32) {
    if f == 0.0 || !f.is_finite() {
        return (f, 0);
    }
    let (f, mut exp) = if f.abs() < f64::MIN_POSITIVE {
        (f * (1u64 << 52) as f64, -52)
    } else {
        (f, 0)
    };
    let mut x = f.to_bits();
    exp += ((x >> 52) & 0x7FF) as i32 - 1023 + 1;
    x &= !(0x7FF << 52);
    x |= 1022 << 52;
    (f64::from_bits(x), exp)
}

/// Go's `math.Ldexp`.
fn ldexp(frac: f64, exp: i32) -> f64 {
    if frac == 0.0 || !frac.is_finite() {
        return frac;
    }
    let (frac, e) = if frac.abs() < f64::MIN_POSITIVE {
        (frac * (1u64 << 52) as f64, -52)
    } else {
        (frac, 0)
    };
    let mut exp = i64::from(exp) + i64::from(e);
    let mut x = frac.to_bits();
    exp += ((x >> 52) & 0x7FF) as i64 - 1023;
    if exp < -1075 {
        return 0f64.copysign(frac);
    }
    if exp > 1023 {
        return if frac < 0.0 {
            f64::NEG_INFINITY
        } else {
            f64::INFINITY
        };
    }
    let mut m = 1.0;
    if exp < -1022 {
        exp += 53;
        m = 1.0 / (1u64 << 53) as f64;
    }
    x &= !(0x7FF << 52);
    x |= ((exp + 1023) as u64) << 52;
    m * f64::from_bits(x)
}

/// Go's `math.Pow(x, y)` for an integral `y` (repeated squaring, as Go computes it).
fn go_pow_int(x: f64, y: i64) -> f64 {
    if y == 0 || x == 1.0 {
        return 1.0;
    }
    if y == 1 {
        return x;
    }
    if x.is_nan() {
        return f64::NAN;
    }
    if x == 0.0 {
        return if y < 0 {
            if y % 2 != 0 {
                f64::INFINITY.copysign(x)
            } else {
                f64::INFINITY
            }
        } else if y % 2 != 0 {
            x
        } else {
            0.0
        };
    }
    if x.is_infinite() {
        if x == f64::NEG_INFINITY {
            return go_pow_int(-0.0, -y);
        }
        return if y < 0 { 0.0 } else { f64::INFINITY };
    }
    let yi = y.unsigned_abs();
    let mut a1 = 1.0;
    let mut ae: i64 = 0;
    let (mut x1, xe) = frexp(x);
    let mut xe = i64::from(xe);
    let mut i = yi;
    while i != 0 {
        if !(-(1 << 12)..=(1 << 12)).contains(&xe) {
            ae += xe;
            break;
        }
        if i & 1 == 1 {
            a1 *= x1;
            ae += xe;
        }
        x1 *= x1;
        xe <<= 1;
        if x1 < 0.5 {
            x1 += x1;
            xe -= 1;
        }
        i >>= 1;
    }
    if y < 0 {
        a1 = 1.0 / a1;
        ae = -ae;
    }
    ldexp(
        a1,
        ae.clamp(i64::from(i32::MIN), i64::from(i32::MAX)) as i32,
    )
}

/// `round(a, places, roundOn...)`.
pub fn round(a: &Value<'_>, places: i64, round_on: Option<f64>) -> f64 {
    let round_on = round_on.unwrap_or(0.5);
    let val = to_float64(a);
    let pow = go_pow_int(10.0, places);
    let digit = pow * val;
    let frac = if digit.is_infinite() {
        f64::NAN
    } else {
        digit.fract()
    };
    let r = if frac >= round_on {
        digit.ceil()
    } else {
        digit.floor()
    };
    r / pow
}

/// sprig's `untilStep(start, stop, step)`, bounded by the memory budget.
pub fn until_step(start: i64, stop: i64, step: i64) -> Result<Vec<i64>> {
    let (start, stop, step) = (i128::from(start), i128::from(stop), i128::from(step));
    let count = if stop < start {
        if step >= 0 {
            return Ok(Vec::new());
        }
        (start - stop + (-step) - 1) / (-step)
    } else {
        if step <= 0 {
            return Ok(Vec::new());
        }
        (stop - start + step - 1) / step
    };
    if count > i128::from(MEMORY_BUDGET) {
        return Err(budget_exceeded());
    }
    Ok((0..count).map(|k| (start + k * step) as i64).collect())
}

/// An `[]int` value.
pub fn int_list<'a>(items: Vec<i64>) -> Value<'a> {
    Value::typed_list(ListKind::Int, items.into_iter().map(Value::Int).collect())
}

/// sprig's `seq(params...)`: the numbers joined by spaces.
pub fn seq(params: &[i64]) -> Result<String> {
    let items = match *params {
        [end] => {
            let inc = if end < 1 { -1 } else { 1 };
            until_step(1, end.wrapping_add(inc), inc)?
        }
        [start, end] => {
            let step = if end < start { -1 } else { 1 };
            until_step(start, end.wrapping_add(step), step)?
        }
        [start, step, end] => {
            let mut inc = 1;
            if end < start {
                inc = -1;
                if step > 0 {
                    return Ok(String::new());
                }
            }
            until_step(start, end.wrapping_add(inc), step)?
        }
        _ => return Ok(String::new()),
    };
    let parts: Vec<String> = items.iter().map(i64::to_string).collect();
    Ok(parts.join(" "))
}
