//! Model, invariant checks and renderers of a compliance-checked Amazon EKS platform.
//!
//! The `platform!` macro (crate `platform-macros`) parses a definition into [`model::Platform`], runs
//! [`check::check_platform`] at compile time and expands to the same value; the renderers run the same checks
//! again before producing any artifact, so a platform built by hand cannot bypass them.

pub mod catalog;
pub mod check;
#[cfg(test)]
mod fixture;
pub mod model;
pub mod naming;
pub mod render;
pub mod report;
#[doc(hidden)]
pub mod scaled;

pub use check::{check_platform, Finding, Findings, Rule, Severity};
pub use model::Platform;
