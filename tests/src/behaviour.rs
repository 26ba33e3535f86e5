//! What each pinned chart does: facts derived by rendering it with a real Helm at its tag, with our values, for
//! every carried Kubernetes version that pins it (`tests/upstream/behaviour/<release>-<chart version>.json`,
//! written by `scripts/upstream-facts/behaviour.sh`).
//!
//! - [`our_releases`]: the values we render per release, to hold the recorded ones current;
//! - [`port_clashes`]: host-network listeners (declared ports, probes, bind arguments and the binaries' flag
//!   defaults) that share a port on a node group they can both land on, or take one of the node's own ports;
//! - `dead_values`: value paths we set whose removal and change both leave the chart's output as it was.

use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;

use platform_core::render::Artifacts;
use serde::Deserialize;
use serde_json::Value;

use crate::{json_in, release_values_in, resources};

/// The command that regenerates every behaviour file.
pub const GENERATE: &str = "scripts/upstream-facts/behaviour.sh MIRRORS_DIR";

/// One chart version's behaviour facts.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Behaviour {
    pub release: String,
    pub repository: String,
    pub tag: Option<String>,
    pub commit: String,
    pub chart_path: String,
    pub chart_version: String,
    pub app_version: String,
    pub helm_version: String,
    /// Where the binaries' flag defaults were read (repository, tag, commit, path).
    pub sources: Vec<Source>,
    /// Dependencies of `Chart.yaml` left out of the package (disabled by the values, and not vendored at the tag).
    pub dropped_dependencies: Vec<String>,
    /// Enabled dependencies the tag does not vendor, taken from the chart's published archive (digest checked).
    pub published_dependencies: Vec<String>,
    /// Templates the chart's release process generates and the tag does not hold, rebuilt by the script.
    pub generated_templates: Vec<String>,
    /// Per carried Kubernetes minor (`"1.28"`).
    pub kubernetes: BTreeMap<String, Entry>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Source {
    pub repository: String,
    pub tag: String,
    pub commit: String,
    pub path: String,
}

/// The render of one Kubernetes version.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Entry {
    pub namespace: String,
    /// The `--api-versions` passed: those the chart branches on that this Kubernetes version serves.
    pub api_versions: Vec<String>,
    /// Our values as `manifests/helm/` renders them (the ones rendered here).
    pub values: Value,
    /// Our values as the Terraform `helm_release` gets them, where they differ.
    pub terraform_values: Option<Value>,
    pub objects: Vec<ObjectRef>,
    pub host_network: Vec<HostWorkload>,
    pub webhooks: Vec<Webhook>,
    /// CRDs the API server converts between versions by calling a webhook.
    pub conversion_webhooks: Vec<ConversionWebhook>,
    /// Each Deployment, StatefulSet and DaemonSet with its pods' requests.
    pub workloads: Vec<WorkloadFact>,
    pub dead_values: Vec<String>,
}

/// A workload of the render: its pods, what each requests, where it may run.
#[derive(Debug, Clone, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct WorkloadFact {
    pub kind: String,
    pub name: String,
    /// `None` for a DaemonSet.
    pub replicas: Option<u32>,
    pub node_selector: BTreeMap<String, String>,
    pub cpu_m: u64,
    pub memory_mib: u64,
}

#[derive(Debug, Clone, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct ObjectRef {
    pub api_version: String,
    pub kind: String,
    pub namespace: Option<String>,
    pub name: String,
}

/// A workload whose pods run on the host network.
#[derive(Debug, Clone, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct HostWorkload {
    pub kind: String,
    pub namespace: Option<String>,
    pub name: String,
    pub node_selector: BTreeMap<String, String>,
    pub tolerations: Vec<Toleration>,
    pub listeners: Vec<Listener>,
}

#[derive(Debug, Clone, Default, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct Toleration {
    pub key: Option<String>,
    pub operator: Option<String>,
    pub value: Option<String>,
    pub effect: Option<String>,
    pub toleration_seconds: Option<i64>,
}

#[derive(Debug, Clone, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct Listener {
    pub port: u16,
    pub container: String,
    /// Why it listens there: a declared port, a probe, a rendered argument or a flag default, with its source.
    pub source: String,
}

/// One webhook of a Mutating/ValidatingWebhookConfiguration the chart renders.
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Webhook {
    pub configuration: String,
    pub kind: String,
    pub name: String,
    pub failure_policy: String,
    pub rules: Vec<Rule>,
    pub namespace_selector: Value,
    pub object_selector: Value,
    pub service: Option<ServiceRef>,
    /// Whether the pods behind the service run on the host network.
    pub host_network: bool,
}

#[derive(Debug, Clone, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct ConversionWebhook {
    pub crd: String,
    pub service: Option<ServiceRef>,
    pub host_network: bool,
}

#[derive(Debug, Clone, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct Rule {
    pub api_groups: Vec<String>,
    pub api_versions: Vec<String>,
    pub resources: Vec<String>,
    pub operations: Vec<String>,
    pub scope: Option<String>,
}

#[derive(Debug, Clone, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct ServiceRef {
    pub namespace: String,
    pub name: String,
    pub port: Option<u16>,
}

/// The behaviour file of one chart version, relative to the repository root.
pub fn behaviour_file(release: &str, version: &str) -> String {
    format!("tests/upstream/behaviour/{release}-{version}.json")
}

/// The behaviour facts of one chart version, or one line naming the file and the command that writes it.
pub fn load(release: &str, version: &str) -> Result<Behaviour, String> {
    let file = behaviour_file(release, version);
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..").join(&file);
    let text = std::fs::read_to_string(&path)
        .map_err(|_| format!("missing behaviour facts `{file}`: run `{GENERATE} {release} {version}`"))?;
    serde_json::from_str(&text).map_err(|e| format!("`{file}` does not parse: {e}; run `{GENERATE}`"))
}

// ----------------------------------------------------------------------------------------------------------------
// Our values

/// One release as we render it.
#[derive(Debug, Clone, PartialEq)]
pub struct OurRelease {
    pub chart_version: String,
    pub namespace: String,
    /// As `manifests/helm/<release>-values.yaml`.
    pub values: Value,
    /// As the Terraform `helm_release` (its `yamlencode` local).
    pub terraform_values: Value,
}

/// Every pinned release of some rendered artifacts (network and cluster roots; the local chart has no values).
pub fn our_releases(artifacts: &Artifacts) -> BTreeMap<String, OurRelease> {
    let mut out = BTreeMap::new();
    for root in ["terraform/network/main.tf.json", "terraform/cluster/main.tf.json"] {
        let doc = json_in(artifacts, root);
        for (key, r) in resources(&doc, "helm_release") {
            let Some(version) = r["version"].as_str() else { continue };
            let release = r["name"].as_str().expect("a release name").to_owned();
            assert_eq!(release.replace('-', "_"), *key, "helm_release keys are the release names");
            let (terraform_values, values) = release_values_in(artifacts, &doc, &release);
            let namespace = r["namespace"].as_str().expect("a literal namespace").to_owned();
            out.insert(release, OurRelease { chart_version: version.to_owned(), namespace, values, terraform_values });
        }
    }
    out
}

// ----------------------------------------------------------------------------------------------------------------
// Node groups and host ports

/// A node group as the scheduler sees it: its labels and taints.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NodeGroup {
    pub name: String,
    pub labels: BTreeMap<String, String>,
    /// (key, value, effect) with the Kubernetes effect name (`NoSchedule`, ...).
    pub taints: Vec<(String, String, String)>,
}

/// The node groups of a rendered infra root.
pub fn node_groups(infra: &Value) -> Vec<NodeGroup> {
    resources(infra, "aws_eks_node_group")
        .into_iter()
        .map(|(name, g)| {
            let labels = g["labels"]
                .as_object()
                .map(|m| m.iter().map(|(k, v)| (k.clone(), v.as_str().unwrap_or_default().to_owned())).collect())
                .unwrap_or_default();
            let taints = g["taint"]
                .as_array()
                .into_iter()
                .flatten()
                .map(|t| {
                    let s = |k: &str| t[k].as_str().unwrap_or_default().to_owned();
                    (s("key"), s("value"), eks_effect(&s("effect")))
                })
                .collect();
            NodeGroup { name: name.clone(), labels, taints }
        })
        .collect()
}

/// The EKS API's taint effect (`NO_SCHEDULE`) as the node carries it (`NoSchedule`).
fn eks_effect(effect: &str) -> String {
    match effect {
        "NO_SCHEDULE" => "NoSchedule",
        "NO_EXECUTE" => "NoExecute",
        "PREFER_NO_SCHEDULE" => "PreferNoSchedule",
        other => other,
    }
    .to_owned()
}

/// Labels the kubelet sets on every node of these Linux node groups, whatever the node group declares.
fn well_known(key: &str, value: &str) -> bool {
    // kubernetes.io/arch depends on the instance type: treated as matching, which can only report more clashes.
    (key == "kubernetes.io/os" && value == "linux") || key == "kubernetes.io/arch"
}

fn tolerates(t: &Toleration, (key, value, effect): &(String, String, String)) -> bool {
    let effect_ok = t.effect.as_deref().is_none_or(|e| e.is_empty() || e == effect);
    let key_ok = match t.operator.as_deref() {
        Some("Exists") => t.key.as_deref().is_none_or(|k| k.is_empty() || k == key),
        _ => t.key.as_deref() == Some(key) && t.value.as_deref().unwrap_or_default() == value,
    };
    effect_ok && key_ok
}

/// Whether a workload's pods can be scheduled on a node group: its nodeSelector matches the labels and each
/// NoSchedule/NoExecute taint is tolerated (affinity is not read: it can only narrow, so this reports more).
pub fn lands_on(w: &HostWorkload, g: &NodeGroup) -> bool {
    let selected = w.node_selector.iter().all(|(k, v)| g.labels.get(k) == Some(v) || well_known(k, v));
    let tolerated = g
        .taints
        .iter()
        .filter(|(_, _, e)| e == "NoSchedule" || e == "NoExecute")
        .all(|taint| w.tolerations.iter().any(|t| tolerates(t, taint)));
    selected && tolerated
}

/// Ports two listeners share on a node group: the node's own listeners and those of every host-network workload
/// that can land on it (`owner` names each workload). One workload's own containers count separately.
pub fn port_clashes(
    workloads: &[(String, &HostWorkload)],
    groups: &[NodeGroup],
    node_ports: &[(u16, &str)],
) -> Vec<String> {
    let mut clashes = BTreeSet::new();
    for g in groups {
        let mut owners: BTreeMap<u16, Vec<String>> = BTreeMap::new();
        for (port, what) in node_ports {
            owners.entry(*port).or_default().push(format!("node ({what})"));
        }
        for (owner, w) in workloads.iter().filter(|(_, w)| lands_on(w, g)) {
            for l in &w.listeners {
                owners.entry(l.port).or_default().push(format!("{owner} {} ({})", l.container, l.source));
            }
        }
        for (port, who) in owners.into_iter().filter(|(_, who)| who.len() > 1) {
            clashes.insert(format!("port {port} on node group {}: {}", g.name, who.join(" and ")));
        }
    }
    clashes.into_iter().collect()
}
