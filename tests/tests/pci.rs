//! PCI scope: no node that can run a PCI tenant's pods can also run a platform controller on the host network,
//! judged from the rendered artifacts as the scheduler would (nodeSelector against the node group's labels, the
//! group's `NoSchedule`/`NoExecute` taints against the pod's tolerations): the node groups of the infra root, the
//! host-network pods of every pinned chart with our values (`platform_tests::conformance::host_pods`), and the
//! placement Kyverno gives the tenant's pods.

use std::collections::BTreeMap;

use platform_core::catalog::charts::chart_versions;
use platform_core::naming::label;
use platform_tests::conformance::{facts_of, host_pods, HostPod};
use platform_tests::{artifacts, chart_objects, cluster, json_in, platform, release_values, resources};
use serde_json::Value;

/// A rendered node group: its labels and scheduling taints (`key`, `value`, Kubernetes effect).
struct Group {
    labels: BTreeMap<String, String>,
    taints: Vec<(String, String, String)>,
}

fn groups() -> BTreeMap<String, Group> {
    let infra = json_in(artifacts(), "terraform/infra/main.tf.json");
    resources(&infra, "aws_eks_node_group")
        .into_iter()
        .map(|(name, g)| {
            let mut labels: BTreeMap<String, String> = serde_json::from_value(g["labels"].clone()).unwrap_or_default();
            // The kubelet's own label on every (Bottlerocket, Linux) node.
            labels.insert("kubernetes.io/os".into(), "linux".into());
            let taints = g["taint"]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(|t| {
                    let effect = match t["effect"].as_str()? {
                        "NO_SCHEDULE" => "NoSchedule",
                        "NO_EXECUTE" => "NoExecute",
                        _ => return None,
                    };
                    Some((t["key"].as_str()?.to_owned(), t["value"].as_str()?.to_owned(), effect.to_owned()))
                })
                .collect();
            (name.clone(), Group { labels, taints })
        })
        .collect()
}

/// Whether a toleration tolerates a taint (Kubernetes `Toleration.ToleratesTaint`).
fn tolerates(t: &Value, (key, value, effect): &(String, String, String)) -> bool {
    let effect_ok = t["effect"].as_str().is_none_or(|e| e.is_empty() || e == effect);
    let exists = t["operator"] == "Exists";
    let key_ok = t["key"].as_str().is_none_or(|k| k.is_empty() && exists) || t["key"] == key.as_str();
    let value_ok = exists || t["value"] == value.as_str();
    effect_ok && key_ok && value_ok
}

/// Whether a pod with this selector and these tolerations (`None`: the chart's default, taken as tolerating
/// everything, which can only report more) can run on `g`.
fn schedulable(selector: &BTreeMap<String, String>, tolerations: Option<&[Value]>, g: &Group) -> bool {
    selector.iter().all(|(k, v)| g.labels.get(k) == Some(v))
        && g.taints.iter().all(|taint| tolerations.is_none_or(|ts| ts.iter().any(|t| tolerates(t, taint))))
}

fn controllers() -> Vec<HostPod> {
    let p = platform();
    let facts = facts_of(chart_versions(&p.kubernetes).unwrap()).unwrap_or_else(|e| panic!("{e}"));
    let doc = cluster();
    let network = json_in(artifacts(), "terraform/network/main.tf.json");
    let mut pods = Vec::new();
    for (release, f) in &facts {
        let root = if doc["resource"]["helm_release"][release.replace('-', "_")].is_null() { &network } else { &doc };
        if root["resource"]["helm_release"][release.replace('-', "_")].is_null() {
            continue;
        }
        let (values, _) = release_values(root, release);
        pods.extend(host_pods(release, f, &values));
    }
    assert!(pods.iter().any(|p| p.owner.starts_with("calico ")), "the Tigera operator is a host-network pod");
    pods
}

/// Where a tenant's pods may run: the nodeSelector and tolerations of its Kyverno placement rule.
fn placement(tenant: &str) -> (BTreeMap<String, String>, Vec<Value>) {
    let objects = chart_objects();
    let policy = objects.iter().find(|o| o["metadata"]["name"] == format!("tenant-{tenant}")).unwrap();
    let spec = &policy["spec"]["rules"][0]["mutate"]["patchStrategicMerge"]["spec"];
    let selector = serde_json::from_value(spec["nodeSelector"].clone()).expect("one node class: a nodeSelector");
    (selector, spec["tolerations"].as_array().unwrap().clone())
}

/// The verdict for every PCI tenant: the node groups both it and some host-network controller can run on.
fn shared(controllers: &[HostPod]) -> Vec<String> {
    let groups = groups();
    let mut out = Vec::new();
    for t in platform().tenants.iter().filter(|t| t.pci) {
        let (selector, tolerations) = placement(&label(&t.name));
        for (name, g) in groups.iter().filter(|(_, g)| schedulable(&selector, Some(&tolerations), g)) {
            for c in controllers.iter().filter(|c| schedulable(&c.node_selector, c.tolerations.as_deref(), g)) {
                out.push(format!("{} and {} on {name}", t.name, c.owner));
            }
        }
    }
    out
}

#[test]
fn pci_tenants_share_no_node_with_a_host_network_controller() {
    assert!(platform().tenants.iter().any(|t| t.pci), "the customer marks a tenant in PCI scope");
    let found = shared(&controllers());
    assert!(found.is_empty(), "{}", found.join("\n"));
    // Each PCI tenant can run somewhere.
    let groups = groups();
    for t in platform().tenants.iter().filter(|t| t.pci) {
        let (selector, tolerations) = placement(&label(&t.name));
        assert!(groups.values().any(|g| schedulable(&selector, Some(&tolerations), g)), "{} runs nowhere", t.name);
    }
}

/// The verdict fails on the chart's default for the Tigera operator (it tolerates every taint) and on a
/// controller that tolerates the PCI group's taint.
#[test]
fn a_controller_that_could_reach_the_pci_nodes_is_found_out() {
    let mut pods = controllers();
    for p in pods.iter_mut().filter(|p| p.owner.starts_with("calico ")) {
        p.tolerations = None;
    }
    assert!(shared(&pods).iter().any(|s| s.contains("calico ")), "the operator's default tolerations");
    let mut pods = controllers();
    let kyverno = pods.iter_mut().find(|p| p.owner.starts_with("kyverno ")).unwrap();
    kyverno.tolerations.get_or_insert_with(Vec::new).push(serde_json::json!({ "key": "pci", "operator": "Exists" }));
    assert!(shared(&pods).iter().any(|s| s.contains("kyverno ")));
}
