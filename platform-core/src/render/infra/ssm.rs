//! Systems Manager node access without SSH: nodes run the SSM agent in Bottlerocket's control container (nodes
//! module; role has `AmazonSSMManagedInstanceCore`, endpoints `ssm`/`ssmmessages`/`ec2messages`), and sessions
//! use a Session Manager preferences document that logs every session to a KMS-encrypted log group, encrypts
//! session data with the logs key, never runs as another user, and ends idle sessions after 15 minutes
//! (PCI DSS 8.2.8).
//!
//! The document carries the environment suffix like every name (two environments may share an account), so it
//! is not the account-wide default `SSM-SessionManagerRunShell`: start sessions with
//! `aws ssm start-session --document-name <output ssm_session_document>`, and require it with the
//! `ssm:SessionDocumentAccessCheck` condition in operators' IAM policies.

use serde_json::json;

use super::{refs, Context};
use crate::render::terraform::Document;

/// Minutes before an idle session ends.
pub(crate) const IDLE_SESSION_TIMEOUT_MINUTES: u32 = 15;

pub(super) fn render(ctx: &Context, doc: &mut Document) {
    let n = &ctx.names;
    let group = doc.resource_at(
        &refs::session_log_group(),
        json!({
            "name": format!("/aws/ssm/sessions/{}", n.cluster()),
            "retention_in_days": ctx.platform.cluster.log_retention_days,
            "kms_key_id": refs::logs_key().attr("arn"),
        }),
    );
    let content = json!({
        "schemaVersion": "1.0",
        "description": format!("Session Manager preferences for the nodes of {}", n.cluster()),
        "sessionType": "Standard_Stream",
        "inputs": {
            "s3BucketName": "",
            "s3KeyPrefix": "",
            "s3EncryptionEnabled": true,
            "cloudWatchLogGroupName": group.attr("name"),
            "cloudWatchEncryptionEnabled": true,
            "cloudWatchStreamingEnabled": true,
            "kmsKeyId": refs::logs_key().attr("key_id"),
            "runAsEnabled": false,
            "runAsDefaultUser": "",
            "idleSessionTimeout": IDLE_SESSION_TIMEOUT_MINUTES.to_string(),
            "shellProfile": { "linux": "", "windows": "" },
        },
    });
    doc.resource_at(
        &refs::ssm_sessions(),
        json!({
            "name": n.name("ssm", "sessions"),
            "document_type": "Session",
            "document_format": "JSON",
            "content": serde_json::to_string(&content).expect("JSON values serialize"),
            "tags": { "Name": n.name("ssm", "sessions") },
        }),
    );
}
