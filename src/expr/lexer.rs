//! The lexer: expr-lang source text to tokens, as Go expr v1.17.8's `parser/lexer` does it.
//!
//! Takes the source and returns the tokens in order, ending with `EOF`, or the tokens up to a
//! lexing error followed by that error (Go lexes on demand, so the parser meets the error only
//! when it reaches that point). Positions are character (rune) offsets, as in Go.

use super::error::{Loc, SourceError};

/// The kind of a token.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// A name (`payload`, `true`, `nil`, …).
    Identifier,
    /// A number literal, still as written.
    Number,
    /// A string literal, unescaped.
    String,
    /// A `b"…"` bytes literal, unescaped.
    Bytes,
    /// An operator or punctuation, including word operators (`and`, `in`, `not`, …).
    Operator,
    /// One of `( ) [ ] { }`.
    Bracket,
    /// The end of input.
    Eof,
}

impl Kind {
    fn name(self) -> &'static str {
        match self {
            Kind::Identifier => "Identifier",
            Kind::Number => "Number",
            Kind::String => "String",
            Kind::Bytes => "Bytes",
            Kind::Operator => "Operator",
            Kind::Bracket => "Bracket",
            Kind::Eof => "EOF",
        }
    }
}

/// A token.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Token {
    /// Its kind.
    pub kind: Kind,
    /// Its text (unescaped for strings).
    pub value: String,
    /// Where it is.
    pub loc: Loc,
}

impl Token {
    /// True if the token has this kind and (when given) one of these values.
    pub fn is(&self, kind: Kind, value: &str) -> bool {
        self.kind == kind && self.value == value
    }
}

impl std::fmt::Display for Token {
    /// Go's `Token.String()`: `Operator("!")`, or just `EOF`.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.value.is_empty() {
            write!(f, "{}", self.kind.name())
        } else {
            write!(f, "{}({})", self.kind.name(), go_quote(&self.value))
        }
    }
}

/// Go's `%#v` / `strconv.Quote` of a string.
pub fn go_quote(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{7}' => out.push_str("\\a"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            '\u{b}' => out.push_str("\\v"),
            c if (c as u32) < 0x20 || c as u32 == 0x7f => {
                out.push_str(&format!("\\x{:02x}", c as u32));
            }
            c if c.is_control() => {
                if (c as u32) < 0x10000 {
                    out.push_str(&format!("\\u{:04x}", c as u32));
                } else {
                    out.push_str(&format!("\\U{:08x}", c as u32));
                }
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// The result of lexing: tokens, then possibly the error that stopped the lexer.
pub struct Lexed {
    /// The tokens read before the end or the error.
    pub tokens: Vec<Token>,
    /// The lexing error, met after the last token.
    pub error: Option<SourceError>,
}

/// `utils.IsAlpha`.
pub fn is_alpha(c: char) -> bool {
    c == '_' || c == '$' || c.is_alphabetic()
}

/// `utils.IsAlphaNumeric`.
pub fn is_alnum(c: char) -> bool {
    is_alpha(c) || c.is_numeric()
}

/// `utils.IsValidIdentifier`.
pub fn is_valid_identifier(s: &str) -> bool {
    let mut chars = s.chars();
    match chars.next() {
        Some(c) if is_alpha(c) => chars.all(is_alnum),
        _ => false,
    }
}

struct Lexer {
    src: Vec<char>,
    start: usize,
    end: usize,
    tokens: Vec<Token>,
    err: Option<SourceError>,
}

impl Lexer {
    fn next(&mut self) -> Option<char> {
        let c = self.src.get(self.end).copied();
        self.end += 1;
        c
    }

    fn backup(&mut self) {
        self.end -= 1;
    }

    fn peek(&mut self) -> Option<char> {
        let c = self.next();
        self.backup();
        c
    }

    fn accept(&mut self, valid: &str) -> bool {
        match self.next() {
            Some(c) if valid.contains(c) => true,
            _ => {
                self.backup();
                false
            }
        }
    }

    fn accept_run(&mut self, valid: &str) {
        while let Some(c) = self.next() {
            if !valid.contains(c) {
                break;
            }
        }
        self.backup();
    }

    fn word(&self) -> String {
        let end = self.end.min(self.src.len());
        let start = self.start.min(end);
        self.src[start..end].iter().collect()
    }

    fn emit_value(&mut self, kind: Kind, value: String) {
        self.tokens.push(Token {
            kind,
            value,
            loc: Loc::new(self.start as u32, self.end as u32),
        });
        self.start = self.end;
    }

    fn emit(&mut self, kind: Kind) {
        let w = self.word();
        self.emit_value(kind, w);
    }

    fn emit_eof(&mut self) {
        // Go places EOF on the last character of the source (0..0 when it is empty).
        let from = self.src.len().saturating_sub(1);
        let to = self.src.len();
        let (from, to) = if to == 0 { (0, 0) } else { (from, to) };
        self.tokens.push(Token {
            kind: Kind::Eof,
            value: String::new(),
            loc: Loc::new(from as u32, to as u32),
        });
        self.start = self.end;
    }

    fn error(&mut self, message: String) {
        if self.err.is_none() {
            self.err = Some(SourceError::new(
                message,
                Loc::new(self.end.saturating_sub(1) as u32, self.end as u32),
            ));
        }
    }

    fn run(&mut self) {
        loop {
            if self.err.is_some() {
                return;
            }
            let Some(r) = self.next() else {
                self.emit_eof();
                return;
            };
            match r {
                c if c.is_whitespace() => self.start = self.end,
                '\'' | '"' => {
                    self.scan_string(r);
                    if self.err.is_some() {
                        return;
                    }
                    let word = self.word();
                    match unescape(&word) {
                        Ok(s) => self.emit_value(Kind::String, s),
                        Err(e) => {
                            self.error(e);
                            return;
                        }
                    }
                }
                '`' => self.scan_raw_string(),
                '0'..='9' => {
                    self.backup();
                    self.number();
                }
                '?' => {
                    self.accept(".?");
                    self.emit(Kind::Operator);
                }
                '/' => {
                    if self.accept("/") {
                        while let Some(c) = self.next() {
                            if c == '\n' {
                                break;
                            }
                        }
                        self.start = self.end;
                    } else if self.accept("*") {
                        loop {
                            match self.next() {
                                None => {
                                    self.error("unclosed comment".to_string());
                                    return;
                                }
                                Some('*') if self.accept("/") => break,
                                Some(_) => {}
                            }
                        }
                        self.start = self.end;
                    } else {
                        self.emit(Kind::Operator);
                    }
                }
                '#' => {
                    self.accept("#");
                    self.emit(Kind::Operator);
                    loop {
                        match self.next() {
                            Some(c) if is_alnum(c) => {}
                            _ => {
                                self.backup();
                                if self.end > self.start {
                                    self.emit(Kind::Identifier);
                                }
                                break;
                            }
                        }
                    }
                }
                '|' => {
                    self.accept("|");
                    self.emit(Kind::Operator);
                }
                ':' => {
                    self.accept(":");
                    self.emit(Kind::Operator);
                }
                '(' | '[' | '{' | ')' | ']' | '}' => self.emit(Kind::Bracket),
                ',' | ';' | '%' | '+' | '-' | '^' => self.emit(Kind::Operator),
                '&' | '!' | '=' | '*' | '<' | '>' => {
                    self.accept("&=*");
                    self.emit(Kind::Operator);
                }
                '.' => {
                    if self.accept("0123456789") {
                        self.backup();
                        self.backup();
                        self.number();
                    } else {
                        self.accept(".");
                        self.emit(Kind::Operator);
                    }
                }
                c if is_alnum(c) => {
                    self.backup();
                    self.identifier();
                }
                c => {
                    let shown = if c.is_control() {
                        format!("U+{:04X}", c as u32)
                    } else {
                        format!("U+{:04X} '{}'", c as u32, c)
                    };
                    self.error(format!("unrecognized character: {shown}"));
                    return;
                }
            }
        }
    }

    fn number(&mut self) {
        if !self.scan_number() {
            let w = self.word();
            self.error(format!("bad number syntax: {}", go_quote(&w)));
            return;
        }
        self.emit(Kind::Number);
    }

    fn scan_number(&mut self) -> bool {
        let mut digits = "0123456789_";
        if self.accept("0") {
            if self.accept("xX") {
                digits = "0123456789abcdefABCDEF_";
            } else if self.accept("oO") {
                digits = "01234567_";
            } else if self.accept("bB") {
                digits = "01_";
            }
        }
        self.accept_run(digits);
        let end = self.end;
        if self.accept(".") {
            if self.peek() == Some('.') {
                self.end = end;
                return true;
            }
            self.accept_run(digits);
        }
        if self.accept("eE") {
            self.accept("+-");
            self.accept_run(digits);
        }
        if self.peek().is_some_and(is_alnum) {
            self.next();
            return false;
        }
        true
    }

    fn identifier(&mut self) {
        loop {
            match self.next() {
                Some(c) if is_alnum(c) => {}
                _ => {
                    self.backup();
                    break;
                }
            }
        }
        let w = self.word();
        match w.as_str() {
            "not" => self.not(),
            "in" | "or" | "and" | "matches" | "contains" | "startsWith" | "endsWith" | "let"
            | "if" | "else" => self.emit(Kind::Operator),
            "b" if matches!(self.peek(), Some('"') | Some('\'')) => {
                let q = self.next().unwrap_or('"');
                self.scan_string(q);
                if self.err.is_some() {
                    return;
                }
                let word: String = self.src[self.start + 1..self.end].iter().collect();
                match unescape(&word) {
                    Ok(s) => self.emit_value(Kind::Bytes, s),
                    Err(e) => self.error(e),
                }
            }
            _ => self.emit(Kind::Identifier),
        }
    }

    fn not(&mut self) {
        self.emit(Kind::Operator);
        while self.peek() == Some(' ') {
            self.next();
        }
        self.start = self.end;
        let end = self.end;
        loop {
            match self.next() {
                Some(c) if is_alnum(c) => {}
                _ => {
                    self.backup();
                    break;
                }
            }
        }
        match self.word().as_str() {
            "in" | "matches" | "contains" | "startsWith" | "endsWith" => self.emit(Kind::Operator),
            _ => self.end = end,
        }
    }

    fn scan_digits(&mut self, mut ch: Option<char>, base: u32, mut n: usize) -> Option<char> {
        while n > 0 && ch.is_some_and(|c| c.to_digit(base).is_some()) {
            ch = self.next();
            n -= 1;
        }
        if n > 0 {
            self.error("invalid char escape".to_string());
        }
        ch
    }

    fn scan_escape(&mut self, quote: char) -> Option<char> {
        let ch = self.next();
        match ch {
            Some(c) if "abfnrtv\\".contains(c) || c == quote => self.next(),
            Some(c @ '0'..='7') => self.scan_digits(Some(c), 8, 3),
            Some('x') => {
                let c = self.next();
                self.scan_digits(c, 16, 2)
            }
            Some('u') => {
                let c = self.next();
                self.scan_digits(c, 16, 4)
            }
            Some('U') => {
                let c = self.next();
                self.scan_digits(c, 16, 8)
            }
            _ => {
                self.error("invalid char escape".to_string());
                ch
            }
        }
    }

    fn scan_string(&mut self, quote: char) {
        let mut ch = self.next();
        while ch != Some(quote) {
            if self.err.is_some() {
                return;
            }
            match ch {
                None | Some('\n') => {
                    self.error("literal not terminated".to_string());
                    return;
                }
                Some('\\') => ch = self.scan_escape(quote),
                Some(_) => ch = self.next(),
            }
        }
    }

    fn scan_raw_string(&mut self) {
        loop {
            match self.next() {
                None => {
                    self.error("literal not terminated".to_string());
                    return;
                }
                Some('`') => break,
                Some(_) => {}
            }
        }
        let value: String = self.src[self.start + 1..self.end - 1].iter().collect();
        self.emit_value(Kind::String, value);
    }
}

/// Lexes `source`.
pub fn lex(source: &str) -> Lexed {
    let mut l = Lexer {
        src: source.chars().collect(),
        start: 0,
        end: 0,
        tokens: Vec::new(),
        err: None,
    };
    l.run();
    Lexed {
        tokens: l.tokens,
        error: l.err,
    }
}

/// expr's `unescape`: removes the quotes of a `"…"` or `'…'` literal and decodes escapes.
pub fn unescape(value: &str) -> Result<String, String> {
    const ERR: &str = "unable to unescape string";
    let b = value.as_bytes();
    let n = b.len();
    if n < 2 || b[0] != b[n - 1] || (b[0] != b'"' && b[0] != b'\'') {
        return Err(ERR.to_string());
    }
    let inner = &value[1..n - 1];
    if !inner.contains('\\') {
        return Ok(inner.to_string());
    }
    let mut out: Vec<u8> = Vec::with_capacity(inner.len());
    let mut s = inner.as_bytes();
    while !s.is_empty() {
        let c = s[0];
        if c >= 0x80 || c != b'\\' {
            out.push(c);
            s = &s[1..];
            continue;
        }
        if s.len() <= 1 {
            return Err("unable to unescape string, found '\\' as last character".to_string());
        }
        let e = s[1];
        s = &s[2..];
        let simple = match e {
            b'a' => Some(7u8),
            b'b' => Some(8),
            b'f' => Some(12),
            b'n' => Some(b'\n'),
            b'r' => Some(b'\r'),
            b't' => Some(b'\t'),
            b'v' => Some(11),
            b'\\' => Some(b'\\'),
            b'\'' => Some(b'\''),
            b'"' => Some(b'"'),
            b'`' => Some(b'`'),
            b'?' => Some(b'?'),
            _ => None,
        };
        if let Some(x) = simple {
            out.push(x);
            continue;
        }
        let v: u32 = match e {
            b'x' | b'X' | b'u' | b'U' => {
                let digits = match e {
                    b'x' | b'X' => 2,
                    b'u' => 4,
                    _ => 8,
                };
                if s.len() < digits {
                    return Err(ERR.to_string());
                }
                let mut v: u32 = 0;
                for &d in &s[..digits] {
                    let Some(x) = char::from(d).to_digit(16) else {
                        return Err(ERR.to_string());
                    };
                    v = (v << 4) | x;
                }
                s = &s[digits..];
                v
            }
            b'0'..=b'3' => {
                if s.len() < 2 {
                    return Err(ERR.to_string());
                }
                let mut v = u32::from(e - b'0');
                for &d in &s[..2] {
                    if !(b'0'..=b'7').contains(&d) {
                        return Err("unable to unescape octal sequence in string".to_string());
                    }
                    v = v * 8 + u32::from(d - b'0');
                }
                s = &s[2..];
                v
            }
            _ => return Err(ERR.to_string()),
        };
        if v < 0x80 {
            out.push(v as u8);
        } else {
            let Some(ch) = char::from_u32(v) else {
                return Err(ERR.to_string());
            };
            let mut buf = [0u8; 4];
            out.extend_from_slice(ch.encode_utf8(&mut buf).as_bytes());
        }
    }
    Ok(String::from_utf8_lossy(&out).into_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(src: &str) -> Vec<String> {
        lex(src).tokens.iter().map(|t| t.to_string()).collect()
    }

    #[test]
    fn tokens() {
        assert_eq!(
            kinds("a not in b"),
            [
                "Identifier(\"a\")",
                "Operator(\"not\")",
                "Operator(\"in\")",
                "Identifier(\"b\")",
                "EOF"
            ]
        );
        assert_eq!(
            kinds("foo...bar")[1..3],
            ["Operator(\"..\")", "Operator(\".\")"]
        );
        assert_eq!(kinds("1..3")[0..2], ["Number(\"1\")", "Operator(\"..\")"]);
        assert_eq!(kinds(".5")[0], "Number(\".5\")");
        assert_eq!(
            kinds("#index")[0..2],
            ["Operator(\"#\")", "Identifier(\"index\")"]
        );
        assert_eq!(kinds("a ?? b ?. c")[1], "Operator(\"??\")");
        assert_eq!(kinds("b\"ab\"")[0], "Bytes(\"ab\")");
    }

    #[test]
    fn lexing_errors() {
        let e = lex("~1").error.unwrap();
        assert_eq!(e.message, "unrecognized character: U+007E '~'");
        assert_eq!(e.loc, Loc::new(0, 1));
        let e = lex("true /* x").error.unwrap();
        assert_eq!(e.message, "unclosed comment");
        let e = lex("\"\\400\"").error.unwrap();
        assert_eq!(
            (e.message.as_str(), e.loc.from),
            ("unable to unescape string", 5)
        );
    }

    #[test]
    fn escapes() {
        assert_eq!(unescape(r#""\x41\101\u00e9\U0001F600""#).unwrap(), "AAé😀");
        assert_eq!(unescape(r#""a\"b""#).unwrap(), "a\"b");
    }
}
