//! The control-plane log group. EKS would create `/aws/eks/<cluster>/cluster` itself (unencrypted, never
//! expiring), so it is declared first, with the logs key and the DSL's retention, and the cluster depends on it.

use serde_json::json;

use super::{refs, Context};
use crate::render::terraform::Document;

/// The name EKS writes control-plane logs to.
pub(crate) fn cluster_log_group_name(cluster: &str) -> String {
    format!("/aws/eks/{cluster}/cluster")
}

pub(super) fn render(ctx: &Context, doc: &mut Document) {
    doc.resource_at(
        &refs::cluster_log_group(),
        json!({
            "name": cluster_log_group_name(&ctx.names.cluster()),
            "retention_in_days": ctx.platform.cluster.log_retention_days,
            "kms_key_id": refs::logs_key().attr("arn"),
        }),
    );
}

#[cfg(test)]
mod tests {
    #[test]
    fn log_group_name() {
        assert_eq!(super::cluster_log_group_name("eks-fintech-dev"), "/aws/eks/eks-fintech-dev/cluster");
    }
}
