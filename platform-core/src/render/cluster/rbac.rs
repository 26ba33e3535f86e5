//! The ClusterRoles tenant groups are bound to in their namespace, instead of Kubernetes' `admin`, `edit` and
//! `view`.
//!
//! Why not the built-in roles: `edit` (and so `admin`) may write NetworkPolicies, delete any ServiceAccount,
//! impersonate service accounts and create `serviceaccounts/token` (kubernetes/kubernetes
//! `plugin/pkg/auth/authorizer/rbac/bootstrappolicy/testdata/cluster-roles.yaml`, `system:aggregate-to-edit`), so a
//! developer could delete the platform's policies or mint a token for the `secret-store` account and assume the
//! tenant's secrets role outside the cluster. They also aggregate every ClusterRole a chart labels
//! `aggregate-to-edit`/`-admin`. These roles have no `aggregationRule` and no aggregation label: what they grant is
//! exactly the rules below.
//!
//! What the platform owns in a tenant namespace (policies, quota, limit range, SecretStores, the `secret-store`
//! account, the group bindings) is therefore never writable: no `update`, `patch`, `delete` or `deletecollection` on
//! those kinds. Where tenants need to make their own objects of such a kind, they get `create` only: creating an
//! existing name fails, so the platform's objects stay as rendered (ServiceAccounts, and Roles/RoleBindings for
//! tenant admins, whom RBAC's escalation check keeps within their own rights).

use k8s_openapi::api::rbac::v1::{ClusterRole, PolicyRule};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;

use crate::model::TenantRole;

const READ: &[&str] = &["get", "list", "watch"];
const WRITE: &[&str] = &["create", "delete", "deletecollection", "patch", "update"];
const CREATE: &[&str] = &["create"];

/// (API group, resources, verbs).
type Rule = (&'static str, &'static [&'static str], &'static [&'static str]);

/// What every tenant group may read: the workloads of the namespace and the platform's objects in it (but not
/// Secrets).
const VIEW: &[Rule] = &[
    (
        "",
        &[
            "bindings",
            "configmaps",
            "endpoints",
            "events",
            "limitranges",
            "namespaces",
            "namespaces/status",
            "persistentvolumeclaims",
            "persistentvolumeclaims/status",
            "pods",
            "pods/log",
            "pods/status",
            "replicationcontrollers",
            "replicationcontrollers/scale",
            "replicationcontrollers/status",
            "resourcequotas",
            "resourcequotas/status",
            "serviceaccounts",
            "services",
            "services/status",
        ],
        READ,
    ),
    (
        "apps",
        &[
            "controllerrevisions",
            "daemonsets",
            "daemonsets/status",
            "deployments",
            "deployments/scale",
            "deployments/status",
            "replicasets",
            "replicasets/scale",
            "replicasets/status",
            "statefulsets",
            "statefulsets/scale",
            "statefulsets/status",
        ],
        READ,
    ),
    ("autoscaling", &["horizontalpodautoscalers", "horizontalpodautoscalers/status"], READ),
    ("batch", &["cronjobs", "cronjobs/status", "jobs", "jobs/status"], READ),
    ("discovery.k8s.io", &["endpointslices"], READ),
    ("events.k8s.io", &["events"], READ),
    ("networking.k8s.io", &["ingresses", "ingresses/status", "networkpolicies"], READ),
    ("policy", &["poddisruptionbudgets", "poddisruptionbudgets/status"], READ),
    ("external-secrets.io", &["externalsecrets", "externalsecrets/status", "secretstores"], READ),
];

/// What developers may do besides: run and change workloads, Secrets, ConfigMaps, Services; sync secrets through
/// the platform's SecretStores (ExternalSecrets). No NetworkPolicy, quota, limit range or SecretStore writes, no
/// `serviceaccounts/token`, no `impersonate`, and ServiceAccounts create-only.
const DEVELOP: &[Rule] = &[
    ("", &["pods/attach", "pods/exec", "pods/portforward", "pods/proxy", "secrets", "services/proxy"], READ),
    ("", &["pods", "pods/attach", "pods/exec", "pods/portforward", "pods/proxy"], WRITE),
    ("", &["pods/eviction"], CREATE),
    (
        "",
        &[
            "configmaps",
            "events",
            "persistentvolumeclaims",
            "replicationcontrollers",
            "replicationcontrollers/scale",
            "secrets",
            "services",
            "services/proxy",
        ],
        WRITE,
    ),
    ("", &["serviceaccounts"], CREATE),
    (
        "apps",
        &[
            "daemonsets",
            "deployments",
            "deployments/rollback",
            "deployments/scale",
            "replicasets",
            "replicasets/scale",
            "statefulsets",
            "statefulsets/scale",
        ],
        WRITE,
    ),
    ("autoscaling", &["horizontalpodautoscalers"], WRITE),
    ("batch", &["cronjobs", "jobs"], WRITE),
    ("networking.k8s.io", &["ingresses"], WRITE),
    ("policy", &["poddisruptionbudgets"], WRITE),
    ("coordination.k8s.io", &["leases"], &["create", "delete", "get", "list", "patch", "update", "watch"]),
    ("external-secrets.io", &["externalsecrets"], WRITE),
];

/// What tenant admins may do besides: grant others in the namespace what they hold themselves (create-only, so the
/// platform's RoleBindings stay), and check access.
const ADMINISTER: &[Rule] = &[
    ("authorization.k8s.io", &["localsubjectaccessreviews"], CREATE),
    ("rbac.authorization.k8s.io", &["rolebindings", "roles"], &["create", "get", "list", "watch"]),
];

/// The ClusterRole a tenant role is bound to (by a RoleBinding in the tenant namespace).
pub fn tenant_role_name(role: TenantRole) -> &'static str {
    match role {
        TenantRole::Admin => "platform-tenant-admin",
        TenantRole::Developer => "platform-tenant-developer",
        TenantRole::ReadOnly => "platform-tenant-view",
    }
}

/// The rules of a tenant role: each role holds the one below it.
fn rules(role: TenantRole) -> Vec<Rule> {
    let mut out = VIEW.to_vec();
    if matches!(role, TenantRole::Developer | TenantRole::Admin) {
        out.extend_from_slice(DEVELOP);
    }
    if role == TenantRole::Admin {
        out.extend_from_slice(ADMINISTER);
    }
    out
}

/// The ClusterRole of a tenant role.
pub(crate) fn tenant_cluster_role(role: TenantRole) -> ClusterRole {
    let strings = |s: &[&str]| Some(s.iter().map(|x| (*x).to_owned()).collect());
    ClusterRole {
        metadata: ObjectMeta { name: Some(tenant_role_name(role).to_owned()), ..Default::default() },
        aggregation_rule: None,
        rules: Some(
            rules(role)
                .into_iter()
                .map(|(group, resources, verbs)| PolicyRule {
                    api_groups: Some(vec![group.to_owned()]),
                    resources: strings(resources),
                    verbs: verbs.iter().map(|v| (*v).to_owned()).collect(),
                    ..Default::default()
                })
                .collect(),
        ),
    }
}

/// The tenant roles, one ClusterRole each, in a fixed order.
pub const TENANT_ROLES: [TenantRole; 3] = [TenantRole::Admin, TenantRole::Developer, TenantRole::ReadOnly];
