//! The state bucket of an account: where every root of every environment keeps its Terraform state
//! ([`crate::deploy::backend`]: one key per root and environment, encrypted, locked with a lock file next to the
//! state). Rendered once per account (`platform state-bucket`), applied with local state before any environment:
//! a root cannot keep its state in the bucket it creates. Its own state holds no secret, only the bucket's and the
//! key's names; keep the folder, or move its state into the bucket afterwards (`terraform init -migrate-state`
//! with a backend override).
//!
//! - versioned: an overwritten or deleted state stays recoverable (Terraform's S3 backend documentation advises
//!   versioning for that reason);
//! - encrypted with a KMS key of its own (rotation on), S3 Bucket Key on; the backend writes with that key
//!   (`kms_key_id`, the alias [`crate::deploy::state_key_alias`]);
//! - TLS-only bucket policy, public access blocked, object ownership enforced (no ACLs);
//! - `prevent_destroy` on the bucket and the key: the state of every environment outlives any one of them.

use serde_json::json;

use crate::checked::Checked;
use crate::deploy::state_key_alias;
use crate::naming::label;
use crate::render::tf_json::{Document, Ref};
use crate::render::version_constraints::{AWS_PROVIDER_CONSTRAINT, TERRAFORM_CONSTRAINT};

/// The bucket name: `s3-<platform>-tfstate-<account>` (bucket names are global; the account makes it unique).
pub fn bucket_name_expr(platform: &str) -> String {
    format!("s3-{}-tfstate-${{data.aws_caller_identity.current.account_id}}", label(platform))
}

/// The state bucket's root (`main.tf.json`).
pub fn render(checked: &Checked) -> Document {
    let p = checked.platform();
    let mut doc = Document::default();
    doc.terraform("required_version", json!(TERRAFORM_CONSTRAINT));
    doc.terraform(
        "required_providers",
        json!({ "aws": { "source": "hashicorp/aws", "version": AWS_PROVIDER_CONSTRAINT } }),
    );
    let mut tags = p.tags.clone();
    tags.insert("platform".into(), p.name.clone());
    tags.insert("managed-by".into(), "platform-rs".into());
    doc.provider("aws", json!({ "region": p.region, "default_tags": { "tags": tags } }));
    let account = doc.data_at(&Ref::data("aws_caller_identity", "current"), json!({})).attr("account_id");
    let partition = doc.data_at(&Ref::data("aws_partition", "current"), json!({})).attr("partition");
    let protect = json!({ "prevent_destroy": true });

    // The account root may administer the key (the default key policy, written out so that the key stays usable
    // through IAM policies of the account's roles).
    let key_policy = doc.data(
        "aws_iam_policy_document",
        "state_key",
        json!({ "statement": [{
            "sid": "AccountAdministers",
            "effect": "Allow",
            "actions": ["kms:*"],
            "resources": ["*"],
            "principals": [{ "type": "AWS", "identifiers": [format!("arn:{partition}:iam::{account}:root")] }],
        }]}),
    );
    let key = doc.resource(
        "aws_kms_key",
        "state",
        json!({
            "description": format!("Terraform state of platform {}", p.name),
            "enable_key_rotation": true,
            "deletion_window_in_days": 30,
            "policy": key_policy.attr("json"),
            "lifecycle": protect,
        }),
    );
    doc.resource(
        "aws_kms_alias",
        "state",
        json!({ "name": format!("alias/{}", state_key_alias(&p.name)), "target_key_id": key.attr("key_id") }),
    );
    let bucket = doc.resource(
        "aws_s3_bucket",
        "state",
        json!({ "bucket": bucket_name_expr(&p.name), "force_destroy": false, "lifecycle": protect }),
    );
    let id = bucket.attr("id");
    crate::render::s3::private_versioned_encrypted(&mut doc, "state", id.clone(), key.attr("arn"));
    doc.resource(
        "aws_s3_bucket_ownership_controls",
        "state",
        json!({ "bucket": id, "rule": [{ "object_ownership": "BucketOwnerEnforced" }] }),
    );
    let policy = doc.data(
        "aws_iam_policy_document",
        "state_bucket",
        json!({ "statement": [crate::render::s3::deny_insecure_transport(&bucket)] }),
    );
    doc.resource("aws_s3_bucket_policy", "state", json!({ "bucket": id, "policy": policy.attr("json") }));
    doc.output("bucket", json!({ "value": id, "description": "pass to platform render/deploy --state-bucket" }));
    doc.output("kms_key_arn", json!({ "value": key.attr("arn") }));
    doc.output("region", json!({ "value": p.region }));
    doc
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_state_bucket_is_versioned_encrypted_tls_only_and_kept() {
        let p = crate::fixture::platform();
        let checked = crate::check_platform(&p, "2024-06-01").unwrap();
        let root = render(&checked).to_value();
        assert_eq!(crate::render::tf_json::check_references(&root), Vec::<String>::new());
        let r = &root["resource"];
        assert_eq!(r["aws_s3_bucket_versioning"]["state"]["versioning_configuration"]["status"], "Enabled");
        let sse = &r["aws_s3_bucket_server_side_encryption_configuration"]["state"]["rule"][0];
        assert_eq!(sse["apply_server_side_encryption_by_default"]["sse_algorithm"], "aws:kms");
        assert_eq!(r["aws_kms_key"]["state"]["enable_key_rotation"], true);
        assert_eq!(r["aws_s3_bucket"]["state"]["lifecycle"]["prevent_destroy"], true);
        let deny = &root["data"]["aws_iam_policy_document"]["state_bucket"]["statement"][0];
        assert_eq!(deny["condition"][0]["variable"], "aws:SecureTransport");
        let alias = r["aws_kms_alias"]["state"]["name"].as_str().unwrap();
        assert_eq!(alias, format!("alias/{}", state_key_alias(&p.name)));
    }
}
