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
