//! Ports of the pods that run on the host network.
//!
//! With Calico's VXLAN overlay the EKS control plane (outside the overlay) cannot reach pod IPs, so every admission
//! webhook the API server calls must listen on the node's address: the load balancer controller, the
//! external-secrets webhook and the Kyverno admission controller run with `hostNetwork: true`. They share the
//! critical nodes, so each listener (webhook, metrics, health) needs its own port, and none may take a port the
//! node already serves.
//!
//! Which ports each chart actually opens is not written here: it is derived by rendering every pinned chart with
//! our values (`tests/upstream/behaviour/`, from `scripts/upstream-facts/behaviour.sh`: declared ports, probes,
//! rendered arguments and the binaries' flag defaults), and `tests/tests/behaviour.rs` holds these constants and
//! [`NODE_PORTS`] to those facts on every carried Kubernetes version.

/// aws-load-balancer-controller webhook (chart default, kept).
pub const LOAD_BALANCER_WEBHOOK: u16 = 9443;
/// external-secrets webhook (chart default 10250 collides with the kubelet).
pub const EXTERNAL_SECRETS_WEBHOOK: u16 = 10260;
pub const EXTERNAL_SECRETS_METRICS: u16 = 10261;
pub const EXTERNAL_SECRETS_HEALTH: u16 = 10262;
/// Kyverno admission controller webhook (chart default 9443 collides with the load balancer controller).
pub const KYVERNO_WEBHOOK: u16 = 10270;
/// Kyverno's controller-runtime metrics (Kyverno 1.17+; chart default `:8080` collides with the load balancer
/// controller's metrics).
pub const KYVERNO_CONTROLLER_RUNTIME_METRICS: u16 = 10271;

/// Ports the node's own network already serves: the kubelet, kube-proxy and Calico (TCP).
pub const NODE_PORTS: &[(u16, &str)] = &[
    // kubernetes/kubernetes pkg/cluster/ports/ports.go: KubeletPort, KubeletHealthzPort (kubelet `--port`,
    // `--healthz-port` defaults), ProxyStatusPort, ProxyHealthzPort (kube-proxy metrics and healthz).
    (10250, "kubelet"),
    (10248, "kubelet healthz"),
    (10249, "kube-proxy metrics"),
    (10256, "kube-proxy health"),
    // projectcalico/calico felix/config/config_params.go HealthPort 9099, typha/pkg/config/config_params.go
    // HealthPort 9098 (v3.30.7); tigera/operator pkg/render/typha.go TyphaPort 5473 (v1.38.13). calico-node and
    // typha run on the host network.
    (9099, "calico-node felix health"),
    (9098, "calico-typha health"),
    (5473, "calico-typha"),
    // kubernetes-sigs/aws-ebs-csi-driver charts/aws-ebs-csi-driver templates/_node.tpl containerPort 9808
    // (helm-chart-aws-ebs-csi-driver-2.64.0): in the pod's network while `node.hostNetwork` is false (its
    // default); reserved so that turning it on cannot collide.
    (9808, "ebs-csi-node health"),
];
