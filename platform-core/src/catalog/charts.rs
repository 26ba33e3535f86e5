//! Helm charts the cluster stage installs, pinned per Kubernetes version.
//!
//! Criteria (facts checked 2026-11 at the tags named; the full table with sources is `docs/versions.md`): the
//! upstream's documented compatibility covers the Kubernetes minor, the chart version exists at a tag (or an
//! eks-charts commit) and consumes every value `render::cluster::charts` sets, newest patch of the line, and as few
//! distinct versions as compatibility allows.
//! - Calico (tigera-operator chart = Calico release, chart path `charts/tigera-operator` at tag `vX.Y.Z`): tested
//!   Kubernetes per tigera/docs system requirements: 3.28 → 1.27–1.30, 3.30 → 1.31–1.33, 3.31 → 1.32–1.35. 3.32
//!   (1.34–1.36) no longer ships the CRDs in this chart (they move to a separate `crd.projectcalico.org.v1`
//!   chart, see its README at v3.32.1), which the cluster stage does not install: 1.36 stays on 3.31, untested there.
//! - Kyverno (compatibility matrix, kyverno.io/docs/installation): 1.13 → 1.28–1.31 (chart 3.3.x), 1.17 →
//!   1.32–1.35 (chart 3.7.x); no release documents 1.36 yet (1.18 and 1.19: 1.33–1.35); 1.36 takes 1.19.0 (chart
//!   3.9.0), whose CI runs some jobs on Kubernetes 1.36.
//! - cluster-autoscaler: one chart (9.59.0; no `kubeVersion`, and its AWS arguments are those of 9.37.0) with the
//!   image of the cluster's minor (the autoscaler README asks for matching minors), newest patch tag
//!   `cluster-autoscaler-1.M.P` of each minor.
//! - aws-load-balancer-controller 3.5.0 (eks-charts): "v2.5.0+ requires Kubernetes 1.22+", no upper bound.
//! - external-dns chart 1.21.1 (external-dns 0.21.0): README compatibility table, ≥ 0.18 for every version ≥ 1.21.
//! - external-secrets: "Stability and Support" table: 0.13 → 1.19–1.31, 0.16 → 1.32, 0.19 → 1.33, 2.6 →
//!   1.34–1.35, 2.8 → 1.35–1.36.

use crate::catalog::version::minor;

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
    /// The apiVersion rendered for SecretStores: the newest one the external-secrets chart serves.
    pub secret_store_api: &'static str,
    /// Every SecretStore apiVersion the external-secrets chart's CRD serves (`served: true` in
    /// `config/crds/bases/external-secrets.io_secretstores.yaml` at the chart's tag).
    pub secret_store_served: &'static [&'static str],
}

/// Calico releases with tiers (the `Tier` CRD and `GlobalNetworkPolicy.spec.tier` in the chart's CRDs: v3.30.7
/// and v3.31.7 have them, v3.28.5 has neither; `tests/upstream/charts/calico-*.json`).
const CALICO_WITH_TIERS: &[&str] = &["v3.30.7", "v3.31.7"];

impl ChartVersions {
    /// Whether the pinned Calico has policy tiers.
    pub fn calico_tiers(&self) -> bool {
        CALICO_WITH_TIERS.contains(&self.calico.version)
    }
}

const fn chart(release: &'static str, chart: &'static str, repository: &'static str, version: &'static str) -> Chart {
    Chart { release, chart, repository, version }
}

const fn calico(version: &'static str) -> Chart {
    chart("calico", "tigera-operator", "https://docs.tigera.io/calico/charts", version)
}

const fn kyverno(version: &'static str) -> Chart {
    chart("kyverno", "kyverno", "https://kyverno.github.io/kyverno/", version)
}

const fn external_secrets(version: &'static str) -> Chart {
    chart("external-secrets", "external-secrets", "https://charts.external-secrets.io", version)
}

const AUTOSCALER: Chart =
    chart("cluster-autoscaler", "cluster-autoscaler", "https://kubernetes.github.io/autoscaler", "9.59.0");
const LOAD_BALANCER_CONTROLLER: Chart =
    chart("aws-load-balancer-controller", "aws-load-balancer-controller", "https://aws.github.io/eks-charts", "3.5.0");
const EXTERNAL_DNS: Chart =
    chart("external-dns", "external-dns", "https://kubernetes-sigs.github.io/external-dns/", "1.21.1");

const V1: &str = "external-secrets.io/v1";
const V1BETA1: &str = "external-secrets.io/v1beta1";
const V1ALPHA1: &str = "external-secrets.io/v1alpha1";

/// One Kubernetes version's row. `eso` is the external-secrets chart version with the SecretStore versions its CRD
/// serves, newest first (the first is rendered).
const fn row(
    kubernetes: &'static str,
    calico: Chart,
    kyverno: Chart,
    cluster_autoscaler_image: &'static str,
    eso: (&'static str, &'static [&'static str]),
) -> ChartVersions {
    ChartVersions {
        kubernetes,
        calico,
        kyverno,
        cluster_autoscaler: AUTOSCALER,
        cluster_autoscaler_image,
        aws_load_balancer_controller: LOAD_BALANCER_CONTROLLER,
        external_dns: EXTERNAL_DNS,
        external_secrets: external_secrets(eso.0),
        secret_store_api: eso.1[0],
        secret_store_served: eso.1,
    }
}

const CALICO_3_28: Chart = calico("v3.28.5");
const CALICO_3_30: Chart = calico("v3.30.7");
const CALICO_3_31: Chart = calico("v3.31.7");
const KYVERNO_1_13: Chart = kyverno("3.3.9");
const KYVERNO_1_17: Chart = kyverno("3.7.2");
const KYVERNO_1_19: Chart = kyverno("3.9.0");
const ESO_0_13: (&str, &[&str]) = ("0.13.0", &[V1BETA1, V1ALPHA1]);
const ESO_0_16: (&str, &[&str]) = ("0.16.2", &[V1, V1BETA1]);
const ESO_0_19: (&str, &[&str]) = ("0.19.2", &[V1]);
const ESO_2_6: (&str, &[&str]) = ("2.6.0", &[V1]);
const ESO_2_8: (&str, &[&str]) = ("2.8.0", &[V1]);

/// Chart versions per Kubernetes version.
pub const CHART_VERSIONS: &[ChartVersions] = &[
    row("1.28", CALICO_3_28, KYVERNO_1_13, "v1.28.7", ESO_0_13),
    row("1.29", CALICO_3_28, KYVERNO_1_13, "v1.29.5", ESO_0_13),
    row("1.30", CALICO_3_28, KYVERNO_1_13, "v1.30.7", ESO_0_13),
    row("1.31", CALICO_3_30, KYVERNO_1_13, "v1.31.5", ESO_0_13),
    row("1.32", CALICO_3_30, KYVERNO_1_17, "v1.32.7", ESO_0_16),
    row("1.33", CALICO_3_30, KYVERNO_1_17, "v1.33.6", ESO_0_19),
    row("1.34", CALICO_3_31, KYVERNO_1_17, "v1.34.5", ESO_2_6),
    row("1.35", CALICO_3_31, KYVERNO_1_17, "v1.35.2", ESO_2_8),
    row("1.36", CALICO_3_31, KYVERNO_1_19, "v1.36.1", ESO_2_8),
];

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

/// The documented Kubernetes range of every pinned chart version (checked 2026-11 at the tags of
/// `docs/versions.md`, facts only):
/// - tigera-operator: tigera/docs system requirements, tested 3.28 → 1.27–1.30, 3.30 → 1.31–1.33, 3.31 → 1.32–1.35.
/// - kyverno: Kyverno's compatibility matrix, 1.13 (chart 3.3.x) → 1.28–1.31, 1.17 (3.7.x) → 1.32–1.35, 1.19
///   (3.9.x) → 1.33–1.35.
/// - cluster-autoscaler 9.x: the chart has no `kubeVersion`; the image tag, which follows the cluster minor, is what
///   depends on the version.
/// - aws-load-balancer-controller 3.5.0: the controller's installation doc, 1.22 and later.
/// - external-dns 1.21.1 (external-dns 0.21): README "Kubernetes version compatibility", ≥ 0.18 on 1.21 and later.
/// - external-secrets: docs/introduction/stability-support.md, 0.13 → 1.19–1.31, 0.16 → 1.32, 0.19 → 1.33, 2.6 →
///   1.34–1.35, 2.8 → 1.35–1.36.
pub const CHART_SUPPORT: &[Support] = &[
    support("tigera-operator", "v3.28.5", Some("1.27"), Some("1.30")),
    support("tigera-operator", "v3.30.7", Some("1.31"), Some("1.33")),
    support("tigera-operator", "v3.31.7", Some("1.32"), Some("1.35")),
    support("kyverno", "3.3.9", Some("1.28"), Some("1.31")),
    support("kyverno", "3.7.2", Some("1.32"), Some("1.35")),
    support("kyverno", "3.9.0", Some("1.33"), Some("1.35")),
    support("cluster-autoscaler", "9.59.0", None, None),
    support("aws-load-balancer-controller", "3.5.0", Some("1.22"), None),
    support("external-dns", "1.21.1", Some("1.21"), None),
    support("external-secrets", "0.13.0", Some("1.19"), Some("1.31")),
    support("external-secrets", "0.16.2", Some("1.32"), Some("1.32")),
    support("external-secrets", "0.19.2", Some("1.33"), Some("1.33")),
    support("external-secrets", "2.6.0", Some("1.34"), Some("1.35")),
    support("external-secrets", "2.8.0", Some("1.35"), Some("1.36")),
];

/// Pins outside their project's documented range, each with the reason it is pinned anyway (`platform
/// upgrade-path` flags them too).
pub const UNDOCUMENTED_PINS: &[(&str, &str, &str)] = &[
    ("1.36", "tigera-operator", "Calico 3.32 is the line tested on 1.36, but its chart no longer ships the CRDs"),
    ("1.36", "kyverno", "no Kyverno release documents 1.36 yet; 1.19 is the newest and its CI runs on 1.36"),
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

    #[test]
    fn the_rendered_secret_store_api_is_served() {
        for c in CHART_VERSIONS {
            assert!(
                c.secret_store_served.contains(&c.secret_store_api),
                "{}: external-secrets {} does not serve {}",
                c.kubernetes,
                c.external_secrets.version,
                c.secret_store_api
            );
        }
        // The same chart version always carries the same served list.
        for a in CHART_VERSIONS {
            for b in CHART_VERSIONS.iter().filter(|b| b.external_secrets.version == a.external_secrets.version) {
                assert_eq!(a.secret_store_served, b.secret_store_served);
            }
        }
    }

    #[test]
    fn every_pinned_chart_is_documented_for_its_versions_or_listed_as_undocumented() {
        for c in CHART_VERSIONS {
            for chart in c.charts() {
                let listed = UNDOCUMENTED_PINS.iter().any(|(k, name, _)| *k == c.kubernetes && *name == chart.chart);
                let documented = supports(chart, c.kubernetes).unwrap_or_else(|| {
                    panic!("{} {}: no documented range in CHART_SUPPORT", chart.chart, chart.version)
                });
                assert_ne!(documented, listed, "{} {} at Kubernetes {}", chart.chart, chart.version, c.kubernetes);
            }
        }
        for s in CHART_SUPPORT {
            let pinned =
                CHART_VERSIONS.iter().flat_map(|c| c.charts()).any(|c| c.chart == s.chart && c.version == s.version);
            assert!(pinned, "CHART_SUPPORT lists {} {}, which nothing pins", s.chart, s.version);
        }
    }

    #[test]
    fn support_ranges_are_inclusive_and_open_where_undocumented() {
        let kyverno = chart("kyverno", "kyverno", "", "3.3.9");
        assert_eq!(
            ["1.27", "1.28", "1.31", "1.32"].map(|k| supports(&kyverno, k)),
            [false, true, true, false].map(Some)
        );
        assert_eq!(supports(&LOAD_BALANCER_CONTROLLER, "1.99"), Some(true));
        assert_eq!(supports(&chart("kyverno", "kyverno", "", "9.9.9"), "1.28"), None, "no range recorded");
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
