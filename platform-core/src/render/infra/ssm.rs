//! Systems Manager node access without SSH: nodes run the SSM agent in Bottlerocket's control container (nodes
//! module; role has `AmazonSSMManagedInstanceCore`, endpoints `ssm`/`ssmmessages`/`ec2messages`), and sessions
//! use a Session Manager preferences document that logs every session to a KMS-encrypted log group, encrypts
//! session data with the logs key, never runs as another user, and ends idle sessions after 15 minutes
//! (PCI DSS 8.2.8).
//!
//! The document carries the environment suffix like every name (two environments may share an account), so it
//! is not the account-wide default `SSM-SessionManagerRunShell`, which Session Manager uses when a session names
//! no document and which the platform does not manage: the console creates it when anyone opens the Session
//! Manager preferences, so an apply creating it would fail in such an account, and two environments would fight
//! over it. Sessions on the nodes are started with `aws ssm start-session --document-name <output
//! ssm_session_document>`, and the managed policy of output `ssm_session_policy_arn` is the one operators get:
//! every statement allowing `ssm:StartSession` has `ssm:SessionDocumentAccessCheck`, so a session that names no
//! document (the default one, unlogged) or another one is refused (Systems Manager User Guide, "Enforce a session
//! document permission check for the AWS CLI": the condition must be on every statement that allows
//! `ssm:StartSession`, so operators hold no other policy allowing it).

use serde_json::json;

use super::iam::{self, Statement};
use super::refs;
use crate::render::context::Context;
use crate::render::tf_json::Document;

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
    let document = n.ssm_sessions_document();
    doc.resource_at(
        &refs::ssm_sessions(),
        json!({
            "name": document,
            "document_type": "Session",
            "document_format": "JSON",
            "content": serde_json::to_string(&content).expect("JSON values serialize"),
            "tags": { "Name": document },
        }),
    );
    operator_policy(ctx, doc, &document);
}

/// The condition that makes Session Manager check the document a session names against the policy's resources.
const DOCUMENT_CHECK: (&str, &str, &str) = ("BoolIfExists", "ssm:SessionDocumentAccessCheck", "true");

/// `aws_iam_policy.ssm_sessions`: sessions on this environment's nodes with its logging document only. The nodes
/// are the instances with this platform's and environment's cost tags (the launch templates tag every instance
/// with them, `ssm:resourceTag/<key>`); the user starting a session needs `kms:GenerateDataKey` on the key that
/// encrypts session data (Systems Manager User Guide, Session Manager, "Turn on KMS key encryption of session
/// data").
fn operator_policy(ctx: &Context, doc: &mut Document, document: &str) {
    let n = &ctx.names;
    let (test, variable, value) = DOCUMENT_CHECK;
    let statements = [
        Statement::allow("StartSessionsOnTheNodes")
            .actions(&["ssm:StartSession"])
            .resources(&[iam::arn(ctx, "ec2", "instance/*")])
            .condition("StringEquals", "ssm:resourceTag/platform", &[ctx.platform.name.as_str()])
            .condition("StringEquals", "ssm:resourceTag/environment", &[n.suffix()])
            .condition(test, variable, &[value]),
        Statement::allow("WithTheLoggingDocumentOnly")
            .actions(&["ssm:StartSession"])
            .resources(&[iam::arn(ctx, "ssm", &format!("document/{document}"))])
            .condition(test, variable, &[value]),
        Statement::allow("EncryptSessionData")
            .actions(&["kms:GenerateDataKey"])
            .resources(&[refs::logs_key().attr("arn")]),
    ];
    let policy = iam::policy_document(doc, "ssm_sessions_operator", &statements);
    doc.resource_at(
        &refs::ssm_session_policy(),
        json!({
            "name": n.ssm_sessions_policy(),
            "description": format!("Logged Session Manager sessions on the nodes of {}", n.cluster()),
            "policy": policy.attr("json"),
        }),
    );
}
