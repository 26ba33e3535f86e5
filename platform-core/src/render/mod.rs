//! Renderers: a checked [`Platform`] and [`RenderOptions`] in, a set of files out. Pure: only the CLI writes.

pub mod infra;
pub mod terraform;

use std::collections::BTreeMap;

use crate::check::{check_platform, Findings};
use crate::model::Platform;
use crate::naming::suffix_error;

/// Deploy-time inputs that are not part of the definition.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RenderOptions {
    /// Appended to every AWS name (`resource-type-<suffix>`): lowercase letters and digits, at most 8.
    pub environment_suffix: String,
}

/// Rendered files by relative path (`terraform/infra/main.tf.json`, …).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Artifacts {
    pub files: BTreeMap<String, Vec<u8>>,
}

/// Why nothing was rendered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RenderError {
    /// The environment suffix is not usable in AWS names.
    Suffix(String),
    /// The platform breaks invariants (it was built without the macro, or edited after).
    Invalid(Findings),
}

impl std::fmt::Display for RenderError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            RenderError::Suffix(message) => f.write_str(message),
            RenderError::Invalid(findings) => {
                write!(f, "the platform breaks {} rule(s):\n{findings}", findings.errors().count())
            }
        }
    }
}

impl std::error::Error for RenderError {}

/// Renders every artifact of `platform`, after running the same checks the macro runs at compile time.
pub fn render(platform: &Platform, options: &RenderOptions) -> Result<Artifacts, RenderError> {
    if let Some(message) = suffix_error(&options.environment_suffix) {
        return Err(RenderError::Suffix(message));
    }
    let findings = check_platform(platform, &crate::check::today());
    if findings.has_errors() {
        return Err(RenderError::Invalid(Findings(findings.errors().cloned().collect())));
    }
    let mut artifacts = Artifacts::default();
    let infra = infra::render(platform, options);
    artifacts.files.insert("terraform/infra/main.tf.json".to_owned(), infra.to_json().into_bytes());
    Ok(artifacts)
}
