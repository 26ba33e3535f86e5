//! The cluster health alarms every platform gets, as data: rendered by the infra stage (observability) and
//! counted by the cost estimate.

/// One alarm: (resource name, namespace, metric, statistic, threshold, evaluation periods, missing data, what).
pub struct AlarmSpec {
    pub key: &'static str,
    pub namespace: &'static str,
    pub metric: &'static str,
    pub statistic: &'static str,
    pub threshold: f64,
    pub periods: u32,
    pub missing: &'static str,
    pub description: &'static str,
}

pub const ALARMS: &[AlarmSpec] = &[
    AlarmSpec {
        key: "failed_nodes",
        namespace: "ContainerInsights",
        metric: "cluster_failed_node_count",
        statistic: "Maximum",
        threshold: 0.0,
        periods: 2,
        missing: "missing",
        description: "At least one node has failed (NotReady or unreachable) for 10 minutes",
    },
    AlarmSpec {
        key: "node_cpu",
        namespace: "ContainerInsights",
        metric: "node_cpu_utilization",
        statistic: "Average",
        threshold: 80.0,
        periods: 3,
        missing: "missing",
        description:
            "Average node CPU above 80% for 15 minutes: the autoscaler is not keeping up or max_size is reached",
    },
    AlarmSpec {
        key: "node_memory",
        namespace: "ContainerInsights",
        metric: "node_memory_utilization",
        statistic: "Average",
        threshold: 80.0,
        periods: 3,
        missing: "missing",
        description: "Average node memory above 80% for 15 minutes",
    },
    AlarmSpec {
        key: "container_restarts",
        namespace: "ContainerInsights",
        metric: "pod_number_of_container_restarts",
        statistic: "Maximum",
        threshold: 5.0,
        periods: 1,
        missing: "missing",
        description: "A pod restarted its containers more than 5 times: crash loop",
    },
    AlarmSpec {
        key: "apiserver_5xx",
        namespace: "AWS/EKS",
        metric: "apiserver_request_total_5XX",
        statistic: "Sum",
        threshold: 10.0,
        periods: 2,
        missing: "notBreaching",
        description: "The Kubernetes API server answered more than 10 requests with 5XX in 5 minutes, twice",
    },
];
