//! Helm charts the cluster stage installs, pinned per Kubernetes version.
//!
//! Sources (checked 2026-11; facts only, nothing copied):
//! - Calico: "System requirements" of the 3.27 docs (docs.tigera.io/calico/3.27/getting-started/kubernetes/
//!   requirements) lists Kubernetes 1.27, 1.28 and 1.29 as tested; chart `tigera-operator` from the Calico chart
//!   repository, whose versions carry the `v` of the Calico release.
//! - Kyverno: compatibility matrix (kyverno.io/docs/installation, mirrored by endoflife.date): 1.11 supports
//!   Kubernetes 1.25–1.28; chart 3.1.x ships Kyverno 1.11.x.
//! - cluster-autoscaler: the autoscaler README asks for the image minor to match the cluster minor; release
//!   `cluster-autoscaler-1.28.5` (2024-05-29) publishes `registry.k8s.io/autoscaling/cluster-autoscaler:v1.28.5`.
//!   Chart 9.x is version-independent; the image tag is set explicitly.
//! - aws-load-balancer-controller: chart 1.8.x (controller v2.8.x) supports Kubernetes 1.22 and later.
//! - external-dns: chart 1.14.x (external-dns 0.14.x) uses the `provider: aws` string form of the value.
//! - external-secrets: "Stability and Support" table: 0.9.x supports Kubernetes 1.19–1.30 and still serves
//!   `external-secrets.io/v1beta1`.
//!
//! Not confirmed here (no network to the chart repositories): that these exact patch versions are published.
//! `helm search repo <repo>/<chart> --versions` confirms them before the first deployment.

/// One pinned chart.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Chart {
    /// Helm release name (also the values file name in `manifests/helm/`).
    pub release: &'static str,
    /// Chart name in its repository.
    pub chart: &'static str,
    pub repository: &'static str,
    pub version: &'static str,
}

/// Every chart for one Kubernetes minor version.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ChartVersions {
    pub kubernetes: &'static str,
    pub calico: Chart,
    pub kyverno: Chart,
    pub cluster_autoscaler: Chart,
    /// `registry.k8s.io/autoscaling/cluster-autoscaler` tag, same minor as the cluster.
    pub cluster_autoscaler_image: &'static str,
    pub aws_load_balancer_controller: Chart,
    pub external_dns: Chart,
    pub external_secrets: Chart,
}

const fn chart(release: &'static str, chart: &'static str, repository: &'static str, version: &'static str) -> Chart {
    Chart { release, chart, repository, version }
}

/// Chart versions per Kubernetes version.
pub const CHART_VERSIONS: &[ChartVersions] = &[ChartVersions {
    kubernetes: "1.28",
    calico: chart("calico", "tigera-operator", "https://docs.tigera.io/calico/charts", "v3.27.4"),
    kyverno: chart("kyverno", "kyverno", "https://kyverno.github.io/kyverno/", "3.1.4"),
    cluster_autoscaler: chart(
        "cluster-autoscaler",
        "cluster-autoscaler",
        "https://kubernetes.github.io/autoscaler",
        "9.37.0",
    ),
    cluster_autoscaler_image: "v1.28.5",
    aws_load_balancer_controller: chart(
        "aws-load-balancer-controller",
        "aws-load-balancer-controller",
        "https://aws.github.io/eks-charts",
        "1.8.1",
    ),
    external_dns: chart("external-dns", "external-dns", "https://kubernetes-sigs.github.io/external-dns/", "1.14.5"),
    external_secrets: chart("external-secrets", "external-secrets", "https://charts.external-secrets.io", "0.9.20"),
}];

/// The pinned charts of a Kubernetes version.
pub fn chart_versions(kubernetes: &str) -> Option<&'static ChartVersions> {
    CHART_VERSIONS.iter().find(|c| c.kubernetes == kubernetes)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::kubernetes::calendar;

    #[test]
    fn charts_belong_to_calendar_versions_with_a_matching_autoscaler() {
        for c in CHART_VERSIONS {
            assert!(calendar(c.kubernetes).is_some(), "charts for {} outside the calendar", c.kubernetes);
            assert!(c.cluster_autoscaler_image.starts_with(&format!("v{}.", c.kubernetes)));
            assert!(c.calico.version.starts_with('v'), "tigera-operator chart versions carry a `v`");
        }
    }

    #[test]
    fn release_names_are_distinct() {
        for c in CHART_VERSIONS {
            let mut names = [
                c.calico.release,
                c.kyverno.release,
                c.cluster_autoscaler.release,
                c.aws_load_balancer_controller.release,
                c.external_dns.release,
                c.external_secrets.release,
            ];
            names.sort_unstable();
            let before = names.len();
            let mut v = names.to_vec();
            v.dedup();
            assert_eq!(v.len(), before);
        }
    }
}
