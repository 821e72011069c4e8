//! Errors of the expression engine, formatted exactly like Go expr's `file.Error`.
//!
//! Owns [`Loc`] (a source span in characters), [`Phase`], [`ExprError`] (the public error:
//! phase plus final message) and [`SourceError`] (a message with a location, before it is
//! bound to the source text).
//!
//! Go's format is `message (line:col)`, then `\n | <source line>` and `\n | <dots>^`, where the
//! line and column are counted in characters, tabs in the snippet are shown as spaces, and the
//! caret line is left out when a multi-byte character precedes the column. An error without a
//! location (`Loc` 0..0, e.g. an empty expression's `unexpected token EOF`) is the bare message.

/// A span of the source, in characters (Go expr counts runes), end exclusive.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Loc {
    /// First character.
    pub from: u32,
    /// One past the last character.
    pub to: u32,
}

impl Loc {
    /// A span.
    pub const fn new(from: u32, to: u32) -> Loc {
        Loc { from, to }
    }

    /// Go's `Location.Empty()`: an error at an empty location prints no position.
    pub const fn is_empty(&self) -> bool {
        self.from == 0 && self.to == 0
    }
}

/// Where an error happened, as Argo's callers tell them apart.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Phase {
    /// Parsing or type checking (`expr.Compile`).
    Compile,
    /// Evaluation (`expr.Run`).
    Run,
    /// A selector's result is not a bool (Argo's `EvalBool`).
    Cast,
    /// A parameter's result cannot be JSON-encoded.
    Marshal,
    /// A metadata expression's result is not a string.
    Type,
}

impl Phase {
    /// The name used in the conformance format (`compile`, `run`, …).
    pub fn as_str(self) -> &'static str {
        match self {
            Phase::Compile => "compile",
            Phase::Run => "run",
            Phase::Cast => "cast",
            Phase::Marshal => "marshal",
            Phase::Type => "type",
        }
    }
}

/// An error as the rest of flowgate sees it: the phase and the final message (exactly the
/// text Argo would put after its own prefixes).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct ExprError {
    /// Where it happened.
    pub phase: Phase,
    /// The message, e.g. `unexpected token Operator("!") (1:8)\n | garbage!!!!!!\n | .......^`.
    pub message: String,
}

/// A message at a location, not yet bound to the source text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceError {
    /// The bare message.
    pub message: String,
    /// Where.
    pub loc: Loc,
}

impl SourceError {
    /// A message at `loc`.
    pub fn new(message: impl Into<String>, loc: Loc) -> SourceError {
        SourceError {
            message: message.into(),
            loc,
        }
    }

    /// Renders the error the way Go expr's `file.Error.Error()` does, against `source`.
    pub fn format(&self, source: &str) -> String {
        if self.loc.is_empty() {
            return self.message.clone();
        }
        let from = self.loc.from as usize;
        let mut line = 1usize;
        let mut column = 0usize;
        for (i, c) in source.chars().enumerate() {
            if i == from {
                break;
            }
            if c == '\n' {
                line += 1;
                column = 0;
            } else {
                column += 1;
            }
        }
        let mut out = format!("{} ({}:{})", self.message, line, column + 1);
        if let Some(snippet) = source.split('\n').nth(line - 1) {
            let snippet = snippet.replace('\t', " ");
            out.push_str("\n | ");
            out.push_str(&snippet);
            let mut ind = String::from("\n | ");
            let mut chars = snippet.chars();
            let mut ok = true;
            for _ in 0..column {
                match chars.next() {
                    Some(c) if c.len_utf8() > 1 => {
                        ok = false;
                        break;
                    }
                    Some(_) => ind.push('.'),
                    None => break,
                }
            }
            if ok && chars.next().is_some_and(|c| c.len_utf8() > 1) {
                ok = false;
            }
            if ok {
                ind.push('^');
                out.push_str(&ind);
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn go_format() {
        let e = SourceError::new("unexpected token Operator(\"!\")", Loc::new(7, 8));
        assert_eq!(
            e.format("garbage!!!!!!"),
            "unexpected token Operator(\"!\") (1:8)\n | garbage!!!!!!\n | .......^"
        );
        let e = SourceError::new("unexpected token EOF", Loc::new(0, 0));
        assert_eq!(e.format(""), "unexpected token EOF");
        let e = SourceError::new("unexpected token EOF", Loc::new(6, 7));
        assert_eq!(
            e.format("\n\n  1 +"),
            "unexpected token EOF (3:5)\n |   1 +\n | ....^"
        );
        let e = SourceError::new("x", Loc::new(4, 5));
        assert_eq!(e.format("é + 1 +"), "x (1:5)\n | é + 1 +");
        let e = SourceError::new("x", Loc::new(5, 6));
        assert_eq!(e.format("a ==\n\t\"x\" +"), "x (2:1)\n |  \"x\" +\n | ^");
    }
}
