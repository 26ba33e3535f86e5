//! Kubernetes versions the renderer supports, with their Amazon EKS support calendar.
//!
//! Source: Amazon EKS User Guide, "Understand the Kubernetes version lifecycle on EKS" (release calendar),
//! checked 2026-11. After the end of extended support, EKS upgrades a cluster automatically.

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

const fn eks(
    version: &'static str,
    standard_support_end: &'static str,
    extended_support_end: &'static str,
) -> KubernetesRelease {
    KubernetesRelease { version, standard_support_end, extended_support_end }
}

/// The EKS calendar, oldest first: every version since the one the customer runs, whether or not the renderer
/// carries pinned versions for it ([`carried`]). Dates as the EKS user guide's release calendar gives them
/// (cross-checked with endoflife.date/amazon-eks), read 2026-11.
pub const EKS_CALENDAR: &[KubernetesRelease] = &[
    eks("1.28", "2024-11-26", "2025-11-26"),
    eks("1.29", "2025-03-23", "2026-03-23"),
    eks("1.30", "2025-07-23", "2026-07-23"),
    eks("1.31", "2025-11-26", "2026-11-26"),
    eks("1.32", "2026-03-23", "2027-03-23"),
    eks("1.33", "2026-07-29", "2027-07-29"),
    eks("1.34", "2026-12-02", "2027-12-02"),
    eks("1.35", "2027-03-27", "2028-03-27"),
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

/// `(major, minor)` of a version such as `1.28` (or `1.28.5`), for ordering: `1.9` comes before `1.28`.
pub fn minor(version: &str) -> Option<(u32, u32)> {
    let mut parts = version.trim_start_matches('v').split('.');
    Some((parts.next()?.parse().ok()?, parts.next()?.parse().ok()?))
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

/// Addon versions per Kubernetes version.
///
/// Sources: Amazon EKS User Guide, "Manage CoreDNS" and "Manage kube-proxy" version tables (latest EKS add-on
/// type per Kubernetes version: coredns v1.10.1-eksbuild.38 and kube-proxy v1.28.15-eksbuild.31 for 1.28),
/// checked 2026-11. The EBS CSI driver and CloudWatch observability versions are not listed per Kubernetes
/// version in the guide; the pins below are releases published while 1.28 was in standard support and were
/// not confirmed against `aws eks describe-addon-versions --kubernetes-version 1.28` (no AWS account here):
/// confirm before the first deployment.
pub const ADDON_VERSIONS: &[AddonVersions] = &[AddonVersions {
    kubernetes: "1.28",
    coredns: "v1.10.1-eksbuild.38",
    kube_proxy: "v1.28.15-eksbuild.31",
    aws_ebs_csi_driver: "v1.35.0-eksbuild.1",
    amazon_cloudwatch_observability: "v2.1.0-eksbuild.1",
}];

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

    #[test]
    fn carried_versions_have_every_pin_and_the_calendar_is_ordered() {
        assert_eq!(carried().map(|r| r.version).collect::<Vec<_>>(), ["1.28"]);
        for a in ADDON_VERSIONS {
            assert!(calendar(a.kubernetes).is_some(), "addon pins for {} outside the calendar", a.kubernetes);
        }
        assert!(EKS_CALENDAR.windows(2).all(|w| w[0].standard_support_end < w[1].standard_support_end));
        // One entry per minor: `platform upgrade-path` steps through the calendar one entry at a time.
        for w in EKS_CALENDAR.windows(2) {
            let (a, b) = (minor(w[0].version).unwrap(), minor(w[1].version).unwrap());
            assert_eq!((a.0, a.1 + 1), b, "{} is followed by {}", w[0].version, w[1].version);
        }
        assert_eq!(newest_in_standard_support("2026-11-25").map(|r| r.version), Some("1.35"));
    }

    #[test]
    fn minors_order_numerically() {
        assert_eq!(minor("1.28"), Some((1, 28)));
        assert_eq!(minor("v1.28.5"), Some((1, 28)));
        assert!(minor("1.9") < minor("1.28"));
        assert_eq!(minor("1"), None);
        assert_eq!(minor("one.two"), None);
    }

    #[test]
    fn kube_proxy_follows_the_minor_version() {
        for r in carried() {
            let a = addon_versions(r.version).unwrap_or_else(|| panic!("no addon versions for {}", r.version));
            assert!(a.kube_proxy.starts_with(&format!("v{}.", r.version)), "kube-proxy follows the minor version");
        }
    }
}
