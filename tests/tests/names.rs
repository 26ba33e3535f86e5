//! Every length-limited AWS name the Terraform roots hold is one the `naming/length` rule measures
//! (`checked_names`): rendered with the longest environment suffix the CLI accepts, each name of a kind the rule
//! knows must be among the rule's names for that suffix, so a renderer cannot emit a name the rule never sees.

use std::collections::BTreeSet;

use platform_core::check::{checked_names, CHECKED_ACCOUNT_ID};
use platform_core::naming::{NameKind, MAX_SUFFIX_LEN};
use platform_core::render::{Artifacts, RenderOptions};
use platform_core::Platform;
use platform_tests::{check_and_render, json_in, platform, ACCOUNT_ID};
use serde_json::Value;

/// The Terraform attributes that hold a length-limited AWS name, by block (`resource`/`data`) and type. A data
/// block looks up a name another root emits.
const NAMES: &[(&str, &str, &str, NameKind)] = &[
    ("resource", "aws_eks_cluster", "name", NameKind::EksCluster),
    ("data", "aws_eks_cluster", "name", NameKind::EksCluster),
    ("data", "aws_eks_node_groups", "cluster_name", NameKind::EksCluster),
    ("resource", "aws_eks_node_group", "node_group_name", NameKind::NodeGroup),
    ("resource", "aws_iam_role", "name", NameKind::IamRole),
    ("data", "aws_iam_role", "name", NameKind::IamRole),
    ("resource", "aws_iam_role_policy", "name", NameKind::IamPolicy),
    ("resource", "aws_iam_policy", "name", NameKind::IamPolicy),
    ("resource", "aws_launch_template", "name", NameKind::LaunchTemplate),
    ("resource", "aws_kms_alias", "name", NameKind::KmsAlias),
    ("data", "aws_kms_alias", "name", NameKind::KmsAlias),
    ("data", "aws_kms_key", "key_id", NameKind::KmsAlias),
    ("resource", "aws_security_group", "name", NameKind::SecurityGroup),
    ("resource", "aws_s3_bucket", "bucket", NameKind::S3Bucket),
    ("data", "aws_s3_bucket", "bucket", NameKind::S3Bucket),
    ("resource", "aws_kinesis_firehose_delivery_stream", "name", NameKind::FirehoseStream),
    ("resource", "aws_ssm_document", "name", NameKind::SsmDocument),
];

/// Names made from the suffix whose limits no platform can reach (the platform name and every DSL name are DNS
/// labels of at most 63 characters), so the rule does not measure them.
const UNMEASURED: &[(&str, &str, &str)] = &[
    // CloudWatch Logs CreateLogGroup: 512 characters; the longest is `/aws/containerinsights/<cluster>/performance`.
    ("resource", "aws_cloudwatch_log_group", "name"),
    // CloudWatch Logs PutSubscriptionFilter filterName: 512 characters.
    ("resource", "aws_cloudwatch_log_subscription_filter", "name"),
    // CloudWatch PutMetricAlarm AlarmName: 255 characters.
    ("resource", "aws_cloudwatch_metric_alarm", "alarm_name"),
    // SNS CreateTopic Name: 256 characters.
    ("resource", "aws_sns_topic", "name"),
];

/// Whether a top-level attribute may hold an AWS name (rather than a description or a document).
fn is_name_attribute(attribute: &str) -> bool {
    attribute == "name" || attribute == "bucket" || attribute == "key_id" || attribute.ends_with("_name")
}

/// Every `(kind, name)` of `doc`'s blocks the rule should know; a name attribute made from the suffix that is in
/// neither [`NAMES`] nor [`UNMEASURED`] fails (a new named resource must be measured, or say why not).
fn rendered_names(root: &str, doc: &Value, suffix: &str) -> Vec<(NameKind, String)> {
    let mut out = Vec::new();
    for block in ["resource", "data"] {
        let Some(types) = doc[block].as_object() else { continue };
        for (ty, blocks) in types {
            for (key, body) in blocks.as_object().unwrap() {
                for (attribute, value) in body.as_object().unwrap() {
                    let Some(value) = value.as_str().filter(|v| v.contains(suffix)) else { continue };
                    if !is_name_attribute(attribute) {
                        continue;
                    }
                    let at = format!("{root}: {block}.{ty}.{key}.{attribute} = {value}");
                    if UNMEASURED.contains(&(block, ty.as_str(), attribute.as_str())) {
                        continue;
                    }
                    let Some(&(_, _, _, kind)) =
                        NAMES.iter().find(|(b, t, a, _)| *b == block && t == ty && a == attribute)
                    else {
                        panic!("{at}: a name the length rule does not know; add its kind to NAMES or UNMEASURED");
                    };
                    // The bucket's account id is known at plan time only; the rule measures it with 12 digits.
                    let name = value.replace("${data.aws_caller_identity.current.account_id}", CHECKED_ACCOUNT_ID);
                    assert!(!name.contains("${"), "{at}: a name with an expression of unknown length");
                    out.push((kind, name));
                }
            }
        }
    }
    out
}

/// Asserts every rendered length-limited name of `platform` rendered with `suffix` is one `checked_names`
/// measures; returns how many names it compared.
fn assert_checked(platform: &Platform, suffix: &str) -> usize {
    let options = RenderOptions { environment_suffix: suffix.to_owned(), account_id: Some(ACCOUNT_ID.to_owned()) };
    let artifacts: Artifacts = check_and_render(platform, &options).unwrap_or_else(|e| panic!("{suffix}: {e}"));
    let checked: BTreeSet<(String, usize)> =
        checked_names(platform, suffix).into_iter().map(|(_, kind, name)| (name, kind.max_len())).collect();
    let roots: Vec<&str> = artifacts
        .files
        .keys()
        .map(String::as_str)
        .filter(|path| path.starts_with("terraform/") && path.ends_with(".tf.json"))
        .collect();
    assert!(roots.iter().any(|r| r.ends_with("infra/main.tf.json")), "{roots:?}");
    let mut compared = 0;
    for root in roots {
        for (kind, name) in rendered_names(root, &json_in(&artifacts, root), suffix) {
            assert!(
                checked.contains(&(name.clone(), kind.max_len())),
                "{root}: {} `{name}` is not measured by naming/length (checked_names)",
                kind.what()
            );
            compared += 1;
        }
    }
    compared
}

#[test]
fn every_rendered_name_is_measured_with_the_longest_suffix() {
    let suffix = "x".repeat(MAX_SUFFIX_LEN);
    let compared = assert_checked(platform(), &suffix);
    assert!(compared > 50, "only {compared} names found: is the lookup still right?");
    eprintln!("{compared} rendered names measured by naming/length");
}
