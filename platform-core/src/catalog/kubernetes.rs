//! Kubernetes versions the renderer supports, with their Amazon EKS support calendar.
//!
//! Source: Amazon EKS User Guide, "Understand the Kubernetes version lifecycle on EKS" (release calendar),
//! checked 2026-11. After the end of extended support, EKS upgrades a cluster automatically.

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

/// Every Kubernetes version the renderer carries versions for, oldest first.
pub const RELEASES: &[KubernetesRelease] =
    &[KubernetesRelease { version: "1.28", standard_support_end: "2024-11-26", extended_support_end: "2025-11-26" }];

/// Looks a release up by its minor version.
pub fn release(version: &str) -> Option<&'static KubernetesRelease> {
    RELEASES.iter().find(|r| r.version == version)
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

/// The pinned addon versions of a Kubernetes version.
pub fn addon_versions(kubernetes: &str) -> Option<&'static AddonVersions> {
    ADDON_VERSIONS.iter().find(|a| a.kubernetes == kubernetes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_release_has_addon_versions() {
        for r in RELEASES {
            let a = addon_versions(r.version).unwrap_or_else(|| panic!("no addon versions for {}", r.version));
            assert!(a.kube_proxy.starts_with(&format!("v{}.", r.version)), "kube-proxy follows the minor version");
        }
    }
}
