//! The expr-lang engine (work in progress: value model and Go formatting).
pub mod gofmt;
pub mod sprig;
pub mod value;

pub use value::Value;
