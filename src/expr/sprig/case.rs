//! `camelcase`, `snakecase` and `kebabcase`: ports of huandu/xstrings v1.5.0's
//! `ToCamelCase` and `camelCaseToLowerCase` (word splitting included), quirks and all.

use super::gounicode::{is_letter, is_number, is_punct, is_space, is_upper, to_lower, to_upper};

/// What `utf8.DecodeRuneInString` reports for an invalid byte; xstrings skips such runes.
const RUNE_ERROR: char = '\u{FFFD}';

fn is_connector(c: char) -> bool {
    c == '-' || c == '_' || is_space(c)
}

/// xstrings' `isAlphabet`: a letter that is not a CJK ideograph.
fn is_alphabet(c: char) -> bool {
    if !is_letter(c) {
        return false;
    }
    let u = c as u32;
    !(0x4E00..=0x9FCC).contains(&u)
        && !(0x3400..=0x4D85).contains(&u)
        && !(0x20000..=0x2B81D).contains(&u)
}

/// The first character of `s` and its length (0 for an empty string).
fn decode(s: &str) -> (char, usize) {
    s.chars()
        .next()
        .map_or((RUNE_ERROR, 0), |c| (c, c.len_utf8()))
}

/// `ToCamelCase` (`big == false`, `lowerCamelCase`) and `ToPascalCase` (`big == true`,
/// `UpperCamelCase`, what sprig v3.3.0's `camelcase` calls): words separated by `-`, `_` or
/// spaces are joined.
pub fn camelcase(s: &str, big: bool) -> String {
    if s.is_empty() {
        return String::new();
    }
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    let mut first_upper = false;
    let (mut r0, mut size) = (RUNE_ERROR, 0);
    // Leading connectors are kept.
    while !rest.is_empty() {
        (r0, size) = decode(rest);
        rest = &rest[size..];
        if !is_connector(r0) {
            first_upper = is_upper(r0);
            r0 = if big { to_upper(r0) } else { to_lower(r0) };
            break;
        }
        out.push(r0);
    }
    if rest.is_empty() {
        if size != 0 {
            out.push(r0);
        }
        return out;
    }
    while !rest.is_empty() {
        let r1 = r0;
        (r0, size) = decode(rest);
        rest = &rest[size..];
        if is_connector(r0) && is_connector(r1) {
            out.push(r1);
            continue;
        }
        if is_connector(r1) {
            first_upper = is_upper(r0);
            r0 = to_upper(r0);
        } else {
            if first_upper {
                if is_upper(r0) {
                    r0 = to_lower(r0);
                } else {
                    first_upper = false;
                }
            }
            out.push(r1);
        }
    }
    if first_upper && !big {
        r0 = to_lower(r0);
    }
    out.push(r0);
    out
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Word {
    Invalid,
    Number,
    Upper,
    Alphabet,
    Connector,
    Punct,
    Other,
}

/// xstrings' `nextValidRune`: the next rune that is not `RuneError`, and the bytes consumed.
fn next_valid_rune(s: &str, prev: char) -> (char, usize) {
    let mut size = 0;
    let mut rest = s;
    while !rest.is_empty() {
        let (r, sz) = decode(rest);
        size += sz;
        if r != RUNE_ERROR {
            return (r, size);
        }
        rest = &rest[sz..];
    }
    (prev, size)
}

/// Advances `offset`/`remaining` over runes while `keep` holds; returns the last rune read.
fn scan(
    offset: &mut usize,
    remaining: &mut &str,
    mut r: char,
    keep: impl Fn(char) -> bool,
) -> char {
    while !remaining.is_empty() {
        let (nr, size) = next_valid_rune(remaining, r);
        r = nr;
        if !keep(r) {
            break;
        }
        *offset += size;
        *remaining = &remaining[size..];
    }
    r
}

/// xstrings' `nextWord`.
fn next_word(s: &str) -> (Word, &str, &str) {
    if s.is_empty() {
        return (Word::Invalid, "", "");
    }
    let mut remaining = s;
    let (r, size) = next_valid_rune(remaining, RUNE_ERROR);
    let mut offset = size;
    if r == RUNE_ERROR {
        return (Word::Invalid, &s[..offset], &s[offset..]);
    }
    remaining = &remaining[size..];
    let wt = if is_connector(r) {
        scan(&mut offset, &mut remaining, r, is_connector);
        Word::Connector
    } else if is_punct(r) {
        scan(&mut offset, &mut remaining, r, is_punct);
        Word::Punct
    } else if is_upper(r) {
        if !remaining.is_empty() {
            let (r2, size2) = next_valid_rune(remaining, r);
            if is_upper(r2) {
                let mut prev_size = size2;
                offset += size2;
                remaining = &remaining[size2..];
                let mut last = r2;
                while !remaining.is_empty() {
                    let (nr, sz) = next_valid_rune(remaining, last);
                    last = nr;
                    if !is_upper(nr) {
                        break;
                    }
                    prev_size = sz;
                    offset += sz;
                    remaining = &remaining[sz..];
                }
                // "HTTPStatus" splits into "HTTP" and "Status".
                if !remaining.is_empty() && is_alphabet(last) {
                    offset -= prev_size;
                    remaining = &s[offset..];
                }
            } else if is_alphabet(r2) {
                offset += size2;
                remaining = &remaining[size2..];
                scan(&mut offset, &mut remaining, r2, |c| {
                    is_alphabet(c) && !is_upper(c)
                });
            }
        }
        Word::Upper
    } else if is_alphabet(r) {
        scan(&mut offset, &mut remaining, r, |c| {
            is_alphabet(c) && !is_upper(c)
        });
        Word::Alphabet
    } else if is_number(r) {
        scan(&mut offset, &mut remaining, r, is_number);
        Word::Number
    } else {
        while !remaining.is_empty() {
            let (nr, sz) = next_valid_rune(remaining, r);
            if sz == 0 || is_connector(nr) || is_alphabet(nr) || is_number(nr) || is_punct(nr) {
                break;
            }
            offset += sz;
            remaining = &remaining[sz..];
        }
        Word::Other
    };
    (wt, &s[..offset], remaining)
}

/// xstrings' `toLower`: upper-case and connector words are lowered / joined by `connector`.
fn push_lower(out: &mut String, wt: Word, word: &str, connector: char) {
    if wt != Word::Upper && wt != Word::Connector {
        out.push_str(word);
        return;
    }
    for c in word.chars() {
        if is_connector(c) {
            out.push(connector);
        } else if is_upper(c) {
            out.push(to_lower(c));
        } else {
            out.push(c);
        }
    }
}

/// `camelCaseToLowerCase`: `snakecase` with `_`, `kebabcase` with `-`.
pub fn to_lower_case(s: &str, connector: char) -> String {
    if s.is_empty() {
        return String::new();
    }
    let mut out = String::with_capacity(s.len() + 4);
    let (mut wt, mut word, mut remaining) = next_word(s);
    let not_sep = |w: Word| w != Word::Connector && w != Word::Punct;
    while !remaining.is_empty() {
        if wt != Word::Connector {
            push_lower(&mut out, wt, word, connector);
        }
        let prev = wt;
        let last = word;
        (wt, word, remaining) = next_word(remaining);
        match prev {
            Word::Number => {
                while wt == Word::Alphabet || wt == Word::Number {
                    push_lower(&mut out, wt, word, connector);
                    (wt, word, remaining) = next_word(remaining);
                }
                if wt != Word::Invalid && not_sep(wt) {
                    out.push(connector);
                }
            }
            Word::Connector => push_lower(&mut out, prev, last, connector),
            Word::Punct => {}
            _ => {
                if wt != Word::Number {
                    if not_sep(wt) {
                        out.push(connector);
                    }
                    continue;
                }
                if remaining.is_empty() {
                    continue;
                }
                let last = word;
                (wt, word, remaining) = next_word(remaining);
                // A number is part of the previous word ("Bld4Floor" → "bld4_floor") unless
                // lower-case letters follow it ("HTTP2xx" → "http_2xx").
                if wt != Word::Alphabet {
                    push_lower(&mut out, Word::Number, last, connector);
                    if not_sep(wt) {
                        out.push(connector);
                    }
                    continue;
                }
                out.push(connector);
                push_lower(&mut out, Word::Number, last, connector);
                while wt == Word::Alphabet || wt == Word::Number {
                    push_lower(&mut out, wt, word, connector);
                    (wt, word, remaining) = next_word(remaining);
                }
                if wt != Word::Invalid && not_sep(wt) {
                    out.push(connector);
                }
            }
        }
    }
    push_lower(&mut out, wt, word, connector);
    out
}
