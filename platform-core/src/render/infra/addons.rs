//! EKS managed addons (coredns, kube-proxy, aws-ebs-csi-driver, amazon-cloudwatch-observability), each pinned
//! per Kubernetes version (`catalog::kubernetes::ADDON_VERSIONS`) with the DSL's overrides as
//! `configuration_values`: replicas, resources, and placement (node selector and tolerations of the named node
//! group).
//!
//! Bootstrap order: coredns, the EBS CSI controller and the CloudWatch agent run pods on the pod network, which
//! exists only once the cluster stage has installed Calico; until then EKS reports those addons DEGRADED and
//! Terraform would wait for them. They are therefore gated on `var.pod_network_ready` (default `true`): the
//! first apply of a new environment passes `-var pod_network_ready=false`, the cluster stage installs Calico,
//! and a second infra apply (default) installs them. kube-proxy runs on the host network and is always rendered.

use std::collections::BTreeMap;

use serde_json::{json, Map, Value};

use super::{irsa, nodes, refs, Context};
use crate::catalog::kubernetes::addon_versions;
use crate::model::{Addon, AddonKind, ManagedPolicy, NodeGroup};
use crate::render::terraform::{expr, Document};

/// The variable gating the addons that need the pod network.
pub(crate) const POD_NETWORK_READY: &str = "pod_network_ready";

/// Whether the addon's pods need the pod network (see the module docs).
pub(crate) fn needs_pod_network(kind: AddonKind) -> bool {
    !matches!(kind, AddonKind::KubeProxy)
}

/// The pinned version of an addon for a Kubernetes version.
pub(crate) fn version(kind: AddonKind, kubernetes: &str) -> &'static str {
    addon_versions(kubernetes).expect("the checks accept only Kubernetes versions with addon versions").of(kind)
}

/// Node selector and tolerations that place pods on a node group.
fn placement(group: &NodeGroup) -> (Value, Value) {
    let selector: BTreeMap<&str, String> = [("workload", group.workload.to_string())].into_iter().collect();
    let tolerations: Vec<Value> = group
        .taints
        .iter()
        .map(|t| json!({ "key": t.key, "operator": "Equal", "value": t.value, "effect": t.effect.to_string() }))
        .collect();
    (json!(selector), json!(tolerations))
}

/// The `configuration_values` document of an addon; `None` when the DSL overrides nothing.
pub(crate) fn configuration(addon: &Addon, groups: &[NodeGroup]) -> Option<Value> {
    let mut settings = Map::new();
    if let Some(replicas) = addon.replicas {
        settings.insert("replicaCount".into(), json!(replicas));
    }
    if let Some(r) = &addon.resources {
        settings.insert(
            "resources".into(),
            json!({ "requests": { "cpu": r.cpu, "memory": r.memory }, "limits": { "memory": r.memory } }),
        );
    }
    if let Some(name) = &addon.node_group {
        let group = groups.iter().find(|g| &g.name == name).expect("the checks accept only declared node groups");
        let (selector, tolerations) = placement(group);
        settings.insert("nodeSelector".into(), selector);
        settings.insert("tolerations".into(), tolerations);
    }
    if settings.is_empty() {
        return None;
    }
    Some(match addon.kind {
        // The EBS CSI driver's schema nests the Deployment's settings under `controller`.
        AddonKind::AwsEbsCsiDriver => json!({ "controller": settings }),
        _ => Value::Object(settings),
    })
}

pub(super) fn render(ctx: &Context, doc: &mut Document) {
    let p = ctx.platform;
    if p.addons.iter().any(|a| needs_pod_network(a.kind)) {
        doc.variable(
            POD_NETWORK_READY,
            json!({
                "description": "Whether Calico (cluster stage) is installed. Pass false on the first apply of a new \
                                environment: coredns, the EBS CSI controller and the CloudWatch agent need the pod network.",
                "type": "bool",
                "default": true,
                "nullable": false,
            }),
        );
    }
    let node_groups: Vec<String> = p
        .node_groups
        .iter()
        .flat_map(|g| nodes::parts(g).into_iter().map(|(purchase, _, _)| refs::node_group(&g.name, purchase).address()))
        .collect();
    for addon in &p.addons {
        let mut body = json!({
            "cluster_name": refs::cluster().attr("name"),
            "addon_name": addon.kind.eks_name(),
            "addon_version": version(addon.kind, &p.kubernetes),
            "resolve_conflicts_on_create": "OVERWRITE",
            "resolve_conflicts_on_update": "OVERWRITE",
            "depends_on": node_groups,
        });
        if let Some(config) = configuration(addon, &p.node_groups) {
            body["configuration_values"] = json!(serde_json::to_string(&config).expect("JSON values serialize"));
        }
        let role = match addon.kind {
            AddonKind::AwsEbsCsiDriver => irsa::role_for(ctx, ManagedPolicy::EbsCsi),
            AddonKind::AmazonCloudwatchObservability => irsa::role_for(ctx, ManagedPolicy::CloudwatchObservability),
            _ => None,
        };
        if let Some(role) = role {
            body["service_account_role_arn"] = json!(role.attr("arn"));
        }
        if needs_pod_network(addon.kind) {
            body["count"] = json!(expr(&format!("var.{POD_NETWORK_READY} ? 1 : 0")));
        }
        doc.resource("aws_eks_addon", &refs::ident(addon.kind.eks_name()), body);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sample::customer_platform;

    #[test]
    fn coredns_runs_on_critical_nodes() {
        let p = customer_platform();
        let coredns = p.addons.iter().find(|a| a.kind == AddonKind::Coredns).unwrap();
        let c = configuration(coredns, &p.node_groups).unwrap();
        assert_eq!(c["replicaCount"], 3);
        assert_eq!(c["nodeSelector"]["workload"], "critical");
        assert_eq!(c["tolerations"][0]["effect"], "NoSchedule");
    }

    #[test]
    fn ebs_csi_settings_nest_under_controller() {
        let p = customer_platform();
        let ebs = p.addons.iter().find(|a| a.kind == AddonKind::AwsEbsCsiDriver).unwrap();
        let c = configuration(ebs, &p.node_groups).unwrap();
        assert_eq!(c["controller"]["replicaCount"], 2);
    }

    #[test]
    fn versions_are_pinned_for_1_28() {
        assert_eq!(version(AddonKind::KubeProxy, "1.28"), "v1.28.15-eksbuild.31");
    }
}
