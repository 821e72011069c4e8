//! Go's `unicode` package on Rust `char`s: the classification predicates (`IsUpper`,
//! `IsLetter`, `IsPunct`, …) by general category, and the *simple* case mappings
//! (`ToUpper`, `ToLower`, `ToTitle`) that Go uses everywhere.
//!
//! Rust's `char::is_uppercase` / `is_alphabetic` use derived properties (they include
//! `Other_Uppercase`, combining marks, …) and `char::to_uppercase` uses the *full* mappings
//! (`ß` → `SS`), so neither matches Go. General categories come from the `regex` crate's
//! Unicode tables; ASCII takes a fast path.

use std::sync::OnceLock;

use regex::Regex;

/// Tests `c` against a one-character class pattern, compiled once.
fn in_class(cell: &'static OnceLock<Option<Regex>>, pattern: &str, c: char) -> bool {
    let re = cell.get_or_init(|| Regex::new(pattern).ok());
    let mut buf = [0u8; 4];
    re.as_ref()
        .is_some_and(|re| re.is_match(c.encode_utf8(&mut buf)))
}

macro_rules! category {
    ($(#[$doc:meta])* $name:ident, $pattern:literal, $ascii:expr) => {
        $(#[$doc])*
        pub fn $name(c: char) -> bool {
            if c.is_ascii() {
                let f: fn(char) -> bool = $ascii;
                return f(c);
            }
            static CELL: OnceLock<Option<Regex>> = OnceLock::new();
            in_class(&CELL, $pattern, c)
        }
    };
}

category!(
    /// Go `unicode.IsUpper`: category Lu.
    is_upper, r"\A\p{Lu}\z", |c| c.is_ascii_uppercase()
);
category!(
    /// Go `unicode.IsLower`: category Ll.
    is_lower, r"\A\p{Ll}\z", |c| c.is_ascii_lowercase()
);
category!(
    /// Go `unicode.IsTitle`: category Lt.
    is_title, r"\A\p{Lt}\z", |_| false
);
category!(
    /// Go `unicode.IsLetter`: category L.
    is_letter, r"\A\p{L}\z", |c| c.is_ascii_alphabetic()
);
category!(
    /// Go `unicode.IsDigit`: category Nd.
    is_digit, r"\A\p{Nd}\z", |c| c.is_ascii_digit()
);
category!(
    /// Go `unicode.IsNumber`: category N.
    is_number, r"\A\p{N}\z", |c| c.is_ascii_digit()
);
category!(
    /// Go `unicode.IsPunct`: category P.
    is_punct, r"\A\p{P}\z", |c| c.is_ascii_punctuation() && !matches!(c, '$' | '+' | '<' | '=' | '>' | '^' | '`' | '|' | '~')
);
category!(
    /// Go `unicode.IsPrint` (and `strconv.IsPrint`): categories L, M, N, P, S and U+0020.
    is_print, r"\A[\p{L}\p{M}\p{N}\p{P}\p{S}]\z", |c| (' '..='~').contains(&c)
);

/// Go `unicode.IsSpace`: the `White_Space` property, which is what Rust uses too.
#[inline]
pub fn is_space(c: char) -> bool {
    c.is_whitespace()
}

/// Greek letters with ypogegrammeni whose *full* uppercase is two characters but whose simple
/// uppercase (and titlecase) is the matching prosgegrammeni letter.
fn greek_iota_upper(c: char) -> Option<char> {
    let u = c as u32;
    let mapped = match u {
        0x1F80..=0x1FAF => u | 0x8,
        0x1FB3 | 0x1FBC => 0x1FBC,
        0x1FC3 | 0x1FCC => 0x1FCC,
        0x1FF3 | 0x1FFC => 0x1FFC,
        _ => return None,
    };
    char::from_u32(mapped)
}

/// Go `unicode.ToUpper`: the simple uppercase mapping (`ß` stays `ß`).
pub fn to_upper(c: char) -> char {
    if c.is_ascii() {
        return c.to_ascii_uppercase();
    }
    let mut it = c.to_uppercase();
    match (it.next(), it.next()) {
        (Some(u), None) => u,
        _ => greek_iota_upper(c).unwrap_or(c),
    }
}

/// Go `unicode.ToLower`: the simple lowercase mapping (`İ` becomes `i`; no final-sigma rule).
pub fn to_lower(c: char) -> char {
    if c.is_ascii() {
        return c.to_ascii_lowercase();
    }
    // Only U+0130 has a multi-character full lowercase; its simple mapping is the first one.
    c.to_lowercase().next().unwrap_or(c)
}

/// Go `unicode.ToTitle`: the simple titlecase mapping.
pub fn to_title(c: char) -> char {
    let u = c as u32;
    let mapped = match u {
        0x01C4..=0x01C6 => 0x01C5,
        0x01C7..=0x01C9 => 0x01C8,
        0x01CA..=0x01CC => 0x01CB,
        0x01F1..=0x01F3 => 0x01F2,
        // Georgian Mkhedruli letters are their own titlecase (their uppercase is Mtavruli).
        0x10D0..=0x10FA | 0x10FD..=0x10FF => u,
        _ => return to_upper(c),
    };
    char::from_u32(mapped).unwrap_or(c)
}

/// Go `strings.ToUpper`.
pub fn upper(s: &str) -> String {
    if s.is_ascii() {
        return s.to_ascii_uppercase();
    }
    s.chars().map(to_upper).collect()
}

/// Go `strings.ToLower`.
pub fn lower(s: &str) -> String {
    if s.is_ascii() {
        return s.to_ascii_lowercase();
    }
    s.chars().map(to_lower).collect()
}
