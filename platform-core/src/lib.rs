//! Model, invariant checks and renderers of a compliance-checked Amazon EKS platform.
//!
//! The `platform!` macro (crate `platform-macros`) parses a definition into [`model::Platform`], runs
//! every rule ([`check::findings`]) at compile time and expands to the same value. The renderers and reports take a
//! [`Checked`] platform, which only [`check_platform`] makes by running the same checks again (the pass that reports
//! the findings also builds the checked model), so a platform built by hand cannot bypass them.
//!
//! The renderers and the reports ([`render`], [`report`]), and what only they read (the install plan, the
//! alarms), are behind the default feature `render`, with the dependencies only they need (k8s-openapi, serde_norway, serde_json); the macro builds this crate without it.

#[cfg(feature = "render")]
pub mod alarms;
pub mod catalog;
pub mod check;
pub mod checked;
pub mod dates;
#[cfg(feature = "render")]
pub mod deploy;
#[cfg(test)]
mod fixture;
#[cfg(feature = "render")]
pub mod install;
pub mod model;
pub mod naming;
pub mod quantity;
#[cfg(feature = "render")]
pub mod render;
#[cfg(feature = "render")]
pub mod report;
#[doc(hidden)]
pub mod scaled;
pub mod schema;
pub mod spelling;

pub use check::{Finding, Findings, Rule, Severity};
pub use checked::{check_platform, Checked};
pub use model::Platform;
