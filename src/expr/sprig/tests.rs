//! Unit tests of the sprig functions.
