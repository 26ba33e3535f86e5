//! The EKS control plane: its IAM role, the cluster (private endpoint, public endpoint restricted to
//! `var.public_access_cidrs`, control-plane logs, secrets envelope encryption, API-only authentication, no
//! self-managed default addons because Calico replaces the VPC CNI), cluster-admin access entries for
//! `var.cluster_admin_role_arns`, and the IAM OIDC provider IRSA trusts.

use serde_json::json;

use super::iam::{self, Statement};
use super::refs;
use crate::model::{EndpointAccess, LogType};
use crate::render::context::Context;
use crate::render::tf_json::{Document, Expr};

/// The EKS API name of a control-plane log type.
pub(crate) fn log_type(log: LogType) -> &'static str {
    match log {
        LogType::Api => "api",
        LogType::Audit => "audit",
        LogType::Authenticator => "authenticator",
        LogType::ControllerManager => "controllerManager",
        LogType::Scheduler => "scheduler",
    }
}

pub(super) fn render(ctx: &Context, doc: &mut Document) {
    let p = ctx.platform;
    let n = &ctx.names;

    let trust = iam::service_trust(doc, "cluster_trust", "eks");
    let role = doc.resource_at(
        &refs::cluster_role(),
        json!({
            "name": n.cluster_role(),
            "description": format!("EKS control plane of {}", n.cluster()),
            "assume_role_policy": trust.attr("json"),
        }),
    );
    let cluster_policy = iam::attach_managed(doc, "cluster_eks", &role, "AmazonEKSClusterPolicy");
    // Envelope encryption: the control plane uses the secrets key through its role.
    let kms = iam::policy_document(
        doc,
        "cluster_secrets_key",
        &[Statement::allow("SecretsEnvelopeEncryption")
            .actions(&["kms:Encrypt", "kms:Decrypt", "kms:ListGrants", "kms:DescribeKey"])
            .resources(&[refs::secrets_key().attr("arn")])],
    );
    let kms_policy = doc.resource(
        "aws_iam_role_policy",
        "cluster_secrets_key",
        json!({ "name": n.cluster_secrets_key_policy(), "role": role.attr("id"), "policy": kms.attr("json") }),
    );

    let public = p.cluster.endpoint == EndpointAccess::PrivateAndPublic;
    let mut vpc_config = json!({
        "subnet_ids": (0..p.availability_zones.len()).map(|i| refs::private_subnet(i).attr("id")).collect::<Vec<_>>(),
        "endpoint_private_access": true,
        "endpoint_public_access": public,
    });
    if public {
        vpc_config["public_access_cidrs"] = json!(refs::public_access_cidrs().expr());
    }
    let log_types: Vec<&str> = p.cluster.logs.iter().map(|l| log_type(*l)).collect();
    let cluster = doc.resource_at(
        &refs::cluster(),
        json!({
            "name": n.cluster(),
            "version": p.kubernetes,
            "role_arn": role.attr("arn"),
            "vpc_config": vpc_config,
            "enabled_cluster_log_types": log_types,
            "encryption_config": {
                "provider": { "key_arn": refs::secrets_key().attr("arn") },
                "resources": ["secrets"],
            },
            "access_config": {
                "authentication_mode": "API",
                "bootstrap_cluster_creator_admin_permissions": false,
            },
            "bootstrap_self_managed_addons": false,
            "depends_on": [
                refs::cluster_log_group().address(),
                cluster_policy.address(),
                kms_policy.address(),
            ],
        }),
    );

    // Cluster-admin for the roles given at deploy time (break-glass, CI): access entries, not aws-auth.
    let admins = doc.resource(
        "aws_eks_access_entry",
        "admins",
        json!({
            "for_each": Expr::call("toset", [refs::admin_roles().expr()]),
            "cluster_name": cluster.attr("name"),
            "principal_arn": Expr::each_value(),
            "type": "STANDARD",
        }),
    );
    doc.resource(
        "aws_eks_access_policy_association",
        "admins",
        json!({
            "for_each": Expr::call("toset", [refs::admin_roles().expr()]),
            "cluster_name": cluster.attr("name"),
            "principal_arn": admins.expr().key(Expr::each_key()).attr("principal_arn"),
            "policy_arn": format!("arn:{}:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy", iam::partition()),
            "access_scope": { "type": "cluster" },
        }),
    );

    // IRSA: the cluster's OIDC issuer as an IAM identity provider. Since aws 5.x IAM obtains the thumbprint
    // itself for well-known issuers, so `thumbprint_list` (and the `tls` provider) is not needed.
    doc.resource_at(
        &refs::oidc_provider(),
        json!({
            "url": cluster.attr("identity[0].oidc[0].issuer"),
            "client_id_list": ["sts.amazonaws.com"],
            "tags": { "Name": n.name("oidc", "irsa") },
        }),
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn log_types_use_the_eks_spelling() {
        assert_eq!(log_type(LogType::ControllerManager), "controllerManager");
        assert_eq!(log_type(LogType::Audit), "audit");
    }
}
