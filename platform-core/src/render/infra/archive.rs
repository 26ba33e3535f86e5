//! The 12-month archive of every audit log (PCI DSS v4.0 10.5.1: audit log history kept at least 12 months, the
//! latest three immediately available). CloudWatch Logs keeps `log_retention_days` at hand; one subscription
//! filter per audit log group (EKS control plane, VPC flow logs, Session Manager transcripts) streams every event
//! through its own Kinesis Data Firehose stream into one S3 bucket, under one prefix per source, that keeps it
//! `log_archive_days`. One stream per source keeps each source's objects apart (an auditor reads one prefix);
//! streams cost nothing but the data they carry. A log group takes at most two subscription filters
//! (CloudWatch Logs API reference, PutSubscriptionFilter), so one is left for the organisation's SIEM.
//!
//! - bucket: KMS-encrypted with the logs key (S3 Bucket Key on), versioned, public access blocked, TLS-only
//!   bucket policy, lifecycle moving objects to Glacier Flexible Retrieval after 90 days (they are in
//!   CloudWatch until then) and expiring them after `log_archive_days`.
//! - retained (every environment not listed in `log_archive_destroyable_in`, rule `logging/archive-retention`):
//!   the bucket policy denies `s3:DeleteObject` and `s3:DeleteObjectVersion` to every principal, so an archived
//!   log can be neither removed nor hidden behind a delete marker, and an overwrite keeps the old version
//!   (versioning). Lifecycle expiry is not such a request: S3 runs it on its own internal endpoints (S3 User
//!   Guide, "Lifecycle and other bucket configurations"). The S3 API reference (PutBucketLifecycleConfiguration)
//!   lists these two denies and `s3:PutLifecycleConfiguration` as the way to stop deletions; the third is left
//!   out because Terraform itself rewrites the lifecycle when `log_archive_days` changes, so an administrator
//!   holding `s3:PutLifecycleConfiguration` or `s3:PutBucketPolicy` can still shorten the archive, a management
//!   event CloudTrail records. `force_destroy` is off and `prevent_destroy` guards the bucket and the logs key (the
//!   archive is unreadable once its key is deleted), so `terraform destroy` refuses.
//! - destroyable (the listed, non-production environments): no deny, `force_destroy` on, so the environment
//!   is destroyed whole, as the requirements ask.
//! - Firehose writes to it with its own role (S3 and the logs key only, trust pinned to this account); CloudWatch
//!   Logs puts into the streams with another role (trust pinned to this account's log groups). Events arrive
//!   gzip-compressed from CloudWatch Logs, so Firehose stores them as they are.
//!
//! S3 Object Lock is not used: Firehose's uploads into a bucket with a default retention need a Content-MD5 or
//! checksum header (S3 PutObject reference), which could not be confirmed for Firehose offline, and Object Lock,
//! once enabled, cannot be disabled on a bucket.

use serde_json::{json, Value};

use super::iam::{self, Statement};
use super::{logs, refs, Context};
use crate::alarms::ARCHIVE_BUFFERING_SECONDS;
use crate::naming::label;
use crate::render::terraform::{Document, Ref};

/// Objects leave S3 Standard for Glacier Flexible Retrieval after this many days.
pub(crate) const GLACIER_AFTER_DAYS: u32 = 90;

pub(crate) fn bucket_ref() -> Ref {
    Ref::resource("aws_s3_bucket", "log_archive")
}

/// The Container Insights groups (`logs::CONTAINER_INSIGHTS`) with their source keys and prefixes; keys no longer
/// than `flow_logs`, so the stream name the naming check measures stays the longest.
const CONTAINER_INSIGHTS: [(&str, &str, &str); 4] = [
    ("application", "ci_app", "container-insights/application/"),
    ("dataplane", "ci_data", "container-insights/dataplane/"),
    ("host", "ci_host", "container-insights/host/"),
    ("performance", "ci_perf", "container-insights/performance/"),
];

/// One audit log group streamed into the archive.
pub(crate) struct Source {
    /// The Terraform name suffix of its stream and filter (`log_archive_<key>`).
    pub key: &'static str,
    /// The log group.
    pub group: Ref,
    /// The S3 prefix its objects land under.
    pub prefix: &'static str,
    /// Whether the group may go without events for long: the API server's audit log (leases, controllers) and the
    /// flow logs (60-second aggregation of a VPC with NAT gateways and nodes) never are; Session Manager's is
    /// when nobody is on a node. A stream of a busy group that delivers nothing has stopped (observability).
    pub quiet: bool,
}

/// Every audit log group of the platform: the control plane, the VPC flow logs (when on), Session Manager, and the
/// Container Insights groups of the CloudWatch addon (container stdout of tenants and system pods, node syslogs
/// with `/var/log/secure`, kubelet/containerd logs, performance events; see `logs`).
pub(crate) fn sources(ctx: &Context) -> Vec<Source> {
    let mut all =
        vec![Source { key: "eks", group: refs::cluster_log_group(), prefix: "eks-control-plane/", quiet: false }];
    if ctx.platform.vpc.flow_logs {
        all.push(Source { key: "flow_logs", group: refs::flow_log_group(), prefix: "vpc-flow-logs/", quiet: false });
    }
    all.push(Source { key: "sessions", group: refs::session_log_group(), prefix: "ssm-sessions/", quiet: true });
    if logs::has_container_insights(ctx) {
        // Never quiet: every node's kubelet, host and performance records, and the controllers' own stdout, flow
        // all the time, so a stream that delivers nothing means Fluent Bit or the agent stopped.
        for (kind, key, prefix) in CONTAINER_INSIGHTS {
            all.push(Source { key, group: refs::container_insights_log_group(kind), prefix, quiet: false });
        }
    }
    all
}

/// The Firehose stream of one source.
pub(crate) fn stream(source: &Source) -> Ref {
    Ref::resource("aws_kinesis_firehose_delivery_stream", &format!("log_archive_{}", source.key))
}

/// `s3-<platform>-log-archive-<account>-<suffix>`: bucket names are global, so the account id is part of it.
pub(crate) fn bucket_name(ctx: &Context) -> String {
    ctx.names.s3_bucket("log-archive", &iam::account().to_string())
}

/// Whether this environment retains its archive: it is not listed in `log_archive_destroyable_in`.
pub(crate) fn retained(ctx: &Context) -> bool {
    !ctx.platform.cluster.archive_destroyable(ctx.names.suffix())
}

/// Adds `prevent_destroy` to what a retained archive cannot lose: its bucket, and the logs key that encrypts it.
pub(crate) fn protect(ctx: &Context, body: &mut Value) {
    if retained(ctx) {
        body["lifecycle"] = json!({ "prevent_destroy": true });
    }
}

pub(super) fn render(ctx: &Context, doc: &mut Document) {
    let days = ctx.platform.cluster.log_archive_days;
    let mut bucket = json!({ "bucket": bucket_name(ctx), "force_destroy": !retained(ctx) });
    protect(ctx, &mut bucket);
    let bucket = doc.resource_at(&bucket_ref(), bucket);
    let id = bucket.attr("id");
    crate::render::s3::private_versioned_encrypted(doc, "log_archive", id.clone(), refs::logs_key().attr("arn"));
    doc.resource(
        "aws_s3_bucket_lifecycle_configuration",
        "log_archive",
        json!({
            "bucket": id,
            "rule": [{
                "id": "archive-audit-logs",
                "status": "Enabled",
                "filter": {},
                "transition": [{ "days": GLACIER_AFTER_DAYS, "storage_class": "GLACIER" }],
                "expiration": { "days": days },
                "noncurrent_version_expiration": { "noncurrent_days": 30 },
                "abort_incomplete_multipart_upload": { "days_after_initiation": 7 },
            }],
        }),
    );
    let (arn, objects) = (bucket.attr("arn"), format!("{}/*", bucket.attr("arn")));
    let mut statements = vec![json!({
        "sid": "DenyInsecureTransport",
        "effect": "Deny",
        "actions": ["s3:*"],
        "resources": [arn, objects],
        "principals": [{ "type": "*", "identifiers": ["*"] }],
        "condition": [{ "test": "Bool", "variable": "aws:SecureTransport", "values": ["false"] }],
    })];
    if retained(ctx) {
        statements.push(json!({
            "sid": "DenyDeletingArchivedLogs",
            "effect": "Deny",
            "actions": ["s3:DeleteObject", "s3:DeleteObjectVersion"],
            "resources": [objects],
            "principals": [{ "type": "*", "identifiers": ["*"] }],
        }));
    }
    let policy = doc.data("aws_iam_policy_document", "log_archive_bucket", json!({ "statement": statements }));
    doc.resource("aws_s3_bucket_policy", "log_archive", json!({ "bucket": id, "policy": policy.attr("json") }));

    let firehose_role = delivery_role(ctx, doc, &bucket);
    let sources = sources(ctx);
    let streams: Vec<Ref> = sources
        .iter()
        .map(|source| {
            doc.resource_at(
                &stream(source),
                json!({
                    "name": ctx.names.name("firehose", &format!("log-archive-{}", label(source.key))),
                    "destination": "extended_s3",
                    "server_side_encryption": { "enabled": true, "key_type": "AWS_OWNED_CMK" },
                    "extended_s3_configuration": {
                        "role_arn": firehose_role.attr("arn"),
                        "bucket_arn": bucket.attr("arn"),
                        "kms_key_arn": refs::logs_key().attr("arn"),
                        "prefix": source.prefix,
                        "error_output_prefix": format!("errors/{}", source.prefix),
                        "compression_format": "UNCOMPRESSED",
                        "buffering_interval": ARCHIVE_BUFFERING_SECONDS,
                        "buffering_size": 5,
                    },
                    "depends_on": ["aws_iam_role_policy.log_archive_delivery"],
                }),
            )
        })
        .collect();
    let subscription_role = subscription_role(ctx, doc, &streams);
    for (source, stream) in sources.iter().zip(&streams) {
        doc.resource(
            "aws_cloudwatch_log_subscription_filter",
            &format!("log_archive_{}", source.key),
            json!({
                "name": ctx.names.name("subscription", &format!("log-archive-{}", label(source.key))),
                "log_group_name": source.group.attr("name"),
                "filter_pattern": "",
                "destination_arn": stream.attr("arn"),
                "role_arn": subscription_role.attr("arn"),
                "depends_on": ["aws_iam_role_policy.log_archive_subscription"],
            }),
        );
    }
}

/// Firehose's role: write objects to the bucket with the logs key, nothing else.
fn delivery_role(ctx: &Context, doc: &mut Document, bucket: &Ref) -> Ref {
    iam::service_role(
        ctx,
        doc,
        "log_archive_delivery",
        "log-archive-delivery",
        "Firehose delivery of the audit log archive to S3",
        Statement::allow("FirehoseOfThisAccount")
            .actions(&["sts:AssumeRole"])
            .principal("Service", &[iam::service("firehose")])
            .condition("StringEquals", "sts:ExternalId", &[iam::account()]),
        &[
            Statement::allow("WriteArchive")
                .actions(&[
                    "s3:AbortMultipartUpload",
                    "s3:GetBucketLocation",
                    "s3:ListBucket",
                    "s3:ListBucketMultipartUploads",
                    "s3:PutObject",
                ])
                .resources(&[bucket.attr("arn").to_string(), format!("{}/*", bucket.attr("arn"))]),
            Statement::allow("EncryptArchive")
                .actions(&["kms:GenerateDataKey", "kms:Decrypt"])
                .resources(&[refs::logs_key().attr("arn")])
                .condition("StringEquals", "kms:ViaService", &[format!("s3.{}.amazonaws.com", ctx.platform.region)]),
        ],
    )
}

/// CloudWatch Logs' role: put records into the archive streams, for this account's log groups only.
fn subscription_role(ctx: &Context, doc: &mut Document, streams: &[Ref]) -> Ref {
    iam::service_role(
        ctx,
        doc,
        "log_archive_subscription",
        "log-archive-subscription",
        "CloudWatch Logs subscription of the audit log groups to the archive streams",
        Statement::allow("CloudWatchLogsOfThisAccount")
            .actions(&["sts:AssumeRole"])
            .principal("Service", &[format!("logs.{}.amazonaws.com", ctx.platform.region)])
            .condition("ArnLike", "aws:SourceArn", &[iam::arn(ctx, "logs", "*")]),
        &[Statement::allow("PutIntoArchiveStream")
            .actions(&["firehose:PutRecord", "firehose:PutRecordBatch"])
            .resources(&streams.iter().map(|s| s.attr("arn")).collect::<Vec<_>>())],
    )
}

#[cfg(test)]
mod tests {
    #[test]
    fn every_container_insights_group_has_a_source() {
        let kinds: Vec<&str> = super::CONTAINER_INSIGHTS.iter().map(|(kind, _, _)| *kind).collect();
        assert_eq!(kinds, super::logs::CONTAINER_INSIGHTS);
        assert!(super::CONTAINER_INSIGHTS.iter().all(|(_, key, _)| key.len() <= "flow_logs".len()));
    }
}
