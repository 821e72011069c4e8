//! The table of implemented sprig functions: each name's Go parameter list (checked like
//! `reflect.Value.Call` before the function runs) and its implementation.

use std::collections::HashMap;
use std::sync::OnceLock;

use crate::expr::gofmt;
use crate::expr::value::Value;

use super::args::{Args, P, Sig};
use super::conv::{self, empty, strval, to_float64, to_int64};
use super::names::NAMES;
use super::numeric::{self, DecOp};
use super::regex::{self, Mode};
use super::{Result, case, dicts, encoding, gounicode, json, lists, paths, text, time, url};

/// An implementation: takes checked arguments, returns the result or Go's panic text.
pub type Imp = for<'a> fn(Args<'a>) -> Result<Value<'a>>;

const fn sig(fixed: &'static [P], variadic: Option<P>) -> Sig {
    Sig { fixed, variadic }
}

fn s<'a>(v: impl Into<String>) -> Result<Value<'a>> {
    Ok(Value::from(v.into()))
}

fn b<'a>(v: bool) -> Result<Value<'a>> {
    Ok(Value::Bool(v))
}

fn i64v<'a>(v: i64) -> Result<Value<'a>> {
    Ok(Value::Int64(v))
}

fn f64v<'a>(v: f64) -> Result<Value<'a>> {
    Ok(Value::Float(v))
}

fn floats(values: &[Value<'_>]) -> Vec<f64> {
    values.iter().map(to_float64).collect()
}

/// Looks up an implemented function in a table built once from [`lookup`].
pub fn find(name: &str) -> Option<(Sig, Imp)> {
    static TABLE: OnceLock<HashMap<&'static str, (Sig, Imp)>> = OnceLock::new();
    TABLE
        .get_or_init(|| {
            NAMES
                .iter()
                .filter_map(|&n| lookup(n).map(|entry| (n, entry)))
                .collect()
        })
        .get(name)
        .copied()
}

/// The signature and implementation of `name`, if it is implemented.
fn lookup(name: &str) -> Option<(Sig, Imp)> {
    use P::{Any, Bool, F64, Int, Map, Str};
    const A: Option<P> = Some(Any);
    let entry: (Sig, Imp) = match name {
        "hello" => (sig(&[], None), |_| s("Hello!")),

        // Strings.
        "abbrev" => (sig(&[Int, Str], None), |a| {
            Ok(text::abbrev(a.int(0), a.str(1)))
        }),
        "abbrevboth" => (sig(&[Int, Int, Str], None), |a| {
            Ok(text::abbrevboth(a.int(0), a.int(1), a.str(2)))
        }),
        "trunc" => (sig(&[Int, Str], None), |a| {
            Ok(text::trunc(a.int(0), a.str(1)))
        }),
        "trim" => (sig(&[Str], None), |a| s(a.str(0).trim())),
        "upper" => (sig(&[Str], None), |a| s(gounicode::upper(a.str(0)))),
        "lower" => (sig(&[Str], None), |a| s(gounicode::lower(a.str(0)))),
        "title" => (sig(&[Str], None), |a| s(text::title(a.str(0)))),
        "untitle" => (sig(&[Str], None), |a| s(text::untitle(a.str(0)))),
        "substr" => (sig(&[Int, Int, Str], None), |a| {
            text::substr(a.int(0), a.int(1), a.str(2))
        }),
        "repeat" => (sig(&[Int, Str], None), |a| {
            s(text::repeat(a.str(1), a.int(0))?)
        }),
        "trimall" | "trimAll" => (sig(&[Str, Str], None), |a| {
            let cut = a.str(0);
            s(a.str(1).trim_matches(|c| cut.contains(c)))
        }),
        "trimSuffix" => (sig(&[Str, Str], None), |a| {
            s(a.str(1).strip_suffix(a.str(0)).unwrap_or(a.str(1)))
        }),
        "trimPrefix" => (sig(&[Str, Str], None), |a| {
            s(a.str(1).strip_prefix(a.str(0)).unwrap_or(a.str(1)))
        }),
        "nospace" => (sig(&[Str], None), |a| s(text::nospace(a.str(0)))),
        "initials" => (sig(&[Str], None), |a| s(text::initials(a.str(0)))),
        "swapcase" => (sig(&[Str], None), |a| s(text::swapcase(a.str(0)))),
        "snakecase" => (sig(&[Str], None), |a| s(case::to_lower_case(a.str(0), '_'))),
        "kebabcase" => (sig(&[Str], None), |a| s(case::to_lower_case(a.str(0), '-'))),
        "camelcase" => (sig(&[Str], None), |a| s(case::camelcase(a.str(0), true))),
        "wrap" => (sig(&[Int, Str], None), |a| {
            text::wrap_custom(a.str(1), a.int(0), "", false)
        }),
        "wrapWith" => (sig(&[Int, Str, Str], None), |a| {
            text::wrap_custom(a.str(2), a.int(0), a.str(1), true)
        }),
        "contains" => (sig(&[Str, Str], None), |a| b(a.str(1).contains(a.str(0)))),
        "hasPrefix" => (sig(&[Str, Str], None), |a| {
            b(a.str(1).starts_with(a.str(0)))
        }),
        "hasSuffix" => (sig(&[Str, Str], None), |a| b(a.str(1).ends_with(a.str(0)))),
        "quote" => (sig(&[], A), |a| s(text::quote(a.rest(0)))),
        "squote" => (sig(&[], A), |a| s(text::squote(a.rest(0)))),
        "cat" => (sig(&[], A), |a| s(text::cat(a.rest(0))?)),
        "indent" => (sig(&[Int, Str], None), |a| {
            s(text::indent(a.int(0), a.str(1))?)
        }),
        "nindent" => (sig(&[Int, Str], None), |a| {
            s(format!("\n{}", text::indent(a.int(0), a.str(1))?))
        }),
        "replace" => (sig(&[Str, Str, Str], None), |a| {
            s(text::replace(a.str(0), a.str(1), a.str(2))?)
        }),
        "plural" => (sig(&[Str, Str, Int], None), |a| {
            s(if a.int(2) == 1 { a.str(0) } else { a.str(1) })
        }),

        // Hashes and encodings.
        "sha1sum" => (sig(&[Str], None), |a| s(encoding::sha1sum(a.str(0)))),
        "sha256sum" => (sig(&[Str], None), |a| s(encoding::sha256sum(a.str(0)))),
        "sha512sum" => (sig(&[Str], None), |a| s(encoding::sha512sum(a.str(0)))),
        "adler32sum" => (sig(&[Str], None), |a| s(encoding::adler32sum(a.str(0)))),
        "b64enc" => (sig(&[Str], None), |a| s(encoding::b64enc(a.str(0)))),
        "b64dec" => (sig(&[Str], None), |a| s(encoding::b64dec(a.str(0)))),
        "b32enc" => (sig(&[Str], None), |a| s(encoding::b32enc(a.str(0)))),
        "b32dec" => (sig(&[Str], None), |a| s(encoding::b32dec(a.str(0)))),

        // Conversions.
        "toString" => (sig(&[Any], None), |a| s(strval(a.get(0)))),
        "atoi" => (sig(&[Str], None), |a| Ok(Value::Int(conv::atoi(a.str(0))))),
        "int64" => (sig(&[Any], None), |a| i64v(to_int64(a.get(0)))),
        "int" => (sig(&[Any], None), |a| Ok(Value::Int(to_int64(a.get(0))))),
        "float64" => (sig(&[Any], None), |a| f64v(to_float64(a.get(0)))),
        "toDecimal" => (sig(&[Any], None), |a| {
            i64v(conv::parse_int(&gofmt::sprint_v(a.get(0)), 8).unwrap_or(0))
        }),
        "seq" => (sig(&[], Some(Int)), |a| {
            let params: Vec<i64> = (0..a.len()).map(|i| a.int(i)).collect();
            s(numeric::seq(&params)?)
        }),
        "toStrings" => (sig(&[Any], None), |a| {
            Ok(Value::strings(text::strslice(a.get(0))))
        }),

        // Splitting and joining.
        "split" => (sig(&[Str, Str], None), |a| {
            Ok(text::parts_map(text::split_n(a.str(1), a.str(0), -1)))
        }),
        "splitList" => (sig(&[Str, Str], None), |a| {
            Ok(Value::strings(text::split_n(a.str(1), a.str(0), -1)))
        }),
        "splitn" => (sig(&[Str, Int, Str], None), |a| {
            Ok(text::parts_map(text::split_n(a.str(2), a.str(0), a.int(1))))
        }),
        "join" => (sig(&[Str, Any], None), |a| {
            s(text::join(a.str(0), a.get(1))?)
        }),
        "sortAlpha" => (sig(&[Any], None), |a| Ok(text::sort_alpha(a.get(0)))),

        // Integer sequences and maths.
        "until" => (sig(&[Int], None), |a| {
            let n = a.int(0);
            let step = if n < 0 { -1 } else { 1 };
            Ok(numeric::int_list(numeric::until_step(0, n, step)?))
        }),
        "untilStep" => (sig(&[Int, Int, Int], None), |a| {
            Ok(numeric::int_list(numeric::until_step(
                a.int(0),
                a.int(1),
                a.int(2),
            )?))
        }),
        "add1" => (sig(&[Any], None), |a| {
            i64v(to_int64(a.get(0)).wrapping_add(1))
        }),
        "add" => (sig(&[], A), |a| {
            i64v(a.rest(0).iter().map(to_int64).fold(0, i64::wrapping_add))
        }),
        "sub" => (sig(&[Any, Any], None), |a| {
            i64v(to_int64(a.get(0)).wrapping_sub(to_int64(a.get(1))))
        }),
        "div" => (sig(&[Any, Any], None), |a| {
            i64v(numeric::div(a.get(0), a.get(1))?)
        }),
        "mod" => (sig(&[Any, Any], None), |a| {
            i64v(numeric::modulo(a.get(0), a.get(1))?)
        }),
        "mul" => (sig(&[Any], A), |a| {
            i64v(
                a.rest(1)
                    .iter()
                    .map(to_int64)
                    .fold(to_int64(a.get(0)), i64::wrapping_mul),
            )
        }),
        "add1f" => (sig(&[Any], None), |a| {
            f64v(numeric::decimal_op(
                to_float64(a.get(0)),
                &[1.0],
                DecOp::Add,
            )?)
        }),
        "addf" => (sig(&[], A), |a| {
            f64v(numeric::decimal_op(0.0, &floats(a.rest(0)), DecOp::Add)?)
        }),
        "subf" => (sig(&[Any], A), |a| {
            f64v(numeric::decimal_op(
                to_float64(a.get(0)),
                &floats(a.rest(1)),
                DecOp::Sub,
            )?)
        }),
        "mulf" => (sig(&[Any], A), |a| {
            f64v(numeric::decimal_op(
                to_float64(a.get(0)),
                &floats(a.rest(1)),
                DecOp::Mul,
            )?)
        }),
        "divf" => (sig(&[Any], A), |a| {
            f64v(numeric::decimal_op(
                to_float64(a.get(0)),
                &floats(a.rest(1)),
                DecOp::Div,
            )?)
        }),
        "biggest" | "max" => (sig(&[Any], A), |a| i64v(numeric::extreme(a.rest(0), true))),
        "min" => (sig(&[Any], A), |a| i64v(numeric::extreme(a.rest(0), false))),
        "maxf" => (sig(&[Any], A), |a| {
            f64v(numeric::extreme_f(a.rest(0), true))
        }),
        "minf" => (sig(&[Any], A), |a| {
            f64v(numeric::extreme_f(a.rest(0), false))
        }),
        "ceil" => (sig(&[Any], None), |a| f64v(to_float64(a.get(0)).ceil())),
        "floor" => (sig(&[Any], None), |a| f64v(to_float64(a.get(0)).floor())),
        "round" => (sig(&[Any, Int], Some(F64)), |a| {
            let on = (a.len() > 2).then(|| a.f64(2));
            f64v(numeric::round(a.get(0), a.int(1), on))
        }),

        // Defaults and flow.
        "default" => (sig(&[Any], A), |mut a| {
            if a.len() < 2 || empty(a.get(1)) {
                Ok(a.take(0))
            } else {
                Ok(a.take(1))
            }
        }),
        "empty" => (sig(&[Any], None), |a| b(empty(a.get(0)))),
        "coalesce" => (sig(&[], A), |a| {
            Ok(a.rest(0)
                .iter()
                .find(|v| !empty(v))
                .cloned()
                .unwrap_or(Value::Nil))
        }),
        "all" => (sig(&[], A), |a| b(a.rest(0).iter().all(|v| !empty(v)))),
        "any" => (sig(&[], A), |a| b(a.rest(0).iter().any(|v| !empty(v)))),
        "ternary" => (sig(&[Any, Any, Bool], None), |mut a| {
            Ok(if a.bool(2) { a.take(0) } else { a.take(1) })
        }),
        "fail" => (sig(&[Str], None), |a| Err(a.str(0).to_string())),

        // JSON.
        "fromJson" => (sig(&[Str], None), |a| {
            Ok(json::from_json(a.str(0)).unwrap_or(Value::Nil))
        }),
        "mustFromJson" => (sig(&[Str], None), |a| json::from_json(a.str(0))),
        "toJson" => (sig(&[Any], None), |a| {
            s(json::to_json(a.get(0)).unwrap_or_default())
        }),
        "mustToJson" => (sig(&[Any], None), |a| s(json::to_json(a.get(0))?)),
        "toPrettyJson" => (sig(&[Any], None), |a| {
            s(json::to_pretty_json(a.get(0)).unwrap_or_default())
        }),
        "mustToPrettyJson" => (sig(&[Any], None), |a| s(json::to_pretty_json(a.get(0))?)),
        "toRawJson" => (sig(&[Any], None), |a| {
            s(json::to_raw_json(a.get(0)).unwrap_or_default())
        }),
        "mustToRawJson" => (sig(&[Any], None), |a| s(json::to_raw_json(a.get(0))?)),

        // Reflection.
        "deepCopy" | "mustDeepCopy" => (sig(&[Any], None), |mut a| Ok(a.take(0))),
        "typeOf" => (sig(&[Any], None), |a| s(a.get(0).go_type())),
        "typeIs" => (
            sig(&[Str, Any], None),
            |a| b(a.str(0) == a.get(1).go_type()),
        ),
        "typeIsLike" => (sig(&[Str, Any], None), |a| {
            let t = a.get(1).go_type();
            b(a.str(0) == t || format!("*{}", a.str(0)) == t)
        }),
        "kindOf" => (sig(&[Any], None), |a| s(conv::kind_of(a.get(0)))),
        "kindIs" => (sig(&[Str, Any], None), |a| {
            b(a.str(0) == conv::kind_of(a.get(1)))
        }),
        "deepEqual" => (sig(&[Any, Any], None), |a| {
            b(crate::expr::value::deep_equal(a.get(0), a.get(1)))
        }),

        // Paths.
        "base" | "osBase" => (sig(&[Str], None), |a| s(paths::base(a.str(0)))),
        "dir" | "osDir" => (sig(&[Str], None), |a| s(paths::dir(a.str(0)))),
        "clean" | "osClean" => (sig(&[Str], None), |a| s(paths::clean(a.str(0)))),
        "ext" | "osExt" => (sig(&[Str], None), |a| s(paths::ext(a.str(0)))),
        "isAbs" | "osIsAbs" => (sig(&[Str], None), |a| b(paths::is_abs(a.str(0)))),

        // Dicts.
        "dict" => (sig(&[], A), |mut a| Ok(dicts::dict(a.take_rest(0)))),
        "get" => (sig(&[Map, Str], None), |a| {
            Ok(dicts::get(a.get(0), a.str(1)))
        }),
        "set" => (sig(&[Map, Str, Any], None), |mut a| {
            let v = a.take(2);
            Ok(dicts::set(a.get(0), a.str(1), v))
        }),
        "unset" => (sig(&[Map, Str], None), |a| {
            Ok(dicts::unset(a.get(0), a.str(1)))
        }),
        "hasKey" => (sig(&[Map, Str], None), |a| {
            b(a.get(0).map_get(a.str(1)).is_some())
        }),
        "pluck" => (sig(&[Str], Some(Map)), |a| {
            Ok(dicts::pluck(a.str(0), a.rest(1)))
        }),
        "keys" => (sig(&[], Some(Map)), |a| Ok(dicts::keys(a.rest(0)))),
        "pick" => (sig(&[Map], Some(Str)), |a| {
            Ok(dicts::pick(a.get(0), a.rest(1), true))
        }),
        "omit" => (sig(&[Map], Some(Str)), |a| {
            Ok(dicts::pick(a.get(0), a.rest(1), false))
        }),
        "merge" | "mustMerge" => (sig(&[Map], Some(Map)), |a| {
            Ok(dicts::merge(a.get(0), a.rest(1), false))
        }),
        "mergeOverwrite" | "mustMergeOverwrite" => (sig(&[Map], Some(Map)), |a| {
            Ok(dicts::merge(a.get(0), a.rest(1), true))
        }),
        "values" => (sig(&[Map], None), |a| Ok(dicts::values(a.get(0)))),
        "dig" => (sig(&[], A), |a| dicts::dig(a.rest(0))),

        // Lists.
        "tuple" | "list" => (sig(&[], A), |mut a| Ok(lists::list(a.take_rest(0)))),
        "append" | "push" | "mustAppend" | "mustPush" => (sig(&[Any, Any], None), |mut a| {
            let v = a.take(1);
            lists::push(a.get(0), v)
        }),
        "prepend" | "mustPrepend" => (sig(&[Any, Any], None), |mut a| {
            let v = a.take(1);
            lists::prepend(a.get(0), v)
        }),
        "first" | "mustFirst" => (sig(&[Any], None), |a| lists::first(a.get(0))),
        "last" | "mustLast" => (sig(&[Any], None), |a| lists::last(a.get(0))),
        "rest" | "mustRest" => (sig(&[Any], None), |a| lists::rest(a.get(0))),
        "initial" | "mustInitial" => (sig(&[Any], None), |a| lists::initial(a.get(0))),
        "reverse" | "mustReverse" => (sig(&[Any], None), |a| lists::reverse(a.get(0))),
        "uniq" | "mustUniq" => (sig(&[Any], None), |a| lists::uniq(a.get(0))),
        "compact" | "mustCompact" => (sig(&[Any], None), |a| lists::compact(a.get(0))),
        "without" | "mustWithout" => (sig(&[Any], A), |a| lists::without(a.get(0), a.rest(1))),
        "has" | "mustHas" => (sig(&[Any, Any], None), |a| {
            b(lists::has(a.get(0), a.get(1))?)
        }),
        "slice" | "mustSlice" => (sig(&[Any], A), |a| lists::slice(a.get(0), a.rest(1))),
        "concat" => (sig(&[], A), |a| lists::concat(a.rest(0))),
        "chunk" | "mustChunk" => (sig(&[Int, Any], None), |a| lists::chunk(a.int(0), a.get(1))),

        // Regular expressions.
        "regexMatch" => (sig(&[Str, Str], None), |a| {
            b(regex::is_match(a.str(0), a.str(1), Mode::Panic)?)
        }),
        "mustRegexMatch" => (sig(&[Str, Str], None), |a| {
            b(regex::is_match(a.str(0), a.str(1), Mode::Error)?)
        }),
        "regexFindAll" => (sig(&[Str, Str, Int], None), |a| {
            regex::find_all_strings(a.str(0), a.str(1), a.int(2), Mode::Panic)
        }),
        "mustRegexFindAll" => (sig(&[Str, Str, Int], None), |a| {
            regex::find_all_strings(a.str(0), a.str(1), a.int(2), Mode::Error)
        }),
        "regexFind" => (sig(&[Str, Str], None), |a| {
            s(regex::find(a.str(0), a.str(1), Mode::Panic)?)
        }),
        "mustRegexFind" => (sig(&[Str, Str], None), |a| {
            s(regex::find(a.str(0), a.str(1), Mode::Error)?)
        }),
        "regexReplaceAll" => (sig(&[Str, Str, Str], None), |a| {
            s(regex::replace_all(
                a.str(0),
                a.str(1),
                a.str(2),
                false,
                Mode::Panic,
            )?)
        }),
        "mustRegexReplaceAll" => (sig(&[Str, Str, Str], None), |a| {
            s(regex::replace_all(
                a.str(0),
                a.str(1),
                a.str(2),
                false,
                Mode::Error,
            )?)
        }),
        "regexReplaceAllLiteral" => (sig(&[Str, Str, Str], None), |a| {
            s(regex::replace_all(
                a.str(0),
                a.str(1),
                a.str(2),
                true,
                Mode::Panic,
            )?)
        }),
        "mustRegexReplaceAllLiteral" => (sig(&[Str, Str, Str], None), |a| {
            s(regex::replace_all(
                a.str(0),
                a.str(1),
                a.str(2),
                true,
                Mode::Error,
            )?)
        }),
        "regexSplit" => (sig(&[Str, Str, Int], None), |a| {
            regex::split(a.str(0), a.str(1), a.int(2), Mode::Panic)
        }),
        "mustRegexSplit" => (sig(&[Str, Str, Int], None), |a| {
            regex::split(a.str(0), a.str(1), a.int(2), Mode::Error)
        }),
        "regexQuoteMeta" => (sig(&[Str], None), |a| s(regex::quote_meta(a.str(0)))),

        // URLs and durations.
        "urlParse" => (sig(&[Str], None), |a| url::url_parse(a.str(0))),
        "urlJoin" => (sig(&[Map], None), |a| s(url::url_join(a.get(0))?)),
        "duration" => (sig(&[Any], None), |a| s(time::duration(a.get(0)))),
        "durationRound" => (sig(&[Any], None), |a| s(time::duration_round(a.get(0)))),

        _ => return None,
    };
    Some(entry)
}
