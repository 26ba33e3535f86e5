//! `crd.projectcalico.org/v1`, the CRDs the tigera-operator chart ships (`tests/upstream/charts/calico-*.json`):
//! `Tier` (from Calico 3.30) and `GlobalNetworkPolicy`.

use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;
use serde::Serialize;

custom_resource! {
    /// A policy tier: its policies are evaluated before those of tiers of higher order.
    Tier(TierSpec): "crd.projectcalico.org" / "v1", kind "Tier", plural "tiers", ClusterResourceScope
}

custom_resource! {
    /// A cluster-wide Calico policy.
    GlobalNetworkPolicy(GlobalNetworkPolicySpec):
        "crd.projectcalico.org" / "v1", kind "GlobalNetworkPolicy", plural "globalnetworkpolicies", ClusterResourceScope
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct TierSpec {
    pub order: f64,
    /// What happens to traffic the tier's policies select but none decides.
    pub default_action: Action,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct GlobalNetworkPolicySpec {
    /// The tier (only on a Calico with tiers; without, every policy is in `default`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tier: Option<String>,
    pub order: f64,
    pub namespace_selector: String,
    pub selector: String,
    pub types: Vec<PolicyType>,
    pub ingress: Vec<Rule>,
    pub egress: Vec<Rule>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum PolicyType {
    Ingress,
    Egress,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Action {
    Allow,
    Deny,
    /// Hands the traffic to the next tier.
    Pass,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Protocol {
    #[serde(rename = "TCP")]
    Tcp,
    #[serde(rename = "UDP")]
    Udp,
}

/// One rule of a policy: its action on the traffic that matches every field set.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Rule {
    pub action: Action,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub protocol: Option<Protocol>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub not_protocol: Option<Protocol>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source: Option<EntityRule>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub destination: Option<EntityRule>,
}

impl Rule {
    /// A rule that takes `action` on all traffic.
    pub fn new(action: Action) -> Rule {
        Rule { action, protocol: None, not_protocol: None, source: None, destination: None }
    }
}

/// The source or destination of a rule: the endpoints that match every field set.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct EntityRule {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub selector: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub not_selector: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub namespace_selector: Option<String>,
    /// Ports or `first:last` ranges.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ports: Option<Vec<IntOrString>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub not_ports: Option<Vec<IntOrString>>,
}
