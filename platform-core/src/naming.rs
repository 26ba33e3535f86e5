//! The one place AWS and Kubernetes names are made: `<resource-type>-<platform>[-<component>]-<suffix>`.
//!
//! DSL names are Rust identifiers (`external_dns`); their label form (`external-dns`) is what appears in AWS and
//! Kubernetes names. The environment suffix is only known at deploy time, so the compile-time length checks
//! assume the longest suffix the CLI accepts ([`MAX_SUFFIX_LEN`]).

use crate::model::Purchase;

/// Longest environment suffix the CLI accepts; compile-time name-length checks assume a suffix this long.
pub const MAX_SUFFIX_LEN: usize = 8;

/// The service account in every tenant namespace that the tenant's SecretStores name (`auth.jwt`): annotated with
/// the tenant's secrets role, which trusts only `system:serviceaccount:<tenant>:secret-store`.
pub const TENANT_SECRETS_SERVICE_ACCOUNT: &str = "secret-store";

/// A kind of AWS name, with the service's length limit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NameKind {
    /// `CreateCluster` name: 1–100 characters.
    EksCluster,
    /// `CreateNodegroup` name: 1–63 characters.
    NodeGroup,
    /// IAM role name: 64 characters.
    IamRole,
    /// IAM policy name: 128 characters.
    IamPolicy,
    /// EC2 launch template name: 128 characters.
    LaunchTemplate,
    /// KMS alias: 256 characters including `alias/`.
    KmsAlias,
    /// Security group name: 255 characters.
    SecurityGroup,
    /// S3 bucket name: 3–63 characters.
    S3Bucket,
    /// Kinesis Data Firehose `DeliveryStreamName`: 1–64 characters.
    FirehoseStream,
    /// SSM `CreateDocument` name: 3–128 characters.
    SsmDocument,
    /// Any other tagged `Name`: 255 characters.
    Tag,
}

impl NameKind {
    pub fn max_len(self) -> usize {
        match self {
            NameKind::EksCluster => 100,
            NameKind::NodeGroup => 63,
            NameKind::IamRole | NameKind::FirehoseStream => 64,
            NameKind::S3Bucket => 63,
            NameKind::IamPolicy | NameKind::LaunchTemplate | NameKind::SsmDocument => 128,
            NameKind::KmsAlias => 256,
            NameKind::SecurityGroup | NameKind::Tag => 255,
        }
    }

    pub fn what(self) -> &'static str {
        match self {
            NameKind::EksCluster => "EKS cluster name",
            NameKind::NodeGroup => "EKS node group name",
            NameKind::IamRole => "IAM role name",
            NameKind::IamPolicy => "IAM policy name",
            NameKind::LaunchTemplate => "launch template name",
            NameKind::KmsAlias => "KMS alias",
            NameKind::S3Bucket => "S3 bucket name",
            NameKind::FirehoseStream => "Firehose stream name",
            NameKind::SsmDocument => "SSM document name",
            NameKind::SecurityGroup => "security group name",
            NameKind::Tag => "Name tag",
        }
    }
}

pub use crate::spelling::{ident, label};

/// Whether `s` is a DNS-1123 label: 1–63 lowercase letters, digits and `-`, starting and ending alphanumeric.
pub fn is_dns_label(s: &str) -> bool {
    let bytes = s.as_bytes();
    !bytes.is_empty()
        && bytes.len() <= 63
        && bytes.iter().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || *b == b'-')
        && bytes[0].is_ascii_alphanumeric()
        && bytes[bytes.len() - 1].is_ascii_alphanumeric()
}

/// Why an environment suffix is rejected, if it is.
pub fn suffix_error(suffix: &str) -> Option<String> {
    if suffix.is_empty() {
        Some("the environment suffix is empty; use 1 to 8 lowercase letters and digits, e.g. `dev`".into())
    } else if suffix.len() > MAX_SUFFIX_LEN {
        Some(format!(
            "the environment suffix `{suffix}` has {} characters; at most {MAX_SUFFIX_LEN} keep every AWS name \
             within its limit",
            suffix.len()
        ))
    } else if !suffix.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit()) {
        Some(format!("the environment suffix `{suffix}` may only hold lowercase letters and digits, e.g. `dev`"))
    } else if !suffix.as_bytes()[0].is_ascii_lowercase() {
        Some(format!("the environment suffix `{suffix}` must start with a letter, e.g. `dev`"))
    } else {
        None
    }
}

/// The name component of a tenant's secrets role and policy: `secrets-<tenant>`. An IRSA binding named
/// `secrets_<tenant>` would get the same names (the `naming/duplicate` rule refuses it).
pub fn tenant_secrets_component(tenant: &str) -> String {
    format!("secrets-{}", label(tenant))
}

/// The roles AWS services assume for the platform itself (no DSL name): each has an inline policy of the same
/// component.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ServiceRole {
    /// VPC flow logs delivery to CloudWatch Logs.
    FlowLogs,
    /// Firehose delivery of the log archive to S3.
    LogArchiveDelivery,
    /// CloudWatch Logs subscription of the audit log groups to the archive streams.
    LogArchiveSubscription,
}

impl ServiceRole {
    pub const ALL: [ServiceRole; 3] =
        [ServiceRole::FlowLogs, ServiceRole::LogArchiveDelivery, ServiceRole::LogArchiveSubscription];

    /// The component of its role and policy names.
    pub fn component(self) -> &'static str {
        match self {
            ServiceRole::FlowLogs => "flow-logs",
            ServiceRole::LogArchiveDelivery => "log-archive-delivery",
            ServiceRole::LogArchiveSubscription => "log-archive-subscription",
        }
    }
}

/// The components of the platform's own KMS keys (besides one per tenant, named after the tenant).
pub mod kms_key {
    /// Kubernetes secrets envelope encryption.
    pub const SECRETS: &str = "secrets";
    /// CloudWatch logs and the alarm topic.
    pub const LOGS: &str = "logs";
    /// Node EBS volumes.
    pub const EBS: &str = "ebs";
    /// The log archive (archive root).
    pub const LOG_ARCHIVE: &str = "log-archive";
    pub const ALL: [&str; 4] = [SECRETS, LOGS, EBS, LOG_ARCHIVE];
}

/// The keys of the audit log groups streamed into the log archive: each names a Firehose stream and a
/// subscription filter (`log-archive-<key>`) and the Terraform blocks (`log_archive_<key>`).
pub mod archive_source {
    pub const EKS: &str = "eks";
    pub const FLOW_LOGS: &str = "flow_logs";
    pub const SESSIONS: &str = "sessions";
    pub const CI_APP: &str = "ci_app";
    pub const CI_DATA: &str = "ci_data";
    pub const CI_HOST: &str = "ci_host";
    pub const CI_PERF: &str = "ci_perf";
    /// Every source a platform may have (which it has depends on its flow logs and Container Insights).
    pub const ALL: [&str; 7] = [EKS, FLOW_LOGS, SESSIONS, CI_APP, CI_DATA, CI_HOST, CI_PERF];
}

/// Makes every name of one platform in one environment.
#[derive(Debug, Clone, Copy)]
pub struct Names<'a> {
    platform: &'a str,
    suffix: &'a str,
}

impl<'a> Names<'a> {
    pub fn new(platform: &'a str, suffix: &'a str) -> Self {
        Names { platform, suffix }
    }

    /// The environment suffix.
    pub fn suffix(&self) -> &'a str {
        self.suffix
    }

    /// `<resource-type>-<platform>-<component>-<suffix>`; `component` may be empty.
    pub fn name(&self, resource_type: &str, component: &str) -> String {
        let platform = label(self.platform);
        if component.is_empty() {
            format!("{resource_type}-{platform}-{}", self.suffix)
        } else {
            format!("{resource_type}-{platform}-{}-{}", label(component), self.suffix)
        }
    }

    /// The EKS cluster name.
    pub fn cluster(&self) -> String {
        self.name("eks", "")
    }

    /// An EKS managed node group: `nodegroup-<platform>-<group>-<purchase>-<suffix>`. The priority expander
    /// matches `-spot-`.
    pub fn node_group(&self, group: &str, purchase: Purchase) -> String {
        self.name("nodegroup", &format!("{}-{purchase}", label(group)))
    }

    /// An IAM role.
    pub fn iam_role(&self, component: &str) -> String {
        self.name("role", component)
    }

    /// An IAM policy.
    pub fn iam_policy(&self, component: &str) -> String {
        self.name("policy", component)
    }

    /// The IAM role of one tenant's SecretStores: `role-<platform>-secrets-<tenant>-<suffix>`.
    pub fn tenant_secrets_role(&self, tenant: &str) -> String {
        self.iam_role(&tenant_secrets_component(tenant))
    }

    /// The inline policy of that role.
    pub fn tenant_secrets_policy(&self, tenant: &str) -> String {
        self.iam_policy(&tenant_secrets_component(tenant))
    }

    /// An S3 bucket: bucket names are global, so the account id (a Terraform expression at render time) comes
    /// before the suffix: `s3-<platform>-<component>-<account>-<suffix>`.
    pub fn s3_bucket(&self, component: &str, account: &str) -> String {
        format!("s3-{}-{}-{account}-{}", label(self.platform), label(component), self.suffix)
    }

    /// A KMS alias (`alias/kms-…`).
    pub fn kms_alias(&self, component: &str) -> String {
        format!("alias/{}", self.name("kms", component))
    }

    // Each name below is made here only, for the renderer that emits it and for the `naming/length` rule
    // (`check::naming::checked_names`), so no emitted name escapes the rule.

    /// The EKS cluster's IAM role.
    pub fn cluster_role(&self) -> String {
        self.iam_role("cluster")
    }

    /// The cluster role's inline policy using the secrets key.
    pub fn cluster_secrets_key_policy(&self) -> String {
        self.iam_policy("cluster-secrets-key")
    }

    /// The nodes' IAM role.
    pub fn node_role(&self) -> String {
        self.iam_role("node")
    }

    /// The node role's inline policy for Session Manager's logging.
    pub fn node_ssm_sessions_policy(&self) -> String {
        self.iam_policy("node-ssm-sessions")
    }

    /// The managed policy allowing logged Session Manager sessions on the nodes.
    pub fn ssm_sessions_policy(&self) -> String {
        self.iam_policy("node-sessions")
    }

    /// The Session Manager preferences document.
    pub fn ssm_sessions_document(&self) -> String {
        self.name("ssm", "sessions")
    }

    /// A role an AWS service assumes for the platform.
    pub fn service_role(&self, role: ServiceRole) -> String {
        self.iam_role(role.component())
    }

    /// That role's inline policy.
    pub fn service_role_policy(&self, role: ServiceRole) -> String {
        self.iam_policy(role.component())
    }

    /// The IAM role of an IRSA binding.
    pub fn irsa_role(&self, binding: &str) -> String {
        self.iam_role(binding)
    }

    /// The inline policy of that role.
    pub fn irsa_policy(&self, binding: &str) -> String {
        self.iam_policy(binding)
    }

    /// The alias of a tenant's KMS key.
    pub fn tenant_key_alias(&self, tenant: &str) -> String {
        self.kms_alias(tenant)
    }

    /// A node group's launch template.
    pub fn launch_template(&self, group: &str) -> String {
        self.name("lt", group)
    }

    /// The security group of the interface VPC endpoints. Security group names may not start with `sg-` (EC2
    /// CreateSecurityGroup), hence `secgroup`.
    pub fn endpoints_security_group(&self) -> String {
        self.name("secgroup", "endpoints")
    }

    /// The log archive bucket, for an account id (a Terraform expression at render time).
    pub fn log_archive_bucket(&self, account: &str) -> String {
        self.s3_bucket("log-archive", account)
    }

    /// The Firehose stream of one archive source ([`archive_source`]).
    pub fn log_archive_stream(&self, source: &str) -> String {
        self.name("firehose", &format!("log-archive-{}", label(source)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_follow_the_convention() {
        let n = Names::new("fintech", "dev");
        assert_eq!(n.cluster(), "eks-fintech-dev");
        assert_eq!(n.node_group("general", Purchase::Spot), "nodegroup-fintech-general-spot-dev");
        assert_eq!(n.iam_role("external_dns"), "role-fintech-external-dns-dev");
        assert_eq!(n.kms_alias("payments"), "alias/kms-fintech-payments-dev");
        assert_eq!(n.tenant_secrets_role("cards_eu"), "role-fintech-secrets-cards-eu-dev");
        assert_eq!(n.tenant_secrets_role("cards_eu"), n.iam_role("secrets_cards_eu"), "why naming/duplicate checks it");
    }

    #[test]
    fn suffix_rules() {
        assert_eq!(suffix_error("dev"), None);
        assert_eq!(suffix_error("pr1234"), None);
        assert!(suffix_error("").is_some());
        assert!(suffix_error("Dev").is_some());
        assert!(suffix_error("dev-1").is_some());
        assert!(suffix_error("1dev").is_some());
        assert!(suffix_error("abcdefghi").is_some());
    }

    #[test]
    fn dns_labels() {
        assert!(is_dns_label("payments"));
        assert!(is_dns_label("external-dns"));
        assert!(!is_dns_label("-a"));
        assert!(!is_dns_label("a_b"));
        assert!(!is_dns_label("Payments"));
        assert!(!is_dns_label(&"a".repeat(64)));
    }
}
