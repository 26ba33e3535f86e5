//! EKS managed addons (coredns, kube-proxy, aws-ebs-csi-driver, amazon-cloudwatch-observability), each pinned
//! per Kubernetes version (`catalog::kubernetes::ADDON_VERSIONS`, the checked model's row) with the DSL's overrides as
//! `configuration_values`: replicas, resources, and placement (node selector and tolerations of the named node
//! group); the CloudWatch addon's also keep the API server from calling its operator's webhooks
//! ([`cloudwatch_webhook_selector`]), and it waits for the log groups it writes to (`logs`).
//!
//! Order (see [`super::bootstrap`]): kube-proxy runs on the host network and comes with the cluster, before any
//! node group (Calico's operator reaches the API server through the `kubernetes` Service, which kube-proxy
//! routes). The others run pods: they are gated on `var.pod_network_ready` and installed after the node groups;
//! those that call AWS (an IRSA role) also after coredns, since they resolve AWS endpoints through cluster DNS.

use std::collections::BTreeMap;

use serde_json::{json, Map, Value};

use super::{bootstrap, irsa, logs, providers, refs};
use crate::model::{Addon, AddonKind, ManagedPolicy, NodeGroup};
use crate::render::context::Context;
use crate::render::tf_json::{Document, Ref};

/// The addon's resource.
pub(crate) fn addon_ref(kind: AddonKind) -> Ref {
    Ref::resource("aws_eks_addon", &refs::ident(kind.eks_name()))
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

/// The label selector of the CloudWatch operator's admission webhooks: no namespace matches it, so the API server
/// never calls them. `kubernetes.io/metadata.name` is on every namespace (the API server sets it), and for the
/// namespace webhook the selector is matched against the namespace itself (admissionregistration/v1).
///
/// Why: the operator (aws-observability/helm-charts `charts/amazon-cloudwatch-observability`, tags
/// amazon-cloudwatch-observability-2.1.0 and -4.5.0, `templates/operator-deployment.yaml`) has no host-network
/// switch, and its webhook server listens on controller-runtime's default port (no flag sets it in
/// aws/amazon-cloudwatch-agent-operator v1.7.0 / v3.2.0 `main.go`). With Calico VXLAN the control plane cannot reach
/// it, so each pod, workload and namespace create or update in the cluster waited `timeoutSeconds` (10) and went
/// on unmutated (`failurePolicy: Ignore`): no auto-instrumentation ever happened, only the delay did. Both chart
/// versions read the global `admissionWebhooks.namespaceSelector` for every webhook (4.5.0 unless a per-webhook
/// selector is set, which we do not); facts in `tests/upstream/addons/`.
pub(crate) fn cloudwatch_webhook_selector() -> Value {
    json!({ "matchExpressions": [{ "key": "kubernetes.io/metadata.name", "operator": "DoesNotExist" }] })
}

/// The `configuration_values` document of an addon placed on `group`; `None` when the DSL overrides nothing (the
/// CloudWatch addon always has one: [`cloudwatch_configuration`]).
pub(crate) fn configuration(addon: &Addon, group: Option<&NodeGroup>) -> Option<Value> {
    if addon.kind == AddonKind::AmazonCloudwatchObservability {
        return Some(cloudwatch_configuration(addon));
    }
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
    if let Some(group) = group {
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

/// The CloudWatch observability addon's values (the chart's values, both pinned versions): its operator's webhooks
/// scoped to no namespace ([`cloudwatch_webhook_selector`]) and the DSL's resources on the agent DaemonSet
/// (`agent.resources`; `replicas` and `node_group` are refused for this DaemonSet addon by the check).
fn cloudwatch_configuration(addon: &Addon) -> Value {
    let mut settings = json!({ "admissionWebhooks": { "namespaceSelector": cloudwatch_webhook_selector() } });
    if let Some(r) = &addon.resources {
        settings["agent"] = json!({
            "resources": { "requests": { "cpu": r.cpu, "memory": r.memory }, "limits": { "memory": r.memory } },
        });
    }
    settings
}

pub(super) fn render(ctx: &Context, doc: &mut Document) {
    let node_groups: Vec<String> = ctx
        .checked
        .node_groups()
        .iter()
        .flat_map(|g| g.parts.iter().map(|part| refs::node_group(&g.group.name, part.purchase).address()))
        .collect();
    let addons = ctx.checked.addons();
    let dns = addons.iter().find(|a| a.addon.kind == AddonKind::Coredns).map(|a| addon_ref(a.addon.kind).address());
    for checked in addons {
        let addon = checked.addon;
        let mut body = json!({
            "cluster_name": refs::cluster().attr("name"),
            "addon_name": addon.kind.eks_name(),
            "addon_version": ctx.checked.addon_versions().of(addon.kind),
            "resolve_conflicts_on_create": "OVERWRITE",
            "resolve_conflicts_on_update": "OVERWRITE",
        });
        let mut config = configuration(addon, ctx.checked.addon_group(checked).map(|g| g.group));
        if addon.kind == AddonKind::AwsEbsCsiDriver {
            // Cost tags on the volumes the driver creates: the chart's `controller.extraVolumeTags` becomes
            // `--extra-tags` (aws-ebs-csi-driver v1.35.0 and v1.63.1, charts/aws-ebs-csi-driver/values.yaml and
            // templates/controller.yaml).
            let c = config.get_or_insert_with(|| json!({ "controller": {} }));
            c["controller"]["extraVolumeTags"] = json!(providers::cost_tags(ctx));
        }
        if let Some(config) = config {
            body["configuration_values"] = json!(serde_json::to_string(&config).expect("JSON values serialize"));
        }
        let role = match addon.kind {
            AddonKind::AwsEbsCsiDriver => Some(irsa::role_for(ctx, ManagedPolicy::EbsCsi)),
            AddonKind::AmazonCloudwatchObservability => {
                Some(irsa::role_for(ctx, ManagedPolicy::CloudwatchObservability))
            }
            _ => None,
        };
        if addon.kind.needs_pod_network() {
            body["count"] = bootstrap::count();
            let mut depends_on = node_groups.clone();
            if role.is_some() {
                depends_on.extend(dns.clone());
            }
            if addon.kind == AddonKind::AmazonCloudwatchObservability {
                // The log groups it would otherwise create itself, unencrypted and never expiring (logs module).
                depends_on.extend(logs::container_insights_groups().map(|(_, g)| g.address()));
            }
            body["depends_on"] = json!(depends_on);
        }
        if let Some(role) = role {
            body["service_account_role_arn"] = json!(role.attr("arn"));
        }
        doc.resource_at(&addon_ref(addon.kind), body);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check_platform;
    use crate::fixture::platform as fixture;

    /// The configuration of the fixture's addon of `kind`.
    fn configured(kind: AddonKind) -> Option<Value> {
        let p = fixture();
        let checked = check_platform(&p, "2024-06-01").unwrap();
        let addon = checked.addons().iter().find(|a| a.addon.kind == kind).unwrap();
        configuration(addon.addon, checked.addon_group(addon).map(|g| g.group))
    }

    #[test]
    fn coredns_runs_on_critical_nodes() {
        let c = configured(AddonKind::Coredns).unwrap();
        assert_eq!(c["replicaCount"], 3);
        assert_eq!(c["nodeSelector"]["workload"], "critical");
        assert_eq!(c["tolerations"][0]["effect"], "NoSchedule");
    }

    #[test]
    fn cloudwatch_webhooks_select_no_namespace_and_resources_go_to_the_agent() {
        let c = configured(AddonKind::AmazonCloudwatchObservability).unwrap();
        assert_eq!(c["admissionWebhooks"]["namespaceSelector"], cloudwatch_webhook_selector());
        assert!(c.get("agent").is_none(), "the fixture sets no resources");
        let mut addon =
            fixture().addons.into_iter().find(|a| a.kind == AddonKind::AmazonCloudwatchObservability).unwrap();
        addon.resources = Some(crate::model::Resources { cpu: "200m".into(), memory: "384Mi".into() });
        let c = configuration(&addon, None).unwrap();
        assert_eq!(c["agent"]["resources"]["requests"]["cpu"], "200m");
        assert!(c.get("resources").is_none());
    }

    #[test]
    fn ebs_csi_settings_nest_under_controller() {
        let c = configured(AddonKind::AwsEbsCsiDriver).unwrap();
        assert_eq!(c["controller"]["replicaCount"], 2);
    }
}
