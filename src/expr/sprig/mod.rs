//! sprig functions for `submit.metadata` expressions (`sprig.name(args)`).
//!
//! Owns the dispatch contract between the expression engine and the sprig library:
//! - [`is_known`]: whether `name` is one of the 207 functions of sprig v3.3.0's
//!   `GenericFuncMap` that Argo exposes (all of them except `env` and `expandenv`);
//! - [`call`]: calls one with already-evaluated arguments and returns its result, or the text
//!   of the Go panic/error, which the engine turns into a run error with a position.
//!
//! Takes [`Value`]s in sprig's argument order (the subject last, e.g. `trimPrefix(prefix, s)`)
//! and returns a [`Value`]. Names that are known but not implemented fail with an error that
//! names the function.

use super::gofmt;
use super::value::Value;

/// The names of sprig's `GenericFuncMap` (v3.3.0) minus `env` and `expandenv`, sorted.
const NAMES: &[&str] = &[
    "abbrev",
    "abbrevboth",
    "add",
    "add1",
    "add1f",
    "addf",
    "adler32sum",
    "ago",
    "all",
    "any",
    "append",
    "atoi",
    "b32dec",
    "b32enc",
    "b64dec",
    "b64enc",
    "base",
    "bcrypt",
    "biggest",
    "buildCustomCert",
    "camelcase",
    "cat",
    "ceil",
    "chunk",
    "clean",
    "coalesce",
    "compact",
    "concat",
    "contains",
    "date",
    "dateInZone",
    "dateModify",
    "date_in_zone",
    "date_modify",
    "decryptAES",
    "deepCopy",
    "deepEqual",
    "default",
    "derivePassword",
    "dict",
    "dig",
    "dir",
    "div",
    "divf",
    "duration",
    "durationRound",
    "empty",
    "encryptAES",
    "ext",
    "fail",
    "first",
    "float64",
    "floor",
    "fromJson",
    "genCA",
    "genCAWithKey",
    "genPrivateKey",
    "genSelfSignedCert",
    "genSelfSignedCertWithKey",
    "genSignedCert",
    "genSignedCertWithKey",
    "get",
    "getHostByName",
    "has",
    "hasKey",
    "hasPrefix",
    "hasSuffix",
    "hello",
    "htmlDate",
    "htmlDateInZone",
    "htpasswd",
    "indent",
    "initial",
    "initials",
    "int",
    "int64",
    "isAbs",
    "join",
    "kebabcase",
    "keys",
    "kindIs",
    "kindOf",
    "last",
    "list",
    "lower",
    "max",
    "maxf",
    "merge",
    "mergeOverwrite",
    "min",
    "minf",
    "mod",
    "mul",
    "mulf",
    "mustAppend",
    "mustChunk",
    "mustCompact",
    "mustDateModify",
    "mustDeepCopy",
    "mustFirst",
    "mustFromJson",
    "mustHas",
    "mustInitial",
    "mustLast",
    "mustMerge",
    "mustMergeOverwrite",
    "mustPrepend",
    "mustRegexFind",
    "mustRegexFindAll",
    "mustRegexMatch",
    "mustRegexReplaceAll",
    "mustRegexReplaceAllLiteral",
    "mustRegexSplit",
    "mustRest",
    "mustReverse",
    "mustSlice",
    "mustToDate",
    "mustToJson",
    "mustToPrettyJson",
    "mustToRawJson",
    "mustUniq",
    "mustWithout",
    "must_date_modify",
    "nindent",
    "nospace",
    "now",
    "omit",
    "osBase",
    "osClean",
    "osDir",
    "osExt",
    "osIsAbs",
    "pick",
    "pluck",
    "plural",
    "prepend",
    "quote",
    "randAlpha",
    "randAlphaNum",
    "randAscii",
    "randBytes",
    "randInt",
    "randNumeric",
    "regexFind",
    "regexFindAll",
    "regexMatch",
    "regexQuoteMeta",
    "regexReplaceAll",
    "regexReplaceAllLiteral",
    "regexSplit",
    "repeat",
    "replace",
    "rest",
    "reverse",
    "round",
    "semver",
    "semverCompare",
    "seq",
    "set",
    "sha1sum",
    "sha256sum",
    "sha512sum",
    "shuffle",
    "slice",
    "snakecase",
    "sortAlpha",
    "split",
    "splitList",
    "splitn",
    "squote",
    "sub",
    "subf",
    "substr",
    "swapcase",
    "ternary",
    "title",
    "toDate",
    "toDecimal",
    "toJson",
    "toPrettyJson",
    "toRawJson",
    "toString",
    "toStrings",
    "trim",
    "trimAll",
    "trimPrefix",
    "trimSuffix",
    "trimall",
    "trunc",
    "tuple",
    "typeIs",
    "typeIsLike",
    "typeOf",
    "uniq",
    "unixEpoch",
    "unset",
    "until",
    "untilStep",
    "untitle",
    "upper",
    "urlJoin",
    "urlParse",
    "uuidv4",
    "values",
    "without",
    "wrap",
    "wrapWith",
];

/// True if `name` is a function of Argo's `sprig` map.
pub fn is_known(name: &str) -> bool {
    NAMES.binary_search(&name).is_ok()
}

/// Calls the sprig function `name` with `args`.
///
/// `Err(text)` is the Go error or panic text (e.g. `reflect: Call using int as type string`);
/// the engine appends the call's position.
pub fn call<'a>(name: &str, args: Vec<Value<'a>>) -> Result<Value<'a>, String> {
    match name {
        "toString" => {
            let [v] = exact::<1>(args)?;
            Ok(Value::from(strval(&v)))
        }
        _ if is_known(name) => Err(format!(
            "sprig function \"{name}\" is not supported by flowgate"
        )),
        _ => Err("invalid operation: cannot call nil".to_string()),
    }
}

/// sprig's `strval`: strings and byte slices as text, everything else with Go's `%v`.
fn strval(v: &Value<'_>) -> String {
    match v {
        Value::Bytes(b) => String::from_utf8_lossy(b).into_owned(),
        _ => gofmt::sprint_v(v),
    }
}

/// Checks the argument count the way Go's `reflect.Value.Call` does.
fn exact<const N: usize>(args: Vec<Value<'_>>) -> Result<[Value<'_>; N], String> {
    let n = args.len();
    args.try_into().map_err(|_| {
        if n < N {
            "reflect: Call with too few input arguments".to_string()
        } else {
            "reflect: Call with too many input arguments".to_string()
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names() {
        assert_eq!(NAMES.len(), 207);
        assert!(NAMES.windows(2).all(|w| w[0] < w[1]));
        assert!(is_known("toString") && is_known("regexReplaceAll"));
        assert!(!is_known("env") && !is_known("expandenv") && !is_known("nope"));
    }

    #[test]
    fn to_string() {
        let v = call("toString", vec![Value::Float(8675309.0)]).unwrap();
        assert_eq!(v.as_str(), Some("8.675309e+06"));
        let v = call("toString", vec![Value::Nil]).unwrap();
        assert_eq!(v.as_str(), Some("<nil>"));
        assert!(call("toString", vec![]).is_err());
        assert!(call("uuidv4", vec![]).unwrap_err().contains("uuidv4"));
    }
}
