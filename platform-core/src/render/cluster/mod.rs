//! The cluster stage: what runs inside the cluster the infra stage created.
//!
//! The same Rust data is rendered twice:
//! - `terraform/network/`: Calico alone, applied before the node groups exist ([`network_root`]);
//! - `terraform/cluster/`: a second Terraform root on the aws, kubernetes and helm providers. It reads the cluster,
//!   the IRSA roles, the VPC and the tenant keys by their deterministic names (no outputs to copy, no account id).
//!   Plain objects are `kubernetes_manifest` resources (or `kubernetes_labels` on namespaces EKS creates);
//!   controllers are `helm_release`s of pinned charts; custom resources (Kyverno policies, SecretStores) go in a
//!   local chart the renderer writes, because `kubernetes_manifest` cannot plan a kind whose CRD does not exist yet.
//! - `manifests/` (only with an account id, see [`super::RenderOptions::account_id`]): the same objects as YAML with
//!   a `kustomization.yaml`, plus each chart's values in `manifests/helm/` for GitOps users.
//!
//! Modules: [`objects`] (typed Kubernetes objects, held typed until written), [`custom_resources`] (the types of
//! the custom resources), [`rbac`] (tenant roles), [`isolation`] (Calico policies), [`policies`] (Kyverno policies
//! and SecretStores), [`charts`] (Helm values),
//! [`ports`] (host-network ports), [`network_root`] and [`cluster_root`] (the roots) and what both write the same
//! way ([`tf_resources`]), [`manifests`] (the YAML tree).

pub mod charts;
pub mod cluster_root;
pub mod custom_resources;
mod flows;
pub mod isolation;
pub mod manifests;
pub mod network_root;
pub mod objects;
pub mod policies;
pub mod ports;
pub mod rbac;
pub mod tf_resources;
mod yaml;

use crate::checked::{Checked, Tenant};
use crate::model::IrsaBinding;
use crate::naming::ident;
use crate::render::context::Context;
use crate::render::tf_json::Ref;

pub use yaml::{to_yaml, to_yaml_documents, to_yaml_file};

/// Where the ARNs and ids that only exist in AWS come from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Target<'a> {
    /// Terraform interpolations of data sources looked up by name.
    Terraform,
    /// Literal ARNs built from the account id (the `aws` partition: the region catalog holds commercial regions).
    Manifests { account_id: &'a str },
}

/// The data source of an IRSA binding's role in the cluster root.
pub(crate) fn irsa_role_data(binding: &IrsaBinding) -> Ref {
    Ref::data("aws_iam_role", &format!("irsa_{}", ident(&binding.name)))
}

/// The data source of a tenant key's alias in the cluster root.
pub(crate) fn tenant_key_data(tenant: &Tenant) -> Ref {
    Ref::data("aws_kms_alias", &format!("tenant_{}", ident(&tenant.namespace)))
}

/// The data source of a tenant's secrets role in the cluster root.
pub(crate) fn tenant_secrets_role_data(tenant: &Tenant) -> Ref {
    Ref::data("aws_iam_role", &format!("secrets_{}", ident(&tenant.namespace)))
}

/// The cluster in the cluster root.
pub(crate) fn cluster_data() -> Ref {
    Ref::data("aws_eks_cluster", "main")
}

/// The VPC in the cluster root (found by the `Name` tag the infra stage gives it).
pub(crate) fn vpc_data() -> Ref {
    Ref::data("aws_vpc", "main")
}

impl Target<'_> {
    /// The IRSA role ARN of a binding (the infra stage names it `Names::iam_role(<binding>)`).
    pub fn irsa_role_arn(&self, ctx: &Context, binding: &IrsaBinding) -> String {
        match self {
            Target::Terraform => irsa_role_data(binding).attr("arn").to_string(),
            Target::Manifests { account_id } => {
                format!("arn:aws:iam::{account_id}:role/{}", ctx.names.irsa_role(&binding.name))
            }
        }
    }

    /// The role of a tenant's SecretStores (the infra stage names it `Names::tenant_secrets_role(<tenant>)`).
    pub fn tenant_secrets_role_arn(&self, ctx: &Context, tenant: &Tenant) -> String {
        match self {
            Target::Terraform => tenant_secrets_role_data(tenant).attr("arn").to_string(),
            Target::Manifests { account_id } => {
                format!("arn:aws:iam::{account_id}:role/{}", ctx.names.tenant_secrets_role(&tenant.tenant.name))
            }
        }
    }

    /// The tenant's KMS key: the key ARN behind the alias in Terraform, the alias ARN in manifests (EBS accepts
    /// either as `KmsKeyId`).
    pub fn tenant_key_arn(&self, ctx: &Context, tenant: &Tenant) -> String {
        match self {
            Target::Terraform => tenant_key_data(tenant).attr("target_key_arn").to_string(),
            Target::Manifests { account_id } => {
                let alias = ctx.names.tenant_key_alias(&tenant.tenant.name);
                format!("arn:aws:kms:{}:{account_id}:{alias}", ctx.platform.region)
            }
        }
    }
}

/// The `Name` tag the infra stage puts on the VPC.
pub(crate) fn vpc_name(ctx: &Context) -> String {
    ctx.names.name("vpc", "")
}

/// The rendered cluster stage: the network and cluster roots' files and, with an account id, the manifests tree.
pub struct ClusterStage {
    /// Files by path relative to the output directory.
    pub files: Vec<(String, Vec<u8>)>,
}

/// Renders the cluster stage of a checked platform.
pub fn render(checked: &Checked, suffix: &str, account_id: Option<&str>) -> ClusterStage {
    let ctx = Context::new(checked, suffix);
    let custom = policies::documents(&ctx);
    let mut files = network_root::render(&ctx);
    files.extend(cluster_root::render(&ctx, &custom));
    if let Some(account_id) = account_id {
        files.extend(manifests::render(&ctx, account_id, &custom));
    }
    ClusterStage { files }
}
