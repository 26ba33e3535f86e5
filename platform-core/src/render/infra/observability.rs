//! Cluster health alarms to a KMS-encrypted SNS topic (the logs key's policy lets CloudWatch use it).
//!
//! Container Insights metrics (`ContainerInsights` namespace, published by the amazon-cloudwatch-observability
//! addon) with the `ClusterName` dimension: failed nodes, node CPU and memory, container restarts; and the EKS
//! control-plane metric `apiserver_request_total_5XX` (`AWS/EKS` namespace, vended by EKS from Kubernetes 1.28
//! on). The agent publishes the node metrics every minute, so their absence means the agent (or every node) is
//! gone: those alarms notify on INSUFFICIENT_DATA too. A missing 5XX datapoint means no errors.
//!
//! The audit pipeline (PCI DSS 10.7.2): each Firehose stream of the log archive alarms when its S3 puts fail,
//! when records wait too long, and, for a log group that is never quiet, when it delivers nothing.

use serde_json::{json, Value};

use super::{archive, refs};
use crate::alarms::{AlarmSpec, Missing, ALARMS, ARCHIVE_ALARMS};
use crate::render::context::Context;
use crate::render::tf_json::{Document, Ref};

/// One five-minute alarm of `spec` on the metric with `dimensions`, notifying `topic`.
fn alarm(spec: &AlarmSpec, missing: Missing, name: &str, dimensions: Value, topic: &Ref) -> Value {
    let mut body = json!({
        "alarm_name": name,
        "alarm_description": spec.description,
        "namespace": spec.namespace,
        "metric_name": spec.metric,
        "dimensions": dimensions,
        "statistic": spec.statistic,
        "period": 300,
        "evaluation_periods": spec.periods,
        "comparison_operator": spec.comparison,
        "threshold": spec.threshold,
        "treat_missing_data": missing.treat_missing_data(),
        "alarm_actions": [topic.attr("arn")],
        "ok_actions": [topic.attr("arn")],
        "tags": { "Name": name },
    });
    if missing.notifies() {
        body["insufficient_data_actions"] = json!([topic.attr("arn")]);
    }
    body
}

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
        let dimensions = json!({ "ClusterName": refs::cluster().attr("name") });
        doc.resource("aws_cloudwatch_metric_alarm", a.key, alarm(a, a.missing, &name, dimensions, &topic));
    }
    for source in archive::sources(ctx) {
        let stream = archive::stream(&source);
        for a in ARCHIVE_ALARMS {
            let key = format!("log_archive_{}_{}", source.key, a.key);
            let name = n.name("alarm", &key.replace('_', "-"));
            let missing = if source.quiet { Missing::NothingHappened } else { a.missing };
            let dimensions = json!({ "DeliveryStreamName": stream.attr("name") });
            doc.resource("aws_cloudwatch_metric_alarm", &key, alarm(a, missing, &name, dimensions, &topic));
        }
    }
}
