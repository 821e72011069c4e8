//! The expression conformance cases recorded from Go expr v1.17.8
//! (`../shared/conformance/expr/cases.jsonl`), for the test crates that replay them.

use std::path::PathBuf;

use anyhow::{Context, Result};

/// Where the cases file is.
pub fn path() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/conformance/expr/cases.jsonl")
}

/// The cases file's text; a missing file is a failure, never a skip.
pub fn read() -> Result<String> {
    let path = path();
    std::fs::read_to_string(&path).with_context(|| {
        format!(
            "the conformance cases are required: {} is missing",
            path.display()
        )
    })
}
