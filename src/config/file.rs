//! The optional settings file (`--config FILE`): the layer between defaults and environment.
//!
//! Takes a YAML mapping whose keys are the long flag names of `flowgate serve` (for example
//! `listen`, `manifests`, `event-operation-queue-size`) and the [`ArgMatches`] of the command
//! line; returns the [`ServeArgs`] with every setting that neither a flag nor a `FLOWGATE_…`
//! variable gave taken from the file. So the order is: defaults < file < environment < flags.
//! An unknown key or a value of the wrong type is an error naming the key and the file.

use std::path::{Path, PathBuf};

use clap::ArgMatches;
use clap::parser::ValueSource;
use serde_yaml::Value;

use super::{AuthMode, Backend, ConfigError, ServeArgs};

/// Every key a settings file may hold.
pub const KEYS: [&str; 19] = [
    "listen",
    "backend",
    "data-dir",
    "db-cache-size",
    "manifests",
    "namespace",
    "kubeconfig",
    "auth-mode",
    "event-async-dispatch",
    "event-operation-queue-size",
    "event-worker-count",
    "instance-id",
    "submit-qps",
    "submit-burst",
    "max-body-bytes",
    "body-timeout-secs",
    "http-workers",
    "manifest-poll-ms",
    "shutdown-timeout-secs",
];

/// Largest settings file read.
pub const MAX_CONFIG_BYTES: u64 = 1024 * 1024;

fn from_file(matches: &ArgMatches, id: &str) -> bool {
    !matches!(
        matches.value_source(id),
        Some(ValueSource::CommandLine) | Some(ValueSource::EnvVariable)
    )
}

fn bad(file: &Path, key: &str, want: &str) -> ConfigError {
    ConfigError::File {
        file: file.to_path_buf(),
        reason: format!("{key}: expected {want}"),
    }
}

fn string(file: &Path, key: &str, v: &Value) -> Result<String, ConfigError> {
    match v {
        Value::String(s) => Ok(s.clone()),
        Value::Number(n) => Ok(n.to_string()),
        Value::Bool(b) => Ok(b.to_string()),
        _ => Err(bad(file, key, "a string")),
    }
}

fn number<T: TryFrom<u64>>(file: &Path, key: &str, v: &Value) -> Result<T, ConfigError> {
    v.as_u64()
        .and_then(|n| T::try_from(n).ok())
        .ok_or_else(|| bad(file, key, "a non-negative integer"))
}

fn boolean(file: &Path, key: &str, v: &Value) -> Result<bool, ConfigError> {
    v.as_bool().ok_or_else(|| bad(file, key, "true or false"))
}

fn choice<T: clap::ValueEnum>(file: &Path, key: &str, v: &Value) -> Result<T, ConfigError> {
    let s = string(file, key, v)?;
    T::from_str(&s, false).map_err(|_| {
        let names: Vec<String> = T::value_variants()
            .iter()
            .filter_map(|x| x.to_possible_value().map(|p| p.get_name().to_string()))
            .collect();
        bad(file, key, &format!("one of {}", names.join(", ")))
    })
}

/// Reads `file` and fills in `args` where the command line and environment are silent.
pub fn apply(args: &mut ServeArgs, matches: &ArgMatches, file: &Path) -> Result<(), ConfigError> {
    let io = |e: std::io::Error| ConfigError::File {
        file: file.to_path_buf(),
        reason: e.to_string(),
    };
    let meta = std::fs::metadata(file).map_err(io)?;
    if meta.len() > MAX_CONFIG_BYTES {
        return Err(ConfigError::File {
            file: file.to_path_buf(),
            reason: format!("larger than {MAX_CONFIG_BYTES} bytes"),
        });
    }
    let text = std::fs::read_to_string(file).map_err(io)?;
    let doc: Value = serde_yaml::from_str(&text).map_err(|e| ConfigError::File {
        file: file.to_path_buf(),
        reason: e.to_string(),
    })?;
    let map = match doc {
        Value::Mapping(m) => m,
        Value::Null => return Ok(()),
        _ => {
            return Err(ConfigError::File {
                file: file.to_path_buf(),
                reason: "expected a mapping of setting names to values".into(),
            });
        }
    };
    for (k, v) in &map {
        let key = k.as_str().ok_or_else(|| ConfigError::File {
            file: file.to_path_buf(),
            reason: "setting names must be strings".into(),
        })?;
        if !KEYS.contains(&key) {
            return Err(ConfigError::File {
                file: file.to_path_buf(),
                reason: format!("unknown setting {key:?}"),
            });
        }
        if !from_file(matches, &key.replace('-', "_")) {
            continue;
        }
        match key {
            "listen" => args.listen = string(file, key, v)?,
            "backend" => args.backend = choice::<Backend>(file, key, v)?,
            "data-dir" => args.data_dir = PathBuf::from(string(file, key, v)?),
            "db-cache-size" => args.db_cache_size = number(file, key, v)?,
            "manifests" => {
                args.manifests = match v {
                    Value::Sequence(items) => items
                        .iter()
                        .map(|i| string(file, key, i).map(PathBuf::from))
                        .collect::<Result<_, _>>()?,
                    other => vec![PathBuf::from(string(file, key, other)?)],
                };
            }
            "namespace" => {
                args.namespace = match v {
                    Value::Sequence(items) => items
                        .iter()
                        .map(|i| string(file, key, i))
                        .collect::<Result<_, _>>()?,
                    other => vec![string(file, key, other)?],
                };
            }
            "kubeconfig" => args.kubeconfig = Some(PathBuf::from(string(file, key, v)?)),
            "auth-mode" => args.auth_mode = choice::<AuthMode>(file, key, v)?,
            "event-async-dispatch" => args.event_async_dispatch = boolean(file, key, v)?,
            "event-operation-queue-size" => args.event_operation_queue_size = number(file, key, v)?,
            "event-worker-count" => args.event_worker_count = number(file, key, v)?,
            "instance-id" => args.instance_id = Some(string(file, key, v)?),
            "submit-qps" => args.submit_qps = number(file, key, v)?,
            "submit-burst" => args.submit_burst = number(file, key, v)?,
            "max-body-bytes" => args.max_body_bytes = number(file, key, v)?,
            "body-timeout-secs" => args.body_timeout_secs = number(file, key, v)?,
            "http-workers" => args.http_workers = Some(number(file, key, v)?),
            "manifest-poll-ms" => args.manifest_poll_ms = number(file, key, v)?,
            "shutdown-timeout-secs" => args.shutdown_timeout_secs = number(file, key, v)?,
            other => {
                return Err(ConfigError::File {
                    file: file.to_path_buf(),
                    reason: format!("unknown setting {other:?}"),
                });
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use clap::{Args, Command, FromArgMatches};

    use super::*;
    use crate::config::Settings;

    fn parse(argv: &[&str], yaml: &str) -> Result<Settings, ConfigError> {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("flowgate.yaml");
        std::fs::write(&path, yaml).unwrap();
        let config = format!("--config={}", path.display());
        let cmd = ServeArgs::augment_args(Command::new("serve"));
        let mut full = vec!["serve", config.as_str()];
        full.extend_from_slice(argv);
        let m = cmd.try_get_matches_from(full).unwrap();
        let args = ServeArgs::from_arg_matches(&m).unwrap();
        Settings::from_layers(args, Some(&m))
    }

    #[test]
    fn file_fills_defaults_and_flags_win() {
        let s = parse(
            &["--event-worker-count=7"],
            "manifests: [a, b]\nevent-worker-count: 3\nevent-operation-queue-size: 9\nevent-async-dispatch: false\nauth-mode: server\ndb-cache-size: 4\n",
        )
        .unwrap();
        assert_eq!(s.db_cache_bytes, 4 * 1024 * 1024);
        assert_eq!(s.manifests, vec![PathBuf::from("a"), PathBuf::from("b")]);
        assert_eq!(s.worker_count, 7, "the flag wins over the file");
        assert_eq!(s.queue_size, 9);
        assert!(!s.async_dispatch);
        assert_eq!(s.auth_mode, AuthMode::Server);
        assert_eq!(s.listen.to_string(), "127.0.0.1:2746");
    }

    #[test]
    fn kubernetes_settings() {
        let s = parse(
            &["--namespace=c"],
            "backend: kubernetes\nnamespace: [a, b]\nkubeconfig: /k\n",
        )
        .unwrap();
        assert_eq!(s.backend, Backend::Kubernetes);
        assert_eq!(s.namespaces, vec!["c".to_string()], "the flag wins");
        assert_eq!(s.kubeconfig, Some(PathBuf::from("/k")));
        assert!(s.manifests.is_empty());
        let e = parse(&[], "backend: kubernetes\nmanifests: a\n")
            .unwrap_err()
            .to_string();
        assert_eq!(
            e,
            "--manifests is for the embedded backend; it cannot be used with --backend kubernetes"
        );
        let e = parse(&[], "manifests: a\nnamespace: x\n")
            .unwrap_err()
            .to_string();
        assert!(
            e.starts_with("--namespace is for the kubernetes backend"),
            "{e}"
        );
    }

    #[test]
    fn db_cache_size_is_in_mib() {
        let s = parse(&[], "manifests: a\n").unwrap();
        assert_eq!(s.db_cache_bytes, 16 * 1024 * 1024, "the default");
        let s = parse(&["--db-cache-size=64"], "manifests: a\ndb-cache-size: 4\n").unwrap();
        assert_eq!(s.db_cache_bytes, 64 * 1024 * 1024, "the flag wins");
        let e = parse(&[], "manifests: a\ndb-cache-size: 0\n")
            .unwrap_err()
            .to_string();
        assert_eq!(e, "--db-cache-size must be at least 1, got 0");
    }

    #[test]
    fn bad_entries_name_the_key() {
        let e = parse(&[], "manifests: a\nlisten-port: 1\n")
            .unwrap_err()
            .to_string();
        assert!(e.contains("unknown setting \"listen-port\""), "{e}");
        let e = parse(&[], "manifests: a\nsubmit-qps: fast\n")
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("submit-qps: expected a non-negative integer"),
            "{e}"
        );
        let e = parse(&[], "manifests: a\nauth-mode: sso\n")
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("auth-mode: expected one of client, server"),
            "{e}"
        );
        let e = parse(&[], "- just\n- a list\n").unwrap_err().to_string();
        assert!(e.contains("expected a mapping"), "{e}");
    }
}
