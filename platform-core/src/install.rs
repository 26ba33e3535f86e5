//! The install order of the cluster stage: which Helm releases a platform installs, in which Terraform root, and
//! which of them each release needs installed first. The network and cluster renderers build their `helm_release`s
//! and the release-to-release `depends_on` from it; `platform upgrade-path` reads it to know what each root applies
//! and what `terraform apply -target` applies too.
//!
//! - The network root holds Calico alone: nodes are NotReady until the CNI runs, so it is applied between the infra
//!   root's two applies (`render::infra::bootstrap`).
//! - The cluster root holds Kyverno and the controllers, each needing only its namespace, then the local chart of
//!   custom resources, after all of them: its Kyverno policies and SecretStores are kinds whose CRDs those charts
//!   install.

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
        let pinned: Vec<Chart> = plan.iter().filter_map(|r| r.chart).collect();
        assert_eq!(pinned, checked.chart_versions().charts().map(|c| *c));
        let policies = plan.last().unwrap();
        assert_eq!((policies.name, policies.chart, policies.root), (POLICY_RELEASE, None, Root::Cluster));
        let charts: Vec<&str> = in_root(Root::Cluster).filter(|r| r.chart.is_some()).map(|r| r.name).collect();
        assert_eq!(policies.depends_on, charts);
        assert!(plan.iter().filter(|r| r.component != Component::Policies).all(|r| r.depends_on.is_empty()));
    }
}
