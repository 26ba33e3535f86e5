//! The alarms every platform gets, as data: rendered by the infra stage (observability) and counted by the cost
//! estimate (`Checked::alarms`). [`ALARMS`] watch the cluster (dimension `ClusterName`); [`ARCHIVE_ALARMS`] watch
//! each Firehose stream of the audit log archive (dimension `DeliveryStreamName`), so a stopped audit pipeline is
//! detected (PCI DSS 10.7.2).

/// What a period without datapoints means.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Missing {
    /// The metric is published all the time while what it watches works (the CloudWatch agent publishes the
    /// cluster's node metrics every minute; a busy audit log group feeds its stream continuously): no data is
    /// itself the failure, a dead agent or a stopped stream. The alarm goes to INSUFFICIENT_DATA and notifies
    /// (`insufficient_data_actions`).
    Failure,
    /// The metric is published only when something happens (5XX answers, a delivery of a log group that may stay
    /// quiet): no data is not breaching.
    NothingHappened,
    /// The metric is published only for what exists (pods): no data leaves INSUFFICIENT_DATA, visible, not paged.
    Unknown,
}

impl Missing {
    /// The `treat_missing_data` of the alarm.
    pub fn treat_missing_data(self) -> &'static str {
        match self {
            Missing::Failure | Missing::Unknown => "missing",
            Missing::NothingHappened => "notBreaching",
        }
    }

    /// Whether entering INSUFFICIENT_DATA notifies.
    pub fn notifies(self) -> bool {
        self == Missing::Failure
    }
}

/// One alarm: resource name, namespace, metric, statistic, comparison with the threshold, evaluation periods of
/// five minutes, what missing data means, what it says.
pub struct AlarmSpec {
    pub key: &'static str,
    pub namespace: &'static str,
    pub metric: &'static str,
    pub statistic: &'static str,
    pub comparison: &'static str,
    pub threshold: f64,
    pub periods: u32,
    pub missing: Missing,
    pub description: &'static str,
}

pub const ALARMS: &[AlarmSpec] = &[
    AlarmSpec {
        key: "failed_nodes",
        namespace: "ContainerInsights",
        metric: "cluster_failed_node_count",
        statistic: "Maximum",
        comparison: "GreaterThanThreshold",
        threshold: 0.0,
        periods: 2,
        missing: Missing::Failure,
        description: "At least one node has failed (NotReady or unreachable) for 10 minutes",
    },
    AlarmSpec {
        key: "node_cpu",
        namespace: "ContainerInsights",
        metric: "node_cpu_utilization",
        statistic: "Average",
        comparison: "GreaterThanThreshold",
        threshold: 80.0,
        periods: 3,
        missing: Missing::Failure,
        description:
            "Average node CPU above 80% for 15 minutes: the autoscaler is not keeping up or max_size is reached",
    },
    AlarmSpec {
        key: "node_memory",
        namespace: "ContainerInsights",
        metric: "node_memory_utilization",
        statistic: "Average",
        comparison: "GreaterThanThreshold",
        threshold: 80.0,
        periods: 3,
        missing: Missing::Failure,
        description: "Average node memory above 80% for 15 minutes",
    },
    AlarmSpec {
        key: "container_restarts",
        namespace: "ContainerInsights",
        metric: "pod_number_of_container_restarts",
        statistic: "Maximum",
        comparison: "GreaterThanThreshold",
        threshold: 5.0,
        periods: 1,
        missing: Missing::Unknown,
        description: "A pod restarted its containers more than 5 times: crash loop",
    },
    AlarmSpec {
        key: "apiserver_5xx",
        namespace: "AWS/EKS",
        metric: "apiserver_request_total_5XX",
        statistic: "Sum",
        comparison: "GreaterThanThreshold",
        threshold: 10.0,
        periods: 2,
        missing: Missing::NothingHappened,
        description: "The Kubernetes API server answered more than 10 requests with 5XX in 5 minutes, twice",
    },
];

/// Seconds Firehose buffers the archive streams before it writes an object (render/infra/archive.rs).
pub const ARCHIVE_BUFFERING_SECONDS: u32 = 300;

/// The alarms of one archive stream (`AWS/Firehose`, dimension `DeliveryStreamName`; metric names from the Amazon
/// Data Firehose Developer Guide, "Monitor Amazon Data Firehose with CloudWatch metrics", data delivery metrics).
/// `key` is the suffix of the stream's alarm names. The delivery alarm's `missing` holds for a log group that is
/// never quiet (the control plane's audit log, the flow logs); a quiet one (Session Manager) has no delivery when
/// no session runs, so the renderer treats its missing data as [`Missing::NothingHappened`].
pub const ARCHIVE_ALARMS: &[AlarmSpec] = &[
    AlarmSpec {
        key: "delivery",
        namespace: "AWS/Firehose",
        // Successful S3 puts over all S3 puts of the period: below 1, a put failed (the bucket policy, the key).
        metric: "DeliveryToS3.Success",
        statistic: "Minimum",
        comparison: "LessThanThreshold",
        threshold: 1.0,
        periods: 3,
        missing: Missing::Failure,
        description: "The audit log archive stream failed to write to S3, or delivered nothing, for 15 minutes",
    },
    AlarmSpec {
        key: "freshness",
        namespace: "AWS/Firehose",
        // The age of the oldest record not yet in S3. The guide's alarm best practices set it at the buffering
        // limit; three buffer intervals leave room for one slow put.
        metric: "DeliveryToS3.DataFreshness",
        statistic: "Maximum",
        comparison: "GreaterThanThreshold",
        threshold: (3 * ARCHIVE_BUFFERING_SECONDS) as f64,
        periods: 1,
        // No records in the stream, nothing to be late: the delivery alarm catches a stream that stopped.
        missing: Missing::NothingHappened,
        description: "Audit log records waited more than 15 minutes for the archive: delivery to S3 is falling behind",
    },
];
