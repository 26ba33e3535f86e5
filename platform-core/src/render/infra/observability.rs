//! Cluster health alarms to a KMS-encrypted SNS topic (the logs key's policy lets CloudWatch use it).
//!
//! Container Insights metrics (`ContainerInsights` namespace, published by the amazon-cloudwatch-observability
//! addon) with the `ClusterName` dimension: failed nodes, node CPU and memory, container restarts; and the EKS
//! control-plane metric `apiserver_request_total_5XX` (`AWS/EKS` namespace, vended by EKS from Kubernetes 1.28
//! on). Missing Container Insights data leaves an alarm in INSUFFICIENT_DATA (visible, not paged): it is normal
//! until the addon runs. A missing 5XX datapoint means no errors.

use serde_json::json;

use super::{refs, Context};
use crate::render::terraform::Document;

/// One alarm: (resource name, namespace, metric, statistic, threshold, evaluation periods, missing data, what).
pub(crate) struct AlarmSpec {
    pub key: &'static str,
    pub namespace: &'static str,
    pub metric: &'static str,
    pub statistic: &'static str,
    pub threshold: f64,
    pub periods: u32,
    pub missing: &'static str,
    pub description: &'static str,
}

pub(crate) const ALARMS: &[AlarmSpec] = &[
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

pub(super) fn render(ctx: &Context, doc: &mut Document) {
    let n = &ctx.names;
    let topic = doc.resource_at(
        &refs::alarm_topic(),
        json!({
            "name": n.name("sns", "alarms"),
            "kms_master_key_id": refs::logs_key().attr("arn"),
            "tags": { "Name": n.name("sns", "alarms") },
        }),
    );
    for a in ALARMS {
        let name = n.name("alarm", &a.key.replace('_', "-"));
        doc.resource(
            "aws_cloudwatch_metric_alarm",
            a.key,
            json!({
                "alarm_name": name,
                "alarm_description": a.description,
                "namespace": a.namespace,
                "metric_name": a.metric,
                "dimensions": { "ClusterName": refs::cluster().attr("name") },
                "statistic": a.statistic,
                "period": 300,
                "evaluation_periods": a.periods,
                "comparison_operator": "GreaterThanThreshold",
                "threshold": a.threshold,
                "treat_missing_data": a.missing,
                "alarm_actions": [topic.attr("arn")],
                "ok_actions": [topic.attr("arn")],
                "tags": { "Name": name },
            }),
        );
    }
}
