//! Finding manifest files in folders, reading them within bounds, and stamping them.

use std::collections::BTreeSet;
use std::fs;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::SystemTime;

use super::{Location, MAX_DEPTH, MAX_FILE_BYTES, MAX_FILES, ManifestError};

/// The manifest files below `dirs`, sorted by path, without duplicates. Problems reading a
/// folder are appended to `errors`.
pub(super) fn list_files(dirs: &[PathBuf], errors: &mut Vec<ManifestError>) -> Vec<PathBuf> {
    let mut files = BTreeSet::new();
    for dir in dirs {
        match fs::metadata(dir) {
            Ok(meta) if meta.is_file() => {
                files.insert(dir.clone());
            }
            Ok(_) => walk(dir, 0, &mut files, errors),
            Err(source) => errors.push(ManifestError::Io {
                path: dir.clone(),
                source: Arc::new(source),
            }),
        }
        if files.len() > MAX_FILES {
            break;
        }
    }
    if files.len() > MAX_FILES {
        errors.push(ManifestError::Limit {
            path: dirs.first().cloned().unwrap_or_default(),
            what: format!("more than {MAX_FILES} manifest files; the rest are ignored"),
        });
    }
    files.into_iter().take(MAX_FILES).collect()
}

fn is_manifest_name(name: &str) -> bool {
    !name.starts_with('.')
        && [".yaml", ".yml", ".json"]
            .iter()
            .any(|ext| name.len() > ext.len() && name.to_ascii_lowercase().ends_with(ext))
}

fn walk(dir: &Path, depth: usize, files: &mut BTreeSet<PathBuf>, errors: &mut Vec<ManifestError>) {
    if depth > MAX_DEPTH {
        errors.push(ManifestError::Limit {
            path: dir.to_owned(),
            what: format!("folders nested deeper than {MAX_DEPTH} levels are ignored"),
        });
        return;
    }
    let entries = match fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(source) => {
            errors.push(ManifestError::Io {
                path: dir.to_owned(),
                source: Arc::new(source),
            });
            return;
        }
    };
    let mut entries: Vec<_> = entries.filter_map(Result::ok).collect();
    entries.sort_by_key(|e| e.file_name());
    for entry in entries {
        if files.len() > MAX_FILES {
            return;
        }
        let name = entry.file_name();
        let Some(name) = name.to_str() else { continue };
        if name.starts_with('.') {
            continue;
        }
        let path = entry.path();
        // `fs::metadata` follows symbolic links; a dangling link is skipped.
        let Ok(meta) = fs::metadata(&path) else {
            continue;
        };
        if meta.is_dir() {
            walk(&path, depth + 1, files, errors);
        } else if meta.is_file() && is_manifest_name(name) {
            files.insert(path);
        }
    }
}

/// Reads a file as UTF-8 text, at most [`MAX_FILE_BYTES`], without a leading byte-order mark.
pub(super) fn read_text(path: &Path) -> Result<String, ManifestError> {
    let io = |source| ManifestError::Io {
        path: path.to_owned(),
        source: Arc::new(source),
    };
    let file = fs::File::open(path).map_err(io)?;
    let mut bytes = Vec::new();
    file.take(MAX_FILE_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(io)?;
    if bytes.len() as u64 > MAX_FILE_BYTES {
        return Err(ManifestError::TooLarge {
            path: path.to_owned(),
            max: MAX_FILE_BYTES,
        });
    }
    let mut text = String::from_utf8(bytes).map_err(|e| ManifestError::Parse {
        at: Box::new(Location::file(path)),
        message: format!(
            "not UTF-8 text (invalid byte at offset {})",
            e.utf8_error().valid_up_to()
        ),
    })?;
    if text.starts_with('\u{feff}') {
        text.drain(..'\u{feff}'.len_utf8());
    }
    Ok(text)
}

/// Reads one manifest file: every object in it, normalised (namespace defaulted), or the
/// first problem found. JSON when the name ends in `.json`, YAML otherwise.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub(super) struct FileStamp {
    size: u64,
    modified: Option<SystemTime>,
    inode: u64,
}

pub(super) fn stamp(path: &Path) -> Option<FileStamp> {
    let meta = fs::metadata(path).ok()?;
    #[cfg(unix)]
    let inode = std::os::unix::fs::MetadataExt::ino(&meta);
    #[cfg(not(unix))]
    let inode = 0;
    Some(FileStamp {
        size: meta.len(),
        modified: meta.modified().ok(),
        inode,
    })
}
