//! Well-known addresses of the infra root that several modules (and the cluster stage's outputs) refer to, and the
//! names of its variables and locals. A leaf: it imports no other infra module.

use crate::checked::Tenant;
use crate::model::Purchase;
pub use crate::naming::ident;
use crate::render::tf_json::{Local, Ref, Var};

/// The infra root's variable gating everything that needs running nodes (`bootstrap`), which the first
/// deployment steps through (`crate::deploy`).
pub const POD_NETWORK_READY: &str = "pod_network_ready";

/// The infra root's variable listing the IAM roles given cluster-admin.
pub const ADMIN_ROLES: &str = "cluster_admin_role_arns";

/// The infra root's variable listing the networks allowed to reach the public API endpoint.
pub const PUBLIC_ACCESS_CIDRS: &str = "public_access_cidrs";

/// The local holding the cluster's OIDC issuer without `https://`, the prefix of the IRSA condition keys (`irsa`).
pub(crate) const ISSUER_HOST_LOCAL: &str = "oidc_issuer_host";

pub fn vpc() -> Ref {
    Ref::resource("aws_vpc", "main")
}

/// The private (node) subnet of the AZ at `index` in `availability_zones`.
pub fn private_subnet(index: usize) -> Ref {
    Ref::resource("aws_subnet", &format!("private_{index}"))
}

/// The public subnet of the AZ at `index`.
pub fn public_subnet(index: usize) -> Ref {
    Ref::resource("aws_subnet", &format!("public_{index}"))
}

/// KMS key for Kubernetes secrets envelope encryption.
pub fn secrets_key() -> Ref {
    Ref::resource("aws_kms_key", "secrets")
}

/// KMS key for CloudWatch log groups and the alarm topic.
pub fn logs_key() -> Ref {
    Ref::resource("aws_kms_key", "logs")
}

/// KMS key for node EBS volumes.
pub fn ebs_key() -> Ref {
    Ref::resource("aws_kms_key", "ebs")
}

/// KMS key of one tenant.
pub fn tenant_key(tenant: &Tenant) -> Ref {
    Ref::resource("aws_kms_key", &format!("tenant_{}", ident(&tenant.namespace)))
}

/// The control-plane log group `/aws/eks/<cluster>/cluster`.
pub fn cluster_log_group() -> Ref {
    Ref::resource("aws_cloudwatch_log_group", "cluster")
}

/// One Container Insights log group `/aws/containerinsights/<cluster>/<kind>` (see `logs`).
pub fn container_insights_log_group(kind: &str) -> Ref {
    Ref::resource("aws_cloudwatch_log_group", &format!("container_insights_{}", ident(kind)))
}

pub fn cluster() -> Ref {
    Ref::resource("aws_eks_cluster", "main")
}

pub fn cluster_role() -> Ref {
    Ref::resource("aws_iam_role", "cluster")
}

pub fn node_role() -> Ref {
    Ref::resource("aws_iam_role", "node")
}

/// The IAM OIDC provider IRSA trusts.
pub fn oidc_provider() -> Ref {
    Ref::resource("aws_iam_openid_connect_provider", "cluster")
}

/// The IRSA role of one binding.
pub fn irsa_role(binding: &str) -> Ref {
    Ref::resource("aws_iam_role", &format!("irsa_{}", ident(binding)))
}

/// The SNS topic alarms notify.
pub fn alarm_topic() -> Ref {
    Ref::resource("aws_sns_topic", "alarms")
}

/// `data.aws_caller_identity.current` (declared by the providers module).
pub fn caller_identity() -> Ref {
    Ref::data("aws_caller_identity", "current")
}

/// `data.aws_partition.current` (declared by the providers module).
pub fn partition() -> Ref {
    Ref::data("aws_partition", "current")
}

/// The EKS managed node group of one DSL node group and purchase option.
pub fn node_group(group: &str, purchase: Purchase) -> Ref {
    Ref::resource("aws_eks_node_group", &format!("{}_{purchase}", ident(group)))
}

/// The IAM role of one tenant's SecretStores (its inline policy and documents share the name `secrets_<tenant>`).
pub fn tenant_secrets_role(tenant: &Tenant) -> Ref {
    Ref::resource("aws_iam_role", &format!("secrets_{}", ident(&tenant.namespace)))
}

/// The KMS-encrypted log group VPC flow logs are delivered to.
pub fn flow_log_group() -> Ref {
    Ref::resource("aws_cloudwatch_log_group", "flow_logs")
}

/// The Session Manager document node sessions start with.
pub fn ssm_sessions() -> Ref {
    Ref::resource("aws_ssm_document", "sessions")
}

/// The managed policy operators get for node sessions (logged ones only).
pub fn ssm_session_policy() -> Ref {
    Ref::resource("aws_iam_policy", "ssm_sessions")
}

/// The variable gating everything that needs running nodes (see `bootstrap`).
pub fn pod_network_ready() -> Var {
    Var::named(POD_NETWORK_READY)
}

/// The IAM roles given cluster-admin.
pub fn admin_roles() -> Var {
    Var::named(ADMIN_ROLES)
}

/// The networks allowed to reach the public API endpoint (declared when the endpoint is public).
pub fn public_access_cidrs() -> Var {
    Var::named(PUBLIC_ACCESS_CIDRS)
}

/// The cluster's OIDC issuer without `https://`, the prefix of the IRSA condition keys.
pub fn oidc_issuer_host() -> Local {
    Local::named(ISSUER_HOST_LOCAL)
}

/// The KMS-encrypted log group SSM Session Manager writes session transcripts to.
pub fn session_log_group() -> Ref {
    Ref::resource("aws_cloudwatch_log_group", "ssm_sessions")
}
