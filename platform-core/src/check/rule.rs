//! Every rule a definition is checked against, with its stable id (`concern/rule`).

use serde::Serialize;

/// Whether a finding stops the build.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    Error,
    Warning,
}

impl std::fmt::Display for Severity {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
        })
    }
}

macro_rules! rules {
    ($($(#[$doc:meta])* $variant:ident = $id:literal,)+) => {
        /// A rule of the platform. Its id is stable: it appears in compile errors, `platform check --format json`
        /// and the README's PCI mapping.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
        pub enum Rule { $($(#[$doc])* #[serde(rename = $id)] $variant,)+ }

        impl Rule {
            pub const ALL: &'static [Rule] = &[$(Rule::$variant,)+];

            /// The stable id, `concern/rule`.
            pub fn id(self) -> &'static str {
                match self { $(Rule::$variant => $id,)+ }
            }
        }
    };
}

rules! {
    // --- network ---
    /// A CIDR does not parse as an IPv4 network in canonical form (`10.0.0.0/16`, host bits zero).
    InvalidCidr = "network/invalid-cidr",
    /// The VPC CIDR and its subnets are between /16 and /28 (AWS VPC and subnet limit).
    VpcCidrSize = "network/vpc-cidr-size",
    /// Every subnet lies inside the VPC CIDR.
    SubnetOutsideVpc = "network/subnet-outside-vpc",
    /// Subnets do not overlap each other.
    SubnetsOverlap = "network/subnets-overlap",
    /// One private and one public subnet per availability zone.
    SubnetPerAz = "network/subnet-per-az",
    /// The region is a known AWS region.
    UnknownRegion = "network/unknown-region",
    /// Exactly three distinct availability zones.
    ThreeAzs = "network/three-azs",
    /// Every availability zone belongs to the declared region.
    AzNotInRegion = "network/az-not-in-region",
    /// The pod CIDR is disjoint from the VPC CIDR (pods must reach the VPC's addresses).
    PodCidrOverlapsVpc = "network/pod-cidr-overlaps-vpc",
    /// The pod CIDR is a private range (RFC 1918, 100.64.0.0/10, 198.18.0.0/15) that splits into 3 per-AZ Calico pools.
    PodCidrRange = "network/pod-cidr-range",
    /// The VPC endpoints the requirements name (ECR api/dkr, S3, EC2, STS, Logs, SSM trio) are declared.
    RequiredEndpoints = "network/required-endpoints",
    /// VPC flow logs stay on.
    FlowLogs = "network/flow-logs",
    // --- naming ---
    /// Names are lowercase identifiers whose label form is a DNS-1123 label.
    NameSyntax = "naming/syntax",
    /// Names are unique within their kind.
    DuplicateName = "naming/duplicate",
    /// Names fit the AWS limits once the longest environment suffix is added.
    NameLength = "naming/length",
    /// Cost-allocation tags are keys and values AWS accepts (length, characters, no reserved `aws:` prefix).
    TagSyntax = "naming/tag",
    // --- nodes ---
    /// Instance types are ones the platform knows the size of.
    UnknownInstanceType = "nodes/unknown-instance-type",
    /// All instance types of a node group have the same vCPU and memory (cluster-autoscaler assumes it).
    InstanceSizesDiffer = "nodes/instance-sizes-differ",
    /// `min <= desired <= max` and `max >= 1`.
    SizeOrder = "nodes/size-order",
    /// Critical node groups are on-demand only.
    CriticalOnDemand = "nodes/critical-on-demand",
    /// Batch node groups are spot only.
    BatchSpotOnly = "nodes/batch-spot-only",
    /// Critical and batch node groups carry a `NoSchedule` taint with a matching label.
    DedicatedTaint = "nodes/dedicated-taint",
    /// A mixed group's spot share is between 1% and 99%.
    SpotPercent = "nodes/spot-percent",
    /// Bottlerocket is the only node OS.
    BottlerocketOnly = "nodes/bottlerocket-only",
    /// There is a critical, a general and a batch node group.
    WorkloadClasses = "nodes/workload-classes",
    /// The data volume is large enough for container images (at least 20 GiB).
    DiskSize = "nodes/disk-size",
    /// Node labels and taints are valid Kubernetes label keys and values.
    LabelSyntax = "nodes/label-syntax",
    // --- capacity ---
    /// Spot is at least 50% of the non-critical capacity (max size x vCPU).
    SpotShare = "capacity/spot-share",
    // --- encryption and logging ---
    /// Encryption cannot be switched off.
    EncryptionRequired = "encryption/required",
    /// Log retention is at least 90 days and a value CloudWatch Logs accepts.
    LogRetention = "logging/retention",
    /// Audit logs are archived at least 365 days (PCI DSS 10.5.1: 12 months of history).
    LogArchive = "logging/archive",
    /// Only non-production environments may declare a destroyable log archive (PCI DSS 10.5.1).
    ArchiveRetention = "logging/archive-retention",
    /// Control-plane logs include audit, authenticator and scheduler.
    ControlPlaneLogs = "logging/control-plane-logs",
    // --- tenancy ---
    /// Tenants and addons name existing node groups.
    UnknownNodeGroup = "tenancy/unknown-node-group",
    /// Tenants run at `restricted` or `baseline`, never `privileged`.
    TenantPodSecurity = "tenancy/pod-security",
    /// Secret prefixes are non-empty, end with `/` and do not nest inside each other.
    SecretPrefix = "tenancy/secret-prefix",
    /// Cross-account roles are IAM role ARNs of another account.
    CrossAccountRole = "tenancy/cross-account-role",
    /// ResourceQuota values are valid Kubernetes quantities.
    Quota = "tenancy/quota",
    /// A flow comes from a declared tenant (or `load_balancers`), never from the tenant itself.
    FlowSource = "tenancy/flow-source",
    /// A flow's ports are TCP ports 1 to 65535, `first..=last` with `first <= last`.
    FlowPorts = "tenancy/flow-ports",
    /// A PCI tenant's node groups host no platform controller on the host network.
    PciHostNetwork = "tenancy/pci-host-network",
    /// Tenants' quotas fit the node groups they run on at max size, after what the platform reserves there.
    QuotaCapacity = "tenancy/quota-capacity",
    // --- identity ---
    /// Azure AD tenant, client and group ids are GUIDs.
    AzureAdId = "identity/azure-ad-id",
    /// Claims and prefixes are set; prefixes keep OIDC users apart from IAM identities.
    OidcClaims = "identity/oidc-claims",
    /// The username claim identifies one person for good (`oid` or `sub`), never a mutable name or address.
    StableUsername = "identity/stable-username",
    // --- IRSA ---
    /// IRSA bindings name a namespace that exists (a tenant's or a system namespace).
    UnknownNamespace = "irsa/unknown-namespace",
    /// No statement allows all of AWS or a whole service on every resource, nor a privilege-escalation step on
    /// every resource of its type.
    WildcardPolicy = "irsa/wildcard-policy",
    /// Every platform controller has one IRSA binding: its implied one, or the one written with its policy.
    ControllerRoles = "irsa/controller-roles",
    /// Service account names are DNS-1123 subdomains.
    ServiceAccount = "irsa/service-account",
    /// Custom statements have actions shaped `service:Action` and resources that are `*` or ARNs.
    PolicySyntax = "irsa/policy-syntax",
    // --- addons ---
    /// CoreDNS, kube-proxy, the EBS CSI driver and CloudWatch observability are installed, each once.
    RequiredAddons = "addons/required",
    /// An override the addon does not support or an invalid one (`replicas` on the kube-proxy DaemonSet,
    /// `replicas: 0`, a malformed resource quantity).
    AddonOption = "addons/unsupported-option",
    // --- DNS ---
    /// Hosted zone ids and domain names are well formed and unique; external-dns has a zone to manage.
    DnsZone = "dns/zone",
    // --- versions ---
    /// The Kubernetes version is one the renderer carries addon and chart versions for.
    KubernetesVersion = "versions/kubernetes",
    /// The Kubernetes version is past EKS standard or extended support (a warning).
    SupportWindow = "versions/support-window",
}

impl Rule {
    /// Every rule stops the build but the support window: a version past standard support still deploys, and
    /// whether to pay the extended-support fee is the owner's call.
    pub fn severity(self) -> Severity {
        match self {
            Rule::SupportWindow => Severity::Warning,
            _ => Severity::Error,
        }
    }
}

impl std::fmt::Display for Rule {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.id())
    }
}
