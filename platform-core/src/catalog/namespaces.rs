//! Namespaces the platform itself creates or that Kubernetes and EKS reserve.
//!
//! Tenants may not take these names; IRSA bindings may name them. The cluster-stage renderer uses the same list
//! for the Pod Security Admission `baseline` labels of system namespaces.

/// Every system namespace: Kubernetes' own, and the ones the platform's controllers and Calico run in.
pub const SYSTEM_NAMESPACES: &[&str] = &[
    "kube-system",
    "kube-public",
    "kube-node-lease",
    "default",
    "amazon-cloudwatch",
    "external-dns",
    "external-secrets",
    "tigera-operator",
    "calico-system",
    "calico-apiserver",
    "kyverno",
];

/// Whether `namespace` is one of [`SYSTEM_NAMESPACES`].
pub fn is_system_namespace(namespace: &str) -> bool {
    SYSTEM_NAMESPACES.contains(&namespace)
}
