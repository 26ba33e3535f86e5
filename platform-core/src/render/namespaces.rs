//! Which root creates which namespace. Kubernetes and EKS create some ([`EXISTING_NAMESPACES`]); the network root
//! creates those something installs into before the cluster root runs ([`network_root`]); the cluster root
//! creates every other one the platform owns.

use crate::install::{self, Root};
use crate::render::context::Context;

/// Namespaces Kubernetes or EKS create: the platform labels them (`kubernetes_labels`) instead of creating them.
pub const EXISTING_NAMESPACES: &[&str] = &["default", "kube-node-lease", "kube-public", "kube-system"];

/// The namespaces the network root creates: its releases' and those of the addons that run pods (EKS creates the
/// others), which the infra root's second apply installs before the cluster root runs.
pub(crate) fn network_root(ctx: &Context) -> Vec<String> {
    let addons =
        ctx.checked.addons().iter().map(|a| a.addon.kind).filter(|k| k.needs_pod_network()).map(|k| k.namespace());
    let releases = install::releases(ctx.checked).into_iter().filter(|r| r.root == Root::Network);
    let mut out: Vec<String> = releases.map(|r| r.namespace.to_owned()).collect();
    for ns in addons {
        if !EXISTING_NAMESPACES.contains(&ns) && !out.iter().any(|n| n == ns) {
            out.push(ns.to_owned());
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check_platform;
    use crate::fixture::platform as fixture;

    #[test]
    fn calico_and_the_cloudwatch_agent_get_their_namespaces_in_the_network_root() {
        let p = fixture();
        let checked = check_platform(&p, "2024-06-01").unwrap();
        let ctx = Context::new(&checked, "dev");
        assert_eq!(network_root(&ctx), ["tigera-operator", "amazon-cloudwatch"]);
    }
}
