//! Manifest folders: the `kubectl apply`-style YAML and JSON files the embedded backend reads.
//!
//! Takes one or more folders (`--manifests DIR`, repeatable; a plain file path works too);
//! returns a [`ManifestSet`] of typed objects grouped by kind and keyed by (namespace, name),
//! plus every problem found as a [`ManifestError`] naming the file, and the line or document.
//!
//! - **Files.** Every `*.yaml`, `*.yml` and `*.json` below each folder, recursively (at most
//!   [`MAX_DEPTH`] levels, [`MAX_FILES`] files, [`MAX_FILE_BYTES`] per file). Hidden files and
//!   folders (name starting with `.`) are skipped, and symbolic links are followed, so a
//!   mounted Kubernetes ConfigMap (whose real files sit in a hidden `..data` folder) is read
//!   once.
//! - **Documents.** YAML files may hold several documents separated by `---`; empty documents
//!   are skipped. A JSON file holds one object. In both, a `kind: List` (or `<Kind>List`)
//!   object contributes its `items`; items of a `<Kind>List` may omit `apiVersion` and `kind`.
//!   Documents are numbered from 1 in messages.
//! - **Namespaces** follow `kubectl`: a namespaced object without `metadata.namespace` goes to
//!   `default`; the namespace of a cluster-scoped object (ClusterWorkflowTemplate,
//!   ClusterRole, ClusterRoleBinding) is ignored and stored as `""`.
//! - **Errors.** A file with any error contributes nothing (the whole file is rejected, so a
//!   half-edited file never applies half its objects); [`Loader`] keeps the last good
//!   version of such a file instead. An unknown kind or a missing `metadata.name` is an error.
//! - **Duplicates.** The same (kind, namespace, name) twice: the file later in sorted path
//!   order wins (within one file, the later document), and a [`ManifestError::Duplicate`]
//!   warning is returned.
//!
//! [`fingerprint`] hashes paths, sizes and modification times so a poller can notice changes
//! without parsing anything.

mod files;
mod loader;
mod parse;
mod set;

#[cfg(test)]
mod tests;

use std::fmt;
use std::hash::{Hash, Hasher};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::model::{Kind, ModelError, Object};

pub use loader::Loader;
pub use parse::{parse_json, parse_yaml};
pub use set::{ManifestSet, ObjectKey};

/// Largest manifest file read, in bytes.
pub const MAX_FILE_BYTES: u64 = 16 * 1024 * 1024;
/// Most files read from all folders together.
pub const MAX_FILES: usize = 10_000;
/// Deepest folder nesting followed below a `--manifests` folder.
pub const MAX_DEPTH: usize = 16;
/// Most documents (or List items) read from one file.
pub const MAX_DOCUMENTS: usize = 10_000;
/// The namespace given to a namespaced object that names none, as `kubectl` does.
pub const DEFAULT_NAMESPACE: &str = "default";
/// Where in a file a problem is: file, then line and column when known, then the document.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Location {
    /// The file.
    pub path: PathBuf,
    /// 1-based line, when known.
    pub line: Option<usize>,
    /// 1-based column, when known.
    pub column: Option<usize>,
    /// 1-based document number within the file, when known.
    pub document: Option<usize>,
}

impl Location {
    fn file(path: &Path) -> Self {
        Self {
            path: path.to_owned(),
            line: None,
            column: None,
            document: None,
        }
    }
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.path.display())?;
        if let Some(line) = self.line {
            write!(f, ":{line}")?;
            if let Some(column) = self.column {
                write!(f, ":{column}")?;
            }
        }
        if let Some(doc) = self.document {
            write!(f, " (document {doc})")?;
        }
        Ok(())
    }
}

/// A problem with the manifests. Every variant names the file.
#[derive(Clone, Debug, thiserror::Error)]
pub enum ManifestError {
    /// A folder or file could not be read.
    #[error("{}: {source}", path.display())]
    Io {
        /// The folder or file.
        path: PathBuf,
        /// The I/O error.
        #[source]
        source: Arc<std::io::Error>,
    },
    /// A file is over [`MAX_FILE_BYTES`].
    #[error("{}: file is over the {max}-byte limit", path.display())]
    TooLarge {
        /// The file.
        path: PathBuf,
        /// The limit.
        max: u64,
    },
    /// A limit on the number of files or documents was reached.
    #[error("{}: {what}", path.display())]
    Limit {
        /// The folder or file.
        path: PathBuf,
        /// Which limit.
        what: String,
    },
    /// A file is not valid YAML or JSON, or a document has a field of the wrong shape.
    #[error("{at}: {message}")]
    Parse {
        /// Where.
        at: Box<Location>,
        /// What was wrong (the parser's message, with the field path when known).
        message: String,
    },
    /// A document is not an object flowgate reads (unknown kind, bad field value, …).
    #[error("{at}: {source}")]
    Invalid {
        /// Where.
        at: Box<Location>,
        /// What was wrong.
        #[source]
        source: ModelError,
    },
    /// A document has no `metadata.name`.
    #[error("{at}: {kind} has no metadata.name")]
    MissingName {
        /// Where.
        at: Box<Location>,
        /// The document's kind.
        kind: Kind,
    },
    /// A warning: an object was defined twice; the later definition was kept.
    #[error(
        "{} {}: defined in {} and again in {}; using the latter",
        kind, display_key(namespace, name), first.display(), second.display()
    )]
    Duplicate {
        /// The kind.
        kind: Kind,
        /// The namespace (`""` for cluster-scoped kinds).
        namespace: String,
        /// The name.
        name: String,
        /// The file of the definition that was replaced.
        first: PathBuf,
        /// The file of the definition that was kept.
        second: PathBuf,
    },
}

fn display_key(namespace: &str, name: &str) -> String {
    if namespace.is_empty() {
        name.to_owned()
    } else {
        format!("{namespace}/{name}")
    }
}

impl ManifestError {
    /// `true` for warnings (the objects were still loaded), `false` for errors.
    pub fn is_warning(&self) -> bool {
        matches!(self, ManifestError::Duplicate { .. })
    }

    /// The file or folder the problem is about.
    pub fn path(&self) -> &Path {
        match self {
            ManifestError::Io { path, .. }
            | ManifestError::TooLarge { path, .. }
            | ManifestError::Limit { path, .. } => path,
            ManifestError::Parse { at, .. }
            | ManifestError::Invalid { at, .. }
            | ManifestError::MissingName { at, .. } => &at.path,
            ManifestError::Duplicate { second, .. } => second,
        }
    }
}

/// Reads one manifest file: every object in it, normalised (namespace defaulted), or the
/// first problem found. JSON when the name ends in `.json`, YAML otherwise.
pub fn load_file(path: &Path) -> Result<Vec<Object>, ManifestError> {
    let text = files::read_text(path)?;
    let is_json = path
        .extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| e.eq_ignore_ascii_case("json"));
    if is_json {
        parse_json(path, &text)
    } else {
        parse_yaml(path, &text)
    }
}

/// Loads every manifest below `dirs` into one set. Files with errors contribute nothing;
/// their errors, and duplicate warnings, are returned beside the set.
pub fn load_dirs(dirs: &[PathBuf]) -> (ManifestSet, Vec<ManifestError>) {
    let mut errors = Vec::new();
    let paths = files::list_files(dirs, &mut errors);
    let mut parsed = Vec::with_capacity(paths.len());
    for path in paths {
        match load_file(&path) {
            Ok(objects) => parsed.push((path, objects)),
            Err(e) => errors.push(e),
        }
    }
    let set = assemble(
        parsed.iter().map(|(p, o)| (p.as_path(), o.as_slice())),
        &mut errors,
    );
    (set, errors)
}

/// Builds a set from per-file objects given in path order, reporting duplicates.
fn assemble<'a>(
    files: impl Iterator<Item = (&'a Path, &'a [Object])>,
    errors: &mut Vec<ManifestError>,
) -> ManifestSet {
    let mut set = ManifestSet::default();
    for (path, objects) in files {
        for object in objects {
            let kind = object.kind();
            let meta = object.metadata();
            let (namespace, name) = (meta.namespace.clone(), meta.name.clone());
            if let Some(first) = set.insert(object.clone(), path) {
                errors.push(ManifestError::Duplicate {
                    kind,
                    namespace,
                    name,
                    first,
                    second: path.to_owned(),
                });
            }
        }
    }
    set
}

/// Size, modification time and (on Unix) inode of a file: what [`fingerprint`] and
/// [`Loader`] compare to notice a change.
/// A cheap hash of the manifest files below `dirs` (paths, sizes, modification times), for
/// polling: when it changes, reload. Reads no file contents.
pub fn fingerprint(dirs: &[PathBuf]) -> u64 {
    let mut errors = Vec::new();
    let paths = files::list_files(dirs, &mut errors);
    let mut hasher = std::collections::hash_map::DefaultHasher::new();
    for path in &paths {
        path.hash(&mut hasher);
        files::stamp(path).hash(&mut hasher);
    }
    // A folder appearing or disappearing changes the result too.
    for e in &errors {
        e.path().hash(&mut hasher);
    }
    hasher.finish()
}
