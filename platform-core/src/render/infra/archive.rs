//! The 12-month archive of every audit log (PCI DSS v4.0 10.5.1: audit log history kept at least 12 months, the
//! latest three immediately available). CloudWatch Logs keeps `log_retention_days` at hand; one subscription
//! filter per audit log group (EKS control plane, VPC flow logs, Session Manager transcripts) streams every event
//! through its own Kinesis Data Firehose stream into one S3 bucket, under one prefix per source, that keeps it
//! `log_archive_days`. One stream per source keeps each source's objects apart (an auditor reads one prefix);
//! streams cost nothing but the data they carry. A log group takes at most two subscription filters
//! (CloudWatch Logs API reference, PutSubscriptionFilter), so one is left for the organisation's SIEM.
//!
//! The bucket and its key live in a root of their own, `archive` (rendered by [`render_root`], applied first by
//! `platform deploy`), so that every other root destroys cleanly in every environment; the infra root finds
//! them by their deterministic names (data sources `aws_s3_bucket` and `aws_kms_key`, like the cluster root
//! finds the infra root's cluster), and keeps the streams, filters and roles, which it destroys with the rest.
//!
//! - bucket: KMS-encrypted with the archive's own key (S3 Bucket Key on; 30-day deletion window, the KMS maximum),
//!   versioned, public access blocked, lifecycle moving objects to Glacier Flexible Retrieval after 90 days (they
//!   are in CloudWatch until then) and expiring them after `log_archive_days`; an overwritten log's original stays
//!   at least as long (Object Lock where retained, the noncurrent expiry otherwise). Its policy denies plain HTTP and
//!   `s3:PutObject` to every principal but the Firehose delivery role (`aws:PrincipalArn`, which names the role
//!   by ARN, so the infra root may destroy and re-create it).
//! - retained (every environment not listed in `log_archive_destroyable_in`, rule `logging/archive-retention`):
//!   S3 Object Lock in COMPLIANCE mode with a default retention of `log_archive_days` (S3 User Guide, "Object Lock":
//!   no user, root included, can delete or overwrite a locked version or shorten its retention), the policy also
//!   denies `s3:DeleteObject`/`s3:DeleteObjectVersion`, `force_destroy` off, `prevent_destroy` on the bucket
//!   and its key. `platform destroy` leaves the root alone and says so (the README says how it is removed once
//!   the retention has passed).
//! - destroyable (the listed, non-production environments): no Object Lock (once enabled it cannot be turned
//!   off), no delete deny, `force_destroy` on: `platform destroy` removes the root last.
//! - Firehose writes with its own role (S3 and the archive key only, trust pinned to this account); CloudWatch
//!   Logs puts into the streams with another role (trust pinned to this account's log groups). Events arrive
//!   gzip-compressed from CloudWatch Logs, so Firehose stores them as they are.
//!
//! Object Lock and Firehose: a PutObject into a bucket with a default retention must carry Content-MD5 or an
//! `x-amz-checksum-*` header (S3 API reference, PutObject; the error `Content-MD5 OR x-amz-checksum- HTTP header
//! is required for Put Object requests with Object Lock parameters` is reported by S3 clients that omit it, e.g.
//! apache/hadoop#7396, confluentinc/kafka-connect-storage-cloud#710). Whether Firehose's S3 writer sends one is
//! not stated in the Firehose developer guide ("Understand data delivery", S3 destination) and could not be
//! confirmed offline. A failing delivery is not silent: the streams' `DeliveryToS3.Success` alarms
//! (observability) fire; the first deployment of a retained environment is where to verify it.

use serde_json::{json, Value};

use super::iam::{self, Statement};
use super::{logs, refs};
use crate::alarms::ARCHIVE_BUFFERING_SECONDS;
use crate::naming::{archive_source, kms_key, label, ServiceRole};
use crate::render::context::Context;
use crate::render::tf_json::{Document, Ref};
use crate::render::version_constraints::{AWS_PROVIDER_CONSTRAINT, TERRAFORM_CONSTRAINT};

/// Objects leave S3 Standard for Glacier Flexible Retrieval after this many days.
pub(crate) const GLACIER_AFTER_DAYS: u32 = 90;

/// `data.aws_s3_bucket.log_archive`: the archive root's bucket, as the infra root finds it.
pub(crate) fn bucket_ref() -> Ref {
    Ref::data("aws_s3_bucket", "log_archive")
}

/// `data.aws_kms_key.log_archive`: the archive root's key, as the infra root finds it (by alias).
pub(crate) fn key_ref() -> Ref {
    Ref::data("aws_kms_key", "log_archive")
}

/// The archive key's alias (`alias/kms-<platform>-log-archive-<suffix>`).
fn key_alias(ctx: &Context) -> String {
    ctx.names.kms_alias(kms_key::LOG_ARCHIVE)
}

/// The Firehose delivery role's name, which the archive root's bucket policy names by ARN.
fn delivery_role_name(ctx: &Context) -> String {
    ctx.names.service_role(ServiceRole::LogArchiveDelivery)
}
/// The Container Insights groups (`logs::CONTAINER_INSIGHTS`) with their source keys and prefixes.
const CONTAINER_INSIGHTS: [(&str, &str, &str); 4] = [
    ("application", archive_source::CI_APP, "container-insights/application/"),
    ("dataplane", archive_source::CI_DATA, "container-insights/dataplane/"),
    ("host", archive_source::CI_HOST, "container-insights/host/"),
    ("performance", archive_source::CI_PERF, "container-insights/performance/"),
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
    let mut all = vec![Source {
        key: archive_source::EKS,
        group: refs::cluster_log_group(),
        prefix: "eks-control-plane/",
        quiet: false,
    }];
    if ctx.platform.vpc.flow_logs {
        all.push(Source {
            key: archive_source::FLOW_LOGS,
            group: refs::flow_log_group(),
            prefix: "vpc-flow-logs/",
            quiet: false,
        });
    }
    all.push(Source {
        key: archive_source::SESSIONS,
        group: refs::session_log_group(),
        prefix: "ssm-sessions/",
        quiet: true,
    });
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
    ctx.names.log_archive_bucket(&iam::account().to_string())
}

/// Whether this environment retains its archive: it is not listed in `log_archive_destroyable_in`.
pub(crate) fn retained(ctx: &Context) -> bool {
    !ctx.platform.cluster.archive_destroyable(ctx.names.suffix())
}

/// KMS maximum (`ScheduleKeyDeletion`, PendingWindowInDays 7 to 30, AWS KMS API reference): the archive is
/// unreadable once its key is gone.
pub(crate) const KEY_DELETION_WINDOW_DAYS: u32 = 30;

/// The archive root (`terraform/archive/main.tf.json`): the bucket and its key, nothing the infra root destroys.
pub fn render_root(checked: &crate::checked::Checked, suffix: &str) -> Document {
    let ctx = Context::new(checked, suffix);
    let ctx = &ctx;
    let mut doc = Document::default();
    let doc = &mut doc;
    doc.terraform("required_version", json!(TERRAFORM_CONSTRAINT));
    doc.terraform(
        "required_providers",
        json!({ "aws": { "source": "hashicorp/aws", "version": AWS_PROVIDER_CONSTRAINT } }),
    );
    let tags = crate::render::cost_tags(ctx.platform, &ctx.names);
    doc.provider("aws", json!({ "region": ctx.platform.region, "default_tags": { "tags": tags } }));
    doc.data_at(&refs::caller_identity(), json!({}));
    doc.data_at(&refs::partition(), json!({}));
    let retained = retained(ctx);
    let protect = |body: &mut Value| {
        if retained {
            body["lifecycle"] = json!({ "prevent_destroy": true });
        }
    };

    let key_policy = iam::policy_document(
        doc,
        "kms_log_archive",
        &[Statement::allow("AccountRootAdministers")
            .actions(&["kms:*"])
            .resources(&["*"])
            .principal("AWS", &[iam::account_root()])],
    );
    let mut key = json!({
        "description": format!("Audit log archive of platform {} ({})", ctx.platform.name, ctx.names.suffix()),
        "enable_key_rotation": ctx.platform.encryption.key_rotation,
        "deletion_window_in_days": KEY_DELETION_WINDOW_DAYS,
        "policy": key_policy.attr("json"),
        "tags": { "Name": ctx.names.name("kms", kms_key::LOG_ARCHIVE) },
    });
    protect(&mut key);
    let key = doc.resource("aws_kms_key", "log_archive", key);
    doc.resource(
        "aws_kms_alias",
        "log_archive",
        json!({ "name": key_alias(ctx), "target_key_id": key.attr("key_id") }),
    );

    let days = ctx.platform.cluster.log_archive_days;
    // An overwritten log's original must outlive its retention. Where the archive is retained, Object Lock holds
    // every version until its own retain-until date and a lifecycle rule cannot expire a locked version (S3 User
    // Guide, "Object Lock", managing lifecycle of locked objects), so a noncurrent version goes a day after its
    // lock ends (and a log the expiration turned noncurrent does not stay a second `days`). Without the lock,
    // the noncurrent version itself is kept `days`.
    let noncurrent_days = if retained { 1 } else { days };
    let mut bucket = json!({ "bucket": bucket_name(ctx), "force_destroy": !retained });
    if retained {
        // Only at creation (S3 User Guide, "Object Lock": enabling it on an existing bucket is a separate request
        // that needs versioning first); hashicorp/aws 5.100 `aws_s3_bucket.object_lock_enabled` forces a new bucket.
        bucket["object_lock_enabled"] = json!(true);
    }
    protect(&mut bucket);
    let bucket = doc.resource("aws_s3_bucket", "log_archive", bucket);
    let id = bucket.attr("id");
    crate::render::s3::private_versioned_encrypted(doc, "log_archive", id.clone(), key.attr("arn"));
    if retained {
        doc.resource(
            "aws_s3_bucket_object_lock_configuration",
            "log_archive",
            json!({
                "bucket": id,
                "object_lock_enabled": "Enabled",
                "rule": [{ "default_retention": [{ "mode": "COMPLIANCE", "days": days }] }],
                "depends_on": ["aws_s3_bucket_versioning.log_archive"],
            }),
        );
    }
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
                "noncurrent_version_expiration": { "noncurrent_days": noncurrent_days },
                "abort_incomplete_multipart_upload": { "days_after_initiation": 7 },
            }],
        }),
    );
    let objects = format!("{}/*", bucket.attr("arn"));
    let delivery_role = format!("arn:{}:iam::{}:role/{}", iam::partition(), iam::account(), delivery_role_name(ctx));
    let mut statements = vec![
        crate::render::s3::deny_insecure_transport(&bucket),
        json!({
            "sid": "OnlyTheDeliveryRoleWrites",
            "effect": "Deny",
            "actions": ["s3:PutObject"],
            "resources": [objects],
            "principals": [{ "type": "*", "identifiers": ["*"] }],
            "condition": [{ "test": "ArnNotEquals", "variable": "aws:PrincipalArn", "values": [delivery_role] }],
        }),
    ];
    if retained {
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
    doc.output("bucket", json!({ "value": id }));
    doc.output("kms_key_arn", json!({ "value": key.attr("arn") }));
    std::mem::take(doc)
}

/// The infra root's part: the bucket and key looked up by name, the streams, filters and roles.
pub(super) fn render(ctx: &Context, doc: &mut Document) {
    let bucket = doc.data_at(&bucket_ref(), json!({ "bucket": bucket_name(ctx) }));
    doc.data_at(&key_ref(), json!({ "key_id": key_alias(ctx) }));
    let firehose_role = delivery_role(ctx, doc, &bucket);
    let sources = sources(ctx);
    let streams: Vec<Ref> = sources
        .iter()
        .map(|source| {
            doc.resource_at(
                &stream(source),
                json!({
                    "name": ctx.names.log_archive_stream(source.key),
                    "destination": "extended_s3",
                    "server_side_encryption": { "enabled": true, "key_type": "AWS_OWNED_CMK" },
                    "extended_s3_configuration": {
                        "role_arn": firehose_role.attr("arn"),
                        "bucket_arn": bucket.attr("arn"),
                        "kms_key_arn": key_ref().attr("arn"),
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

/// Firehose's role: write objects to the bucket with the archive key, nothing else.
fn delivery_role(ctx: &Context, doc: &mut Document, bucket: &Ref) -> Ref {
    iam::service_role(
        ctx,
        doc,
        "log_archive_delivery",
        ServiceRole::LogArchiveDelivery,
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
                .resources(&[key_ref().attr("arn")])
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
        ServiceRole::LogArchiveSubscription,
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
    use serde_json::Value;

    use crate::render::{render, RenderOptions};

    /// Every Terraform root of the fixture for an environment suffix, by root name.
    fn roots(suffix: &str) -> std::collections::BTreeMap<String, Value> {
        let p = crate::fixture::platform();
        let checked = crate::check_platform(&p, "2024-06-01").unwrap();
        let options = RenderOptions { environment_suffix: suffix.into(), account_id: None };
        render(&checked, &options)
            .unwrap()
            .files
            .into_iter()
            .filter_map(|(path, bytes)| {
                let root = path.strip_prefix("terraform/")?.strip_suffix("/main.tf.json")?.to_owned();
                Some((root, serde_json::from_slice(&bytes).unwrap()))
            })
            .collect()
    }

    fn prevent_destroy(value: &Value) -> bool {
        match value {
            Value::Object(map) => map.iter().any(|(k, v)| k == "prevent_destroy" || prevent_destroy(v)),
            Value::Array(items) => items.iter().any(prevent_destroy),
            _ => false,
        }
    }

    /// `prod` keeps its archive (not in the fixture's `log_archive_destroyable_in`): Object Lock in COMPLIANCE
    /// mode for the declared days, the bucket and its key kept; `dev` gets none of it.
    #[test]
    fn a_retained_archive_is_locked_for_the_declared_days() {
        let days = crate::fixture::platform().cluster.log_archive_days;
        let prod = &roots("prod")["archive"]["resource"];
        assert_eq!(prod["aws_s3_bucket"]["log_archive"]["object_lock_enabled"], true);
        let lock = &prod["aws_s3_bucket_object_lock_configuration"]["log_archive"];
        assert_eq!(lock["object_lock_enabled"], "Enabled");
        assert_eq!(lock["rule"][0]["default_retention"][0]["mode"], "COMPLIANCE");
        assert_eq!(lock["rule"][0]["default_retention"][0]["days"], days);
        assert_eq!(prod["aws_s3_bucket"]["log_archive"]["lifecycle"]["prevent_destroy"], true);
        assert_eq!(prod["aws_kms_key"]["log_archive"]["lifecycle"]["prevent_destroy"], true);
        let dev = &roots("dev")["archive"]["resource"];
        // Without the lock, an overwritten log's original is kept by the noncurrent expiry, as long as the log.
        let rule = &dev["aws_s3_bucket_lifecycle_configuration"]["log_archive"]["rule"][0];
        assert_eq!(rule["noncurrent_version_expiration"]["noncurrent_days"], days, "originals kept as long");
        assert!(dev.get("aws_s3_bucket_object_lock_configuration").is_none());
        assert!(dev["aws_s3_bucket"]["log_archive"].get("object_lock_enabled").is_none());
        assert_eq!(dev["aws_s3_bucket"]["log_archive"]["force_destroy"], true);
        assert!(!prevent_destroy(dev), "a destroyable archive is destroyed");
    }

    /// Only the Firehose delivery role may put objects, in every environment.
    #[test]
    fn only_the_delivery_role_writes() {
        for suffix in ["dev", "prod"] {
            let roots = roots(suffix);
            let role = roots["infra"]["resource"]["aws_iam_role"]["log_archive_delivery"]["name"].as_str().unwrap();
            let policy = &roots["archive"]["data"]["aws_iam_policy_document"]["log_archive_bucket"]["statement"];
            let deny: Vec<&Value> = policy
                .as_array()
                .unwrap()
                .iter()
                .filter(|s| {
                    s["effect"] == "Deny" && s["actions"].as_array().unwrap().iter().any(|a| a == "s3:PutObject")
                })
                .collect();
            assert_eq!(deny.len(), 1, "{suffix}: one deny of s3:PutObject");
            assert_eq!(deny[0]["principals"][0]["identifiers"][0], "*");
            let condition = &deny[0]["condition"][0];
            assert_eq!(
                (&condition["test"], &condition["variable"]),
                (&"ArnNotEquals".into(), &"aws:PrincipalArn".into())
            );
            let except = condition["values"][0].as_str().unwrap();
            assert!(except.ends_with(&format!(":role/{role}")), "{suffix}: {except} is the delivery role {role}");
        }
    }

    /// The infra root destroys in every environment: nothing in it is `prevent_destroy`, and the archive it writes
    /// to is the archive root's, found by name.
    #[test]
    fn the_infra_root_destroys_everywhere() {
        for suffix in ["dev", "ci", "prod", "stage"] {
            let roots = roots(suffix);
            assert!(!prevent_destroy(&roots["infra"]), "{suffix}");
            assert!(roots["infra"]["resource"].get("aws_s3_bucket").is_none(), "{suffix}: no bucket in infra");
            let archive = &roots["archive"]["resource"]["aws_s3_bucket"]["log_archive"]["bucket"];
            assert_eq!(&roots["infra"]["data"]["aws_s3_bucket"]["log_archive"]["bucket"], archive, "{suffix}");
            let alias = &roots["archive"]["resource"]["aws_kms_alias"]["log_archive"]["name"];
            assert_eq!(&roots["infra"]["data"]["aws_kms_key"]["log_archive"]["key_id"], alias, "{suffix}");
        }
    }

    #[test]
    fn the_archive_key_keeps_a_30_day_window() {
        for suffix in ["dev", "prod"] {
            let key = &roots(suffix)["archive"]["resource"]["aws_kms_key"]["log_archive"];
            assert_eq!(key["deletion_window_in_days"], 30, "{suffix}");
        }
    }
    #[test]
    fn every_container_insights_group_has_a_source() {
        let kinds: Vec<&str> = super::CONTAINER_INSIGHTS.iter().map(|(kind, _, _)| *kind).collect();
        assert_eq!(kinds, super::logs::CONTAINER_INSIGHTS);
    }
}
