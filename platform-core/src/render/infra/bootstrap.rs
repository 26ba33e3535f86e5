//! The first deployment of an environment, ordered by one required variable: `pod_network_ready`.
//!
//! Calico replaces the VPC CNI (`bootstrap_self_managed_addons = false`), so a node reports Ready only once
//! calico-node runs on it, and EKS fails a managed node group whose nodes stay NotReady with `NodeCreationFailure:
//! Unhealthy nodes in the kubernetes cluster` (terraform-aws-modules/terraform-aws-eks issues #1972 and #3446).
//! Calico's own EKS guide therefore creates the cluster without nodes, installs Calico, and only then adds node
//! groups (projectcalico/calico v3.20.0, `getting-started/kubernetes/managed-public-cloud/eks.md`, "Install EKS
//! with Calico networking"). The first deployment does the same, one apply per step:
//!
//! 1. infra, `pod_network_ready=false`: VPC, keys, IAM and IRSA roles, the cluster and kube-proxy (a DaemonSet
//!    with nothing to schedule is healthy; terraform-aws-eks installs it `before_compute` too), no nodes;
//! 2. network root: the Tigera operator and Calico's `Installation`, not waiting for pods (there are no nodes);
//! 3. infra, `pod_network_ready=true`: the node groups (ACTIVE once calico-node runs on their nodes), then the
//!    addons that run pods: coredns, and after it the EBS CSI driver and the CloudWatch agent (they call AWS);
//! 4. cluster root: controllers and policies, on Ready nodes with cluster DNS.
//!
//! terraform-aws-eks orders its `before_compute` addons ahead of node groups only by a sleep
//! (`dataplane_wait_duration`, 30 s, `time_sleep.this` in `node_groups.tf` at v21.19.0; issue #3525 reports that
//! this does not guarantee the order); separate applies do.
//!
//! The variable has no default, so forgetting it fails at once. The opposite mistake, `false` on a cluster that
//! already has node groups, would destroy them: a postcondition on `data.aws_eks_node_groups` fails that plan. The
//! node groups are read only when `data.aws_eks_clusters` lists the cluster (ListNodegroups fails on a cluster
//! that does not exist yet), and by the cluster's name, never by an attribute of the resource: an attribute unknown
//! at plan time (a cluster being replaced, or drifting as under moto) would put the read, and so the check, off
//! until apply, after the node groups are gone.

use serde_json::{json, Value};

use super::refs::{self, POD_NETWORK_READY};
use crate::render::context::Context;
use crate::render::tf_json::{Document, Expr};

/// `count` of a resource that needs the pod network: one instance once Calico is installed, none before.
pub(crate) fn count() -> Value {
    json!(refs::pod_network_ready().expr().then_else(Expr::number(1), Expr::number(0)))
}

pub(super) fn render(ctx: &Context, doc: &mut Document) {
    let ready = doc.variable(
        POD_NETWORK_READY,
        json!({
            "description": "Whether Calico (the network root) is installed. false only on the first apply of a new \
                            environment: creates no node groups and none of the addons that run pods.",
            "type": "bool",
            "nullable": false,
        }),
    );
    let cluster = ctx.names.cluster();
    let clusters = doc.data("aws_eks_clusters", "existing", json!({}));
    let existing = Expr::call("contains", [clusters.attr("names"), Expr::string(&cluster)]);
    let names = Expr::this().attr("names");
    let none = Expr::call("length", [names.clone()]).equals(Expr::number(0));
    doc.data(
        "aws_eks_node_groups",
        "existing",
        json!({
            "count": existing.then_else(Expr::number(1), Expr::number(0)),
            "cluster_name": cluster,
            "lifecycle": {
                "postcondition": [{
                    "condition": ready.expr().or(none),
                    "error_message": format!(
                        "pod_network_ready is false, but cluster {cluster} already has managed node groups \
                         ({}) and this apply would destroy them. false is only for the \
                         first apply of a new environment, before the network root installs Calico: pass \
                         -var pod_network_ready=true.",
                        Expr::call("join", [Expr::string(", "), names]),
                    ),
                }],
            },
        }),
    );
}
