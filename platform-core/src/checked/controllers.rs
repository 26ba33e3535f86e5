//! The IRSA binding of each platform controller, one per managed policy.

use crate::model::{IrsaBinding, ManagedPolicy};

/// The binding of every platform controller, by its managed policy (`irsa/controller-roles` requires exactly one
/// each).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Controllers<'p> {
    cluster_autoscaler: &'p IrsaBinding,
    aws_load_balancer_controller: &'p IrsaBinding,
    external_dns: &'p IrsaBinding,
    external_secrets: &'p IrsaBinding,
    ebs_csi: &'p IrsaBinding,
    cloudwatch_observability: &'p IrsaBinding,
}

impl<'p> Controllers<'p> {
    /// Every controller's binding as `binding` finds it; `None` when one has none.
    pub(crate) fn new(binding: impl Fn(ManagedPolicy) -> Option<&'p IrsaBinding>) -> Option<Self> {
        Some(Controllers {
            cluster_autoscaler: binding(ManagedPolicy::ClusterAutoscaler)?,
            aws_load_balancer_controller: binding(ManagedPolicy::AwsLoadBalancerController)?,
            external_dns: binding(ManagedPolicy::ExternalDns)?,
            external_secrets: binding(ManagedPolicy::ExternalSecrets)?,
            ebs_csi: binding(ManagedPolicy::EbsCsi)?,
            cloudwatch_observability: binding(ManagedPolicy::CloudwatchObservability)?,
        })
    }

    /// The binding of the controller with managed policy `kind`.
    pub fn get(&self, kind: ManagedPolicy) -> &'p IrsaBinding {
        match kind {
            ManagedPolicy::ClusterAutoscaler => self.cluster_autoscaler,
            ManagedPolicy::AwsLoadBalancerController => self.aws_load_balancer_controller,
            ManagedPolicy::ExternalDns => self.external_dns,
            ManagedPolicy::ExternalSecrets => self.external_secrets,
            ManagedPolicy::EbsCsi => self.ebs_csi,
            ManagedPolicy::CloudwatchObservability => self.cloudwatch_observability,
        }
    }
}
