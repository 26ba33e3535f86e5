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

use crate::catalog::kubernetes::minor;

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
    /// The SecretStore `apiVersion` the renderer emits at this version.
    pub secret_store_api: &'static str,
    /// Every SecretStore `apiVersion` the pinned external-secrets chart's CRD serves.
    pub secret_store_served: &'static [&'static str],
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
    // external-secrets helm-chart-0.9.20, config/crds/bases/external-secrets.io_secretstores.yaml: v1alpha1 and
    // v1beta1 served, v1beta1 stored.
    secret_store_api: "external-secrets.io/v1beta1",
    secret_store_served: &["external-secrets.io/v1alpha1", "external-secrets.io/v1beta1"],
}];

/// The pinned charts of a Kubernetes version.
pub fn chart_versions(kubernetes: &str) -> Option<&'static ChartVersions> {
    CHART_VERSIONS.iter().find(|c| c.kubernetes == kubernetes)
}

/// The Kubernetes minor versions one chart version is documented to run on, inclusive; `None` where its project
/// documents no bound. `platform upgrade-path` reads it to decide whether a chart moves before or after the
/// control plane.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Support {
    /// Chart name in its repository.
    pub chart: &'static str,
    pub version: &'static str,
    pub oldest: Option<&'static str>,
    pub newest: Option<&'static str>,
}

const fn support(
    chart: &'static str,
    version: &'static str,
    oldest: Option<&'static str>,
    newest: Option<&'static str>,
) -> Support {
    Support { chart, version, oldest, newest }
}

/// The documented Kubernetes range of every pinned chart version (checked 2026-11, facts only):
/// - tigera-operator v3.27.x: Calico 3.27 "System requirements", tested on 1.27–1.29.
/// - kyverno 3.1.x (Kyverno 1.11): Kyverno's compatibility matrix, 1.25–1.28 (the chart's own `kubeVersion` at
///   kyverno-chart-3.1.4 is `>=1.25.0-0`).
/// - cluster-autoscaler 9.x: the chart has no `kubeVersion` (cluster-autoscaler-chart-9.37.0); the image tag,
///   which follows the cluster minor, is what depends on the version.
/// - aws-load-balancer-controller 1.8.x (controller v2.8): "Supported Kubernetes versions" of
///   docs/deploy/installation.md at v2.8.1, 1.22 and later.
/// - external-dns 1.14.x (external-dns 0.14): README "Kubernetes version compatibility" (kubernetes-sigs/
///   external-dns, 2026-08): 0.10–0.17 run on 1.22–1.32, 1.33 needs 0.18.
/// - external-secrets 0.9.x: docs/introduction/stability-support.md at helm-chart-0.9.20, 1.19–1.30.
pub const CHART_SUPPORT: &[Support] = &[
    support("tigera-operator", "v3.27.4", Some("1.27"), Some("1.29")),
    support("kyverno", "3.1.4", Some("1.25"), Some("1.28")),
    support("cluster-autoscaler", "9.37.0", None, None),
    support("aws-load-balancer-controller", "1.8.1", Some("1.22"), None),
    support("external-dns", "1.14.5", Some("1.22"), Some("1.32")),
    support("external-secrets", "0.9.20", Some("1.19"), Some("1.30")),
];

/// Whether `chart` is documented to run on Kubernetes `kubernetes`; `None` when the catalog has no range for it.
pub fn supports(chart: &Chart, kubernetes: &str) -> Option<bool> {
    let s = CHART_SUPPORT.iter().find(|s| s.chart == chart.chart && s.version == chart.version)?;
    let k = minor(kubernetes)?;
    let after_oldest = s.oldest.and_then(minor).is_none_or(|o| o <= k);
    let before_newest = s.newest.and_then(minor).is_none_or(|n| k <= n);
    Some(after_oldest && before_newest)
}

impl ChartVersions {
    /// Every chart of the row, in install order.
    pub fn charts(&self) -> [&Chart; 6] {
        [
            &self.calico,
            &self.kyverno,
            &self.cluster_autoscaler,
            &self.aws_load_balancer_controller,
            &self.external_dns,
            &self.external_secrets,
        ]
    }
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
    fn every_pinned_chart_is_documented_for_the_versions_it_is_pinned_at() {
        for c in CHART_VERSIONS {
            for chart in c.charts() {
                let documented = supports(chart, c.kubernetes);
                assert_eq!(documented, Some(true), "{} {} at Kubernetes {}", chart.chart, chart.version, c.kubernetes);
            }
        }
    }

    #[test]
    fn support_ranges_are_inclusive_and_open_where_undocumented() {
        let kyverno = chart("kyverno", "kyverno", "", "3.1.4");
        assert_eq!(
            ["1.24", "1.25", "1.28", "1.29"].map(|k| supports(&kyverno, k)),
            [false, true, true, false].map(Some)
        );
        let lbc = chart("aws-load-balancer-controller", "aws-load-balancer-controller", "", "1.8.1");
        assert_eq!(supports(&lbc, "1.99"), Some(true));
        assert_eq!(supports(&chart("kyverno", "kyverno", "", "9.9.9"), "1.28"), None, "no range recorded");
    }

    #[test]
    fn the_secret_store_api_is_served_by_the_pinned_chart() {
        for c in CHART_VERSIONS {
            assert!(c.secret_store_served.contains(&c.secret_store_api), "{}: {}", c.kubernetes, c.secret_store_api);
        }
    }

    #[test]
    fn release_names_are_distinct() {
        for c in CHART_VERSIONS {
            let mut names = c.charts().map(|c| c.release).to_vec();
            names.sort_unstable();
            names.dedup();
            assert_eq!(names.len(), c.charts().len());
        }
    }
}
