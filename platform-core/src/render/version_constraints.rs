//! The Terraform and provider version constraints of every root (archive, infra, network, cluster, state bucket).

/// Satisfied by the 5.100 provider pre-installed on the test machines and by the current 6.x releases; the
/// rendered attributes avoid everything 6.0 removed (`aws_eip.vpc`, `aws_eks_addon.resolve_conflicts`, …).
pub const AWS_PROVIDER_CONSTRAINT: &str = ">= 5.100, < 7.0";

/// Terraform 1.6 added the `validation` features the variables use (cross-variable conditions came in 1.9 and
/// are not needed).
pub const TERRAFORM_CONSTRAINT: &str = ">= 1.6";

/// hashicorp/kubernetes: 2.38 is the schema the project validates against (TOOL-NOTES).
pub const KUBERNETES_PROVIDER_CONSTRAINT: &str = "~> 2.38";

/// hashicorp/helm: 3.x changed `kubernetes`/`exec`/`set` from blocks to attributes; the roots use 3.x syntax.
pub const HELM_PROVIDER_CONSTRAINT: &str = "~> 3.1";
