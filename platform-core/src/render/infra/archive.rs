//! The 12-month archive of the control-plane logs (PCI DSS v4.0 10.5.1: audit log history kept at least 12
//! months, the latest three immediately available). CloudWatch Logs keeps `log_retention_days` at hand; a
//! subscription filter streams every event through Kinesis Data Firehose into an S3 bucket that keeps it
//! `log_archive_days`:
//!
//! - bucket: KMS-encrypted with the logs key (S3 Bucket Key on), versioned, public access blocked, TLS-only
//!   bucket policy, lifecycle moving objects to Glacier Flexible Retrieval after 90 days (they are in
//!   CloudWatch until then) and expiring them after `log_archive_days`. `force_destroy` stays on so that the
//!   platform remains destroyable (the requirements); an organisation that needs WORM adds Object Lock on top.
//! - Firehose writes to it with its own role (S3 and the logs key only, trust pinned to this account); CloudWatch
//!   Logs puts into Firehose with another role (trust pinned to this account's log groups). Events arrive
//!   gzip-compressed from CloudWatch Logs, so Firehose stores them as they are.

use serde_json::json;

use super::iam::{self, Statement};
use super::logs::cluster_log_group_name;
use super::{refs, Context};
use crate::render::terraform::{Document, Ref};

/// Objects leave S3 Standard for Glacier Flexible Retrieval after this many days.
pub(crate) const GLACIER_AFTER_DAYS: u32 = 90;

pub(crate) fn bucket() -> Ref {
    Ref::resource("aws_s3_bucket", "log_archive")
}

pub(crate) fn stream() -> Ref {
    Ref::resource("aws_kinesis_firehose_delivery_stream", "log_archive")
}

/// `s3-<platform>-log-archive-<account>-<suffix>`: bucket names are global, so the account id is part of it.
pub(crate) fn bucket_name(ctx: &Context) -> String {
    ctx.names.s3_bucket("log-archive", &iam::account())
}

pub(super) fn render(ctx: &Context, doc: &mut Document) {
    let days = ctx.platform.cluster.log_archive_days;
    let bucket = doc.resource_at(&bucket(), json!({ "bucket": bucket_name(ctx), "force_destroy": true }));
    let id = bucket.attr("id");
    doc.resource(
        "aws_s3_bucket_public_access_block",
        "log_archive",
        json!({
            "bucket": id, "block_public_acls": true, "block_public_policy": true,
            "ignore_public_acls": true, "restrict_public_buckets": true,
        }),
    );
    doc.resource(
        "aws_s3_bucket_versioning",
        "log_archive",
        json!({ "bucket": id, "versioning_configuration": { "status": "Enabled" } }),
    );
    doc.resource(
        "aws_s3_bucket_server_side_encryption_configuration",
        "log_archive",
        json!({
            "bucket": id,
            "rule": [{
                "bucket_key_enabled": true,
                "apply_server_side_encryption_by_default": {
                    "sse_algorithm": "aws:kms", "kms_master_key_id": refs::logs_key().attr("arn"),
                },
            }],
        }),
    );
    doc.resource(
        "aws_s3_bucket_lifecycle_configuration",
        "log_archive",
        json!({
            "bucket": id,
            "rule": [{
                "id": "archive-control-plane-logs",
                "status": "Enabled",
                "filter": {},
                "transition": [{ "days": GLACIER_AFTER_DAYS, "storage_class": "GLACIER" }],
                "expiration": { "days": days },
                "noncurrent_version_expiration": { "noncurrent_days": 30 },
                "abort_incomplete_multipart_upload": { "days_after_initiation": 7 },
            }],
        }),
    );
    let tls_only = doc.data(
        "aws_iam_policy_document",
        "log_archive_bucket",
        json!({ "statement": [{
            "sid": "DenyInsecureTransport",
            "effect": "Deny",
            "actions": ["s3:*"],
            "resources": [bucket.attr("arn"), format!("{}/*", bucket.attr("arn"))],
            "principals": [{ "type": "*", "identifiers": ["*"] }],
            "condition": [{ "test": "Bool", "variable": "aws:SecureTransport", "values": ["false"] }],
        }] }),
    );
    doc.resource("aws_s3_bucket_policy", "log_archive", json!({ "bucket": id, "policy": tls_only.attr("json") }));

    let firehose_role = delivery_role(ctx, doc, &bucket);
    let stream = doc.resource_at(
        &stream(),
        json!({
            "name": ctx.names.name("firehose", "log-archive"),
            "destination": "extended_s3",
            "server_side_encryption": { "enabled": true, "key_type": "AWS_OWNED_CMK" },
            "extended_s3_configuration": {
                "role_arn": firehose_role.attr("arn"),
                "bucket_arn": bucket.attr("arn"),
                "kms_key_arn": refs::logs_key().attr("arn"),
                "prefix": "eks-control-plane/",
                "error_output_prefix": "errors/",
                "compression_format": "UNCOMPRESSED",
                "buffering_interval": 300,
                "buffering_size": 5,
            },
            "depends_on": ["aws_iam_role_policy.log_archive_delivery"],
        }),
    );
    let subscription_role = subscription_role(ctx, doc, &stream);
    doc.resource(
        "aws_cloudwatch_log_subscription_filter",
        "log_archive",
        json!({
            "name": ctx.names.name("subscription", "log-archive"),
            "log_group_name": cluster_log_group_name(&ctx.names.cluster()),
            "filter_pattern": "",
            "destination_arn": stream.attr("arn"),
            "role_arn": subscription_role.attr("arn"),
            "depends_on": [refs::cluster_log_group().address(), "aws_iam_role_policy.log_archive_subscription"],
        }),
    );
}

/// Firehose's role: write objects to the bucket with the logs key, nothing else.
fn delivery_role(ctx: &Context, doc: &mut Document, bucket: &Ref) -> Ref {
    iam::service_role(
        ctx,
        doc,
        "log_archive_delivery",
        "log-archive-delivery",
        "Firehose delivery of the control-plane log archive to S3",
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
                .resources(&[bucket.attr("arn"), format!("{}/*", bucket.attr("arn"))]),
            Statement::allow("EncryptArchive")
                .actions(&["kms:GenerateDataKey", "kms:Decrypt"])
                .resources(&[refs::logs_key().attr("arn")])
                .condition("StringEquals", "kms:ViaService", &[format!("s3.{}.amazonaws.com", ctx.platform.region)]),
        ],
    )
}

/// CloudWatch Logs' role: put records into the stream, for this account's log groups only.
fn subscription_role(ctx: &Context, doc: &mut Document, stream: &Ref) -> Ref {
    iam::service_role(
        ctx,
        doc,
        "log_archive_subscription",
        "log-archive-subscription",
        "CloudWatch Logs subscription of the control-plane logs to the archive stream",
        Statement::allow("CloudWatchLogsOfThisAccount")
            .actions(&["sts:AssumeRole"])
            .principal("Service", &[format!("logs.{}.amazonaws.com", ctx.platform.region)])
            .condition("ArnLike", "aws:SourceArn", &[iam::arn(ctx, "logs", "*")]),
        &[Statement::allow("PutIntoArchiveStream")
            .actions(&["firehose:PutRecord", "firehose:PutRecordBatch"])
            .resources(&[stream.attr("arn")])],
    )
}
