//! Tests for the model types.
