//! This crate only hosts the trybuild tests in `tests/`.
