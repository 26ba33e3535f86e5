//! Secrets Manager wiring, per tenant.
//!
//! Secrets Manager has no namespace object: a tenant's secrets are the secrets whose names start with its
//! prefix (`payments/…`), created by the tenant's own pipeline with the tenant's KMS key (encryption module).
//! Nothing is created here that would hold a secret value. What is rendered is the access side:
//!
//! - an IAM policy per tenant, `policy-<platform>-secrets-<tenant>-<suffix>`: read (`GetSecretValue`,
//!   `DescribeSecret`) on `arn:…:secret:<prefix>*` only, `kms:Decrypt` on the tenant key only through Secrets
//!   Manager, and `sts:AssumeRole` on the tenant's declared cross-account roles (secrets kept in other accounts
//!   are read by assuming a role there, which trusts the external-secrets role — output `irsa_role_arns`);
//! - the external-secrets IRSA role gets every tenant policy (irsa module). Per-namespace isolation between
//!   tenants is the cluster stage's job (one SecretStore per tenant namespace, restricted to its prefix).
//!
//! Resource policies on secrets (`aws_secretsmanager_secret_policy`) are per secret, so they belong with the
//! secrets in the tenant's pipeline; the tenant key policy does not name foreign principals either: reading a
//! secret cross-account happens by assuming a role in the owning account, never by opening this account's key.

use serde_json::json;

use super::iam::{self, Statement};
use super::{refs, Context};
use crate::naming::label;
use crate::render::terraform::Document;

/// `arn:<partition>:secretsmanager:<region>:<account>:secret:<prefix>*`: the tenant's secrets.
pub(crate) fn prefix_arn(ctx: &Context, prefix: &str) -> String {
    iam::arn(ctx, "secretsmanager", &format!("secret:{prefix}*"))
}

pub(super) fn render(ctx: &Context, doc: &mut Document) {
    for tenant in &ctx.platform.tenants {
        let at = refs::tenant_secrets_policy(&tenant.name);
        let mut statements = vec![
            Statement::allow("ReadTenantSecrets")
                .actions(&["secretsmanager:GetSecretValue", "secretsmanager:DescribeSecret"])
                .resources(&[prefix_arn(ctx, &tenant.secret_prefix)]),
            Statement::allow("DecryptWithTenantKey")
                .actions(&["kms:Decrypt"])
                .resources(&[refs::tenant_key(&tenant.name).attr("arn")])
                .condition(
                    "StringEquals",
                    "kms:ViaService",
                    &[format!("secretsmanager.{}.amazonaws.com", ctx.platform.region)],
                ),
        ];
        if !tenant.cross_account_roles.is_empty() {
            statements.push(
                Statement::allow("AssumeCrossAccountReaders")
                    .actions(&["sts:AssumeRole"])
                    .resources(&tenant.cross_account_roles),
            );
        }
        let policy = iam::policy_document(doc, at.name(), &statements);
        let component = format!("secrets-{}", label(&tenant.name));
        doc.resource_at(
            &at,
            json!({
                "name": ctx.names.iam_policy(&component),
                "description": format!("Read the secrets of tenant {} (prefix {})", tenant.name, tenant.secret_prefix),
                "policy": policy.attr("json"),
            }),
        );
    }
}
