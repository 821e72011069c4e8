//! Tests for tokens, creator labels and RBAC.

mod creator;
mod rbac;
mod token;

use std::path::Path;

use crate::store::manifests::{ManifestSet, parse_yaml};

/// A manifest set from YAML documents, as if loaded from one file.
fn set(yaml: &str) -> ManifestSet {
    let mut set = ManifestSet::default();
    for object in parse_yaml(Path::new("test.yaml"), yaml).expect("valid manifests") {
        set.insert(object, Path::new("test.yaml"));
    }
    set
}
