//! Worker nodes: the node IAM role, one launch template per DSL node group (Bottlerocket settings, IMDSv2 with
//! hop limit 1, encrypted gp3 OS and data volumes) and the EKS managed node groups on it.
//!
//! A `mixed` group becomes two managed node groups, `…-spot-…` and `…-ondemand-…` (the cluster-autoscaler priority
//! expander in the cluster stage prefers `-spot-`); the split is the checked model's ([`crate::checked::parts`]).
//!
//! The launch template has no AMI id, so EKS picks the Bottlerocket AMI of the cluster version and merges its
//! own bootstrap settings (cluster name, endpoint, CA, node labels and taints) into the user data; the user
//! data therefore holds only what EKS does not set: `max-pods` (Calico's overlay does not use ENI addresses, so
//! the ENI-derived default would waste nodes), the host containers (admin off — no SSH path; control on — SSM) and
//! kernel lockdown in `integrity` mode (no unsigned kernel modules, no writing kernel memory from userspace; PCI
//! DSS 2.2, secure configuration). Bottlerocket defaults to `integrity` except in its `nvidia` and
//! `dev` variant flavours, which default to `none` (bottlerocket.dev, settings reference, `settings.kernel.lockdown`;
//! SECURITY_FEATURES.md of bottlerocket-os/bottlerocket, "Kernel lockdown in integrity mode"): set, it holds
//! whatever AMI variant EKS picks.
//!
//! A managed node group becomes ACTIVE only once its nodes are Ready, which needs Calico (the network root): the
//! node groups are gated on `var.pod_network_ready` (see [`super::bootstrap`]). kube-proxy is not gated, so it
//! exists from the first apply on, before any node.

use std::collections::BTreeMap;

use serde_json::{json, Value};

use super::iam::{self, Statement};
use super::{bootstrap, providers, refs};
use crate::checked::{Part, MAX_UNAVAILABLE_PERCENT, OS_VOLUME_GIB};
use crate::model::{NodeGroup, TaintEffect};
use crate::render::context::Context;
use crate::render::tf_json::{Document, Expr, Local, Ref};

pub(crate) use crate::catalog::reserved::MAX_PODS;
/// The local holding the Bottlerocket settings TOML (one copy for every launch template).
const SETTINGS_LOCAL: &str = "bottlerocket_settings";

/// Whether an instance type runs on Graviton (arm64): a `g` after the generation digit (`m6g`, `c7gn`, `t4g`).
pub(crate) fn is_arm(instance_type: &str) -> bool {
    let family = instance_type.split('.').next().unwrap_or_default();
    match family.find(|c: char| c.is_ascii_digit()) {
        Some(i) => family[i..].trim_start_matches(|c: char| c.is_ascii_digit()).contains('g'),
        None => false,
    }
}

fn taint_effect(effect: TaintEffect) -> &'static str {
    match effect {
        TaintEffect::NoSchedule => "NO_SCHEDULE",
        TaintEffect::PreferNoSchedule => "PREFER_NO_SCHEDULE",
        TaintEffect::NoExecute => "NO_EXECUTE",
    }
}

/// Bottlerocket's `settings.kernel.lockdown` mode, of `none`, `integrity` and `confidentiality`; the last also
/// blocks reading kernel memory, which tools that rely on it then cannot do (settings reference).
pub(crate) const KERNEL_LOCKDOWN: &str = "integrity";

/// The Bottlerocket settings in the user data (TOML; EKS merges its bootstrap settings in).
pub(crate) fn bottlerocket_settings() -> String {
    format!(
        "[settings.kubernetes]\nmax-pods = {MAX_PODS}\n\n[settings.host-containers.admin]\nenabled = false\n\n\
         [settings.host-containers.control]\nenabled = true\n\n[settings.kernel]\nlockdown = \"{KERNEL_LOCKDOWN}\"\n"
    )
}

/// The node labels of a group: the DSL's, plus `workload=<class>`.
pub(crate) fn labels(group: &NodeGroup) -> BTreeMap<String, String> {
    let mut labels = group.labels.clone();
    labels.insert("workload".into(), group.workload.to_string());
    labels
}

pub(super) fn render(ctx: &Context, doc: &mut Document) {
    let n = &ctx.names;
    let trust = iam::service_trust(doc, "node_trust", "ec2");
    let role = doc.resource_at(
        &refs::node_role(),
        json!({
            "name": n.node_role(),
            "description": format!("Worker nodes of {}", n.cluster()),
            "assume_role_policy": trust.attr("json"),
        }),
    );
    // No AmazonEKS_CNI_Policy: Calico replaces the VPC CNI and needs no AWS permissions.
    let mut attachments: Vec<String> = [
        ("node_worker", "AmazonEKSWorkerNodePolicy"),
        ("node_ecr", "AmazonEC2ContainerRegistryReadOnly"),
        ("node_ssm", "AmazonSSMManagedInstanceCore"),
    ]
    .into_iter()
    .map(|(name, policy)| iam::attach_managed(doc, name, &role, policy).address())
    .collect();
    // Session Manager: transcripts to the encrypted session log group, session data encrypted with the logs key.
    let sessions = iam::policy_document(
        doc,
        "node_ssm_sessions",
        &[
            Statement::allow("SessionLogs")
                .actions(&["logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogStreams"])
                .resources(&[
                    refs::session_log_group().attr("arn").to_string(),
                    format!("{}:*", refs::session_log_group().attr("arn")),
                ]),
            // DescribeLogGroups has no resource-level permissions (IAM matches it against `*` only; a log-group
            // ARN makes the statement match nothing), so it alone is granted on `*`: it lists names, nothing else.
            Statement::allow("SessionLogGroupCheck").actions(&["logs:DescribeLogGroups"]).resources(&["*"]),
            Statement::allow("SessionEncryption").actions(&["kms:Decrypt"]).resources(&[refs::logs_key().attr("arn")]),
        ],
    );
    let inline = doc.resource(
        "aws_iam_role_policy",
        "node_ssm_sessions",
        json!({ "name": n.node_ssm_sessions_policy(), "role": role.attr("id"), "policy": sessions.attr("json") }),
    );
    attachments.push(inline.address());

    let settings = doc.local(SETTINGS_LOCAL, json!(bottlerocket_settings()));
    for g in ctx.checked.node_groups() {
        let lt = launch_template(ctx, doc, g.group, &settings);
        for part in &g.parts {
            node_group(ctx, doc, g.group, part, &lt, &role, &attachments);
        }
    }
}

fn launch_template(ctx: &Context, doc: &mut Document, group: &NodeGroup, settings: &Local) -> Ref {
    let n = &ctx.names;
    let name = n.launch_template(&group.name);
    let volume = |device: &str, size: u32| {
        json!({
            "device_name": device,
            "ebs": {
                "volume_size": size,
                "volume_type": "gp3",
                "encrypted": true,
                "kms_key_id": refs::ebs_key().attr("arn"),
                "delete_on_termination": true,
            },
        })
    };
    let mut tags: BTreeMap<String, String> = providers::cost_tags(ctx);
    tags.insert("Name".into(), n.name("node", &group.name));
    doc.resource(
        "aws_launch_template",
        &format!("nodes_{}", refs::ident(&group.name)),
        json!({
            "name": name,
            "description": format!("Bottlerocket nodes of node group {}", group.name),
            "update_default_version": true,
            "metadata_options": {
                "http_endpoint": "enabled",
                "http_tokens": "required",
                "http_put_response_hop_limit": 1,
            },
            "block_device_mappings": [volume("/dev/xvda", OS_VOLUME_GIB), volume("/dev/xvdb", group.disk_gib)],
            "user_data": Expr::call("base64encode", [settings.expr()]),
            // What the instance launches with: itself, its volumes and its network interface (EC2 API reference,
            // LaunchTemplateTagSpecificationRequest; `default_tags` reach none of them).
            "tag_specifications": [
                { "resource_type": "instance", "tags": tags },
                { "resource_type": "volume", "tags": tags },
                { "resource_type": "network-interface", "tags": tags },
            ],
            "tags": { "Name": name },
        }),
    )
}

fn node_group(
    ctx: &Context,
    doc: &mut Document,
    group: &NodeGroup,
    part: &Part,
    lt: &Ref,
    role: &Ref,
    depends_on: &[String],
) {
    let n = &ctx.names;
    let (purchase, sizes) = (part.purchase, part.sizes);
    let cluster = n.cluster();
    let labels = labels(group);
    // The autoscaler's auto-discovery tags; EKS puts the same two on the Auto Scaling group it creates.
    let mut tags: BTreeMap<String, String> = BTreeMap::new();
    tags.insert("k8s.io/cluster-autoscaler/enabled".into(), "true".into());
    tags.insert(format!("k8s.io/cluster-autoscaler/{cluster}"), "owned".into());
    let arm = group.instance_types.iter().any(|t| is_arm(t));
    let taints: Vec<Value> = group
        .taints
        .iter()
        .map(|t| json!({ "key": t.key, "value": t.value, "effect": taint_effect(t.effect) }))
        .collect();
    let mut body = json!({
        "cluster_name": refs::cluster().attr("name"),
        "node_group_name": n.node_group(&group.name, purchase),
        "version": refs::cluster().attr("version"),
        "node_role_arn": role.attr("arn"),
        "subnet_ids": (0..ctx.platform.availability_zones.len()).map(|i| refs::private_subnet(i).attr("id")).collect::<Vec<_>>(),
        "ami_type": if arm { "BOTTLEROCKET_ARM_64" } else { "BOTTLEROCKET_x86_64" },
        "capacity_type": purchase.capacity_type(),
        "instance_types": group.instance_types,
        "scaling_config": { "min_size": sizes.min, "desired_size": sizes.desired, "max_size": sizes.max },
        "update_config": { "max_unavailable_percentage": MAX_UNAVAILABLE_PERCENT },
        "launch_template": { "id": lt.attr("id"), "version": lt.attr("latest_version") },
        "labels": labels,
        "tags": tags,
        // cluster-autoscaler owns the desired size once the group exists.
        "lifecycle": { "ignore_changes": ["scaling_config[0].desired_size"] },
        "count": bootstrap::count(),
        "depends_on": depends_on,
    });
    if !taints.is_empty() {
        body["taint"] = json!(taints);
    }
    let node_group = doc.resource_at(&refs::node_group(&group.name, purchase), body);
    node_template_tags(doc, group, &labels, &node_group);
}

/// The cluster-autoscaler's scale-from-zero hints (`k8s.io/cluster-autoscaler/node-template/{label,taint}/…`) on
/// the Auto Scaling group EKS creates for a managed node group: with no node to copy, the autoscaler learns a
/// group's labels and taints from its ASG tags, so a pending pod that selects `workload=batch` (or tolerates its
/// taint) can scale the group up from zero. EKS does not copy node-group tags to the ASG (hence
/// `aws_autoscaling_group_tag`, the provider's resource for ASGs that EKS creates), and the autoscaler asks
/// `eks:DescribeNodegroup` only for a group that never had a node (kubernetes/autoscaler
/// `cluster-autoscaler/cloudprovider/aws/README.md` at cluster-autoscaler-1.35.2, "eks:DescribeNodegroup").
fn node_template_tags(doc: &mut Document, group: &NodeGroup, labels: &BTreeMap<String, String>, node_group: &Ref) {
    let key = node_group.name();
    let mut tags: BTreeMap<String, String> = BTreeMap::new();
    for (k, v) in labels {
        tags.insert(format!("k8s.io/cluster-autoscaler/node-template/label/{k}"), v.clone());
    }
    for t in &group.taints {
        tags.insert(
            format!("k8s.io/cluster-autoscaler/node-template/taint/{}", t.key),
            format!("{}:{}", t.value, t.effect),
        );
    }
    let local = doc.local(&format!("node_template_tags_{key}"), json!(tags));
    doc.resource(
        "aws_autoscaling_group_tag",
        &format!("{key}_node_template"),
        json!({
            // No instances before the node group exists (`pod_network_ready`, see `bootstrap`).
            "for_each": Expr::map_if(local.expr(), refs::pod_network_ready().expr()),
            "autoscaling_group_name": node_group.expr().index(0).attr("resources[0].autoscaling_groups[0].name"),
            "tag": { "key": Expr::each_key(), "value": Expr::each_value(), "propagate_at_launch": false },
        }),
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn graviton_families_are_arm() {
        assert!(is_arm("m6g.large"));
        assert!(is_arm("c7gn.xlarge"));
        assert!(is_arm("t4g.medium"));
        assert!(!is_arm("m5.large"));
        assert!(!is_arm("g5.xlarge"));
        assert!(!is_arm("c6i.large"));
    }

    #[test]
    fn user_data_turns_the_admin_container_off_and_locks_the_kernel_down() {
        let s = bottlerocket_settings();
        assert!(s.contains("[settings.kernel]\nlockdown = \"integrity\"\n"), "{s}");
        assert!(s.contains("max-pods = 110"));
        assert!(s.contains("[settings.host-containers.admin]\nenabled = false"));
        assert!(s.contains("[settings.host-containers.control]\nenabled = true"));
    }
}
