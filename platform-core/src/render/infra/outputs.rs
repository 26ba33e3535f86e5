//! What the cluster stage, CI and operators read from the infra root.

use serde_json::json;

use super::{identity, refs, secrets};
use crate::render::context::Context;
use crate::render::tf_json::{Document, Expr, Ref};

fn output(doc: &mut Document, name: &str, description: &str, value: serde_json::Value) {
    doc.output(name, json!({ "description": description, "value": value }));
}

pub(super) fn render(ctx: &Context, doc: &mut Document) {
    let p = ctx.platform;
    let azs = 0..p.availability_zones.len();
    let cluster = refs::cluster();
    output(doc, "region", "AWS region of the platform", json!(p.region));
    output(doc, "cluster_name", "EKS cluster name", json!(cluster.attr("name")));
    output(doc, "cluster_endpoint", "Kubernetes API endpoint", json!(cluster.attr("endpoint")));
    output(
        doc,
        "cluster_certificate_authority",
        "Base64 cluster CA certificate",
        json!(cluster.attr("certificate_authority[0].data")),
    );
    output(doc, "cluster_version", "Kubernetes version", json!(cluster.attr("version")));
    output(
        doc,
        "oidc_provider_arn",
        "IAM OIDC provider of the cluster (IRSA)",
        json!(refs::oidc_provider().attr("arn")),
    );
    output(doc, "oidc_issuer_url", "OIDC issuer URL of the cluster", json!(cluster.attr("identity[0].oidc[0].issuer")));
    output(
        doc,
        "oidc_issuer_host",
        "OIDC issuer without https:// (IRSA condition key prefix)",
        json!(refs::oidc_issuer_host().expr()),
    );
    let kubeconfig = identity::kubeconfig(ctx, doc);
    output(
        doc,
        identity::KUBECONFIG,
        "kubeconfig for Azure AD users (kubectl oidc-login); no secret in it",
        json!(Expr::call("yamlencode", [kubeconfig.expr()])),
    );
    output(doc, "node_role_arn", "IAM role of the worker nodes", json!(refs::node_role().attr("arn")));
    let irsa: serde_json::Map<String, serde_json::Value> =
        p.irsa.iter().map(|b| (b.name.clone(), json!(refs::irsa_role(&b.name).attr("arn")))).collect();
    output(doc, "irsa_role_arns", "IRSA role ARN per binding (service account annotation)", json!(irsa));
    output(doc, "vpc_id", "VPC id", json!(refs::vpc().attr("id")));
    let ids = |f: fn(usize) -> Ref| azs.clone().map(|i| f(i).attr("id")).collect::<Vec<_>>();
    output(doc, "private_subnet_ids", "Node subnets, in AZ order", json!(ids(refs::private_subnet)));
    output(doc, "public_subnet_ids", "Public subnets, in AZ order", json!(ids(refs::public_subnet)));
    output(
        doc,
        "pod_cidr",
        "Pod CIDR (Calico's IP pools, one per AZ; not part of the VPC)",
        json!(ctx.checked.network().pod_cidr.to_string()),
    );
    let tenants = || ctx.checked.tenants().iter();
    let keys: serde_json::Map<String, serde_json::Value> =
        tenants().map(|t| (t.tenant.name.clone(), json!(refs::tenant_key(t).attr("arn")))).collect();
    output(doc, "tenant_key_arns", "KMS key ARN per tenant (encrypt the tenant's secrets with it)", json!(keys));
    let prefixes: serde_json::Map<String, serde_json::Value> =
        tenants().map(|t| (t.tenant.name.clone(), json!(secrets::prefix_arn(ctx, &t.tenant.secret_prefix)))).collect();
    output(doc, "tenant_secret_arn_patterns", "Secrets Manager ARN pattern each tenant reads", json!(prefixes));
    let roles: serde_json::Map<String, serde_json::Value> =
        tenants().map(|t| (t.tenant.name.clone(), json!(refs::tenant_secrets_role(t).attr("arn")))).collect();
    output(
        doc,
        "tenant_secret_role_arns",
        "IAM role of each tenant's SecretStores (cross-account reader roles trust this one)",
        json!(roles),
    );
    output(
        doc,
        "alarm_topic_arn",
        "SNS topic of the cluster alarms (subscribe on-call here)",
        json!(refs::alarm_topic().attr("arn")),
    );
    output(
        doc,
        "ssm_session_document",
        "Session Manager document to start node sessions with",
        json!(refs::ssm_sessions().attr("name")),
    );
    output(
        doc,
        "ssm_session_policy_arn",
        "IAM policy to attach to node operators: sessions only with the logging document",
        json!(refs::ssm_session_policy().attr("arn")),
    );
    output(
        doc,
        "pod_network_ready",
        "Whether the node groups and the addons that run pods are installed",
        json!(refs::pod_network_ready().expr()),
    );
}
