//! The plain Kubernetes objects the platform owns, as typed `k8s-openapi` (1.28) values.
//!
//! - Namespaces with Pod Security Admission labels: tenants at their declared level, system namespaces at
//!   `baseline`, except [`PRIVILEGED_NAMESPACES`].
//! - Per tenant: default-deny NetworkPolicy (ingress and egress), DNS egress to kube-dns, traffic inside the
//!   namespace, and the declared flows (`allow-declared-flows`): the allowances of the platform's Calico policies
//!   ([`super::isolation`]), which own the isolation; a ResourceQuota from the DSL and a LimitRange whose default requests let pods that declare none
//!   be admitted under the quota; an encrypted gp3 StorageClass on the tenant's KMS key.
//! - RBAC from Azure AD groups (subjects carry the identity provider's `groups_prefix`); tenant groups are bound
//!   to the platform's tenant ClusterRoles ([`super::rbac`]), never to `admin`/`edit`.
//! - ServiceAccounts for IRSA bindings no chart or EKS addon creates (custom policies), and each tenant's
//!   `secret-store` account for its SecretStores.
//!
//! [`Object`] holds any typed object, these and the custom resources, until it is written: kind and name come
//! from its type and metadata, its JSON is made by the writer.

use std::collections::BTreeMap;

use k8s_openapi::api::core::v1::{
    LimitRange, LimitRangeItem, LimitRangeSpec, Namespace, ResourceQuota, ResourceQuotaSpec, ServiceAccount,
};
use k8s_openapi::api::networking::v1::{
    IPBlock, NetworkPolicy, NetworkPolicyEgressRule, NetworkPolicyIngressRule, NetworkPolicyPeer, NetworkPolicyPort,
    NetworkPolicySpec,
};
use k8s_openapi::api::rbac::v1::{ClusterRoleBinding, RoleBinding, RoleRef, Subject};
use k8s_openapi::api::storage::v1::StorageClass;
use k8s_openapi::apimachinery::pkg::api::resource::Quantity;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::{LabelSelector, ObjectMeta};
use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;
use k8s_openapi::{Metadata, Resource};
use serde::Serialize;
use serde_json::Value;

use super::{rbac, Target};
use crate::catalog::namespaces::SYSTEM_NAMESPACES;
use crate::checked::Tenant;
use crate::model::{ClusterRole, PodSecurity, Policy};
use crate::naming::TENANT_SECRETS_SERVICE_ACCOUNT;
use crate::render::context::Context;

/// The annotation IRSA reads on a service account.
pub const ROLE_ARN_ANNOTATION: &str = "eks.amazonaws.com/role-arn";

/// Default container requests in tenant namespaces (LimitRange), so pods without requests fit the quota.
pub const DEFAULT_CPU_REQUEST: &str = "100m";
pub const DEFAULT_MEMORY_REQUEST: &str = "128Mi";

/// Namespaces that must allow `privileged` pods, and why. Everything else the platform owns is at least
/// `baseline`, and the Kyverno policy (see `policies`) rejects any other namespace that tries to go lower.
pub const PRIVILEGED_NAMESPACES: &[(&str, &str)] = &[
    (
        "kube-system",
        "EKS manages it: kube-proxy and the EBS CSI node plugin are privileged with hostPath mounts, and the load \
         balancer controller runs on the host network",
    ),
    ("tigera-operator", "the Tigera operator runs on the host network: it must work before the pod network exists"),
    ("calico-system", "calico-node is privileged and programs the node's network; the operator labels it itself"),
    ("amazon-cloudwatch", "the CloudWatch agent and Fluent Bit DaemonSets read node logs through hostPath mounts"),
    (
        "external-secrets",
        "its webhook runs on the host network, because the EKS control plane cannot reach Calico overlay pod IPs",
    ),
    ("kyverno", "its admission controller runs on the host network for the same reason"),
];

/// System namespaces the platform does not manage at all: the Tigera operator creates `calico-system` (and
/// labels it privileged); the Calico API server is disabled, so `calico-apiserver` never exists.
pub const UNMANAGED_NAMESPACES: &[&str] = &["calico-system", "calico-apiserver"];

/// A manifest file of `manifests/`, one per concern, in apply order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Concern {
    Namespaces,
    Rbac,
    NetworkPolicies,
    /// Custom resources: the platform's Calico tier and policies ([`super::isolation`], in the local chart).
    NetworkIsolation,
    Quotas,
    StorageClasses,
    ServiceAccounts,
    /// Custom resources: Kyverno policies (installed by the local chart in Terraform).
    AdmissionPolicies,
    /// Custom resources: external-secrets SecretStores (installed by the local chart in Terraform).
    SecretStores,
}

impl Concern {
    pub const ALL: &'static [Concern] = &[
        Concern::Namespaces,
        Concern::Rbac,
        Concern::NetworkPolicies,
        Concern::NetworkIsolation,
        Concern::Quotas,
        Concern::StorageClasses,
        Concern::ServiceAccounts,
        Concern::AdmissionPolicies,
        Concern::SecretStores,
    ];

    /// The file name in `manifests/`.
    pub fn file(self) -> &'static str {
        match self {
            Concern::Namespaces => "00-namespaces.yaml",
            Concern::Rbac => "10-rbac.yaml",
            Concern::NetworkPolicies => "20-network-policies.yaml",
            Concern::NetworkIsolation => "25-calico-policies.yaml",
            Concern::Quotas => "30-quotas.yaml",
            Concern::StorageClasses => "40-storage-classes.yaml",
            Concern::ServiceAccounts => "50-service-accounts.yaml",
            Concern::AdmissionPolicies => "60-admission-policies.yaml",
            Concern::SecretStores => "70-secret-stores.yaml",
        }
    }

    /// Whether the objects are custom resources whose CRDs come from a chart.
    pub fn is_custom(self) -> bool {
        matches!(self, Concern::NetworkIsolation | Concern::AdmissionPolicies | Concern::SecretStores)
    }
}

/// What writing an object needs, whatever its type: the apiVersion and kind its type declares, its metadata, and
/// its JSON, made only when it is written.
pub trait Manifest: std::fmt::Debug {
    fn api_version(&self) -> &'static str;
    fn kind(&self) -> &'static str;
    fn metadata(&self) -> &ObjectMeta;
    fn to_value(&self) -> Value;
}

impl<T> Manifest for T
where
    T: Resource + Metadata<Ty = ObjectMeta> + Serialize + std::fmt::Debug,
{
    fn api_version(&self) -> &'static str {
        T::API_VERSION
    }

    fn kind(&self) -> &'static str {
        T::KIND
    }

    fn metadata(&self) -> &ObjectMeta {
        Metadata::metadata(self)
    }

    fn to_value(&self) -> Value {
        serde_json::to_value(self).expect("Kubernetes objects serialize")
    }
}

/// One typed object (a `k8s-openapi` one, or a custom resource of [`super::custom_resources`]) with the file it
/// belongs to.
#[derive(Debug)]
pub struct Object {
    pub concern: Concern,
    object: Box<dyn Manifest>,
}

impl Object {
    pub fn new(concern: Concern, object: impl Manifest + 'static) -> Object {
        Object { concern, object: Box::new(object) }
    }

    pub fn api_version(&self) -> &'static str {
        self.object.api_version()
    }

    pub fn kind(&self) -> &'static str {
        self.object.kind()
    }

    pub fn metadata(&self) -> &ObjectMeta {
        self.object.metadata()
    }

    pub fn name(&self) -> &str {
        self.metadata().name.as_deref().unwrap_or_default()
    }

    pub fn namespace(&self) -> Option<&str> {
        self.metadata().namespace.as_deref()
    }

    /// The object as written. Its keys are sorted (a `Value`'s maps are `BTreeMap`s: serde_json without
    /// `preserve_order`), whatever the order of its type's fields, so the YAML and Terraform JSON are stable.
    pub fn to_value(&self) -> Value {
        self.object.to_value()
    }
}

pub(super) fn meta(name: &str, namespace: Option<&str>) -> ObjectMeta {
    ObjectMeta { name: Some(name.to_owned()), namespace: namespace.map(str::to_owned), ..Default::default() }
}

fn labels(pairs: &[(&str, &str)]) -> Option<BTreeMap<String, String>> {
    Some(pairs.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect())
}

fn quantities(pairs: &[(&str, &str)]) -> Option<BTreeMap<String, Quantity>> {
    Some(pairs.iter().map(|(k, v)| ((*k).to_owned(), Quantity((*v).to_owned()))).collect())
}

/// A namespace the platform labels.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ManagedNamespace {
    pub name: String,
    /// Its Pod Security Admission level: a tenant's declared one; `baseline` for system namespaces, except
    /// [`PRIVILEGED_NAMESPACES`].
    pub level: PodSecurity,
    pub tenant: bool,
}

/// The namespaces the platform labels: every tenant, then the system namespaces it manages.
pub(crate) fn managed_namespaces(ctx: &Context) -> Vec<ManagedNamespace> {
    let tenants = ctx.checked.tenants().iter().map(|t| ManagedNamespace {
        name: t.namespace.clone(),
        level: t.tenant.pod_security,
        tenant: true,
    });
    let system = SYSTEM_NAMESPACES.iter().filter(|n| !UNMANAGED_NAMESPACES.contains(n)).map(|n| {
        let privileged = PRIVILEGED_NAMESPACES.iter().any(|(p, _)| p == n);
        let level = if privileged { PodSecurity::Privileged } else { PodSecurity::Baseline };
        ManagedNamespace { name: (*n).to_owned(), level, tenant: false }
    });
    tenants.chain(system).collect()
}

/// The PSA labels of a namespace at `level`: enforce, audit and warn at the same level, each pinned to the
/// cluster's minor version (`v1.35`), so that the policy checked is the one of the Kubernetes the pods run on, and
/// an upgrade changes it only when the platform re-renders for the new version.
pub fn psa_labels(namespace: &str, level: PodSecurity, kubernetes: &str) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    out.insert("kubernetes.io/metadata.name".to_owned(), namespace.to_owned());
    for mode in ["enforce", "audit", "warn"] {
        out.insert(format!("pod-security.kubernetes.io/{mode}"), level.to_string());
        out.insert(format!("pod-security.kubernetes.io/{mode}-version"), format!("v{kubernetes}"));
    }
    out
}

/// A namespace with its PSA labels (and the `platform/tenant` label on a tenant's).
pub(crate) fn namespace_object(ctx: &Context, ns: &ManagedNamespace) -> Object {
    let mut metadata = meta(&ns.name, None);
    metadata.labels = Some(psa_labels(&ns.name, ns.level, &ctx.platform.kubernetes));
    if ns.tenant {
        metadata.labels.as_mut().expect("just set").insert("platform/tenant".to_owned(), ns.name.clone());
    }
    Object::new(Concern::Namespaces, Namespace { metadata, ..Default::default() })
}

fn group_subject(ctx: &Context, group_id: &str) -> Subject {
    Subject {
        api_group: Some("rbac.authorization.k8s.io".to_owned()),
        kind: "Group".to_owned(),
        name: format!("{}{group_id}", ctx.platform.identity.groups_prefix),
        namespace: None,
    }
}

fn cluster_role_ref(name: &str) -> RoleRef {
    RoleRef { api_group: "rbac.authorization.k8s.io".to_owned(), kind: "ClusterRole".to_owned(), name: name.to_owned() }
}

/// The built-in ClusterRole a cluster-wide Azure AD role maps to.
pub fn cluster_role_name(role: ClusterRole) -> &'static str {
    match role {
        ClusterRole::Admin => "cluster-admin",
        ClusterRole::ReadOnly => "view",
    }
}

fn rbac(ctx: &Context, out: &mut Vec<Object>) {
    for b in &ctx.platform.identity.cluster_roles {
        let role = cluster_role_name(b.role);
        let binding = ClusterRoleBinding {
            metadata: meta(&format!("platform-{role}-{}", b.group_id), None),
            role_ref: cluster_role_ref(role),
            subjects: Some(vec![group_subject(ctx, &b.group_id)]),
        };
        out.push(Object::new(Concern::Rbac, binding));
    }
    if ctx.checked.tenants().is_empty() {
        return;
    }
    for role in rbac::TENANT_ROLES {
        out.push(Object::new(Concern::Rbac, rbac::tenant_cluster_role(role)));
    }
    for t in ctx.checked.tenants() {
        let ns = &t.namespace;
        for g in &t.tenant.groups {
            // Named after the role: a RoleBinding's roleRef cannot change, another role is another binding.
            let role = rbac::tenant_role_name(g.role);
            let binding = RoleBinding {
                metadata: meta(&format!("{role}-{}", g.group_id), Some(ns)),
                role_ref: cluster_role_ref(role),
                subjects: Some(vec![group_subject(ctx, &g.group_id)]),
            };
            out.push(Object::new(Concern::Rbac, binding));
        }
    }
}

fn everything() -> LabelSelector {
    LabelSelector::default()
}

/// The NetworkPolicy ports of a set of TCP port ranges.
fn tcp_ports(ports: &super::flows::Ports) -> Option<Vec<NetworkPolicyPort>> {
    Some(
        ports
            .iter()
            .map(|&(first, last)| NetworkPolicyPort {
                port: Some(IntOrString::Int(i32::from(first))),
                end_port: (last != first).then_some(i32::from(last)),
                protocol: Some("TCP".to_owned()),
            })
            .collect(),
    )
}

/// The NetworkPolicy peer of a flow's peer: a tenant's namespace, or any address for the load balancers (the
/// platform's Calico policy keeps that to what is not a pod).
fn flow_peer(peer: &super::flows::Peer) -> NetworkPolicyPeer {
    match peer {
        super::flows::Peer::Namespace(ns) => NetworkPolicyPeer {
            namespace_selector: Some(LabelSelector {
                match_labels: labels(&[("kubernetes.io/metadata.name", ns)]),
                ..Default::default()
            }),
            ..Default::default()
        },
        super::flows::Peer::LoadBalancers => NetworkPolicyPeer {
            ip_block: Some(IPBlock { cidr: "0.0.0.0/0".to_owned(), except: None }),
            ..Default::default()
        },
    }
}

/// `allow-declared-flows`: the tenant's declared flows in both directions, when it has any.
fn flow_policy(ctx: &Context, tenant: &Tenant) -> Option<NetworkPolicy> {
    let ingress = super::flows::ingress_peers(ctx, tenant);
    let egress = super::flows::egress_peers(ctx, tenant);
    if ingress.is_empty() && egress.is_empty() {
        return None;
    }
    let mut types = Vec::new();
    if !ingress.is_empty() {
        types.push("Ingress".to_owned());
    }
    if !egress.is_empty() {
        types.push("Egress".to_owned());
    }
    let spec = NetworkPolicySpec {
        pod_selector: everything(),
        policy_types: Some(types),
        ingress: (!ingress.is_empty()).then(|| {
            ingress
                .iter()
                .map(|(peer, ports)| NetworkPolicyIngressRule {
                    from: Some(vec![flow_peer(peer)]),
                    ports: tcp_ports(ports),
                })
                .collect()
        }),
        egress: (!egress.is_empty()).then(|| {
            egress
                .iter()
                .map(|(peer, ports)| NetworkPolicyEgressRule {
                    to: Some(vec![flow_peer(peer)]),
                    ports: tcp_ports(ports),
                })
                .collect()
        }),
    };
    Some(NetworkPolicy { metadata: meta("allow-declared-flows", Some(&tenant.namespace)), spec: Some(spec) })
}

fn network_policies(ctx: &Context, tenant: &Tenant, out: &mut Vec<Object>) {
    let ns = &tenant.namespace;
    let policy =
        |name: &str, spec: NetworkPolicySpec| NetworkPolicy { metadata: meta(name, Some(ns)), spec: Some(spec) };
    let deny = policy(
        "default-deny-all",
        NetworkPolicySpec {
            pod_selector: everything(),
            policy_types: Some(vec!["Ingress".to_owned(), "Egress".to_owned()]),
            ..Default::default()
        },
    );
    let dns_port = |protocol: &str| NetworkPolicyPort {
        port: Some(IntOrString::Int(53)),
        protocol: Some(protocol.to_owned()),
        end_port: None,
    };
    let dns = policy(
        "allow-dns-egress",
        NetworkPolicySpec {
            pod_selector: everything(),
            policy_types: Some(vec!["Egress".to_owned()]),
            egress: Some(vec![NetworkPolicyEgressRule {
                to: Some(vec![NetworkPolicyPeer {
                    namespace_selector: Some(LabelSelector {
                        match_labels: labels(&[("kubernetes.io/metadata.name", "kube-system")]),
                        ..Default::default()
                    }),
                    pod_selector: Some(LabelSelector {
                        match_labels: labels(&[("k8s-app", "kube-dns")]),
                        ..Default::default()
                    }),
                    ip_block: None,
                }]),
                ports: Some(vec![dns_port("UDP"), dns_port("TCP")]),
            }]),
            ..Default::default()
        },
    );
    let same = NetworkPolicyPeer { pod_selector: Some(everything()), ..Default::default() };
    let within = policy(
        "allow-same-namespace",
        NetworkPolicySpec {
            pod_selector: everything(),
            policy_types: Some(vec!["Ingress".to_owned(), "Egress".to_owned()]),
            ingress: Some(vec![NetworkPolicyIngressRule { from: Some(vec![same.clone()]), ports: None }]),
            egress: Some(vec![NetworkPolicyEgressRule { to: Some(vec![same]), ports: None }]),
        },
    );
    for p in [deny, dns, within].into_iter().chain(flow_policy(ctx, tenant)) {
        out.push(Object::new(Concern::NetworkPolicies, p));
    }
}

fn quotas(tenant: &Tenant, out: &mut Vec<Object>) {
    let ns = &tenant.namespace;
    let quota = &tenant.tenant.quota;
    let pods = quota.pods.to_string();
    let quota = ResourceQuota {
        metadata: meta("tenant-quota", Some(ns)),
        spec: Some(ResourceQuotaSpec {
            hard: quantities(&[("requests.cpu", &quota.cpu), ("requests.memory", &quota.memory), ("pods", &pods)]),
            ..Default::default()
        }),
        status: None,
    };
    out.push(Object::new(Concern::Quotas, quota));
    // Only default *requests*: a default limit below a request a pod does set would make that pod invalid.
    let limits = LimitRange {
        metadata: meta("tenant-defaults", Some(ns)),
        spec: Some(LimitRangeSpec {
            limits: vec![LimitRangeItem {
                type_: "Container".to_owned(),
                default_request: quantities(&[("cpu", DEFAULT_CPU_REQUEST), ("memory", DEFAULT_MEMORY_REQUEST)]),
                ..Default::default()
            }],
        }),
    };
    out.push(Object::new(Concern::Quotas, limits));
}

/// The StorageClass of a tenant (cluster-scoped; the tenant guardrail policy keeps other tenants off it).
pub fn storage_class_name(tenant: &Tenant) -> String {
    format!("gp3-{}", tenant.namespace)
}

fn storage_class(ctx: &Context, target: Target, tenant: &Tenant, out: &mut Vec<Object>) {
    let mut parameters = BTreeMap::new();
    parameters.insert("type".to_owned(), "gp3".to_owned());
    parameters.insert("encrypted".to_owned(), "true".to_owned());
    parameters.insert("kmsKeyId".to_owned(), target.tenant_key_arn(ctx, tenant));
    let mut metadata = meta(&storage_class_name(tenant), None);
    metadata.labels = labels(&[("platform/tenant", &tenant.namespace)]);
    let class = StorageClass {
        metadata,
        provisioner: "ebs.csi.aws.com".to_owned(),
        parameters: Some(parameters),
        volume_binding_mode: Some("WaitForFirstConsumer".to_owned()),
        allow_volume_expansion: Some(true),
        reclaim_policy: Some("Delete".to_owned()),
        allowed_topologies: None,
        mount_options: None,
    };
    out.push(Object::new(Concern::StorageClasses, class));
}

/// Whether a chart or an EKS addon creates the service account of bindings with this policy: every managed
/// policy is a platform controller's, installed by its chart (which names the account after the binding) or by its
/// EKS addon.
pub fn service_account_created_elsewhere(policy: &Policy) -> bool {
    matches!(policy, Policy::Managed(_))
}

/// Whether an EKS addon of the infra stage creates the service account of bindings with this policy (with
/// `service_account_role_arn`): the cluster stage then never refers to their role.
pub fn service_account_of_an_addon(policy: &Policy) -> bool {
    matches!(policy, Policy::Managed(kind) if kind.addon_service_account().is_some())
}

/// A service account annotated with the IAM role IRSA lets it assume.
fn irsa_service_account(name: &str, namespace: &str, role_arn: String) -> Object {
    let mut metadata = meta(name, Some(namespace));
    metadata.annotations = Some([(ROLE_ARN_ANNOTATION.to_owned(), role_arn)].into());
    Object::new(Concern::ServiceAccounts, ServiceAccount { metadata, ..Default::default() })
}

/// Service accounts of IRSA bindings no chart or addon creates, and each tenant's `secret-store` account, which
/// its SecretStores name (`auth.jwt`) and its secrets role trusts.
fn service_accounts(ctx: &Context, target: Target, out: &mut Vec<Object>) {
    for b in ctx.platform.irsa.iter().filter(|b| !service_account_created_elsewhere(&b.policy)) {
        out.push(irsa_service_account(&b.service_account, &b.namespace, target.irsa_role_arn(ctx, b)));
    }
    for t in ctx.checked.tenants() {
        let role = target.tenant_secrets_role_arn(ctx, t);
        out.push(irsa_service_account(TENANT_SECRETS_SERVICE_ACCOUNT, &t.namespace, role));
    }
}

/// Every plain object, in file order then build order.
pub(crate) fn objects(ctx: &Context, target: Target) -> Vec<Object> {
    let mut out = Vec::new();
    out.extend(managed_namespaces(ctx).iter().map(|ns| namespace_object(ctx, ns)));
    rbac(ctx, &mut out);
    let tenants = ctx.checked.tenants();
    for t in tenants {
        network_policies(ctx, t, &mut out);
    }
    for t in tenants {
        quotas(t, &mut out);
    }
    for t in tenants {
        storage_class(ctx, target, t, &mut out);
    }
    service_accounts(ctx, target, &mut out);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check_platform;
    use crate::fixture::platform as fixture;
    use crate::model::{IrsaBinding, Statement};

    fn with<R>(platform: &crate::model::Platform, f: impl FnOnce(&Context) -> R) -> R {
        f(&Context::new(&check_platform(platform, "2024-06-01").unwrap(), "dev"))
    }

    #[test]
    fn levels_follow_the_exception_list() {
        let p = fixture();
        with(&p, |ctx| {
            let managed = managed_namespaces(ctx);
            let level = |name: &str| managed.iter().find(|n| n.name == name).map(|n| n.level);
            assert_eq!(level("cards"), Some(PodSecurity::Restricted));
            assert_eq!(level("external-dns"), Some(PodSecurity::Baseline));
            assert_eq!(level("default"), Some(PodSecurity::Baseline));
            assert_eq!(level("kyverno"), Some(PodSecurity::Privileged));
            assert_eq!(level("calico-system"), None);
            assert_eq!(level("tigera-operator"), Some(PodSecurity::Privileged));
        });
    }

    #[test]
    fn psa_labels_pin_the_version() {
        let l = psa_labels("payments", PodSecurity::Restricted, "1.35");
        assert_eq!(l["pod-security.kubernetes.io/enforce"], "restricted");
        assert_eq!(l["pod-security.kubernetes.io/warn-version"], "v1.35");
        assert_eq!(l.len(), 7);
    }

    #[test]
    fn custom_bindings_get_an_annotated_service_account() {
        let mut p = fixture();
        p.irsa.push(IrsaBinding {
            name: "reports".into(),
            namespace: "cards".into(),
            service_account: "reports".into(),
            policy: Policy::Custom(vec![Statement {
                actions: vec!["s3:GetObject".into()],
                resources: vec!["arn:aws:s3:::reports/*".into()],
            }]),
        });
        with(&p, |ctx| {
            let objects = objects(ctx, Target::Manifests { account_id: "111122223333" });
            let sas: Vec<&Object> =
                objects.iter().filter(|o| o.kind() == "ServiceAccount" && o.name() == "reports").collect();
            assert_eq!(sas.len(), 1, "the custom binding's service account");
            assert_eq!(
                sas[0].to_value()["metadata"]["annotations"][ROLE_ARN_ANNOTATION],
                "arn:aws:iam::111122223333:role/role-ledger-reports-dev"
            );
            assert_eq!(sas[0].namespace(), Some("cards"));
        });
    }

    #[test]
    fn quotas_and_defaults() {
        let p = fixture();
        with(&p, |ctx| {
            let objects = objects(ctx, Target::Terraform);
            let quota = objects.iter().find(|o| o.kind() == "ResourceQuota").unwrap();
            let quota = quota.to_value();
            assert_eq!(quota["spec"]["hard"]["requests.cpu"], "8");
            assert_eq!(quota["spec"]["hard"]["pods"], "100");
            let lr = objects.iter().find(|o| o.kind() == "LimitRange").unwrap();
            assert!(lr.to_value()["spec"]["limits"][0].get("default").is_none());
        });
    }
}
