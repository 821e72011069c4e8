//! sprig's JSON helpers: `fromJson` / `mustFromJson` (`json.Unmarshal` into `interface {}`,
//! with Go's syntax-error texts from a port of `encoding/json`'s scanner) and the `toJson`
//! family (Go's `json.Marshal`, `MarshalIndent` and an `Encoder` without HTML escaping).

use crate::expr::gofmt::{self, JsonOptions};
use crate::expr::value::Value;

use super::Result;
use super::conv::go_quote;

/// `encoding/json`'s `maxNestingDepth`.
const MAX_NESTING: usize = 10_000;

/// `toJson` / `mustToJson` (`json.Marshal`).
pub fn to_json(v: &Value<'_>) -> std::result::Result<String, String> {
    gofmt::to_json(v, JsonOptions::MARSHAL).map_err(|e| e.0)
}

/// `toPrettyJson` / `mustToPrettyJson` (`json.MarshalIndent(v, "", "  ")`).
pub fn to_pretty_json(v: &Value<'_>) -> std::result::Result<String, String> {
    gofmt::to_json(v, JsonOptions::INDENT2).map_err(|e| e.0)
}

/// `toRawJson` / `mustToRawJson` (an `Encoder` with `SetEscapeHTML(false)`).
pub fn to_raw_json(v: &Value<'_>) -> std::result::Result<String, String> {
    let opts = JsonOptions {
        escape_html: false,
        indent: None,
    };
    gofmt::to_json(v, opts).map_err(|e| e.0)
}

/// `mustFromJson`: the decoded value or Go's error text.
pub fn from_json(s: &str) -> Result<Value<'static>> {
    check_valid(s.as_bytes())?;
    serde_json::from_str::<serde_json::Value>(s)
        .map(Value::from_owned_json)
        .map_err(|e| e.to_string())
}

/// encoding/json's `quoteChar`.
fn quote_char(c: u8) -> String {
    match c {
        b'\'' => r"'\''".to_string(),
        b'"' => "'\"'".to_string(),
        _ => {
            let q = go_quote(&char::from(c).to_string());
            format!("'{}'", &q[1..q.len() - 1])
        }
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Parse {
    ObjectKey,
    ObjectValue,
    ArrayValue,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum State {
    BeginValue,
    BeginValueOrEmpty,
    BeginStringOrEmpty,
    BeginString,
    EndValue,
    EndTop,
    InString,
    InStringEsc,
    InStringEscU(u8),
    Neg,
    One,
    Zero,
    Dot,
    Dot0,
    E,
    ESign,
    E0,
    Literal(&'static [u8], u8),
}

fn is_space(c: u8) -> bool {
    matches!(c, b' ' | b'\t' | b'\r' | b'\n')
}

/// encoding/json's `checkValid`: `Ok` or the `SyntaxError` text.
fn check_valid(data: &[u8]) -> std::result::Result<(), String> {
    let mut stack: Vec<Parse> = Vec::new();
    let mut state = State::BeginValue;
    for &c in data {
        state = step(state, c, &mut stack)?;
    }
    // `eof`: feeding a space completes a pending number, or fails a pending literal
    // (`tru` → `invalid character ' ' in literal true (expecting 'e')`).
    if state == State::EndTop {
        return Ok(());
    }
    match step(state, b' ', &mut stack)? {
        State::EndTop => Ok(()),
        _ => Err("unexpected end of JSON input".to_string()),
    }
}

fn err(c: u8, context: &str) -> String {
    format!("invalid character {} {context}", quote_char(c))
}

fn begin_value(c: u8, stack: &mut Vec<Parse>) -> std::result::Result<State, String> {
    if is_space(c) {
        return Ok(State::BeginValue);
    }
    Ok(match c {
        b'{' => {
            stack.push(Parse::ObjectKey);
            if stack.len() > MAX_NESTING {
                return Err("exceeded max depth".to_string());
            }
            State::BeginStringOrEmpty
        }
        b'[' => {
            stack.push(Parse::ArrayValue);
            if stack.len() > MAX_NESTING {
                return Err("exceeded max depth".to_string());
            }
            State::BeginValueOrEmpty
        }
        b'"' => State::InString,
        b'-' => State::Neg,
        b'0' => State::Zero,
        b'1'..=b'9' => State::One,
        b't' => State::Literal(b"true", 1),
        b'f' => State::Literal(b"false", 1),
        b'n' => State::Literal(b"null", 1),
        _ => return Err(err(c, "looking for beginning of value")),
    })
}

fn end_value(c: u8, stack: &mut Vec<Parse>) -> std::result::Result<State, String> {
    let Some(&top) = stack.last() else {
        return end_top(c);
    };
    if is_space(c) {
        return Ok(State::EndValue);
    }
    match (top, c) {
        (Parse::ObjectKey, b':') => {
            *stack.last_mut().unwrap_or(&mut Parse::ObjectKey) = Parse::ObjectValue;
            Ok(State::BeginValue)
        }
        (Parse::ObjectKey, _) => Err(err(c, "after object key")),
        (Parse::ObjectValue, b',') => {
            *stack.last_mut().unwrap_or(&mut Parse::ObjectValue) = Parse::ObjectKey;
            Ok(State::BeginString)
        }
        (Parse::ObjectValue, b'}') | (Parse::ArrayValue, b']') => {
            stack.pop();
            Ok(if stack.is_empty() {
                State::EndTop
            } else {
                State::EndValue
            })
        }
        (Parse::ObjectValue, _) => Err(err(c, "after object key:value pair")),
        (Parse::ArrayValue, b',') => Ok(State::BeginValue),
        (Parse::ArrayValue, _) => Err(err(c, "after array element")),
    }
}

fn end_top(c: u8) -> std::result::Result<State, String> {
    if is_space(c) {
        Ok(State::EndTop)
    } else {
        Err(err(c, "after top-level value"))
    }
}

/// One step of the scanner.
fn step(state: State, c: u8, stack: &mut Vec<Parse>) -> std::result::Result<State, String> {
    match state {
        State::BeginValue => begin_value(c, stack),
        State::BeginValueOrEmpty => {
            if is_space(c) {
                Ok(state)
            } else if c == b']' {
                end_value(c, stack)
            } else {
                begin_value(c, stack)
            }
        }
        State::BeginStringOrEmpty => {
            if is_space(c) {
                Ok(state)
            } else if c == b'}' {
                if let Some(top) = stack.last_mut() {
                    *top = Parse::ObjectValue;
                }
                end_value(c, stack)
            } else {
                step(State::BeginString, c, stack)
            }
        }
        State::BeginString => {
            if is_space(c) {
                Ok(state)
            } else if c == b'"' {
                Ok(State::InString)
            } else {
                Err(err(c, "looking for beginning of object key string"))
            }
        }
        State::EndValue => end_value(c, stack),
        State::EndTop => end_top(c),
        State::InString => match c {
            b'"' => Ok(State::EndValue),
            b'\\' => Ok(State::InStringEsc),
            c if c < 0x20 => Err(err(c, "in string literal")),
            _ => Ok(state),
        },
        State::InStringEsc => match c {
            b'b' | b'f' | b'n' | b'r' | b't' | b'\\' | b'/' | b'"' => Ok(State::InString),
            b'u' => Ok(State::InStringEscU(0)),
            _ => Err(err(c, "in string escape code")),
        },
        State::InStringEscU(n) => {
            if c.is_ascii_hexdigit() {
                Ok(if n == 3 {
                    State::InString
                } else {
                    State::InStringEscU(n + 1)
                })
            } else {
                Err(err(c, "in \\u hexadecimal character escape"))
            }
        }
        State::Neg => match c {
            b'0' => Ok(State::Zero),
            b'1'..=b'9' => Ok(State::One),
            _ => Err(err(c, "in numeric literal")),
        },
        State::One if c.is_ascii_digit() => Ok(State::One),
        State::One | State::Zero => match c {
            b'.' => Ok(State::Dot),
            b'e' | b'E' => Ok(State::E),
            _ => end_value(c, stack),
        },
        State::Dot => {
            if c.is_ascii_digit() {
                Ok(State::Dot0)
            } else {
                Err(err(c, "after decimal point in numeric literal"))
            }
        }
        State::Dot0 => match c {
            b'0'..=b'9' => Ok(State::Dot0),
            b'e' | b'E' => Ok(State::E),
            _ => end_value(c, stack),
        },
        State::E if c == b'+' || c == b'-' => Ok(State::ESign),
        State::E | State::ESign => {
            if c.is_ascii_digit() {
                Ok(State::E0)
            } else {
                Err(err(c, "in exponent of numeric literal"))
            }
        }
        State::E0 => {
            if c.is_ascii_digit() {
                Ok(State::E0)
            } else {
                end_value(c, stack)
            }
        }
        State::Literal(word, i) => {
            let want = word[usize::from(i)];
            if c != want {
                let name = std::str::from_utf8(word).unwrap_or_default();
                return Err(err(
                    c,
                    &format!("in literal {name} (expecting '{}')", char::from(want)),
                ));
            }
            if usize::from(i) + 1 == word.len() {
                Ok(State::EndValue)
            } else {
                Ok(State::Literal(word, i + 1))
            }
        }
    }
}
