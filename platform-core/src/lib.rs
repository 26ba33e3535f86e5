//! Model, invariant checks and renderers of a compliance-checked Amazon EKS platform.
//!
//! The `platform!` macro (crate `platform-macros`) parses a definition into [`model::Platform`], runs
//! [`check::check_platform`] at compile time and expands to the same value; the renderers run the same checks
//! again before producing any artifact, so a platform built by hand cannot bypass them.
//!
//! The renderers and the reports ([`render`], [`report`]) are behind the default feature `render`, with the
//! dependencies only they need (k8s-openapi, serde_norway, serde_json); the macro builds this crate without it.

pub mod catalog;
pub mod check;
#[cfg(test)]
mod fixture;
pub mod model;
pub mod naming;
#[cfg(feature = "render")]
pub mod render;
#[cfg(feature = "render")]
pub mod report;
#[doc(hidden)]
pub mod scaled;
pub mod schema;

pub use check::{check_platform, Finding, Findings, Rule, Severity};
pub use model::Platform;
