//! The install order of the cluster stage: which Helm releases a platform installs, in which Terraform root, and
//! which of them each release needs installed first. The network and cluster renderers build their `helm_release`s
//! and the release-to-release `depends_on` from it; `platform upgrade-path` reads it to know what each root applies
//! and what `terraform apply -target` applies too.
//!
//! - The network root holds Calico alone: nodes are NotReady until the CNI runs, so it is applied between the infra
//!   root's two applies (`render::infra::bootstrap`).
//! - The cluster root holds Kyverno and the controllers, then the local chart of custom resources, after all of
//!   them: its Kyverno policies and SecretStores are kinds whose CRDs those charts install.
//! - The load balancer controller goes first in the cluster root, and every other chart of the root waits until its
//!   release is ready: its chart registers `mservice.elbv2.k8s.aws`, a mutating webhook on every Service CREATE in
//!   every namespace with `failurePolicy: Fail` (eks-charts `stable/aws-load-balancer-controller/templates/
//!   webhook.yaml`, chart 3.5.0; the `serviceMutatorWebhookConfig` defaults), and every other chart creates
//!   Services. Installed side by side, their Services would be refused until the controller's pods serve the
//!   webhook. `tests/tests/deploy_order.rs` derives the same need from the charts rendered at their tags.

use crate::catalog::charts::Chart;
use crate::checked::Checked;
use crate::model::{IrsaBinding, ManagedPolicy};

/// The release of the local chart of custom resources (which the renderer writes).
pub const POLICY_RELEASE: &str = "platform-policies";

/// The Terraform root that installs a release.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Root {
    Network,
    Cluster,
}

/// What a release installs; a controller's IRSA binding gives its namespace and service account.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Component<'p> {
    Calico,
    Kyverno,
    ClusterAutoscaler(&'p IrsaBinding),
    AwsLoadBalancerController(&'p IrsaBinding),
    ExternalDns(&'p IrsaBinding),
    ExternalSecrets(&'p IrsaBinding),
    /// The local chart [`POLICY_RELEASE`].
    Policies,
}

/// One Helm release of the plan.
#[derive(Debug, Clone, PartialEq)]
pub struct Release<'p> {
    pub component: Component<'p>,
    /// The Helm release name.
    pub name: &'static str,
    /// The pinned chart; `None` for the local chart.
    pub chart: Option<Chart>,
    pub namespace: &'p str,
    pub root: Root,
    /// The releases of the same root installed before this one (Terraform `depends_on`).
    pub depends_on: Vec<&'static str>,
}

/// Every release of a checked platform, in install order, from its catalog row (`chart_versions`).
pub fn releases<'p>(checked: &Checked<'p>) -> Vec<Release<'p>> {
    let v = checked.chart_versions();
    let pinned = |component, chart: Chart, namespace, root| Release {
        component,
        name: chart.release,
        chart: Some(chart),
        namespace,
        root,
        depends_on: Vec::new(),
    };
    let mut out = vec![
        pinned(Component::Calico, v.calico, "tigera-operator", Root::Network),
        pinned(Component::Kyverno, v.kyverno, "kyverno", Root::Cluster),
    ];
    let controllers = [
        (ManagedPolicy::ClusterAutoscaler, Component::ClusterAutoscaler as fn(_) -> _, v.cluster_autoscaler),
        (
            ManagedPolicy::AwsLoadBalancerController,
            Component::AwsLoadBalancerController,
            v.aws_load_balancer_controller,
        ),
        (ManagedPolicy::ExternalDns, Component::ExternalDns, v.external_dns),
        (ManagedPolicy::ExternalSecrets, Component::ExternalSecrets, v.external_secrets),
    ];
    out.extend(controllers.into_iter().map(|(kind, component, chart)| {
        let binding = checked.controller(kind);
        pinned(component(binding), chart, &binding.namespace, Root::Cluster)
    }));
    // The webhook every Service passes through is served before anything else of the root is installed.
    let webhook = v.aws_load_balancer_controller.release;
    let webhook_first = out.iter().position(|r| r.name == webhook).expect("the load balancer controller is installed");
    let lbc = out.remove(webhook_first);
    let first_of_cluster = out.iter().position(|r| r.root == Root::Cluster).unwrap_or(out.len());
    out.insert(first_of_cluster, lbc);
    for r in out.iter_mut().filter(|r| r.root == Root::Cluster && r.name != webhook) {
        r.depends_on.push(webhook);
    }
    let charts = out.iter().filter(|r| r.root == Root::Cluster).map(|r| r.name).collect();
    out.push(Release {
        component: Component::Policies,
        name: POLICY_RELEASE,
        chart: None,
        // Where Helm keeps the release's record; the objects name their own namespaces.
        namespace: "kube-system",
        root: Root::Cluster,
        depends_on: charts,
    });
    out
}

/// The releases other releases wait for (Helm's `--wait` in a GitOps install): the webhook servers.
pub fn waited_for<'a>(plan: &'a [Release<'_>]) -> impl Iterator<Item = &'a str> + 'a {
    plan.iter().map(|r| r.name).filter(|name| plan.iter().any(|o| o.depends_on.contains(name)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fixture::platform as fixture;

    #[test]
    fn every_release_comes_after_its_dependencies_in_its_own_root() {
        let p = fixture();
        let plan = releases(&crate::check_platform(&p, "2024-06-01").unwrap());
        for (i, r) in plan.iter().enumerate() {
            assert_eq!(plan.iter().filter(|o| o.name == r.name).count(), 1, "{} once", r.name);
            for d in &r.depends_on {
                let at = plan.iter().position(|o| o.name == *d).unwrap_or_else(|| panic!("{d} installed"));
                assert!(at < i && plan[at].root == r.root, "{} after {d}, in its root", r.name);
            }
        }
    }

    #[test]
    fn calico_is_the_network_root_and_the_policies_wait_for_every_chart_of_the_cluster_root() {
        let p = fixture();
        let checked = crate::check_platform(&p, "2024-06-01").unwrap();
        let plan = releases(&checked);
        let in_root = |root| plan.iter().filter(move |r| r.root == root);
        let network: Vec<Component> = in_root(Root::Network).map(|r| r.component).collect();
        assert_eq!(network, [Component::Calico]);
        // Every chart of the catalog row is installed once (the fixture binds every controller).
        let mut pinned: Vec<&str> = plan.iter().filter_map(|r| r.chart).map(|c| c.release).collect();
        let mut catalog = checked.chart_versions().charts().map(|c| c.release);
        pinned.sort_unstable();
        catalog.sort_unstable();
        assert_eq!(pinned, catalog);
        let policies = plan.last().unwrap();
        assert_eq!((policies.name, policies.chart, policies.root), (POLICY_RELEASE, None, Root::Cluster));
        let charts: Vec<&str> = in_root(Root::Cluster).filter(|r| r.chart.is_some()).map(|r| r.name).collect();
        assert_eq!(policies.depends_on, charts);
        // Every other chart of the cluster root waits for the load balancer controller's Service webhook.
        let lbc = checked.chart_versions().aws_load_balancer_controller.release;
        assert_eq!(in_root(Root::Cluster).next().map(|r| r.name), Some(lbc));
        for r in in_root(Root::Cluster).filter(|r| r.chart.is_some() && r.name != lbc) {
            assert_eq!(r.depends_on, [lbc], "{}", r.name);
        }
        assert!(in_root(Root::Network).all(|r| r.depends_on.is_empty()));
    }
}
