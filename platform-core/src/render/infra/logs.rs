//! Log groups AWS services would otherwise create themselves, unencrypted and never expiring; each is declared
//! first, with the logs key and the DSL's retention, and its writer depends on it:
//! - `/aws/eks/<cluster>/cluster`: EKS control-plane logs (the cluster depends on it);
//! - `/aws/containerinsights/<cluster>/{application,dataplane,host,performance}`: the amazon-cloudwatch-observability
//!   addon's (the addon depends on them). Its Fluent Bit writes tenant and system container logs to `application`,
//!   kubelet/containerd logs to `dataplane`, node syslogs to `host` (`containerLogs.fluentBit.config.extraFiles` of
//!   aws-observability/helm-charts `charts/amazon-cloudwatch-observability` values.yaml at tags
//!   amazon-cloudwatch-observability-2.1.0 and -4.5.0, `${CLUSTER_NAME}` being the cluster, `auto_create_group
//!   true`, no retention set); the CloudWatch agent writes Container Insights metrics as EMF to `performance`
//!   (aws/amazon-cloudwatch-agent v1.300045.1 / v1.300060.0
//!   `translator/translate/otel/exporter/awsemf/awsemf_default_kubernetes.yaml`, `{ClusterName}` the cluster). An
//!   existing group is used as it is: its KMS key and retention stay. Facts: `tests/upstream/addons/`.

use serde_json::json;

use super::refs;
use crate::render::context::Context;
use crate::render::tf_json::{Document, Ref};

/// The name EKS writes control-plane logs to.
pub(crate) fn cluster_log_group_name(cluster: &str) -> String {
    format!("/aws/eks/{cluster}/cluster")
}

pub(crate) use crate::checked::CONTAINER_INSIGHTS;

/// `/aws/containerinsights/<cluster>/<kind>`.
pub(crate) fn container_insights_log_group_name(cluster: &str, kind: &str) -> String {
    format!("/aws/containerinsights/{cluster}/{kind}")
}

/// Each Container Insights group with its resource.
pub(crate) fn container_insights_groups() -> impl Iterator<Item = (&'static str, Ref)> {
    CONTAINER_INSIGHTS.into_iter().map(|kind| (kind, refs::container_insights_log_group(kind)))
}

/// Whether the platform installs the CloudWatch observability addon (whose log groups are declared here).
pub(crate) fn has_container_insights(ctx: &Context) -> bool {
    ctx.checked.has_container_insights()
}

pub(super) fn render(ctx: &Context, doc: &mut Document) {
    let cluster = ctx.names.cluster();
    let group = |name: String| {
        json!({
            "name": name,
            "retention_in_days": ctx.platform.cluster.log_retention_days,
            "kms_key_id": refs::logs_key().attr("arn"),
        })
    };
    doc.resource_at(&refs::cluster_log_group(), group(cluster_log_group_name(&cluster)));
    if has_container_insights(ctx) {
        for (kind, at) in container_insights_groups() {
            doc.resource_at(&at, group(container_insights_log_group_name(&cluster, kind)));
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn log_group_names() {
        assert_eq!(super::cluster_log_group_name("eks-fintech-dev"), "/aws/eks/eks-fintech-dev/cluster");
        assert_eq!(
            super::container_insights_log_group_name("eks-fintech-dev", "host"),
            "/aws/containerinsights/eks-fintech-dev/host"
        );
    }
}
