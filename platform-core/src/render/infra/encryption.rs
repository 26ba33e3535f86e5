//! KMS keys: Kubernetes secrets envelope encryption, CloudWatch logs (and the alarm topic), node EBS volumes, and
//! one key per tenant. Every key rotates yearly; the keys of the cluster have the shortest deletion window (7 days)
//! so that a torn-down environment does not linger, the logs key the longest (30 days): it is the only way to read
//! the audit log groups (the archive has its own key, in the archive root: `archive`), so a mistaken deletion must
//! stay cancellable for as long as KMS allows; key policies give the account root administration (which lets IAM
//! policies grant use) and the AWS services exactly what they need. No key here has `prevent_destroy`: the infra
//! root destroys whole in every environment.

use serde_json::json;

use super::iam::{self, Statement};
use super::refs;
use crate::naming::kms_key;
use crate::render::context::Context;
use crate::render::tf_json::{Document, Ref};

/// KMS minimum; the requirements ask for destroyable environments.
pub(crate) const DELETION_WINDOW_DAYS: u32 = 7;

/// KMS maximum (`ScheduleKeyDeletion`, PendingWindowInDays 7 to 30, AWS KMS API reference), for the logs key: the
/// audit log groups (PCI DSS 10.5.1, the latest months) are unreadable once the key is gone. A key pending deletion is not billed.
pub(crate) const LOGS_KEY_DELETION_WINDOW_DAYS: u32 = 30;

/// The tag every key that encrypts the cluster's EBS volumes carries (the node key and the tenant keys the
/// StorageClasses name), valued with the cluster's name: the EBS CSI driver's role may use the keys with this tag
/// (irsa module), a policy whose size does not grow with the tenants.
pub(crate) const VOLUME_KEY_TAG: &str = "platform/ebs-volumes";

fn root_admin() -> Statement {
    Statement::allow("AccountRootAdministers")
        .actions(&["kms:*"])
        .resources(&["*"])
        .principal("AWS", &[iam::account_root()])
}

/// What a principal needs to encrypt and decrypt with a key (EBS volumes, Secrets Manager, CloudWatch Logs).
pub(crate) const USE_KEY: &[&str] =
    &["kms:Encrypt", "kms:Decrypt", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:DescribeKey"];

/// A key and its alias; `volumes`: the key encrypts EBS volumes of the cluster ([`VOLUME_KEY_TAG`]).
fn key(
    ctx: &Context,
    doc: &mut Document,
    at: &Ref,
    component: &str,
    description: &str,
    volumes: bool,
    statements: Vec<Statement>,
) {
    let name = at.name();
    let policy = iam::policy_document(doc, &format!("kms_{name}"), &statements);
    let mut tags = json!({ "Name": ctx.names.name("kms", component) });
    if volumes {
        tags[VOLUME_KEY_TAG] = json!(ctx.names.cluster());
    }
    let logs = *at == refs::logs_key();
    let window = if logs { LOGS_KEY_DELETION_WINDOW_DAYS } else { DELETION_WINDOW_DAYS };
    let body = json!({
        "description": description,
        "enable_key_rotation": ctx.platform.encryption.key_rotation,
        "deletion_window_in_days": window,
        "policy": policy.attr("json"),
        "tags": tags,
    });
    let key = doc.resource_at(at, body);
    doc.resource(
        "aws_kms_alias",
        name,
        json!({ "name": ctx.names.kms_alias(component), "target_key_id": key.attr("key_id") }),
    );
}

pub(super) fn render(ctx: &Context, doc: &mut Document) {
    let region = &ctx.platform.region;
    let account = iam::account();
    let cluster = ctx.names.cluster();

    // Kubernetes secrets: EKS uses the key through the cluster role, granted by an IAM policy (cluster module).
    key(
        ctx,
        doc,
        &refs::secrets_key(),
        kms_key::SECRETS,
        &format!("EKS secrets envelope encryption for {cluster}"),
        false,
        vec![root_admin()],
    );

    // Logs: CloudWatch Logs encrypts this account's log groups; CloudWatch alarms publish to the encrypted topic.
    let logs_arn = format!("arn:{}:logs:{region}:{account}:*", iam::partition());
    key(
        ctx,
        doc,
        &refs::logs_key(),
        kms_key::LOGS,
        &format!("CloudWatch log groups and alarm topic of {cluster}"),
        false,
        vec![
            root_admin(),
            Statement::allow("CloudWatchLogsUse")
                .actions(USE_KEY)
                .resources(&["*"])
                .principal("Service", &[format!("logs.{region}.amazonaws.com")])
                .condition("ArnLike", "kms:EncryptionContext:aws:logs:arn", &[logs_arn]),
            Statement::allow("CloudWatchAlarmsPublishToEncryptedTopic")
                .actions(&["kms:Decrypt", "kms:GenerateDataKey*"])
                .resources(&["*"])
                .principal("Service", &[iam::service("cloudwatch")])
                .condition("StringEquals", "aws:SourceAccount", std::slice::from_ref(&account)),
        ],
    );

    // EBS: managed node groups launch through the Auto Scaling service-linked role, which needs the key.
    let asg_role = format!(
        "arn:{}:iam::{account}:role/aws-service-role/autoscaling.amazonaws.com/AWSServiceRoleForAutoScaling",
        iam::partition()
    );
    key(
        ctx,
        doc,
        &refs::ebs_key(),
        kms_key::EBS,
        &format!("Node EBS volumes of {cluster}"),
        true,
        vec![
            root_admin(),
            Statement::allow("AutoScalingUse")
                .actions(USE_KEY)
                .resources(&["*"])
                .principal("AWS", std::slice::from_ref(&asg_role)),
            Statement::allow("AutoScalingGrantsForAttachedVolumes")
                .actions(&["kms:CreateGrant"])
                .resources(&["*"])
                .principal("AWS", &[asg_role])
                .condition("Bool", "kms:GrantIsForAWSResource", &["true"]),
        ],
    );

    // Tenants: the tenant's secrets in Secrets Manager and its volumes (its StorageClass) are encrypted with its
    // key; readers are granted through IAM (secrets and irsa modules), so the key policy only delegates to the
    // account.
    for tenant in ctx.checked.tenants() {
        key(
            ctx,
            doc,
            &refs::tenant_key(tenant),
            &tenant.namespace,
            &format!("Secrets of tenant {} on {cluster}", tenant.tenant.name),
            true,
            vec![root_admin()],
        );
    }
}
