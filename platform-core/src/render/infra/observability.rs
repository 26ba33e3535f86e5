//! Cluster health alarms to a KMS-encrypted SNS topic (the logs key's policy lets CloudWatch use it).
//!
//! Container Insights metrics (`ContainerInsights` namespace, published by the amazon-cloudwatch-observability
//! addon) with the `ClusterName` dimension: failed nodes, node CPU and memory, container restarts; and the EKS
//! control-plane metric `apiserver_request_total_5XX` (`AWS/EKS` namespace, vended by EKS from Kubernetes 1.28
//! on). Missing Container Insights data leaves an alarm in INSUFFICIENT_DATA (visible, not paged): it is normal
//! until the addon runs. A missing 5XX datapoint means no errors.

use serde_json::json;

use super::{refs, Context};
use crate::alarms::ALARMS;
use crate::render::terraform::Document;

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
