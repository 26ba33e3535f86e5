//! Kubernetes versions the renderer supports, with their Amazon EKS support calendar.
//!
//! After the end of extended support, EKS upgrades a cluster automatically. Every pinned version is listed per
//! Kubernetes version, with its source, in `docs/versions.md`.

use crate::model::AddonKind;

/// One Kubernetes minor version as EKS offers it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct KubernetesRelease {
    /// `1.28`
    pub version: &'static str,
    /// Last day of EKS standard support (ISO date).
    pub standard_support_end: &'static str,
    /// Last day of EKS extended support (ISO date).
    pub extended_support_end: &'static str,
}

/// Where a version stands in EKS support on a given day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SupportPhase {
    /// EKS creates and supports clusters of it at the standard rate.
    Standard,
    /// Clusters pay the extended-support surcharge; EKS still creates them.
    Extended,
    /// EKS no longer creates clusters of it and upgrades existing ones automatically.
    Ended,
}

impl KubernetesRelease {
    /// The support phase on `today` (ISO dates compare as strings; the end dates are the last days of a phase).
    pub fn phase(&self, today: &str) -> SupportPhase {
        if today > self.extended_support_end {
            SupportPhase::Ended
        } else if today > self.standard_support_end {
            SupportPhase::Extended
        } else {
            SupportPhase::Standard
        }
    }

    /// The one judgment of the support window, in the words the build, `platform check`, `render`, `cost` and
    /// `versions` all print: the phase on `today`, what it means, and the day of the catalog's EKS calendar.
    pub fn support_words(&self, today: &str) -> String {
        let phase = match self.phase(today) {
            SupportPhase::Standard => format!("is in EKS standard support until {}", self.standard_support_end),
            SupportPhase::Extended => format!(
                "left EKS standard support on {}: until {}, clusters pay the extended-support fee",
                self.standard_support_end, self.extended_support_end
            ),
            SupportPhase::Ended => format!(
                "left EKS extended support on {}: EKS no longer creates clusters of it and upgrades existing ones \
                 automatically",
                self.extended_support_end
            ),
        };
        format!("Kubernetes `{}` {phase} ({})", self.version, judged_on(today))
    }
}

/// On which day and with which calendar a support phase is judged, and whether that calendar is fresh.
pub fn judged_on(today: &str) -> String {
    let as_of = crate::catalog::AS_OF;
    let age = crate::dates::days_since_epoch(today).zip(crate::dates::days_since_epoch(as_of)).map(|(t, a)| t - a);
    match age {
        Some(age) if age > crate::catalog::FRESH_FOR_DAYS => {
            format!("on {today}, by the EKS calendar of {as_of}, {age} days old: review the catalog")
        }
        _ => format!("on {today}, by the EKS calendar of {as_of}"),
    }
}

const fn eks(
    version: &'static str,
    standard_support_end: &'static str,
    extended_support_end: &'static str,
) -> KubernetesRelease {
    KubernetesRelease { version, standard_support_end, extended_support_end }
}

/// The EKS calendar, oldest first: every version since the one the customer runs, whether or not the renderer
/// carries pinned versions for it ([`carried`]). Read 2026-11 from:
/// - 1.28–1.31: EKS user guide source, awsdocs/amazon-eks-user-guide `latest/ug/clusters/kubernetes-versions.adoc`
///   (release calendar table, snapshot 2024-12-18, commit 4d52b4d0);
/// - 1.29–1.34: the same page as published (latest/ug/versioning/kubernetes-versions.adoc, commit 01385604), and
///   endoflife-date/endoflife.date `products/amazon-eks.md` (scraped from that page's table);
/// - 1.35, 1.36: endoflife.date `products/amazon-eks.md` @ a70eca33 (2026-08-22; 1.36 released on EKS 2026-06-02,
///   1.35 on 2026-01-28); 1.35 also in the aws-samples sample-apex-skills cluster-lifecycle page (verified
///   2026-04-24). Both are 14 + 12 months after the EKS release, as the guide's policy states.
pub const EKS_CALENDAR: &[KubernetesRelease] = &[
    eks("1.28", "2024-11-26", "2025-11-26"),
    eks("1.29", "2025-03-23", "2026-03-23"),
    eks("1.30", "2025-07-23", "2026-07-23"),
    eks("1.31", "2025-11-26", "2026-11-26"),
    eks("1.32", "2026-03-23", "2027-03-23"),
    eks("1.33", "2026-07-29", "2027-07-29"),
    eks("1.34", "2026-12-02", "2027-12-02"),
    eks("1.35", "2027-03-27", "2028-03-27"),
    eks("1.36", "2027-08-02", "2028-08-02"),
];

/// The versions the renderer can render, oldest first: those with pinned addon versions ([`ADDON_VERSIONS`]) and
/// chart versions ([`crate::catalog::charts::CHART_VERSIONS`]).
pub fn carried() -> impl DoubleEndedIterator<Item = &'static KubernetesRelease> + Clone {
    EKS_CALENDAR
        .iter()
        .filter(|r| addon_versions(r.version).is_some() && crate::catalog::charts::chart_versions(r.version).is_some())
}

/// A version the renderer can render.
pub fn release(version: &str) -> Option<&'static KubernetesRelease> {
    carried().find(|r| r.version == version)
}

/// A version of the EKS calendar, carried or not.
pub fn calendar(version: &str) -> Option<&'static KubernetesRelease> {
    EKS_CALENDAR.iter().find(|r| r.version == version)
}

/// The newest version in EKS standard support on `today` (ISO date), whether or not the renderer carries it.
pub fn newest_in_standard_support(today: &str) -> Option<&'static KubernetesRelease> {
    EKS_CALENDAR.iter().rev().find(|r| today <= r.standard_support_end)
}

/// Pinned EKS managed addon versions for one Kubernetes minor version.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AddonVersions {
    pub kubernetes: &'static str,
    pub coredns: &'static str,
    pub kube_proxy: &'static str,
    pub aws_ebs_csi_driver: &'static str,
    pub amazon_cloudwatch_observability: &'static str,
}

const fn addons(
    kubernetes: &'static str,
    coredns: &'static str,
    kube_proxy: &'static str,
    aws_ebs_csi_driver: &'static str,
    amazon_cloudwatch_observability: &'static str,
) -> AddonVersions {
    AddonVersions { kubernetes, coredns, kube_proxy, aws_ebs_csi_driver, amazon_cloudwatch_observability }
}

/// EBS CSI driver add-on build published while 1.28–1.31 were all in EKS support (Sept 2024); pinned for
/// `aws_eks_addon` by public Terraform (e.g. Kelvinskell/spring-boot-app-eks `terraform/ebs-csi-driver.tf`).
const EBS_CSI_2024: &str = "v1.35.0-eksbuild.1";
/// EBS CSI driver add-on build reported as installed on a 1.36 cluster in public lab notes and pinned next to
/// `cluster_version = "1.36"` in public tfvars (2026); published while 1.32–1.36 were all supported.
const EBS_CSI_2026: &str = "v1.63.1-eksbuild.1";
/// CloudWatch observability add-on build of the same period as [`EBS_CSI_2024`].
const CLOUDWATCH_2024: &str = "v2.1.0-eksbuild.1";
/// CloudWatch observability add-on build pinned with kube-proxy v1.35.3 / CoreDNS v1.14.2 in public Terraform tests
/// (2026); published while 1.32–1.36 were all supported.
const CLOUDWATCH_2026: &str = "v4.5.0-eksbuild.1";

/// Addon versions per Kubernetes version.
///
/// CoreDNS and kube-proxy: the EKS user guide's "Manage CoreDNS" / "Manage kube-proxy" tables (latest EKS add-on
/// build per Kubernetes version): 1.28 and 1.29 from the English pages (tables 1.28–1.34, last ones listing them),
/// 1.30 kube-proxy from the zh_cn page (table 1.30–1.35), the rest from the ja_jp pages (tables 1.30/1.31–1.36,
/// read 2026-08); the 1.36 and 1.35 pairs are also what public Terraform pins for those clusters.
///
/// The EBS CSI driver and CloudWatch observability add-ons are not tabulated per Kubernetes version: EKS marks each
/// build compatible with the versions it supports when the build is published. The pins are builds seen in
/// public configurations of the matching period; none was confirmed with `aws eks describe-addon-versions
/// --kubernetes-version X` (no AWS account here): confirm before the first deployment.
pub const ADDON_VERSIONS: &[AddonVersions] = &[
    addons("1.28", "v1.10.1-eksbuild.38", "v1.28.15-eksbuild.31", EBS_CSI_2024, CLOUDWATCH_2024),
    addons("1.29", "v1.11.4-eksbuild.24", "v1.29.15-eksbuild.16", EBS_CSI_2024, CLOUDWATCH_2024),
    addons("1.30", "v1.11.4-eksbuild.40", "v1.30.14-eksbuild.28", EBS_CSI_2024, CLOUDWATCH_2024),
    addons("1.31", "v1.11.4-eksbuild.40", "v1.31.14-eksbuild.20", EBS_CSI_2024, CLOUDWATCH_2024),
    addons("1.32", "v1.11.4-eksbuild.40", "v1.32.13-eksbuild.16", EBS_CSI_2026, CLOUDWATCH_2026),
    addons("1.33", "v1.12.4-eksbuild.18", "v1.33.10-eksbuild.13", EBS_CSI_2026, CLOUDWATCH_2026),
    addons("1.34", "v1.13.2-eksbuild.11", "v1.34.6-eksbuild.13", EBS_CSI_2026, CLOUDWATCH_2026),
    addons("1.35", "v1.14.3-eksbuild.3", "v1.35.3-eksbuild.13", EBS_CSI_2026, CLOUDWATCH_2026),
    addons("1.36", "v1.14.3-eksbuild.3", "v1.36.0-eksbuild.14", EBS_CSI_2026, CLOUDWATCH_2026),
];

impl AddonVersions {
    /// The pinned version of one addon.
    pub fn of(&self, kind: AddonKind) -> &'static str {
        match kind {
            AddonKind::Coredns => self.coredns,
            AddonKind::KubeProxy => self.kube_proxy,
            AddonKind::AwsEbsCsiDriver => self.aws_ebs_csi_driver,
            AddonKind::AmazonCloudwatchObservability => self.amazon_cloudwatch_observability,
        }
    }
}

/// The pinned addon versions of a Kubernetes version.
pub fn addon_versions(kubernetes: &str) -> Option<&'static AddonVersions> {
    ADDON_VERSIONS.iter().find(|a| a.kubernetes == kubernetes)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::charts::CHART_VERSIONS;
    use crate::catalog::version::minor;

    #[test]
    fn carried_versions_have_every_pin_and_the_calendar_is_ordered() {
        let carried: Vec<&str> = carried().map(|r| r.version).collect();
        let expected: Vec<String> = (28..=36).map(|m| format!("1.{m}")).collect();
        assert_eq!(carried, expected);
        for a in ADDON_VERSIONS {
            assert!(calendar(a.kubernetes).is_some(), "addon pins for {} outside the calendar", a.kubernetes);
        }
        // One entry per minor: `platform upgrade-path` steps through the calendar one entry at a time.
        let m = |v: &str| minor(v).expect("1.M");
        assert!(EKS_CALENDAR.windows(2).all(|w| m(w[1].version) == (m(w[0].version).0, m(w[0].version).1 + 1)));
        assert!(EKS_CALENDAR.windows(2).all(|w| w[0].standard_support_end < w[1].standard_support_end));
        assert!(EKS_CALENDAR.iter().all(|r| r.standard_support_end < r.extended_support_end));
        assert_eq!(newest_in_standard_support("2026-11-25").map(|r| r.version), Some("1.36"));
        assert_eq!(newest_in_standard_support("2028-08-03"), None);
    }

    #[test]
    fn the_phase_changes_the_day_after_each_end_date() {
        let r = calendar("1.31").unwrap();
        assert_eq!(r.phase("2025-11-26"), SupportPhase::Standard);
        assert_eq!(r.phase("2025-11-27"), SupportPhase::Extended);
        assert_eq!(r.phase("2026-11-26"), SupportPhase::Extended);
        assert_eq!(r.phase("2026-11-27"), SupportPhase::Ended);
    }

    #[test]
    fn kube_proxy_follows_the_minor_version() {
        for r in carried() {
            let a = addon_versions(r.version).unwrap_or_else(|| panic!("no addon versions for {}", r.version));
            assert!(a.kube_proxy.starts_with(&format!("v{}.", r.version)), "kube-proxy follows the minor version");
        }
    }

    #[test]
    fn charts_belong_to_calendar_versions_with_a_matching_autoscaler() {
        for c in CHART_VERSIONS {
            assert!(calendar(c.kubernetes).is_some(), "charts for {} outside the calendar", c.kubernetes);
            assert!(
                c.cluster_autoscaler_image.starts_with(&format!("v{}.", c.kubernetes)),
                "{}: autoscaler image {} of another minor",
                c.kubernetes,
                c.cluster_autoscaler_image
            );
            assert!(c.calico.version.starts_with('v'), "tigera-operator chart versions carry a `v`");
        }
    }
}
