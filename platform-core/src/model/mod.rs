//! The plain data a `platform!` definition declares.
//!
//! Values are kept as the user wrote them (CIDRs and versions as strings) so that a definition built without the
//! macro can still be represented and then rejected by [`crate::check`] with a precise finding. Plain data only:
//! turning a checked value back into the Rust code that builds it is the macro's business (`platform-macros`).

mod keyword;

use std::collections::BTreeMap;

use serde::Serialize;

pub(crate) use keyword::keyword_enum;
pub use keyword::{did_you_mean, Keyword, UnknownKeyword};

/// A whole platform: one EKS cluster, its network, node groups, tenants and platform services.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Platform {
    /// Short platform name, part of every AWS name (`<type>-<name>-…-<suffix>`).
    pub name: String,
    /// AWS region, e.g. `us-east-2`.
    pub region: String,
    /// Kubernetes minor version, e.g. `1.28`.
    pub kubernetes: String,
    /// Exactly three availability zones of `region`.
    pub availability_zones: Vec<String>,
    /// Cost-allocation tags put on every AWS resource (besides the ones the renderer adds).
    pub tags: BTreeMap<String, String>,
    pub vpc: Vpc,
    pub cluster: Cluster,
    pub encryption: Encryption,
    pub node_groups: Vec<NodeGroup>,
    pub tenants: Vec<Tenant>,
    pub addons: Vec<Addon>,
    pub irsa: Vec<IrsaBinding>,
    pub identity: Identity,
    /// Route 53 hosted zones external-dns may change.
    pub dns_zones: Vec<DnsZone>,
}

/// The VPC: node subnets per AZ, NAT and VPC endpoints; and the pod CIDR, which is Calico's, outside the VPC.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Vpc {
    pub cidr: String,
    /// One private (node) subnet per AZ, in the order of `availability_zones`.
    pub private_subnets: Vec<String>,
    /// One public subnet per AZ (load balancers, NAT gateways).
    pub public_subnets: Vec<String>,
    /// The pod network: Calico's VXLAN overlay, one IP pool per AZ; no VPC subnet holds it.
    pub pod_cidr: String,
    pub nat_gateways: NatGateways,
    pub endpoints: Vec<Endpoint>,
    /// VPC flow logs to an encrypted log group; required for PCI DSS 10.
    pub flow_logs: bool,
}

impl Vpc {
    /// `flow_logs` when not written: on (`network/flow-logs` rejects them off).
    pub const DEFAULT_FLOW_LOGS: bool = true;
}

keyword_enum! {
    /// How many NAT gateways the VPC gets.
    "NAT gateway mode",
    pub enum NatGateways {
        /// One per AZ: an AZ outage does not cut the others off (the production choice).
        OnePerAz = "one_per_az",
        /// One for the VPC: cheaper, a single point of failure for egress.
        Single = "single",
    }
}

keyword_enum! {
    /// An AWS service reached through a VPC endpoint instead of the NAT gateways.
    "VPC endpoint",
    pub enum Endpoint {
        EcrApi = "ecr_api",
        EcrDkr = "ecr_dkr",
        S3 = "s3",
        Ec2 = "ec2",
        Sts = "sts",
        Logs = "logs",
        Ssm = "ssm",
        SsmMessages = "ssmmessages",
        Ec2Messages = "ec2messages",
        Kms = "kms",
        SecretsManager = "secretsmanager",
        ElasticLoadBalancing = "elasticloadbalancing",
        Autoscaling = "autoscaling",
        Monitoring = "monitoring",
    }
}

/// The EKS control plane.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Cluster {
    pub endpoint: EndpointAccess,
    /// Control-plane log types sent to CloudWatch Logs.
    pub logs: Vec<LogType>,
    pub log_retention_days: u32,
    /// Days the S3 log archive keeps every audit log (control plane, VPC flow logs, Session Manager).
    pub log_archive_days: u32,
    /// Environment suffixes whose log archive `terraform destroy` may empty and delete (non-production only,
    /// rule `logging/archive-retention`); every other environment retains it.
    pub log_archive_destroyable_in: Vec<String>,
}

impl Cluster {
    /// `log_archive_days` when not written: PCI DSS 10.5.1 asks for 12 months of history; 400 days leaves a
    /// margin for the yearly audit.
    pub const DEFAULT_LOG_ARCHIVE_DAYS: u32 = 400;

    /// Whether environment `suffix` declared its log archive destroyable; every other environment retains it.
    pub fn archive_destroyable(&self, suffix: &str) -> bool {
        self.log_archive_destroyable_in.iter().any(|e| e == suffix)
    }
}

keyword_enum! {
    /// Who can reach the Kubernetes API endpoint.
    "endpoint access",
    pub enum EndpointAccess {
        /// Private endpoint only.
        Private = "private",
        /// Private endpoint, plus a public one restricted to the `public_access_cidrs` variable.
        PrivateAndPublic = "private_and_public",
    }
}

keyword_enum! {
    /// An EKS control-plane log type.
    "control-plane log type",
    pub enum LogType {
        Api = "api",
        Audit = "audit",
        Authenticator = "authenticator",
        ControllerManager = "controller_manager",
        Scheduler = "scheduler",
    }
}

/// Encryption switches. They exist so that turning one off is a compile error that says why (PCI DSS 3.5). Its
/// `Default`, every switch on, is the DSL's (`schema::ENCRYPTION`).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Encryption {
    /// Envelope encryption of Kubernetes secrets with a KMS key.
    pub secrets: bool,
    /// KMS-encrypted EBS volumes on every node.
    pub ebs: bool,
    /// KMS-encrypted CloudWatch log groups.
    pub logs: bool,
    /// One KMS key per tenant namespace.
    pub tenant_keys: bool,
    /// Automatic yearly rotation of every KMS key.
    pub key_rotation: bool,
}

/// A managed node group (rendered as one or more EKS managed node groups on a launch template).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct NodeGroup {
    pub name: String,
    pub workload: WorkloadClass,
    /// Instance types; all of one size so that cluster-autoscaler can predict a new node.
    pub instance_types: Vec<String>,
    pub capacity: Capacity,
    pub min_size: u32,
    pub desired_size: u32,
    pub max_size: u32,
    pub os: NodeOs,
    /// Size of the data volume (container images and ephemeral storage), GiB.
    pub disk_gib: u32,
    pub labels: BTreeMap<String, String>,
    pub taints: Vec<Taint>,
}

impl NodeGroup {
    /// `disk_gib` when not written: room for the images of a general-purpose node.
    pub const DEFAULT_DISK_GIB: u32 = 50;
    /// `os` when not written: the only OS the rules accept (`nodes/bottlerocket-only`).
    pub const DEFAULT_OS: NodeOs = NodeOs::Bottlerocket;

    /// `workload` when not written: the group's name, when that is a workload class (`node_group batch`).
    pub fn default_workload(name: &str) -> Option<WorkloadClass> {
        WorkloadClass::from_keyword(name).ok()
    }
}

keyword_enum! {
    /// The class of workload a node group is for; drives the capacity and tainting rules.
    "workload class",
    pub enum WorkloadClass {
        /// Transaction processing: on-demand only, tainted.
        Critical = "critical",
        /// Standard services: spot and on-demand.
        General = "general",
        /// Reconciliation batch jobs: spot only, tainted.
        Batch = "batch",
    }
}

/// Purchase option of a node group.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Capacity {
    OnDemand,
    Spot,
    /// Part spot, part on-demand, by share of the group's maximum size.
    Mixed {
        spot_percent: u8,
    },
}

impl Capacity {
    /// The share of the group's capacity that is spot, in percent.
    pub fn spot_percent(self) -> u8 {
        match self {
            Capacity::OnDemand => 0,
            Capacity::Spot => 100,
            Capacity::Mixed { spot_percent } => spot_percent,
        }
    }
}

impl std::fmt::Display for Capacity {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Capacity::OnDemand => f.write_str("on_demand"),
            Capacity::Spot => f.write_str("spot"),
            Capacity::Mixed { spot_percent } => write!(f, "mixed(spot: {spot_percent}%)"),
        }
    }
}

/// The purchase option of one managed node group.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Purchase {
    Spot,
    OnDemand,
}

impl Purchase {
    /// The spelling in AWS names, Terraform addresses and reports: `spot`, `ondemand`.
    pub fn name(self) -> &'static str {
        match self {
            Purchase::Spot => "spot",
            Purchase::OnDemand => "ondemand",
        }
    }

    /// The EKS `capacity_type`: `SPOT`, `ON_DEMAND`.
    pub fn capacity_type(self) -> &'static str {
        match self {
            Purchase::Spot => "SPOT",
            Purchase::OnDemand => "ON_DEMAND",
        }
    }
}

impl std::fmt::Display for Purchase {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

keyword_enum! {
    /// Node operating system. Only Bottlerocket is accepted; the others exist to be rejected with a reason.
    "node OS",
    pub enum NodeOs {
        Bottlerocket = "bottlerocket",
        AmazonLinux2 = "amazon_linux_2",
        AmazonLinux2023 = "amazon_linux_2023",
        Ubuntu = "ubuntu",
        Windows = "windows",
    }
}

/// A Kubernetes node taint.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Taint {
    pub key: String,
    pub value: String,
    pub effect: TaintEffect,
}

keyword_enum! {
    /// A Kubernetes taint effect.
    "taint effect",
    pub enum TaintEffect {
        NoSchedule = "NoSchedule",
        PreferNoSchedule = "PreferNoSchedule",
        NoExecute = "NoExecute",
    }
}

/// A team sharing the cluster: a namespace, its KMS key, its secrets, its access.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Tenant {
    /// Tenant name, also its namespace.
    pub name: String,
    /// Node groups the tenant's pods are steered to.
    pub node_groups: Vec<String>,
    pub pod_security: PodSecurity,
    /// Azure AD groups (object ids) bound to the tenant's roles.
    pub groups: Vec<GroupBinding>,
    /// Secrets Manager name prefix the tenant reads from, e.g. `payments/`.
    pub secret_prefix: String,
    /// IAM role ARNs in other accounts the tenant's secret store may assume.
    pub cross_account_roles: Vec<String>,
    pub quota: Quota,
    /// Traffic the tenant takes in besides its own namespace's: from other tenants or from the load balancers.
    pub allow_from: Vec<Flow>,
    /// In PCI DSS scope (cardholder data): its node groups may host no platform controller on the host network
    /// (`tenancy/pci-host-network`).
    pub pci: bool,
}

/// One declared flow into a tenant: from whom, on which TCP ports.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Flow {
    pub from: FlowSource,
    pub ports: PortRange,
}

/// Where a flow comes from.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum FlowSource {
    /// The pods of another tenant, by its name.
    Tenant(String),
    /// The load balancers the aws-load-balancer-controller makes (instance targets: through the nodes).
    LoadBalancers,
}

impl FlowSource {
    /// The DSL spelling of [`FlowSource::LoadBalancers`].
    pub const LOAD_BALANCERS: &'static str = "load_balancers";
}

/// TCP ports `first..=last` (one port when equal). Kept as written (`u32`) so that a port past 65535 is a finding.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct PortRange {
    pub first: u32,
    pub last: u32,
}

impl std::fmt::Display for PortRange {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.first == self.last {
            write!(f, "{}", self.first)
        } else {
            write!(f, "{}..={}", self.first, self.last)
        }
    }
}

impl Tenant {
    /// `pod_security` when not written.
    pub const DEFAULT_POD_SECURITY: PodSecurity = PodSecurity::Restricted;

    /// `secret_prefix` when not written: the tenant's namespace and a `/` (`payments/`).
    pub fn default_secret_prefix(name: &str) -> String {
        format!("{}/", crate::spelling::label(name))
    }
}

keyword_enum! {
    /// A Pod Security Standard level.
    "pod security level",
    pub enum PodSecurity {
        Restricted = "restricted",
        Baseline = "baseline",
        Privileged = "privileged",
    }
}

/// An Azure AD group bound to a tenant role.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct GroupBinding {
    pub role: TenantRole,
    /// Azure AD group object id (a GUID).
    pub group_id: String,
}

keyword_enum! {
    /// A role inside a tenant namespace.
    "tenant role",
    pub enum TenantRole {
        Admin = "admin",
        Developer = "developer",
        ReadOnly = "read_only",
    }
}

/// A tenant's ResourceQuota.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Quota {
    /// CPU requests limit, a Kubernetes quantity (`"32"`, `"500m"`).
    pub cpu: String,
    /// Memory requests limit, a Kubernetes quantity (`"64Gi"`).
    pub memory: String,
    pub pods: u32,
}

/// An EKS managed addon with its configuration overrides.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Addon {
    pub kind: AddonKind,
    /// Replica count (Deployments only).
    pub replicas: Option<u32>,
    /// Node group the addon's controller pods are placed on (node selector and tolerations).
    pub node_group: Option<String>,
    pub resources: Option<Resources>,
}

keyword_enum! {
    /// An EKS managed addon the platform installs.
    "addon",
    pub enum AddonKind {
        Coredns = "coredns",
        KubeProxy = "kube_proxy",
        AwsEbsCsiDriver = "aws_ebs_csi_driver",
        AmazonCloudwatchObservability = "amazon_cloudwatch_observability",
    }
}

impl AddonKind {
    /// The EKS addon name.
    pub fn eks_name(self) -> &'static str {
        match self {
            AddonKind::Coredns => "coredns",
            AddonKind::KubeProxy => "kube-proxy",
            AddonKind::AwsEbsCsiDriver => "aws-ebs-csi-driver",
            AddonKind::AmazonCloudwatchObservability => "amazon-cloudwatch-observability",
        }
    }

    /// Whether the addon's pods need the pod network: all but kube-proxy, which runs on the host network (the
    /// infra root gates them on it, the network root creates their namespaces).
    pub fn needs_pod_network(self) -> bool {
        !matches!(self, AddonKind::KubeProxy)
    }

    /// The namespace an addon installs its pods into: `amazon-cloudwatch` for the CloudWatch agent (its service
    /// account `amazon-cloudwatch/cloudwatch-agent`, awsdocs/amazon-eks-user-guide
    /// `latest/ug/workloads/eks-add-ons.adoc`), `kube-system` for the others.
    pub fn namespace(self) -> &'static str {
        match self {
            AddonKind::AmazonCloudwatchObservability => "amazon-cloudwatch",
            _ => "kube-system",
        }
    }
}

/// Container resource requests (and memory limit) for an addon.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Resources {
    pub cpu: String,
    pub memory: String,
}

/// IAM Roles for Service Accounts: one IAM role trusted by one service account.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct IrsaBinding {
    pub name: String,
    pub namespace: String,
    pub service_account: String,
    pub policy: Policy,
}

impl IrsaBinding {
    /// The bindings of a platform that wrote `written`: those, then the implied binding
    /// ([`ManagedPolicy::implied_binding`]) of every platform controller none of them has the policy of, in
    /// [`ManagedPolicy::ALL`] order. A written binding with a controller's policy replaces its implied one (two
    /// are refused by `irsa/controller-roles`). A controller whose implied name a written binding of another
    /// policy already takes gets none: a second binding of that name would be a second role of one name, and
    /// `irsa/controller-roles` asks the user to rename theirs.
    pub fn with_implied(written: Vec<IrsaBinding>) -> Vec<IrsaBinding> {
        let implied: Vec<IrsaBinding> = ManagedPolicy::ALL
            .iter()
            .map(|&(_, kind)| kind)
            .filter(|&kind| written.iter().all(|b| b.policy != Policy::Managed(kind) && b.name != kind.implied_name()))
            .map(ManagedPolicy::implied_binding)
            .collect();
        written.into_iter().chain(implied).collect()
    }

    /// Whether this is the implied binding of its controller (or written exactly as that).
    pub fn is_implied(&self) -> bool {
        matches!(self.policy, Policy::Managed(kind) if *self == kind.implied_binding())
    }
}

/// The permissions of an IRSA role.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Policy {
    /// A least-privilege policy the platform knows how to write for a platform controller.
    Managed(ManagedPolicy),
    /// Statements written in the DSL.
    Custom(Vec<Statement>),
}

keyword_enum! {
    /// A policy the platform writes for one of its controllers.
    "IRSA policy",
    pub enum ManagedPolicy {
        ClusterAutoscaler = "cluster_autoscaler",
        AwsLoadBalancerController = "aws_load_balancer_controller",
        ExternalDns = "external_dns",
        ExternalSecrets = "external_secrets",
        EbsCsi = "ebs_csi",
        CloudwatchObservability = "cloudwatch_observability",
    }
}

impl ManagedPolicy {
    /// The `namespace/service account` of this controller's implied binding ([`Self::implied_binding`]). An
    /// addon's are the ones the addon creates ([`Self::addon_service_account`]); a chart's account is named by the
    /// binding, and this is the chart's name, in `kube-system` for the cluster's own controllers and in a system
    /// namespace of its own for the others (`catalog::namespaces::SYSTEM_NAMESPACES`).
    pub fn implied_service_account(self) -> (&'static str, &'static str) {
        match self {
            ManagedPolicy::ClusterAutoscaler => ("kube-system", "cluster-autoscaler"),
            ManagedPolicy::AwsLoadBalancerController => ("kube-system", "aws-load-balancer-controller"),
            ManagedPolicy::ExternalDns => ("external-dns", "external-dns"),
            ManagedPolicy::ExternalSecrets => ("external-secrets", "external-secrets"),
            ManagedPolicy::EbsCsi | ManagedPolicy::CloudwatchObservability => {
                self.addon_service_account().expect("an addon runs it")
            }
        }
    }

    /// The EKS addon that runs this controller, if one does (the others are charts).
    pub fn addon(self) -> Option<AddonKind> {
        match self {
            ManagedPolicy::EbsCsi => Some(AddonKind::AwsEbsCsiDriver),
            ManagedPolicy::CloudwatchObservability => Some(AddonKind::AmazonCloudwatchObservability),
            _ => None,
        }
    }

    /// The `namespace/service account` an EKS addon creates for this controller, if an addon runs it: its IRSA
    /// binding must name exactly these, since the addon (not the platform) names the account: in the addon's
    /// namespace ([`AddonKind::namespace`]), `ebs-csi-controller-sa` (EKS user guide, EBS CSI driver addon) and
    /// `cloudwatch-agent` (awsdocs/amazon-eks-user-guide `latest/ug/workloads/eks-add-ons.adoc`).
    pub fn addon_service_account(self) -> Option<(&'static str, &'static str)> {
        let addon = self.addon()?;
        let account = if addon == AddonKind::AwsEbsCsiDriver { "ebs-csi-controller-sa" } else { "cloudwatch-agent" };
        Some((addon.namespace(), account))
    }

    /// The name of this controller's implied binding: the policy's keyword (`irsa external_dns`).
    pub fn implied_name(self) -> &'static str {
        self.keyword()
    }

    /// The binding a platform has for this controller when it writes no `irsa` block with this policy, as if it
    /// had written `irsa <policy> { namespace, service_account, policy: <policy> }` with
    /// [`Self::implied_service_account`] ([`IrsaBinding::with_implied`]).
    pub fn implied_binding(self) -> IrsaBinding {
        let (namespace, service_account) = self.implied_service_account();
        IrsaBinding {
            name: self.implied_name().to_owned(),
            namespace: namespace.to_owned(),
            service_account: service_account.to_owned(),
            policy: Policy::Managed(self),
        }
    }
}

/// One `Allow` statement of a custom IRSA policy.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Statement {
    pub actions: Vec<String>,
    pub resources: Vec<String>,
}

/// Developer authentication through an OIDC identity provider (Azure AD / Entra ID).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Identity {
    /// Azure AD (Entra ID) tenant id, a GUID.
    pub tenant_id: String,
    /// Application (client) id registered for the cluster, a GUID.
    pub client_id: String,
    pub username_claim: String,
    pub groups_claim: String,
    /// Prefix EKS puts before usernames and groups from this provider (kept apart from IAM identities).
    pub username_prefix: String,
    pub groups_prefix: String,
    /// Azure AD groups bound to cluster-wide roles.
    pub cluster_roles: Vec<ClusterGroupBinding>,
}

impl Identity {
    /// `username_claim` when not written: the user's object id, immutable and never reused (rule
    /// `identity/stable-username`; the renderer asks Entra ID for the scope that puts it in the ID token).
    pub const DEFAULT_USERNAME_CLAIM: &'static str = "oid";
    /// The claims that identify one person for good (Microsoft identity platform, ID token claims reference, "Use
    /// claims to reliably identify a user"): `oid`, the object id Entra ID shows for the user, and `sub`, a pairwise
    /// id unique to this application. Both are GUIDs that are never reassigned.
    pub const STABLE_USERNAME_CLAIMS: &'static [&'static str] = &["oid", "sub"];
    /// `groups_claim` when not written: the group object ids.
    pub const DEFAULT_GROUPS_CLAIM: &'static str = "groups";
    /// `username_prefix` and `groups_prefix` when not written: keeps Azure AD users and groups apart from IAM
    /// identities and `system:` names.
    pub const DEFAULT_PREFIX: &'static str = "aad:";
}

/// An Azure AD group bound to a cluster-wide role.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ClusterGroupBinding {
    pub role: ClusterRole,
    pub group_id: String,
}

keyword_enum! {
    /// A cluster-wide role for an Azure AD group.
    "cluster role",
    pub enum ClusterRole {
        /// `cluster-admin`.
        Admin = "admin",
        /// The built-in `view` ClusterRole across namespaces (auditors).
        ReadOnly = "read_only",
    }
}

/// A Route 53 hosted zone external-dns manages records in.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DnsZone {
    /// The zone's domain name, e.g. `payments.example.com`.
    pub name: String,
    /// The hosted zone id, e.g. `Z0123456789ABCDEFGHIJ`.
    pub zone_id: String,
}
