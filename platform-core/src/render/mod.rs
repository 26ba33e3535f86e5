//! Renderers: a [`Checked`] platform and [`RenderOptions`] in, a set of files out. Pure: only the CLI writes.

pub mod cluster;
mod context;
pub mod infra;
pub(crate) mod namespaces;
mod s3;
pub mod state;
pub mod tf_json;
mod version_constraints;

use std::collections::BTreeMap;

use crate::check::Findings;
use crate::checked::Checked;
use crate::model::Platform;
use crate::naming::{suffix_error, Names};

/// Cost-allocation tags (requirement 9): the DSL's `tags` plus the platform, the environment and the tool. The
/// infra root puts them on what it creates (`default_tags`, launch template `tag_specifications`) and hands them to
/// the controllers that create AWS resources of their own (EBS volumes, load balancers).
pub(crate) fn cost_tags(platform: &Platform, names: &Names) -> BTreeMap<String, String> {
    let mut tags = platform.tags.clone();
    tags.insert("platform".into(), platform.name.clone());
    tags.insert("environment".into(), names.suffix().to_owned());
    tags.insert("managed-by".into(), "platform-rs".into());
    tags
}

/// Deploy-time inputs that are not part of the definition.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RenderOptions {
    /// Appended to every AWS name (`resource-type-<suffix>`): lowercase letters and digits, at most 8.
    pub environment_suffix: String,
    /// The AWS account id (12 digits). Only the standalone `manifests/` need it (IRSA and KMS ARNs); without it
    /// they are not rendered. The Terraform roots never need it: they look ARNs up by name.
    pub account_id: Option<String>,
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
    /// The account id is not 12 digits.
    AccountId(String),
    /// The platform breaks invariants (it was built without the macro, or edited after): the findings of
    /// [`crate::check_platform`].
    Invalid(Findings),
}

impl std::fmt::Display for RenderError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            RenderError::Suffix(message) | RenderError::AccountId(message) => f.write_str(message),
            RenderError::Invalid(findings) => {
                let errors = Findings(findings.errors().cloned().collect());
                write!(f, "the platform breaks {} rule(s):\n{errors}", errors.0.len())
            }
        }
    }
}

impl std::error::Error for RenderError {}

/// Why an AWS account id is rejected, if it is.
pub fn account_id_error(account_id: &str) -> Option<String> {
    if account_id.len() == 12 && account_id.bytes().all(|b| b.is_ascii_digit()) {
        None
    } else {
        Some(format!("the account id `{account_id}` must be exactly 12 digits, e.g. `111122223333`"))
    }
}

impl RenderOptions {
    /// Refuses an unusable environment suffix, then an account id that is not 12 digits.
    pub fn check(&self) -> Result<(), RenderError> {
        if let Some(message) = suffix_error(&self.environment_suffix) {
            return Err(RenderError::Suffix(message));
        }
        if let Some(message) = self.account_id.as_deref().and_then(account_id_error) {
            return Err(RenderError::AccountId(message));
        }
        Ok(())
    }
}

/// Renders every artifact of a checked platform, once the options pass [`RenderOptions::check`].
pub fn render(checked: &Checked, options: &RenderOptions) -> Result<Artifacts, RenderError> {
    options.check()?;
    let mut artifacts = Artifacts::default();
    let archive = infra::archive::render_root(checked, &options.environment_suffix);
    artifacts.files.insert("terraform/archive/main.tf.json".to_owned(), archive.to_json().into_bytes());
    let infra = infra::render(checked, options);
    artifacts.files.insert("terraform/infra/main.tf.json".to_owned(), infra.to_json().into_bytes());
    let cluster = cluster::render(checked, &options.environment_suffix, options.account_id.as_deref());
    for (path, bytes) in cluster.files {
        assert!(artifacts.files.insert(path, bytes).is_none(), "a file is rendered twice");
    }
    Ok(artifacts)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn account_ids_are_twelve_digits() {
        assert_eq!(account_id_error("111122223333"), None);
        for bad in ["", "11112222333", "1111222233334", "11112222333a", " 111122223333", "１１１１２２２２３３３３"]
        {
            assert!(account_id_error(bad).is_some(), "{bad:?}");
        }
    }

    #[test]
    fn manifests_only_with_an_account_id() {
        let p = crate::fixture::platform();
        let p = crate::check_platform(&p, "2024-06-01").unwrap();
        let without = render(&p, &RenderOptions { environment_suffix: "dev".into(), account_id: None }).unwrap();
        assert!(without.files.contains_key("terraform/cluster/main.tf.json"));
        assert!(!without.files.keys().any(|k| k.starts_with("manifests/")));
        let with =
            render(&p, &RenderOptions { environment_suffix: "dev".into(), account_id: Some("111122223333".into()) })
                .unwrap();
        assert!(with.files.contains_key("manifests/kustomization.yaml"));
        let bad = render(&p, &RenderOptions { environment_suffix: "dev".into(), account_id: Some("12".into()) });
        assert!(matches!(bad, Err(RenderError::AccountId(_))));
    }

    /// Every Terraform root of the fixture platform, of it with a private endpoint only, and of it grown to many
    /// tenants and node groups: each reference resolves to a declaration of its own root, and no variable, local
    /// or data source goes unread (`tf_json::tests` plants the mistakes this catches).
    #[test]
    fn every_reference_resolves_in_its_own_root() {
        let fixture = crate::fixture::platform();
        let mut private = fixture.clone();
        private.cluster.endpoint = crate::model::EndpointAccess::Private;
        let scaled = crate::scaled::scaled_platform(&fixture, 30);
        let options = RenderOptions { environment_suffix: "dev".into(), account_id: Some("111122223333".into()) };
        for platform in [fixture, private, scaled] {
            let checked = crate::check_platform(&platform, "2024-06-01").unwrap();
            let artifacts = render(&checked, &options).unwrap();
            let roots: Vec<(&String, &Vec<u8>)> =
                artifacts.files.iter().filter(|(path, _)| path.ends_with(".tf.json")).collect();
            assert_eq!(roots.len(), 4, "the archive, infra, network and cluster roots");
            for (path, bytes) in roots {
                let root = serde_json::from_slice(bytes).expect("a root is JSON");
                assert_eq!(tf_json::check_references(&root), Vec::<String>::new(), "{path}");
            }
        }
    }
}
