//! The expr-lang engine (work in progress).
pub mod ast;
pub mod error;
pub mod gofmt;
pub mod lexer;
pub mod parser;
pub mod sprig;
pub mod value;

pub use value::Value;
