//! Parsing the `argo-workflows-webhook-clients` Secret into [`WebhookClient`]s.
//!
//! Takes the Secret's decoded `data` (key = ServiceAccount name, value = YAML bytes);
//! returns the usable clients, sorted by key, plus one [`ConfigError`] per unusable
//! entry, for the caller to log. Each value is a YAML mapping:
//!
//! ```yaml
//! type: github          # github | gitlab | bitbucket | bitbucketserver | hmac | standardwebhooks
//! secret: "shh!"        # must be a non-empty string
//! # type: hmac only:
//! header: X-Hub-Signature
//! algorithm: sha1       # sha1 | sha256 | sha512
//! prefix: "sha1="       # optional
//! encoding: hex         # hex (default) | base64
//! ```
//!
//! Other keys are ignored, as in Argo.
//!
//! # One broken client does not break the others
//!
//! Argo answers 403 to every request when any value is bad YAML, panics on an unknown
//! `type`, and turns the signature check off for an empty `secret`. Here each of those
//! makes only that entry unusable: it is returned as a [`ConfigError`] and skipped. When
//! no entry is usable, every request is "no match" (401 in client mode).
//!
//! # Secrets
//!
//! A secret is moved out of the parsed YAML into a [`SecretBytes`] (zeroed on drop,
//! never printed). Errors name the client and the field, never the secret, and for bad
//! YAML give only the line and column, because the YAML library's messages may quote
//! the input.

use std::collections::BTreeMap;

use serde_yaml::{Mapping, Value};
use zeroize::Zeroizing;

use super::bitbucket::Bitbucket;
use super::bitbucketserver::BitbucketServer;
use super::github::GitHub;
use super::gitlab::GitLab;
use super::hmac::{Algorithm, Encoding, HmacSignature};
use super::standard::StandardWebhooks;
use super::{SecretBytes, Verifier};

/// Largest YAML value accepted for one client, in bytes.
pub const MAX_CLIENT_VALUE_BYTES: usize = 64 * 1024;

/// Longest `header:` or `prefix:` accepted for `type: hmac`.
const MAX_OPTION_LEN: usize = 128;

/// The YAML tag we refuse (see [`ConfigError::BinaryTag`]).
const BINARY_TAG: &[u8] = b"!!binary";

/// Longest client name quoted in an error.
const MAX_NAME_IN_ERROR: usize = 253;

/// Longest unknown `type:` value quoted in an error.
const MAX_TYPE_IN_ERROR: usize = 32;

/// One usable webhook client: requests that pass `verifier` run as `service_account`.
#[derive(Debug, Clone)]
pub struct WebhookClient {
    /// The ServiceAccount name (the Secret's `data` key), in the Secret's namespace.
    pub service_account: String,
    /// The provider check.
    pub verifier: Verifier,
}

/// The result of parsing the whole Secret.
#[derive(Debug, Clone, Default)]
pub struct ParsedClients {
    /// Usable clients, sorted by ServiceAccount name.
    pub clients: Vec<WebhookClient>,
    /// One error per unusable entry, in key order.
    pub errors: Vec<ConfigError>,
}

/// Why one entry of the Secret is unusable. The message names the client (the `data`
/// key) and never contains secret material.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ConfigError {
    /// The key is not a DNS-1123 subdomain, so it cannot name a ServiceAccount.
    #[error("webhook client {client:?}: the key is not a valid ServiceAccount name")]
    InvalidServiceAccountName {
        /// The `data` key (truncated).
        client: String,
    },
    /// The value is larger than [`MAX_CLIENT_VALUE_BYTES`].
    #[error("webhook client {client:?}: the value is {len} bytes, more than the {max} allowed")]
    TooLarge {
        /// The `data` key.
        client: String,
        /// The value's length.
        len: usize,
        /// The limit.
        max: usize,
    },
    /// The value is not valid YAML (the library's message is withheld: it may quote the
    /// input).
    #[error("webhook client {client:?}: the value is not valid YAML{}", location_text(*.line, *.column))]
    InvalidYaml {
        /// The `data` key.
        client: String,
        /// 1-based line of the error, when known.
        line: Option<usize>,
        /// 1-based column of the error, when known.
        column: Option<usize>,
    },
    /// The value uses a `!!binary` tag. The YAML library would keep the base64 text
    /// where Argo's decodes it, so the secret would silently differ.
    #[error(
        "webhook client {client:?}: YAML !!binary values are not supported; write the secret as a string"
    )]
    BinaryTag {
        /// The `data` key.
        client: String,
    },
    /// The value is valid YAML but not a mapping.
    #[error("webhook client {client:?}: the value must be a YAML mapping with `type` and `secret`")]
    NotAMapping {
        /// The `data` key.
        client: String,
    },
    /// A required field is absent or null.
    #[error("webhook client {client:?}: `{field}` is missing")]
    MissingField {
        /// The `data` key.
        client: String,
        /// The field name.
        field: &'static str,
    },
    /// A field is present but not a YAML string.
    #[error("webhook client {client:?}: `{field}` must be a string (quote the value)")]
    NotAString {
        /// The `data` key.
        client: String,
        /// The field name.
        field: &'static str,
    },
    /// `type` is not one of the supported providers.
    #[error(
        "webhook client {client:?}: unknown type {type_name:?}; expected github, gitlab, \
         bitbucket, bitbucketserver, hmac or standardwebhooks"
    )]
    UnknownType {
        /// The `data` key.
        client: String,
        /// The `type` value (truncated).
        type_name: String,
    },
    /// `secret` is empty. Argo would skip the check entirely; we refuse the client.
    #[error(
        "webhook client {client:?}: `secret` is empty; an empty secret would accept unsigned requests"
    )]
    EmptySecret {
        /// The `data` key.
        client: String,
    },
    /// An option has an invalid value.
    #[error("webhook client {client:?}: `{field}` {reason}")]
    InvalidOption {
        /// The `data` key.
        client: String,
        /// The field name.
        field: &'static str,
        /// What is wrong.
        reason: &'static str,
    },
}

impl ConfigError {
    /// The `data` key of the client this error is about.
    pub fn client(&self) -> &str {
        match self {
            ConfigError::InvalidServiceAccountName { client }
            | ConfigError::TooLarge { client, .. }
            | ConfigError::InvalidYaml { client, .. }
            | ConfigError::BinaryTag { client }
            | ConfigError::NotAMapping { client }
            | ConfigError::MissingField { client, .. }
            | ConfigError::NotAString { client, .. }
            | ConfigError::UnknownType { client, .. }
            | ConfigError::EmptySecret { client }
            | ConfigError::InvalidOption { client, .. } => client,
        }
    }
}

fn location_text(line: Option<usize>, column: Option<usize>) -> String {
    match (line, column) {
        (Some(line), Some(column)) => format!(" (line {line}, column {column})"),
        _ => String::new(),
    }
}

/// Parses every entry of the Secret's decoded `data`, in key order.
pub fn parse_clients(data: &BTreeMap<String, Vec<u8>>) -> ParsedClients {
    parse_entries(data.iter().map(|(k, v)| (k.as_str(), v.as_slice())))
}

/// Parses `(key, value)` entries in any order, without copying the values; the clients
/// come out sorted by key. Of several entries with the same key, the first is used.
/// For a model `Secret` with both `data` and `stringData`:
/// `parse_entries(secret.keys().filter_map(|k| Some((k, secret.value(k)?))))`.
pub fn parse_entries<'a>(entries: impl IntoIterator<Item = (&'a str, &'a [u8])>) -> ParsedClients {
    let mut entries: Vec<(&str, &[u8])> = entries.into_iter().collect();
    entries.sort_by(|a, b| a.0.cmp(b.0));
    entries.dedup_by(|later, earlier| later.0 == earlier.0);
    let mut parsed = ParsedClients::default();
    for (name, value) in entries {
        match parse_client(name, value) {
            Ok(client) => parsed.clients.push(client),
            Err(error) => parsed.errors.push(error),
        }
    }
    parsed
}

/// Parses one entry: `service_account` is the `data` key, `value` its decoded YAML.
pub fn parse_client(service_account: &str, value: &[u8]) -> Result<WebhookClient, ConfigError> {
    let client = truncate(service_account, MAX_NAME_IN_ERROR);
    if !is_dns_subdomain(service_account) {
        return Err(ConfigError::InvalidServiceAccountName { client });
    }
    if value.len() > MAX_CLIENT_VALUE_BYTES {
        return Err(ConfigError::TooLarge {
            client,
            len: value.len(),
            max: MAX_CLIENT_VALUE_BYTES,
        });
    }
    if value.windows(BINARY_TAG.len()).any(|w| w == BINARY_TAG) {
        return Err(ConfigError::BinaryTag { client });
    }
    let document: Value = match serde_yaml::from_slice(value) {
        Ok(document) => document,
        Err(error) => {
            let location = error.location();
            return Err(ConfigError::InvalidYaml {
                client,
                line: location.as_ref().map(|l| l.line()),
                column: location.as_ref().map(|l| l.column()),
            });
        }
    };
    let Value::Mapping(mut fields) = document else {
        return Err(ConfigError::NotAMapping { client });
    };

    let type_name = required_string(&fields, &client, "type")?.to_owned();
    let secret = take_secret(&mut fields, &client)?;
    let verifier = match type_name.as_str() {
        "github" => Verifier::GitHub(GitHub::new(secret_bytes(secret))),
        "gitlab" => Verifier::GitLab(GitLab::new(secret_bytes(secret))),
        "bitbucket" => Verifier::Bitbucket(Bitbucket::new(secret_bytes(secret))),
        "bitbucketserver" => Verifier::BitbucketServer(BitbucketServer::new(secret_bytes(secret))),
        "hmac" => Verifier::Hmac(hmac_client(&fields, &client, secret)?),
        "standardwebhooks" => Verifier::StandardWebhooks(
            StandardWebhooks::from_secret(&secret).ok_or(ConfigError::InvalidOption {
                client: client.clone(),
                field: "secret",
                reason: "must be whsec_ followed by a non-empty base64 key",
            })?,
        ),
        _ => {
            return Err(ConfigError::UnknownType {
                client,
                type_name: truncate(&type_name, MAX_TYPE_IN_ERROR),
            });
        }
    };
    Ok(WebhookClient {
        service_account: service_account.to_owned(),
        verifier,
    })
}

/// The options of a `type: hmac` client.
fn hmac_client(
    fields: &Mapping,
    client: &str,
    secret: Zeroizing<String>,
) -> Result<HmacSignature, ConfigError> {
    let invalid = |field: &'static str, reason: &'static str| ConfigError::InvalidOption {
        client: client.to_owned(),
        field,
        reason,
    };
    let header = required_string(fields, client, "header")?;
    if header.is_empty() || header.len() > MAX_OPTION_LEN || !header.bytes().all(is_tchar) {
        return Err(invalid("header", "must be a valid HTTP header name"));
    }
    if header.eq_ignore_ascii_case("authorization") {
        return Err(invalid(
            "header",
            "cannot be Authorization: requests with that header use bearer authentication",
        ));
    }
    let algorithm = Algorithm::from_name(required_string(fields, client, "algorithm")?)
        .ok_or_else(|| invalid("algorithm", "must be sha1, sha256 or sha512"))?;
    let encoding = match optional_string(fields, client, "encoding")? {
        None => Encoding::Hex,
        Some(name) => {
            Encoding::from_name(name).ok_or_else(|| invalid("encoding", "must be hex or base64"))?
        }
    };
    let prefix = optional_string(fields, client, "prefix")?;
    if prefix.is_some_and(|p| p.len() > MAX_OPTION_LEN) {
        return Err(invalid("prefix", "is too long"));
    }
    Ok(HmacSignature::new(
        header.to_owned(),
        algorithm,
        prefix.map(str::to_owned),
        encoding,
        secret_bytes(secret),
    ))
}

/// Moves `secret` out of the mapping, so that only the zeroizing copy survives.
fn take_secret(fields: &mut Mapping, client: &str) -> Result<Zeroizing<String>, ConfigError> {
    let secret = match fields.remove("secret") {
        None | Some(Value::Null) => Zeroizing::new(String::new()),
        Some(Value::String(secret)) => Zeroizing::new(secret),
        Some(_) => {
            return Err(ConfigError::NotAString {
                client: client.to_owned(),
                field: "secret",
            });
        }
    };
    if secret.is_empty() {
        return Err(ConfigError::EmptySecret {
            client: client.to_owned(),
        });
    }
    Ok(secret)
}

fn secret_bytes(secret: Zeroizing<String>) -> SecretBytes {
    // `Zeroizing` cannot give up its contents, so copy them; the original is zeroed when
    // `secret` drops at the end of this function.
    SecretBytes::new(secret.as_bytes().to_vec())
}

fn required_string<'a>(
    fields: &'a Mapping,
    client: &str,
    field: &'static str,
) -> Result<&'a str, ConfigError> {
    optional_string(fields, client, field)?.ok_or_else(|| ConfigError::MissingField {
        client: client.to_owned(),
        field,
    })
}

fn optional_string<'a>(
    fields: &'a Mapping,
    client: &str,
    field: &'static str,
) -> Result<Option<&'a str>, ConfigError> {
    match fields.get(field) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(text)) => Ok(Some(text)),
        Some(_) => Err(ConfigError::NotAString {
            client: client.to_owned(),
            field,
        }),
    }
}

/// A Kubernetes object name: at most 253 characters of `[a-z0-9.-]`, starting and
/// ending with `[a-z0-9]`.
fn is_dns_subdomain(name: &str) -> bool {
    let alnum = |b: u8| b.is_ascii_lowercase() || b.is_ascii_digit();
    let bytes = name.as_bytes();
    match (bytes.first(), bytes.last()) {
        (Some(&first), Some(&last)) => {
            bytes.len() <= 253
                && alnum(first)
                && alnum(last)
                && bytes.iter().all(|&b| alnum(b) || b == b'-' || b == b'.')
        }
        _ => false,
    }
}

/// An RFC 9110 `tchar`.
fn is_tchar(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b)
}

/// The first `max` bytes of `text`, cut on a character boundary.
fn truncate(text: &str, max: usize) -> String {
    if text.len() <= max {
        return text.to_owned();
    }
    let mut end = max;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}…", &text[..end])
}
