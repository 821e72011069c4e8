//! Go RE2 regular expressions on top of the `regex` crate.
//!
//! Takes a Go pattern and returns a compiled [`regex::Regex`] with Go's semantics for the
//! Perl classes (`\d`, `\w`, `\s` and `\b` are ASCII-only in Go), or Go's error text
//! (`error parsing regexp: missing closing ]: `[a-z``). Compiled sizes are capped.

use regex_syntax::ast::ErrorKind;

/// Compiled program size cap (bytes), so that no pattern can use unbounded memory.
const SIZE_LIMIT: usize = 1 << 20;

/// Rewrites Go's ASCII-only Perl classes into explicit ASCII classes.
fn translate(pattern: &str) -> String {
    let mut out = String::with_capacity(pattern.len() + 8);
    let mut chars = pattern.chars().peekable();
    let mut class_depth = 0usize;
    while let Some(c) = chars.next() {
        match c {
            '\\' => {
                let Some(n) = chars.next() else {
                    out.push('\\');
                    break;
                };
                match n {
                    'd' => out.push_str("[0-9]"),
                    'D' => out.push_str("[^0-9]"),
                    'w' => out.push_str("[0-9A-Za-z_]"),
                    'W' => out.push_str("[^0-9A-Za-z_]"),
                    's' => out.push_str("[\\t\\n\\f\\r ]"),
                    'S' => out.push_str("[^\\t\\n\\f\\r ]"),
                    'b' if class_depth == 0 => out.push_str("(?-u:\\b)"),
                    'B' if class_depth == 0 => out.push_str("(?-u:\\B)"),
                    _ => {
                        out.push('\\');
                        out.push(n);
                    }
                }
            }
            '[' => {
                class_depth += 1;
                out.push('[');
                // A `]` right after `[` or `[^` is a literal in both syntaxes.
                if chars.peek() == Some(&'^') {
                    out.push('^');
                    chars.next();
                }
                if chars.peek() == Some(&']') {
                    out.push_str("\\]");
                    chars.next();
                }
            }
            ']' if class_depth > 0 => {
                class_depth -= 1;
                out.push(']');
            }
            c => out.push(c),
        }
    }
    out
}

/// The text Go's `regexp.Compile` reports for a syntax error in `pattern`.
fn go_error(pattern: &str, err: &regex_syntax::ast::Error) -> String {
    let span = err.span();
    let text = |a: usize, b: usize| pattern.get(a..b).unwrap_or(pattern).to_string();
    let (code, arg) = match err.kind() {
        ErrorKind::ClassUnclosed => ("missing closing ]", text(span.start.offset, pattern.len())),
        ErrorKind::GroupUnclosed => ("missing closing )", pattern.to_string()),
        ErrorKind::GroupUnopened => ("unexpected )", pattern.to_string()),
        ErrorKind::RepetitionCountInvalid | ErrorKind::RepetitionCountDecimalEmpty => (
            "invalid repeat count",
            text(span.start.offset, span.end.offset),
        ),
        ErrorKind::RepetitionCountUnclosed => {
            ("missing closing }", text(span.start.offset, pattern.len()))
        }
        ErrorKind::RepetitionMissing => (
            "missing argument to repetition operator",
            text(span.start.offset, span.end.offset),
        ),
        ErrorKind::EscapeUnrecognized
        | ErrorKind::EscapeHexInvalid
        | ErrorKind::EscapeHexInvalidDigit
        | ErrorKind::EscapeHexEmpty => (
            "invalid escape sequence",
            text(span.start.offset, span.end.offset),
        ),
        ErrorKind::EscapeUnexpectedEof => {
            ("trailing backslash at end of expression", String::new())
        }
        ErrorKind::ClassRangeInvalid => (
            "invalid character class range",
            text(span.start.offset, span.end.offset),
        ),
        ErrorKind::NestLimitExceeded(_) => ("expression nests too deeply", pattern.to_string()),
        ErrorKind::GroupNameInvalid
        | ErrorKind::GroupNameEmpty
        | ErrorKind::GroupNameDuplicate { .. }
        | ErrorKind::GroupNameUnexpectedEof => (
            "invalid named capture",
            text(span.start.offset, span.end.offset),
        ),
        _ => (
            "invalid or unsupported Perl syntax",
            text(span.start.offset, span.end.offset),
        ),
    };
    if arg.is_empty() {
        format!("error parsing regexp: {code}")
    } else {
        format!("error parsing regexp: {code}: `{arg}`")
    }
}

/// Compiles a Go regular expression.
pub fn compile_go_regex(pattern: &str) -> Result<regex::Regex, String> {
    if let Err(e) = regex_syntax::ast::parse::Parser::new().parse(pattern) {
        return Err(go_error(pattern, &e));
    }
    regex::RegexBuilder::new(&translate(pattern))
        .size_limit(SIZE_LIMIT)
        .dfa_size_limit(SIZE_LIMIT)
        .build()
        .map_err(|e| match e {
            regex::Error::CompiledTooBig(_) => {
                format!("error parsing regexp: expression too large: `{pattern}`")
            }
            other => format!(
                "error parsing regexp: invalid or unsupported Perl syntax: `{pattern}` ({other})"
            ),
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn go_messages() {
        assert_eq!(
            compile_go_regex("[a-z").unwrap_err(),
            "error parsing regexp: missing closing ]: `[a-z`"
        );
        assert_eq!(
            compile_go_regex("(").unwrap_err(),
            "error parsing regexp: missing closing ): `(`"
        );
        assert_eq!(
            compile_go_regex("a{2,1}").unwrap_err(),
            "error parsing regexp: invalid repeat count: `{2,1}`"
        );
    }

    #[test]
    fn ascii_classes() {
        let r = compile_go_regex(r"^\d+$").unwrap();
        assert!(r.is_match("123"));
        assert!(!r.is_match("١٢٣"));
        let r = compile_go_regex(r"(?m)^Closes #\d+$").unwrap();
        assert!(r.is_match("Fix\n\nCloses #12"));
        assert!(compile_go_regex(r"[\d-]").unwrap().is_match("-"));
    }
}
