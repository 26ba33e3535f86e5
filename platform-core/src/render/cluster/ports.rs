//! Ports of the pods that run on the host network.
//!
//! With Calico's VXLAN overlay the EKS control plane (outside the overlay) cannot reach pod IPs, so every admission
//! webhook the API server calls must listen on the node's address: the load balancer controller, the
//! external-secrets webhook and the Kyverno admission controller run with `hostNetwork: true`. They share the
//! critical nodes, so each listener (webhook, metrics, health) needs its own port, and none may take a port the
//! node already serves.
//!
//! The listeners are those of every pinned chart version (`catalog::charts`): aws-load-balancer-controller 3.5.0
//! (`--webhook-bind-port` 9443, `--metrics-bind-addr` :8080, `--health-probe-bind-addr` default :61779 in
//! controller v3.5.0 `pkg/config/runtime_config.go`); external-secrets 0.13.0–2.8.0 webhook (`--port`,
//! `--metrics-addr`, `--healthz-addr` from the values set here); Kyverno charts 3.3.9, 3.7.2 and 3.9.0 admission
//! controller (`--webhookServerPort`, `--metricsPort` from `admissionController.metering.port`, default 8000;
//! profiling off by default).

/// One listener of a host-network pod.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HostPort {
    pub release: &'static str,
    pub purpose: &'static str,
    pub port: u16,
}

/// aws-load-balancer-controller webhook (chart default, kept).
pub const LOAD_BALANCER_WEBHOOK: u16 = 9443;
/// external-secrets webhook (chart default 10250 collides with the kubelet).
pub const EXTERNAL_SECRETS_WEBHOOK: u16 = 10260;
pub const EXTERNAL_SECRETS_METRICS: u16 = 10261;
pub const EXTERNAL_SECRETS_HEALTH: u16 = 10262;
/// Kyverno admission controller webhook (chart default 9443 collides with the load balancer controller).
pub const KYVERNO_WEBHOOK: u16 = 10270;

/// Every host-network listener the platform's charts open.
pub const HOST_PORTS: &[HostPort] = &[
    HostPort { release: "aws-load-balancer-controller", purpose: "webhook", port: LOAD_BALANCER_WEBHOOK },
    HostPort { release: "aws-load-balancer-controller", purpose: "metrics (chart default)", port: 8080 },
    HostPort { release: "aws-load-balancer-controller", purpose: "health (chart default)", port: 61779 },
    HostPort { release: "external-secrets", purpose: "webhook", port: EXTERNAL_SECRETS_WEBHOOK },
    HostPort { release: "external-secrets", purpose: "webhook metrics", port: EXTERNAL_SECRETS_METRICS },
    HostPort { release: "external-secrets", purpose: "webhook health", port: EXTERNAL_SECRETS_HEALTH },
    HostPort { release: "kyverno", purpose: "admission webhook", port: KYVERNO_WEBHOOK },
    HostPort { release: "kyverno", purpose: "metrics (chart default)", port: 8000 },
];

/// Ports the node itself, kube-proxy, Calico and the EBS CSI node plugin listen on.
pub const NODE_PORTS: &[(u16, &str)] = &[
    (10250, "kubelet"),
    (10248, "kubelet healthz"),
    (10249, "kube-proxy metrics"),
    (10256, "kube-proxy health"),
    (9099, "calico-node felix health"),
    (9098, "calico-typha health"),
    (5473, "calico-typha"),
    (9808, "ebs-csi-node health"),
];

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeSet;

    #[test]
    fn host_ports_are_distinct_and_leave_the_node_ports_alone() {
        let ports: BTreeSet<u16> = HOST_PORTS.iter().map(|p| p.port).collect();
        assert_eq!(ports.len(), HOST_PORTS.len(), "two host-network listeners share a port");
        for (port, what) in NODE_PORTS {
            assert!(!ports.contains(port), "{port} is taken by {what}");
        }
    }
}
