//! `urlParse` and `urlJoin`: a port of the parts of Go's `net/url` they use (`Parse`,
//! `URL.String`, `Hostname`, `Userinfo.String`, percent-escaping by URL component).

use std::collections::BTreeMap;

use crate::expr::value::Value;

use super::Result;
use super::conv::{go_lossy, go_quote};
use super::dicts::get_string;

#[derive(Clone, Copy, PartialEq, Eq)]
enum Mode {
    Path,
    Host,
    Zone,
    UserPassword,
    Fragment,
}

/// `net/url`'s `shouldEscape`.
fn should_escape(c: u8, mode: Mode) -> bool {
    if c.is_ascii_alphanumeric() {
        return false;
    }
    if matches!(mode, Mode::Host | Mode::Zone)
        && matches!(
            c,
            b'!' | b'$'
                | b'&'
                | b'\''
                | b'('
                | b')'
                | b'*'
                | b'+'
                | b','
                | b';'
                | b'='
                | b':'
                | b'['
                | b']'
                | b'<'
                | b'>'
                | b'"'
        )
    {
        return false;
    }
    match c {
        b'-' | b'_' | b'.' | b'~' => return false,
        b'$' | b'&' | b'+' | b',' | b'/' | b':' | b';' | b'=' | b'?' | b'@' => match mode {
            Mode::Path => return c == b'?',
            Mode::UserPassword => return matches!(c, b'@' | b'/' | b'?' | b':'),
            Mode::Fragment => return false,
            Mode::Host | Mode::Zone => {}
        },
        _ => {}
    }
    if mode == Mode::Fragment && matches!(c, b'!' | b'(' | b')' | b'*') {
        return false;
    }
    true
}

/// `net/url`'s `escape`.
fn escape(s: &str, mode: Mode) -> String {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    let mut out = Vec::with_capacity(s.len());
    for &c in s.as_bytes() {
        if should_escape(c, mode) {
            out.extend_from_slice(&[b'%', HEX[usize::from(c >> 4)], HEX[usize::from(c & 15)]]);
        } else {
            out.push(c);
        }
    }
    go_lossy(&out)
}

fn unhex(c: u8) -> Option<u8> {
    char::from(c).to_digit(16).map(|d| d as u8)
}

/// `net/url`'s `unescape` (no `+` handling: no query components are unescaped here).
fn unescape(s: &str, mode: Mode) -> std::result::Result<String, String> {
    let b = s.as_bytes();
    let mut i = 0;
    let mut n = 0;
    while i < b.len() {
        match b[i] {
            b'%' => {
                n += 1;
                if i + 2 >= b.len() || unhex(b[i + 1]).is_none() || unhex(b[i + 2]).is_none() {
                    let bad = &b[i..(i + 3).min(b.len())];
                    return Err(format!("invalid URL escape {}", go_quote(&go_lossy(bad))));
                }
                let v = unhex(b[i + 1]).unwrap_or(0) << 4 | unhex(b[i + 2]).unwrap_or(0);
                if mode == Mode::Host && unhex(b[i + 1]).unwrap_or(0) < 8 && &s[i..i + 3] != "%25"
                    || mode == Mode::Zone
                        && &s[i..i + 3] != "%25"
                        && v != b' '
                        && should_escape(v, Mode::Host)
                {
                    return Err(format!("invalid URL escape {}", go_quote(&s[i..i + 3])));
                }
                i += 3;
            }
            c => {
                if matches!(mode, Mode::Host | Mode::Zone) && c < 0x80 && should_escape(c, mode) {
                    return Err(format!(
                        "invalid character {} in host name",
                        go_quote(&char::from(c).to_string())
                    ));
                }
                i += 1;
            }
        }
    }
    if n == 0 {
        return Ok(s.to_string());
    }
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' {
            out.push(unhex(b[i + 1]).unwrap_or(0) << 4 | unhex(b[i + 2]).unwrap_or(0));
            i += 3;
        } else {
            out.push(b[i]);
            i += 1;
        }
    }
    Ok(go_lossy(&out))
}

/// A parsed URL (the fields `urlParse` reports).
#[derive(Default)]
struct Url {
    scheme: String,
    opaque: String,
    /// `(username, password)`; `None` when there is no userinfo.
    user: Option<(String, Option<String>)>,
    host: String,
    path: String,
    raw_query: String,
    fragment: String,
}

fn valid_optional_port(port: &str) -> bool {
    port.is_empty() || port.starts_with(':') && port[1..].bytes().all(|c| c.is_ascii_digit())
}

fn parse_host(host: &str) -> std::result::Result<String, String> {
    if host.starts_with('[') {
        let Some(i) = host.rfind(']') else {
            return Err("missing ']' in host".to_string());
        };
        let colon_port = &host[i + 1..];
        if !valid_optional_port(colon_port) {
            return Err(format!("invalid port {} after host", go_quote(colon_port)));
        }
        if let Some(zone) = host[..i].find("%25") {
            let h1 = unescape(&host[..zone], Mode::Host)?;
            let h2 = unescape(&host[zone..i], Mode::Zone)?;
            let h3 = unescape(&host[i..], Mode::Host)?;
            return Ok(h1 + &h2 + &h3);
        }
    } else if let Some(i) = host.rfind(':') {
        let colon_port = &host[i..];
        if !valid_optional_port(colon_port) {
            return Err(format!("invalid port {} after host", go_quote(colon_port)));
        }
    }
    unescape(host, Mode::Host)
}

fn valid_userinfo(s: &str) -> bool {
    s.chars().all(|c| {
        c.is_ascii_alphanumeric()
            || matches!(
                c,
                '-' | '.'
                    | '_'
                    | ':'
                    | '~'
                    | '!'
                    | '$'
                    | '&'
                    | '\''
                    | '('
                    | ')'
                    | '*'
                    | '+'
                    | ','
                    | ';'
                    | '='
                    | '%'
                    | '@'
            )
    })
}

type UserHost = (Option<(String, Option<String>)>, String);

fn parse_authority(authority: &str) -> std::result::Result<UserHost, String> {
    let at = authority.rfind('@');
    let host = parse_host(at.map_or(authority, |i| &authority[i + 1..]))?;
    let Some(i) = at else {
        return Ok((None, host));
    };
    let userinfo = &authority[..i];
    if !valid_userinfo(userinfo) {
        return Err("net/url: invalid userinfo".to_string());
    }
    let user = match userinfo.split_once(':') {
        None => (unescape(userinfo, Mode::UserPassword)?, None),
        Some((u, p)) => (
            unescape(u, Mode::UserPassword)?,
            Some(unescape(p, Mode::UserPassword)?),
        ),
    };
    Ok((Some(user), host))
}

/// `net/url`'s `getScheme`.
fn get_scheme(raw: &str) -> std::result::Result<(&str, &str), String> {
    for (i, c) in raw.bytes().enumerate() {
        match c {
            b'a'..=b'z' | b'A'..=b'Z' => {}
            b'0'..=b'9' | b'+' | b'-' | b'.' if i > 0 => {}
            b':' if i == 0 => return Err("missing protocol scheme".to_string()),
            b':' => return Ok((&raw[..i], &raw[i + 1..])),
            _ => return Ok(("", raw)),
        }
    }
    Ok(("", raw))
}

/// `net/url`'s `parse(rawURL, viaRequest=false)`.
fn parse_inner(raw: &str) -> std::result::Result<Url, String> {
    if raw.bytes().any(|c| c < 0x20 || c == 0x7F) {
        return Err("net/url: invalid control character in URL".to_string());
    }
    let mut url = Url::default();
    if raw == "*" {
        url.path = "*".to_string();
        return Ok(url);
    }
    let (scheme, rest) = get_scheme(raw)?;
    url.scheme = scheme.to_ascii_lowercase();
    let mut rest = rest;
    if rest.ends_with('?') && rest.matches('?').count() == 1 {
        rest = &rest[..rest.len() - 1];
    } else if let Some((r, q)) = rest.split_once('?') {
        rest = r;
        url.raw_query = q.to_string();
    }
    if !rest.starts_with('/') {
        if !url.scheme.is_empty() {
            url.opaque = rest.to_string();
            return Ok(url);
        }
        let segment = rest.split('/').next().unwrap_or_default();
        if segment.contains(':') {
            return Err("first path segment in URL cannot contain colon".to_string());
        }
    }
    if (!url.scheme.is_empty() || !rest.starts_with("///")) && rest.starts_with("//") {
        let authority = &rest[2..];
        let (authority, path) = match authority.find('/') {
            Some(i) => (&authority[..i], &authority[i..]),
            None => (authority, ""),
        };
        let (user, host) = parse_authority(authority)?;
        url.user = user;
        url.host = host;
        rest = path;
    }
    url.path = unescape(rest, Mode::Path)?;
    Ok(url)
}

/// `url.Parse`, with its `parse "<url>": <err>` error text.
fn parse(raw: &str) -> std::result::Result<Url, String> {
    let (u, frag) = match raw.split_once('#') {
        Some((u, f)) => (u, Some(f)),
        None => (raw, None),
    };
    let mut url = parse_inner(u).map_err(|e| format!("parse {}: {e}", go_quote(u)))?;
    if let Some(f) = frag.filter(|f| !f.is_empty()) {
        url.fragment =
            unescape(f, Mode::Fragment).map_err(|e| format!("parse {}: {e}", go_quote(raw)))?;
    }
    Ok(url)
}

/// `Userinfo.String()`.
fn user_string(user: &(String, Option<String>)) -> String {
    let mut s = escape(&user.0, Mode::UserPassword);
    if let Some(p) = &user.1 {
        s.push(':');
        s.push_str(&escape(p, Mode::UserPassword));
    }
    s
}

/// `URL.Hostname()`.
fn hostname(host: &str) -> &str {
    let mut h = host;
    if let Some(colon) = h.rfind(':').filter(|&c| valid_optional_port(&h[c..])) {
        h = &h[..colon];
    }
    if h.starts_with('[') && h.ends_with(']') && h.len() >= 2 {
        h = &h[1..h.len() - 1];
    }
    h
}

/// `urlParse(s)`: the URL's parts as a `map[string]interface {}`.
pub fn url_parse<'a>(s: &str) -> Result<Value<'a>> {
    let u = parse(s).map_err(|e| format!("unable to parse url: {e}"))?;
    let mut m = BTreeMap::new();
    m.insert("scheme".to_string(), Value::from(u.scheme.as_str()));
    m.insert("host".to_string(), Value::from(u.host.as_str()));
    m.insert("hostname".to_string(), Value::from(hostname(&u.host)));
    m.insert("path".to_string(), Value::from(u.path.as_str()));
    m.insert("query".to_string(), Value::from(u.raw_query.as_str()));
    m.insert("opaque".to_string(), Value::from(u.opaque.as_str()));
    m.insert("fragment".to_string(), Value::from(u.fragment.as_str()));
    let userinfo = u.user.as_ref().map(user_string).unwrap_or_default();
    m.insert("userinfo".to_string(), Value::from(userinfo));
    Ok(Value::map(m))
}

/// `urlJoin(dict)`: `URL.String()` of the dict's parts.
pub fn url_join(d: &Value<'_>) -> Result<String> {
    let url = Url {
        scheme: get_string(d, "scheme")?,
        host: get_string(d, "host")?,
        path: get_string(d, "path")?,
        raw_query: get_string(d, "query")?,
        opaque: get_string(d, "opaque")?,
        fragment: get_string(d, "fragment")?,
        user: None,
    };
    let userinfo = get_string(d, "userinfo")?;
    let user = if userinfo.is_empty() {
        None
    } else {
        let temp = parse(&format!("proto://{userinfo}@host"))
            .map_err(|e| format!("unable to parse userinfo in dict: {e}"))?;
        temp.user
    };
    let mut buf = String::new();
    if !url.scheme.is_empty() {
        buf.push_str(&url.scheme);
        buf.push(':');
    }
    if !url.opaque.is_empty() {
        buf.push_str(&url.opaque);
    } else {
        if !url.scheme.is_empty() || !url.host.is_empty() || user.is_some() {
            if !url.host.is_empty() || !url.path.is_empty() || user.is_some() {
                buf.push_str("//");
            }
            if let Some(u) = &user {
                buf.push_str(&user_string(u));
                buf.push('@');
            }
            if !url.host.is_empty() {
                buf.push_str(&escape(&url.host, Mode::Host));
            }
        }
        let path = if url.path == "*" {
            "*".to_string()
        } else {
            escape(&url.path, Mode::Path)
        };
        if !path.is_empty() && !path.starts_with('/') && !url.host.is_empty() {
            buf.push('/');
        }
        if buf.is_empty() {
            let segment = path.split('/').next().unwrap_or_default();
            if segment.contains(':') {
                buf.push_str("./");
            }
        }
        buf.push_str(&path);
    }
    if !url.raw_query.is_empty() {
        buf.push('?');
        buf.push_str(&url.raw_query);
    }
    if !url.fragment.is_empty() {
        buf.push('#');
        buf.push_str(&escape(&url.fragment, Mode::Fragment));
    }
    Ok(buf)
}
