//! Secrets Manager wiring, per tenant: tenants are kept apart by IAM, not only by admission policy.
//!
//! Secrets Manager has no namespace object: a tenant's secrets are the secrets whose names start with its
//! prefix (`payments/…`), created by the tenant's own pipeline with the tenant's KMS key (encryption module).
//! Nothing is created here that would hold a secret value. What is rendered is the access side, one IAM role per
//! tenant, `role-<platform>-secrets-<tenant>-<suffix>`:
//!
//! - trusted by web identity only for `system:serviceaccount:<tenant>:secret-store` with `aud`
//!   `sts.amazonaws.com` (the cluster stage creates that service account, annotated with this role, and every
//!   SecretStore of the tenant names it in `auth.jwt.serviceAccountRef`; the external-secrets controller then
//!   requests a token for it and calls `AssumeRoleWithWebIdentity`: external-secrets 0.9.20
//!   `pkg/provider/aws/auth/auth.go`, `credsFromServiceAccount`);
//! - its inline policy `policy-<platform>-secrets-<tenant>-<suffix>`: read (`GetSecretValue`, `DescribeSecret`)
//!   on `arn:…:secret:<prefix>*` only, `kms:Decrypt` on the tenant key only through Secrets Manager, and
//!   `sts:AssumeRole` on the tenant's declared cross-account roles only (a store with `role:` assumes it with the
//!   tenant role's session, so those roles trust this one — output `tenant_secret_role_arns`).
//!
//! The external-secrets controller's own role has no permission (irsa module): a store without `auth` reads
//! nothing. Resource policies on secrets are per secret, so they belong with the secrets in the tenant's
//! pipeline; the tenant key policy names no foreign principal: reading cross-account happens by assuming a role
//! in the owning account.

use serde_json::json;

use super::iam::{self, Statement};
use super::{irsa, refs};
use crate::checked::Tenant;
use crate::naming::TENANT_SECRETS_SERVICE_ACCOUNT;
use crate::render::context::Context;
use crate::render::tf_json::Document;

/// `arn:<partition>:secretsmanager:<region>:<account>:secret:<prefix>*`: the tenant's secrets.
pub(crate) fn prefix_arn(ctx: &Context, prefix: &str) -> String {
    iam::arn(ctx, "secretsmanager", &format!("secret:{prefix}*"))
}

/// What one tenant's role may do: its prefix, its key, its cross-account roles; nothing of another tenant.
fn statements(ctx: &Context, checked: &Tenant) -> Vec<Statement> {
    let tenant = checked.tenant;
    let mut statements = vec![
        Statement::allow("ReadTenantSecrets")
            .actions(&["secretsmanager:GetSecretValue", "secretsmanager:DescribeSecret"])
            .resources(&[prefix_arn(ctx, &tenant.secret_prefix)]),
        Statement::allow("DecryptWithTenantKey")
            .actions(&["kms:Decrypt"])
            .resources(&[refs::tenant_key(checked).attr("arn")])
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
    statements
}

pub(super) fn render(ctx: &Context, doc: &mut Document) {
    for checked in ctx.checked.tenants() {
        let tenant = checked.tenant;
        let role = refs::tenant_secrets_role(checked);
        let key = role.name().to_owned();
        let trust =
            irsa::web_identity_trust(doc, &format!("{key}_trust"), &checked.namespace, TENANT_SECRETS_SERVICE_ACCOUNT);
        doc.resource_at(
            &role,
            json!({
                "name": ctx.names.tenant_secrets_role(&tenant.name),
                "description": format!("SecretStores of tenant {} (prefix {})", tenant.name, tenant.secret_prefix),
                "assume_role_policy": trust.attr("json"),
            }),
        );
        let policy = iam::policy_document(doc, &key, &statements(ctx, checked));
        doc.resource(
            "aws_iam_role_policy",
            &key,
            json!({
                "name": ctx.names.tenant_secrets_policy(&tenant.name),
                "role": role.attr("id"),
                "policy": policy.attr("json"),
            }),
        );
    }
}
