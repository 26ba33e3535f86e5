//! The Helm releases of the cluster stage and their values, built once as JSON for both outputs: Terraform
//! `helm_release`s (`yamlencode` of the same value) and `manifests/helm/<release>-values.yaml`.
//!
//! Every controller runs on the critical node group (its `workload` label and the toleration of its taint) and, if
//! it calls AWS, on a chart-created service account annotated with its IRSA role. Value names follow each chart's
//! `values.yaml` at the pinned version; the ones not confirmed against the chart here are listed in
//! `docs/cluster-stage.md`.
//!
//! Which releases, in which order and root: [`crate::install`].

use std::collections::BTreeMap;

use serde_json::{json, Value};

use super::objects::ROLE_ARN_ANNOTATION;
use super::policies::tolerations;
use super::ports;
use super::{vpc_data, vpc_name, Target};
use crate::catalog::charts::Chart;
use crate::catalog::reserved;
use crate::install::{self, Component};
use crate::model::IrsaBinding;
use crate::model::Purchase;
use crate::render::context::Context;

/// One Helm release: the pinned chart, where it goes, and its values.
#[derive(Debug, Clone, PartialEq)]
pub struct Release {
    pub chart: Chart,
    pub namespace: String,
    pub values: Value,
}

/// `nodeSelector` and `tolerations` that put a controller on the critical node group.
pub(crate) fn critical_placement(ctx: &Context) -> (Value, Value) {
    let g = ctx.critical_group();
    (json!({ "workload": g.workload.to_string() }), json!(tolerations(&[g])))
}

fn placed(ctx: &Context, mut values: Value) -> Value {
    let (selector, tolerations) = critical_placement(ctx);
    values["nodeSelector"] = selector;
    values["tolerations"] = tolerations;
    values
}

fn service_account(ctx: &Context, target: Target, b: &IrsaBinding) -> Value {
    json!({
        "create": true,
        "name": b.service_account,
        "annotations": { ROLE_ARN_ANNOTATION: target.irsa_role_arn(ctx, b) },
    })
}

/// The priority expander's configuration: spot node groups first (50), on-demand next (10), anything else last
/// (1). Managed node group ASGs are named `eks-<node group name>-<uuid>`, so each regex matches one node group.
pub(crate) fn expander_priorities(ctx: &Context) -> BTreeMap<u32, Vec<String>> {
    let mut priorities: BTreeMap<u32, Vec<String>> = BTreeMap::new();
    for g in ctx.checked.node_groups() {
        for part in &g.parts {
            let priority = match part.purchase {
                Purchase::Spot => 50,
                Purchase::OnDemand => 10,
            };
            let name = ctx.names.node_group(&g.group.name, part.purchase);
            priorities.entry(priority).or_default().push(format!(".*{name}.*"));
        }
    }
    priorities.insert(1, vec![".*".to_owned()]);
    priorities
}

/// The ConfigMap text cluster-autoscaler reads (`priorities` key): integer keys, lists of regexes.
pub fn expander_priorities_text(priorities: &BTreeMap<u32, Vec<String>>) -> String {
    let mut out = String::new();
    for (priority, regexes) in priorities.iter().rev() {
        out.push_str(&format!("{priority}:\n"));
        for r in regexes {
            out.push_str(&format!("  - '{r}'\n"));
        }
    }
    out
}

/// One IP pool per AZ on the pod CIDR's blocks (`checked::Network::pod_pools`), picked by the node's zone label;
/// `name`, `nodeSelector` and `blockSize` are `Installation.spec.calicoNetwork.ipPools[]` fields in the operator
/// CRD of every pinned chart (`charts/tigera-operator/crds/operator.tigera.io_installations*.yaml`, v3.28.5,
/// v3.30.7, v3.31.7). The pools are the only holder of pod addresses: the VPC has none (`render::infra::network`).
fn calico_pools(ctx: &Context) -> Vec<Value> {
    let pools = &ctx.checked.network().pod_pools;
    ctx.platform
        .availability_zones
        .iter()
        .zip(pools)
        .map(|(az, cidr)| {
            json!({
                "name": format!("pods-{az}"),
                "cidr": cidr.to_string(),
                "encapsulation": "VXLAN",
                "natOutgoing": "Enabled",
                "nodeSelector": format!("topology.kubernetes.io/zone == '{az}'"),
                "blockSize": 26,
            })
        })
        .collect()
}

fn operator_tolerations(ctx: &Context) -> Value {
    let (_, tolerations) = critical_placement(ctx);
    let mut out = tolerations.as_array().cloned().unwrap_or_default();
    for key in [
        "node.kubernetes.io/not-ready",
        "node.kubernetes.io/unreachable",
        "node.kubernetes.io/network-unavailable",
        "node.cloudprovider.kubernetes.io/uninitialized",
    ] {
        out.push(json!({ "key": key, "operator": "Exists" }));
    }
    json!(out)
}

fn calico(ctx: &Context) -> Value {
    json!({
        "installation": {
            "kubernetesProvider": "EKS",
            "cni": { "type": "Calico" },
            "calicoNetwork": {
                "bgp": "Disabled",
                "ipPools": calico_pools(ctx),
            },
        },
        // The Calico API server (projectcalico.org/v3 objects) is not used: less to run, nothing on port 5443.
        "apiServer": { "enabled": false },
        // The operator runs on the host network: on the critical group like every controller (a PCI tenant's
        // nodes host none, `tenancy/pci-host-network`). The chart tolerates every taint by default
        // (`values.yaml` at v3.28.5–v3.31.7); this keeps the critical group's taints and the node-condition
        // taints a first deployment's nodes carry until calico-node runs (it installs calico-node itself).
        "nodeSelector": { "kubernetes.io/os": "linux", "workload": ctx.critical_group().workload.to_string() },
        "tolerations": operator_tolerations(ctx),
    })
}

fn kyverno(ctx: &Context) -> Value {
    // `webhookServer.port` becomes `--webhookServerPort` (charts 3.3.9, 3.7.2, 3.9.0; absent before 3.2.0). The
    // health endpoints are served on the same port, but the chart's probes default to 9443 in `values.yaml`: on the
    // host network that is the load balancer controller's webhook, so they follow the port (Helm merges the rest
    // of each probe from the chart's defaults).
    let probe = json!({ "httpGet": { "port": ports::KYVERNO_WEBHOOK } });
    let mut values = json!({
        "admissionController": placed(ctx, json!({
            "replicas": reserved::KYVERNO_ADMISSION_REPLICAS,
            "hostNetwork": true,
            "webhookServer": { "port": ports::KYVERNO_WEBHOOK },
            "startupProbe": probe,
            "livenessProbe": probe,
            "readinessProbe": probe,
        })),
        "backgroundController": placed(ctx, json!({})),
        "reportsController": placed(ctx, json!({})),
        // Its webhook would sit on the pod network, out of the control plane's reach; no cleanup policies are used.
        "cleanupController": { "enabled": false },
    });
    // Kyverno 1.17+ also starts a controller-runtime manager whose metrics bind `:8080` (chart 3.7.2 and 3.9.0
    // `features.controllerRuntimeMetrics.bindAddress` -> `--controllerRuntimeMetricsAddress`), the load balancer
    // controller's metrics port on the same nodes. Chart 3.3.9 (Kyverno 1.13) has neither the value nor the flag.
    if matches!(ctx.checked.chart_versions().kyverno.version, "3.7.2" | "3.9.0") {
        let address = format!(":{}", ports::KYVERNO_CONTROLLER_RUNTIME_METRICS);
        values["features"] = json!({ "controllerRuntimeMetrics": { "bindAddress": address } });
    }
    values
}

fn cluster_autoscaler(ctx: &Context, target: Target, b: &IrsaBinding) -> Value {
    placed(
        ctx,
        json!({
            "cloudProvider": "aws",
            "awsRegion": ctx.platform.region,
            "autoDiscovery": { "clusterName": ctx.names.cluster() },
            "image": { "tag": ctx.checked.chart_versions().cluster_autoscaler_image },
            "extraArgs": {
                "expander": "priority",
                "balance-similar-node-groups": true,
                "skip-nodes-with-system-pods": false,
            },
            "expanderPriorities": expander_priorities_text(&expander_priorities(ctx)),
            "rbac": { "serviceAccount": service_account(ctx, target, b) },
        }),
    )
}

fn load_balancer_controller(ctx: &Context, target: Target, b: &IrsaBinding) -> Value {
    let mut values = placed(
        ctx,
        json!({
            "clusterName": ctx.names.cluster(),
            "region": ctx.platform.region,
            "hostNetwork": true,
            "replicaCount": reserved::LOAD_BALANCER_CONTROLLER_REPLICAS,
            // Pod IPs are on the overlay, out of the load balancers' reach: targets are the nodes (the chart's
            // default at 3.5.0, written down; Kyverno refuses `ip` target annotations, see `policies`).
            "defaultTargetType": "instance",
            "serviceAccount": service_account(ctx, target, b),
            // Cost tags on every load balancer, target group and security group the controller creates
            // (chart 3.5.0 value `defaultTags`, tests/upstream/charts facts).
            "defaultTags": crate::render::cost_tags(ctx.platform, &ctx.names),
        }),
    );
    // IMDS is closed to pods (hop limit 1), so the VPC is given: by id in Terraform, by its Name tag in manifests.
    match target {
        Target::Terraform => values["vpcId"] = json!(vpc_data().attr("id")),
        Target::Manifests { .. } => values["vpcTags"] = json!({ "Name": vpc_name(ctx) }),
    }
    values
}

fn external_dns(ctx: &Context, target: Target, b: &IrsaBinding) -> Value {
    let zones = &ctx.platform.dns_zones;
    placed(
        ctx,
        json!({
            // The map form (`provider.name`) the chart documents since 1.15; 1.21.1 still accepts the string.
            "provider": { "name": "aws" },
            "domainFilters": zones.iter().map(|z| z.name.clone()).collect::<Vec<_>>(),
            "extraArgs": zones.iter().map(|z| format!("--zone-id-filter={}", z.zone_id)).collect::<Vec<_>>(),
            "policy": "upsert-only",
            "txtOwnerId": ctx.names.cluster(),
            "env": [{ "name": "AWS_DEFAULT_REGION", "value": ctx.platform.region }],
            "serviceAccount": service_account(ctx, target, b),
        }),
    )
}

fn external_secrets(ctx: &Context, target: Target, b: &IrsaBinding) -> Value {
    placed(
        ctx,
        json!({
            "installCRDs": true,
            "serviceAccount": service_account(ctx, target, b),
            "webhook": placed(ctx, json!({
                "hostNetwork": true,
                "port": ports::EXTERNAL_SECRETS_WEBHOOK,
                "metrics": { "listen": { "port": ports::EXTERNAL_SECRETS_METRICS } },
                "readinessProbe": { "port": ports::EXTERNAL_SECRETS_HEALTH },
            })),
            "certController": placed(ctx, json!({})),
        }),
    )
}

/// A pinned release of the install plan with its values; `None` for the local chart, which has none.
pub(crate) fn release(ctx: &Context, target: Target, r: &install::Release) -> Option<Release> {
    let values = match r.component {
        Component::Calico => calico(ctx),
        Component::Kyverno => kyverno(ctx),
        Component::ClusterAutoscaler(b) => cluster_autoscaler(ctx, target, b),
        Component::AwsLoadBalancerController(b) => load_balancer_controller(ctx, target, b),
        Component::ExternalDns(b) => external_dns(ctx, target, b),
        Component::ExternalSecrets(b) => external_secrets(ctx, target, b),
        Component::Policies => return None,
    };
    Some(Release { chart: r.chart?, namespace: r.namespace.to_owned(), values })
}

/// Every pinned release, in install order.
pub(crate) fn releases(ctx: &Context, target: Target) -> Vec<Release> {
    install::releases(ctx.checked).iter().filter_map(|r| release(ctx, target, r)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check_platform;
    use crate::fixture::platform as fixture;

    #[test]
    fn spot_groups_come_first() {
        let p = fixture();
        let checked = check_platform(&p, "2024-06-01").unwrap();
        let ctx = Context::new(&checked, "dev");
        let priorities = expander_priorities(&ctx);
        assert_eq!(priorities[&50], [".*nodegroup-ledger-general-spot-dev.*", ".*nodegroup-ledger-batch-spot-dev.*"]);
        assert_eq!(
            priorities[&10],
            [".*nodegroup-ledger-critical-ondemand-dev.*", ".*nodegroup-ledger-general-ondemand-dev.*"]
        );
        let text = expander_priorities_text(&priorities);
        assert!(text.starts_with("50:\n  - '.*nodegroup-ledger-general-spot-dev.*'\n"), "{text}");
        let parsed: BTreeMap<u32, Vec<String>> = serde_norway::from_str(&text).unwrap();
        assert_eq!(parsed, priorities);
    }
}
