//! The shape of the generated table of the charts' pods ([`super::chart_requests`]), which [`super::reserved`]
//! reads. A leaf: the table and its reader both import it, and not each other.

/// The pods one pinned chart runs with our values at one Kubernetes version.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ChartPods {
    pub release: &'static str,
    pub chart_version: &'static str,
    pub kubernetes: &'static str,
    pub workloads: &'static [ChartWorkload],
}

/// A Deployment, StatefulSet or DaemonSet of a chart's render.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ChartWorkload {
    pub name: &'static str,
    /// `None` for a DaemonSet (one pod per node it selects).
    pub replicas: Option<u32>,
    /// Its `workload` node selector: the node group class it runs on.
    pub workload: Option<&'static str>,
    /// Per pod, what the scheduler counts (the larger of the containers' sum and the largest init container).
    pub cpu_m: u64,
    pub memory_mib: u64,
}
