//! sprig functions for `submit.metadata` expressions (`sprig.name(args)`).
//!
//! Owns the dispatch contract between the expression engine and the sprig library:
//! - [`is_known`]: whether `name` is one of the 209 functions of sprig v3.3.0's
//!   `GenericFuncMap` that Argo exposes (all 211 except `env` and `expandenv`);
//! - [`call`]: calls one with already-evaluated arguments and returns its result, or the text
//!   of the Go panic/error, which the engine turns into a run error with a position.
//!
//! Takes [`Value`]s in sprig's argument order (the subject last, e.g. `trimPrefix(prefix, s)`)
//! and returns a [`Value`] of the Go type sprig returns (`string`, `int64`, `[]interface {}`,
//! `map[string]string`, …).
//!
//! # Fidelity
//! Behaviour follows Masterminds/sprig v3.3.0 and the libraries it wraps (goutils, xstrings
//! v1.5, spf13/cast v1.7, shopspring/decimal, Go's `strings`, `strconv`, `regexp`, `net/url`,
//! `path`, `encoding/*`) as Go 1.19 runs them:
//! - expr calls sprig through reflection, so arguments are checked first exactly like
//!   `reflect.Value.Call` (`args.rs`): `sprig.trunc(payload.n, s)` fails with
//!   `reflect: Call using float64 as type int`;
//! - Go panics inside sprig become errors with Go's text (`runtime error: integer divide by
//!   zero`, ``regexp: Compile(`(`): error parsing regexp: missing closing ): `(` ``);
//! - strings are cut at byte offsets like Go (`trunc`, `substr`, `abbrev`, `wrap`), and
//!   Unicode classification and case mapping use Go's rules (`gounicode.rs`).
//!
//! # Deliberate differences
//! - Functions that depend on randomness, the clock, the host or the network (`rand*`,
//!   `uuidv4`, `shuffle`, `now`, `date*`, `ago`, `toDate`, `getHostByName`, the certificate,
//!   key and password generators, `encryptAES`/`decryptAES`, `bcrypt`, `htpasswd`,
//!   `derivePassword`) and `semver`/`semverCompare` fail with
//!   `sprig function "NAME" is not supported by flowgate`: binding evaluation must be
//!   deterministic, so the same event always yields the same workflow metadata.
//! - Nothing mutates the event: `set`, `unset` and `merge` return a modified copy (Go mutates
//!   the map it is given). `keys` and `values` use sorted key order (Go's is random).
//! - Outputs that amplify their input (`repeat`, `indent`, `replace`, `join`, `wrapWith`,
//!   `regexReplaceAll`, …) are limited to [`MAX_OUTPUT_BYTES`], and generated lists
//!   (`until`, `untilStep`, `seq`, `concat`, `chunk`) to [`MEMORY_BUDGET`] elements; past
//!   that they fail with `memory budget exceeded` (expr's own wording) instead of exhausting
//!   memory as Go would.
//!
//! # Known gaps
//! - Go distinguishes a nil slice from an empty one; the value model does not, so results Go
//!   returns as nil (`rest`/`initial` of an empty list, `concat` of nothing, `regexFindAll`
//!   without matches, `regexSplit` with `n == 0`) encode as `[]` instead of `null` in JSON.
//! - `slice` bounds are checked against the length; Go checks the capacity, which for
//!   decoded JSON arrays can exceed the length.
//! - A Go string cut inside a character keeps its raw bytes until it is printed; here each
//!   function's result is repaired at once (U+FFFD per invalid byte, as Go prints it), so
//!   re-joining two halves of a character does not restore it.
//! - `mustFromJson` reports Go's syntax errors exactly; inputs Go accepts but the JSON
//!   decoder does not (nesting deeper than 128, lone surrogate escapes, numbers beyond
//!   float64) fail with the decoder's message. Unicode tables are those of the `regex`
//!   crate and the Rust standard library (newer than Go 1.19's Unicode 13).
//!
//! Errors are Go's panic or error texts, carried as `String` because the engine embeds them
//! verbatim in its positioned run errors.

mod args;
mod case;
mod conv;
mod decimal;
mod dicts;
mod dispatch;
mod encoding;
mod gounicode;
mod json;
mod lists;
mod names;
mod numeric;
mod paths;
pub mod regex;
mod resyntax;
mod text;
mod time;
mod url;

#[cfg(test)]
mod tests;

use super::value::Value;

pub use names::is_known;

/// The result of a sprig function: a value, or Go's error/panic text.
type Result<T> = std::result::Result<T, String>;

/// The largest string an amplifying function may build (bytes).
pub const MAX_OUTPUT_BYTES: usize = 1 << 20;

/// The most elements a generated list may have (Go expr's default memory budget).
pub const MEMORY_BUDGET: u64 = 1_000_000;

/// expr's wording for exhausted resources.
fn budget_exceeded() -> String {
    "memory budget exceeded".to_string()
}

/// Fails when an output of `len` bytes would exceed [`MAX_OUTPUT_BYTES`].
fn budget(len: usize) -> Result<()> {
    if len > MAX_OUTPUT_BYTES {
        Err(budget_exceeded())
    } else {
        Ok(())
    }
}

/// Calls the sprig function `name` with `args`.
///
/// `Err(text)` is the Go error or panic text (e.g. `reflect: Call using int as type string`);
/// the engine appends the call's position.
pub fn call<'a>(name: &str, args: Vec<Value<'a>>) -> Result<Value<'a>> {
    if let Some((sig, imp)) = dispatch::find(name) {
        args::check(&args, sig)?;
        return imp(args::Args::new(args));
    }
    if is_known(name) {
        return Err(format!(
            "sprig function \"{name}\" is not supported by flowgate"
        ));
    }
    // What Go expr reports when calling a missing map entry (`sprig.expandenv(...)`).
    Err("invalid operation: cannot call nil".to_string())
}
