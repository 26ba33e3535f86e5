//! `kyverno.io/v1` `ClusterPolicy` (`kyverno.io_clusterpolicies.yaml` of charts 3.3.9, 3.7.2 and 3.9.0,
//! `tests/upstream/charts/kyverno-*.json`).

use serde::Serialize;
use serde_json::Value;

custom_resource! {
    /// A cluster-wide Kyverno policy.
    ClusterPolicy(ClusterPolicySpec): "kyverno.io" / "v1", kind "ClusterPolicy", plural "clusterpolicies", ClusterResourceScope
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ClusterPolicySpec {
    /// Whether existing resources are checked too (and reported on), not only admission requests.
    pub background: bool,
    pub rules: Vec<Rule>,
}

/// One rule: the resources it applies to and what it does to them.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Rule {
    pub name: String,
    #[serde(rename = "match")]
    pub matching: MatchResources,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub exclude: Option<MatchResources>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub mutate: Option<Mutation>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub validate: Option<Validation>,
}

/// The resources that match any of the filters.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MatchResources {
    pub any: Vec<ResourceFilter>,
}

impl MatchResources {
    /// The resources of one description.
    pub fn any(resources: ResourceDescription) -> MatchResources {
        MatchResources { any: vec![ResourceFilter { resources }] }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ResourceFilter {
    pub resources: ResourceDescription,
}

/// Resources by kind, name and namespace (each list, when set, must contain the resource's).
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct ResourceDescription {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub kinds: Option<Vec<String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub names: Option<Vec<String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub namespaces: Option<Vec<String>>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Mutation {
    /// A strategic merge patch of the resource (free-form in the CRD).
    pub patch_strategic_merge: Value,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Validation {
    /// The rule's own action on failure: every pinned Kyverno deprecates the policy-wide
    /// `spec.validationFailureAction` for it.
    pub failure_action: FailureAction,
    pub message: String,
    /// A Kyverno pattern the resource must match (free-form in the CRD: its keys carry anchors such as `=(key)`).
    pub pattern: Value,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum FailureAction {
    /// The request is refused.
    Enforce,
}
