//! The `platform!` macro.
