//! What every bucket of the platform has: no public access, versioning, and default encryption with a
//! customer-managed KMS key (S3 Bucket Keys on, so each object does not cost a KMS call).

use serde_json::{json, Value};

use crate::render::tf_json::{Document, Expr, Ref};

/// The public access block, versioning and SSE-KMS default encryption of bucket `bucket_id`, each declared as
/// `<type>.<name>`.
pub(crate) fn private_versioned_encrypted(doc: &mut Document, name: &str, bucket_id: Expr, key_arn: Expr) {
    doc.resource(
        "aws_s3_bucket_public_access_block",
        name,
        json!({
            "bucket": bucket_id, "block_public_acls": true, "block_public_policy": true,
            "ignore_public_acls": true, "restrict_public_buckets": true,
        }),
    );
    doc.resource(
        "aws_s3_bucket_versioning",
        name,
        json!({ "bucket": bucket_id, "versioning_configuration": { "status": "Enabled" } }),
    );
    doc.resource(
        "aws_s3_bucket_server_side_encryption_configuration",
        name,
        json!({
            "bucket": bucket_id,
            "rule": [{
                "bucket_key_enabled": true,
                "apply_server_side_encryption_by_default": { "sse_algorithm": "aws:kms", "kms_master_key_id": key_arn },
            }],
        }),
    );
}

/// The bucket policy statement refusing every request to `bucket` and its objects that is not over TLS
/// (PCI DSS 4.2.1; S3 user guide, "Enforce encryption in transit").
pub(crate) fn deny_insecure_transport(bucket: &Ref) -> Value {
    json!({
        "sid": "DenyInsecureTransport",
        "effect": "Deny",
        "actions": ["s3:*"],
        "resources": [bucket.attr("arn"), format!("{}/*", bucket.attr("arn"))],
        "principals": [{ "type": "*", "identifiers": ["*"] }],
        "condition": [{ "test": "Bool", "variable": "aws:SecureTransport", "values": ["false"] }],
    })
}
