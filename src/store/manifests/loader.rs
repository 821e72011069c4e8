//! [`Loader`]: reloads manifest folders, re-parsing only changed files and keeping the last
//! good contents of a file that stopped parsing.

use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;

use crate::model::Object;

use super::files::{FileStamp, list_files, stamp};
use super::{ManifestError, ManifestSet, assemble, load_file};

#[derive(Debug, Default)]
pub struct Loader {
    dirs: Vec<PathBuf>,
    files: BTreeMap<PathBuf, CachedFile>,
}

#[derive(Debug)]
struct CachedFile {
    stamp: Option<FileStamp>,
    /// The objects of the last version that parsed.
    objects: Vec<Object>,
    /// Why the current version does not parse, if it does not.
    error: Option<ManifestError>,
}

impl Loader {
    /// A loader for these folders (or files). Nothing is read until [`Loader::reload`].
    pub fn new(dirs: Vec<PathBuf>) -> Self {
        Self {
            dirs,
            files: BTreeMap::new(),
        }
    }

    /// The folders this loader reads.
    pub fn dirs(&self) -> &[PathBuf] {
        &self.dirs
    }

    /// Re-reads what changed and returns the whole current set, plus every current problem.
    pub fn reload(&mut self) -> (ManifestSet, Vec<ManifestError>) {
        let mut errors = Vec::new();
        let listed = list_files(&self.dirs, &mut errors);
        let listed_set: BTreeSet<&PathBuf> = listed.iter().collect();
        self.files.retain(|path, _| listed_set.contains(path));
        for path in &listed {
            let now = stamp(path);
            let cached = self.files.get(path);
            if cached.is_some_and(|c| c.stamp.is_some() && c.stamp == now) {
                continue;
            }
            let result = load_file(path);
            let previous = self
                .files
                .remove(path)
                .map(|c| c.objects)
                .unwrap_or_default();
            let entry = match result {
                Ok(objects) => CachedFile {
                    stamp: now,
                    objects,
                    error: None,
                },
                Err(e) => CachedFile {
                    stamp: now,
                    objects: previous,
                    error: Some(e),
                },
            };
            self.files.insert(path.clone(), entry);
        }
        for file in self.files.values() {
            if let Some(e) = &file.error {
                errors.push(e.clone());
            }
        }
        let set = assemble(
            self.files
                .iter()
                .map(|(p, c)| (p.as_path(), c.objects.as_slice())),
            &mut errors,
        );
        (set, errors)
    }
}
