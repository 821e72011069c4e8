//! Numeric conversions and maths: `cast.ToInt64` / `ToFloat64`, int64 arithmetic,
//! shopspring/decimal float helpers, `round`, sequences.

use super::{err, f, i, js, list, ok, ok_str, s};
use crate::expr::value::Value;

fn int64(v: Value<'static>) -> i64 {
    let r = ok("int64", vec![v]);
    assert_eq!(r.go_type(), "int64");
    r.as_integer().unwrap_or(i64::MAX)
}

fn float64(v: Value<'static>) -> f64 {
    let r = ok("float64", vec![v]);
    assert_eq!(r.go_type(), "float64");
    r.as_number().unwrap_or(f64::MAX)
}

fn num(name: &str, args: Vec<Value<'static>>) -> f64 {
    ok(name, args).as_number().unwrap_or(f64::MAX)
}

#[test]
fn atoi_is_strconv_atoi_without_errors() {
    let v = ok("atoi", vec![s("42")]);
    assert_eq!(v.go_type(), "int");
    assert_eq!(v.as_integer(), Some(42));
    assert_eq!(ok("atoi", vec![s("+5")]).as_integer(), Some(5));
    assert_eq!(ok("atoi", vec![s("-17")]).as_integer(), Some(-17));
    assert_eq!(ok("atoi", vec![s("x")]).as_integer(), Some(0));
    assert_eq!(ok("atoi", vec![s(" 1")]).as_integer(), Some(0));
    assert_eq!(ok("atoi", vec![s("1.5")]).as_integer(), Some(0));
    assert_eq!(ok("atoi", vec![s("0x10")]).as_integer(), Some(0));
    // Out of range: Atoi returns the clamped value with its error, which sprig ignores.
    assert_eq!(
        ok("atoi", vec![s("99999999999999999999")]).as_integer(),
        Some(i64::MAX)
    );
    assert_eq!(
        ok("atoi", vec![s("-99999999999999999999")]).as_integer(),
        Some(i64::MIN)
    );
}

#[test]
fn int64_follows_cast() {
    assert_eq!(int64(s("42")), 42);
    assert_eq!(int64(s("-42")), -42);
    assert_eq!(int64(s("0x1F")), 31);
    assert_eq!(int64(s("0o17")), 15);
    assert_eq!(int64(s("0b101")), 5);
    assert_eq!(int64(s("017")), 15);
    assert_eq!(int64(s("08")), 0);
    assert_eq!(int64(s("1_000")), 1000);
    assert_eq!(int64(s("1__0")), 0);
    assert_eq!(int64(s("12.000")), 12);
    assert_eq!(int64(s("1.5")), 0);
    assert_eq!(int64(s("9223372036854775808")), 0);
    assert_eq!(int64(s("")), 0);
    assert_eq!(int64(f(3.9)), 3);
    assert_eq!(int64(f(-3.9)), -3);
    // amd64's conversion of NaN and out-of-range floats.
    assert_eq!(int64(f(1e19)), i64::MIN);
    assert_eq!(int64(f(f64::NAN)), i64::MIN);
    assert_eq!(int64(Value::Bool(true)), 1);
    assert_eq!(int64(Value::Nil), 0);
    assert_eq!(int64(Value::Duration(5)), 0);
    assert_eq!(int64(list(vec![i(1)])), 0);
    let v = ok("int", vec![s("7")]);
    assert_eq!(v.go_type(), "int");
    assert_eq!(v.as_integer(), Some(7));
    assert_eq!(ok("int", vec![f(-2.5)]).as_integer(), Some(-2));
}

#[test]
fn float64_follows_cast() {
    assert_eq!(float64(s("1.5")), 1.5);
    assert_eq!(float64(s("1e3")), 1000.0);
    assert_eq!(float64(s(".5")), 0.5);
    assert_eq!(float64(s("1.")), 1.0);
    assert_eq!(float64(s("1_000.5")), 1000.5);
    assert_eq!(float64(s("0x1p-2")), 0.25);
    assert_eq!(float64(s("0x10")), 0.0);
    assert_eq!(float64(s("inf")), f64::INFINITY);
    assert_eq!(float64(s("-Infinity")), f64::NEG_INFINITY);
    assert!(float64(s("NaN")).is_nan());
    assert_eq!(float64(s("+nan")), 0.0);
    // Overflow is a range error (0); underflow is not an error.
    assert_eq!(float64(s("1e400")), 0.0);
    assert_eq!(float64(s("1e-400")), 0.0);
    assert_eq!(float64(s("abc")), 0.0);
    assert_eq!(float64(s(" 1")), 0.0);
    assert_eq!(float64(i(3)), 3.0);
    assert_eq!(float64(Value::Int64(-3)), -3.0);
    assert_eq!(float64(Value::Bool(true)), 1.0);
    assert_eq!(float64(Value::Nil), 0.0);
}

#[test]
fn integer_arithmetic() {
    let v = ok("add", vec![i(1), s("2"), f(3.7)]);
    assert_eq!(v.go_type(), "int64");
    assert_eq!(v.as_integer(), Some(6));
    assert_eq!(ok("add", vec![]).as_integer(), Some(0));
    assert_eq!(
        ok("add", vec![Value::Int64(i64::MAX), i(1)]).as_integer(),
        Some(i64::MIN)
    );
    assert_eq!(ok("add1", vec![s("9")]).as_integer(), Some(10));
    assert_eq!(ok("sub", vec![i(5), f(2.0)]).as_integer(), Some(3));
    assert_eq!(ok("mul", vec![i(2), i(3), s("4")]).as_integer(), Some(24));
    assert_eq!(ok("mul", vec![i(7)]).as_integer(), Some(7));
    assert_eq!(ok("div", vec![i(7), i(2)]).as_integer(), Some(3));
    assert_eq!(ok("div", vec![i(-7), i(2)]).as_integer(), Some(-3));
    assert_eq!(
        ok("div", vec![Value::Int64(i64::MIN), i(-1)]).as_integer(),
        Some(i64::MIN)
    );
    assert_eq!(
        err("div", vec![i(1), i(0)]),
        "runtime error: integer divide by zero"
    );
    assert_eq!(
        err("div", vec![i(1), s("x")]),
        "runtime error: integer divide by zero"
    );
    assert_eq!(ok("mod", vec![i(-7), i(3)]).as_integer(), Some(-1));
    assert_eq!(
        err("mod", vec![i(1), Value::Nil]),
        "runtime error: integer divide by zero"
    );
    assert_eq!(ok("max", vec![i(1), i(5), s("3")]).as_integer(), Some(5));
    assert_eq!(ok("biggest", vec![i(1)]).as_integer(), Some(1));
    assert_eq!(ok("min", vec![i(4), f(-2.5), i(3)]).as_integer(), Some(-2));
}

#[test]
fn float_helpers_use_decimal_arithmetic() {
    let v = ok("addf", vec![f(0.1), f(0.2)]);
    assert_eq!(v.go_type(), "float64");
    assert_eq!(v.as_number(), Some(0.3));
    assert_eq!(num("addf", vec![]), 0.0);
    assert_eq!(num("addf", vec![i(1), s("2.5"), f(1e-20)]), 3.5);
    assert_eq!(num("add1f", vec![f(1.5)]), 2.5);
    assert_eq!(num("subf", vec![i(1), f(0.9)]), 0.1);
    assert_eq!(num("subf", vec![f(1.5)]), 1.5);
    assert_eq!(num("mulf", vec![f(1.1), i(3)]), 3.3);
    assert_eq!(num("divf", vec![i(1), i(3)]), 0.3333333333333333);
    // Rounded half away from zero at 16 decimal places.
    assert_eq!(num("divf", vec![i(2), i(3)]), 0.6666666666666667);
    assert_eq!(num("divf", vec![i(-1), i(3)]), -0.3333333333333333);
    assert_eq!(num("divf", vec![i(10), i(4)]), 2.5);
    assert_eq!(num("divf", vec![f(1e300), f(1e-300)]), f64::INFINITY);
    assert_eq!(err("divf", vec![i(1), i(0)]), "decimal division by zero");
    assert_eq!(
        err("addf", vec![s("inf")]),
        "Cannot create a Decimal from +Inf"
    );
    assert_eq!(
        err("mulf", vec![f(f64::NAN), i(1)]),
        "Cannot create a Decimal from NaN"
    );
    assert_eq!(num("mulf", vec![f(1e300), f(1e300)]), f64::INFINITY);
    assert_eq!(num("addf", vec![f(1e300), f(1e-300)]), 1e300);
}

#[test]
fn float_extremes_follow_go_math() {
    assert_eq!(num("maxf", vec![i(1), f(2.5), s("3.5")]), 3.5);
    assert_eq!(num("minf", vec![i(1), f(2.5), s("-3.5")]), -3.5);
    assert!(num("maxf", vec![f(1.0), f(f64::NAN)]).is_nan());
    assert_eq!(
        num("maxf", vec![f(f64::NAN), f(f64::INFINITY)]),
        f64::INFINITY
    );
    assert!(num("minf", vec![f(0.0), f(-0.0)]).is_sign_negative());
    assert!(num("maxf", vec![f(-0.0), f(0.0)]).is_sign_positive());
}

#[test]
fn ceil_floor_round() {
    assert_eq!(num("ceil", vec![f(1.2)]), 2.0);
    assert_eq!(num("floor", vec![s("1.8")]), 1.0);
    assert_eq!(num("ceil", vec![Value::Nil]), 0.0);
    assert_eq!(num("round", vec![f(1.23456), i(2)]), 1.23);
    assert_eq!(num("round", vec![f(2.71428), i(2)]), 2.71);
    assert_eq!(num("round", vec![f(2.5), i(0)]), 3.0);
    assert_eq!(num("round", vec![f(-2.5), i(0)]), -3.0);
    // sprig rounds negative numbers with floor below the threshold.
    assert_eq!(num("round", vec![f(-2.4), i(0)]), -3.0);
    assert_eq!(num("round", vec![f(1.2345), i(2), f(0.3)]), 1.24);
    assert_eq!(num("round", vec![i(5), i(-1)]), 10.0);
    assert_eq!(num("round", vec![s("123.456"), i(1)]), 123.5);
}

#[test]
fn sequences() {
    let u = ok("until", vec![i(5)]);
    assert_eq!(u.go_type(), "[]int");
    assert_eq!(js(&u), "[0,1,2,3,4]");
    assert_eq!(js(&ok("until", vec![i(-3)])), "[0,-1,-2]");
    assert_eq!(js(&ok("until", vec![i(0)])), "[]");
    assert_eq!(js(&ok("untilStep", vec![i(0), i(10), i(3)])), "[0,3,6,9]");
    assert_eq!(js(&ok("untilStep", vec![i(10), i(0), i(-4)])), "[10,6,2]");
    assert_eq!(js(&ok("untilStep", vec![i(0), i(10), i(-1)])), "[]");
    assert_eq!(js(&ok("untilStep", vec![i(10), i(0), i(0)])), "[]");
    assert_eq!(ok_str("seq", vec![]), "");
    assert_eq!(ok_str("seq", vec![i(3)]), "1 2 3");
    assert_eq!(ok_str("seq", vec![i(-2)]), "1 0 -1 -2");
    assert_eq!(ok_str("seq", vec![i(2), i(5)]), "2 3 4 5");
    assert_eq!(ok_str("seq", vec![i(5), i(2)]), "5 4 3 2");
    assert_eq!(ok_str("seq", vec![i(0), i(2), i(10)]), "0 2 4 6 8 10");
    assert_eq!(ok_str("seq", vec![i(10), i(-2), i(4)]), "10 8 6 4");
    assert_eq!(ok_str("seq", vec![i(10), i(2), i(4)]), "");
    assert_eq!(ok_str("seq", vec![i(1), i(2), i(3), i(4)]), "");
}

#[test]
fn to_decimal_parses_octal() {
    let v = ok("toDecimal", vec![s("0777")]);
    assert_eq!(v.go_type(), "int64");
    assert_eq!(v.as_integer(), Some(511));
    assert_eq!(ok("toDecimal", vec![i(777)]).as_integer(), Some(511));
    assert_eq!(ok("toDecimal", vec![f(10.0)]).as_integer(), Some(8));
    assert_eq!(ok("toDecimal", vec![f(1e6)]).as_integer(), Some(0));
    assert_eq!(ok("toDecimal", vec![s("8")]).as_integer(), Some(0));
    assert_eq!(ok("toDecimal", vec![Value::Nil]).as_integer(), Some(0));
}
