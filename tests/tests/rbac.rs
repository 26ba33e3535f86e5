//! What each tenant group may do, evaluated from the rendered RBAC objects the way the API server's RBAC
//! authorizer decides, not read from the renderer's intent.
//!
//! Inputs: the RoleBindings, ClusterRoleBindings and ClusterRoles under `manifests/`, and Kubernetes' own
//! user-facing ClusterRoles with the roles they aggregate (`tests/upstream/kubernetes/bootstrap-roles.json`,
//! derived by `scripts/upstream-facts/kubernetes-rbac.py` from kubernetes/kubernetes'
//! `plugin/pkg/auth/authorizer/rbac/bootstrappolicy/testdata/cluster-roles.yaml`). Aggregation is resolved as the
//! clusterrole-aggregation controller does (a role with an `aggregationRule` holds the union of the rules of every
//! ClusterRole whose labels match a selector), to a fixed point.
//!
//! Platform-owned objects are every object the platform renders: each one in a tenant namespace and each
//! cluster-scoped one, except the NetworkPolicies in tenant namespaces, which tenant admins may change: the
//! platform's Calico policies own the isolation and `tests/tests/reachability.rs` shows a NetworkPolicy can only
//! narrow it. No tenant group may change or delete any of the others, write any Calico policy kind, mint a token
//! for or impersonate the `secret-store` account, or hold `bind`/`escalate`/`impersonate` (which would lift
//! RBAC's escalation check).

use std::collections::{BTreeMap, BTreeSet};
use std::sync::OnceLock;

use platform_core::naming::{label, TENANT_SECRETS_SERVICE_ACCOUNT};
use platform_core::render::{Artifacts, RenderOptions};
use platform_core::scaled::scaled_platform;
use platform_core::Platform;
use platform_tests::{artifacts, check_and_render, manifest_objects_in, platform, ACCOUNT_ID};
use serde_json::{json, Value};

const MUTATING: [&str; 3] = ["update", "patch", "delete"];

/// One RBAC rule, as the API server reads it.
#[derive(Debug, Clone)]
struct Rule {
    groups: Vec<String>,
    resources: Vec<String>,
    names: Vec<String>,
    verbs: Vec<String>,
}

fn strings(v: &Value) -> Vec<String> {
    v.as_array().map(|a| a.iter().filter_map(|s| s.as_str().map(str::to_owned)).collect()).unwrap_or_default()
}

fn rules_of(role: &Value) -> Vec<Rule> {
    role["rules"]
        .as_array()
        .map(|rules| {
            rules
                .iter()
                .filter(|r| r.get("nonResourceURLs").is_none())
                .map(|r| Rule {
                    groups: strings(&r["apiGroups"]),
                    resources: strings(&r["resources"]),
                    names: strings(&r["resourceNames"]),
                    verbs: strings(&r["verbs"]),
                })
                .collect()
        })
        .unwrap_or_default()
}

/// A request: verb, API group, resource (with `/subresource`), object name (empty for a collection).
#[derive(Debug, Clone, Copy)]
struct Request<'a> {
    verb: &'a str,
    group: &'a str,
    resource: &'a str,
    name: &'a str,
}

/// `k8s.io/kubernetes/pkg/apis/rbac/v1/evaluation_helpers.go`: VerbMatches, APIGroupMatches, ResourceMatches
/// (`*`, the combined `resource/subresource`, `*/subresource`), ResourceNameMatches (no names: any; else the name).
fn allows(rule: &Rule, r: Request) -> bool {
    let any = |list: &[String], x: &str| list.iter().any(|v| v == "*" || v == x);
    let sub = r.resource.split_once('/').map(|(_, s)| s);
    let resource = rule
        .resources
        .iter()
        .any(|v| v == "*" || v == r.resource || sub.is_some_and(|s| v.strip_prefix("*/") == Some(s)));
    any(&rule.verbs, r.verb)
        && any(&rule.groups, r.group)
        && resource
        && (rule.names.is_empty() || rule.names.iter().any(|n| n == r.name))
}

type Labels = BTreeMap<String, String>;

/// ClusterRoles by name (labels, rules), the built-in ones and the rendered ones, with aggregation resolved.
fn cluster_roles(rendered: &[Value], builtin: &Value) -> BTreeMap<String, (Labels, Vec<Rule>)> {
    // labels, aggregation selectors, rules
    let mut roles: BTreeMap<String, (Labels, Vec<Value>, Vec<Rule>)> = BTreeMap::new();
    for (name, r) in builtin["roles"].as_object().expect("bootstrap roles") {
        let labels = r["labels"].as_object().unwrap().iter().map(|(k, v)| (k.clone(), v.as_str().unwrap().into()));
        let selectors = r["aggregation"].as_array().unwrap().clone();
        roles.insert(name.clone(), (labels.collect(), selectors, rules_of(r)));
    }
    for r in rendered.iter().filter(|o| o["kind"] == "ClusterRole") {
        let name = r["metadata"]["name"].as_str().unwrap().to_owned();
        assert!(!roles.contains_key(&name), "the platform renders the built-in ClusterRole {name}");
        let labels = r["metadata"]["labels"]
            .as_object()
            .map(|m| m.iter().map(|(k, v)| (k.clone(), v.as_str().unwrap().to_owned())).collect())
            .unwrap_or_default();
        let selectors: Vec<Value> = r["aggregationRule"]["clusterRoleSelectors"]
            .as_array()
            .map(|s| s.iter().map(|x| x["matchLabels"].clone()).collect())
            .unwrap_or_default();
        roles.insert(name, (labels, selectors, rules_of(r)));
    }
    loop {
        let mut changed = false;
        let snapshot: Vec<(String, Labels, usize)> =
            roles.iter().map(|(n, (l, _, r))| (n.clone(), l.clone(), r.len())).collect();
        for (name, (_, selectors, _)) in roles.clone() {
            if selectors.is_empty() {
                continue;
            }
            let mut union = Vec::new();
            for (other, labels, _) in &snapshot {
                let hit = selectors.iter().any(|s| {
                    s.as_object().unwrap().iter().all(|(k, v)| labels.get(k).map(String::as_str) == v.as_str())
                });
                if hit && other != &name {
                    union.extend(roles[other].2.clone());
                }
            }
            if union.len() != roles[&name].2.len() {
                roles.get_mut(&name).unwrap().2 = union;
                changed = true;
            }
        }
        if !changed {
            break;
        }
    }
    roles.into_iter().map(|(n, (l, _, r))| (n, (l, r))).collect()
}

/// The rendered objects and the built-in roles, evaluated.
struct Rbac {
    objects: Vec<Value>,
    roles: BTreeMap<String, (Labels, Vec<Rule>)>,
}

impl Rbac {
    fn new(objects: Vec<Value>) -> Rbac {
        let builtin: Value =
            serde_json::from_str(include_str!("../upstream/kubernetes/bootstrap-roles.json")).expect("facts parse");
        let roles = cluster_roles(&objects, &builtin);
        Rbac { objects, roles }
    }

    fn role_rules(&self, role_ref: &Value, namespace: Option<&str>) -> Vec<Rule> {
        let name = role_ref["name"].as_str().unwrap();
        match role_ref["kind"].as_str() {
            Some("ClusterRole") => self
                .roles
                .get(name)
                .unwrap_or_else(|| panic!("a binding names the unknown ClusterRole {name}"))
                .1
                .clone(),
            Some("Role") => self
                .objects
                .iter()
                .find(|o| {
                    o["kind"] == "Role"
                        && o["metadata"]["name"] == name
                        && o["metadata"]["namespace"].as_str() == namespace
                })
                .map(rules_of)
                .unwrap_or_else(|| panic!("a binding names the unknown Role {name}")),
            other => panic!("roleRef kind {other:?}"),
        }
    }

    /// The rules `group` holds in `namespace` (its RoleBindings there and its ClusterRoleBindings).
    fn rules(&self, group: &str, namespace: &str) -> Vec<Rule> {
        let bound = |b: &Value| {
            b["subjects"].as_array().into_iter().flatten().any(|s| s["kind"] == "Group" && s["name"] == group)
        };
        let mut out = Vec::new();
        for b in self.objects.iter().filter(|o| bound(o)) {
            match b["kind"].as_str() {
                Some("ClusterRoleBinding") => out.extend(self.role_rules(&b["roleRef"], None)),
                Some("RoleBinding") if b["metadata"]["namespace"] == namespace => {
                    out.extend(self.role_rules(&b["roleRef"], Some(namespace)))
                }
                _ => {}
            }
        }
        out
    }

    fn can(&self, group: &str, namespace: &str, r: Request) -> bool {
        self.rules(group, namespace).iter().any(|rule| allows(rule, r))
    }
}

/// API group and resource of a kind, as `meta.UnsafeGuessKindToResource` guesses (k8s.io/apimachinery
/// `pkg/api/meta/restmapper.go`), which is how the kinds the platform renders are served.
fn resource_of(object: &Value) -> (String, String) {
    let api = object["apiVersion"].as_str().unwrap();
    let group = api.rsplit_once('/').map(|(g, _)| g).unwrap_or("").to_owned();
    let kind = object["kind"].as_str().unwrap().to_ascii_lowercase();
    let plural = if let Some(stem) = kind.strip_suffix('y') {
        format!("{stem}ies")
    } else if kind.ends_with('s') {
        format!("{kind}es")
    } else {
        format!("{kind}s")
    };
    (group, plural)
}

/// Every tenant group: (namespace, subject name).
fn tenant_groups(p: &Platform) -> Vec<(String, String)> {
    p.tenants
        .iter()
        .flat_map(|t| {
            t.groups.iter().map(move |g| (label(&t.name), format!("{}{}", p.identity.groups_prefix, g.group_id)))
        })
        .collect()
}

/// What a tenant group could do to a platform-owned object or to the platform's guard rails, as findings.
fn escapes(rbac: &Rbac, p: &Platform) -> Vec<String> {
    let tenants: BTreeSet<String> = p.tenants.iter().map(|t| label(&t.name)).collect();
    let owned: Vec<&Value> = rbac
        .objects
        .iter()
        .filter(|o| o["metadata"]["namespace"].as_str().is_none_or(|ns| tenants.contains(ns)))
        .filter(|o| o["kind"] != "NetworkPolicy")
        .collect();
    assert!(!owned.is_empty());
    let mut out = Vec::new();
    for (home, group) in tenant_groups(p) {
        for ns in &tenants {
            let held = rbac.rules(&group, ns);
            let can = |r: Request| held.iter().any(|rule| allows(rule, r));
            let mut finding = |what: String| out.push(format!("{group} (tenant {home}) in {ns}: {what}"));
            for o in &owned {
                let (api_group, resource) = resource_of(o);
                let name = o["metadata"]["name"].as_str().unwrap();
                let here = o["metadata"]["namespace"].as_str();
                if here.is_some_and(|n| n != ns) {
                    continue;
                }
                for verb in MUTATING {
                    let r = Request { verb, group: &api_group, resource: &resource, name };
                    if can(r) {
                        finding(format!("{verb} {} {name}", o["kind"].as_str().unwrap()));
                    }
                }
                let r = Request { verb: "deletecollection", group: &api_group, resource: &resource, name: "" };
                if here.is_some() && can(r) {
                    finding(format!("deletecollection {resource} (holds {name})"));
                }
            }
            let account = TENANT_SECRETS_SERVICE_ACCOUNT;
            for (verb, resource) in [("create", "serviceaccounts/token"), ("impersonate", "serviceaccounts")] {
                if can(Request { verb, group: "", resource, name: account }) {
                    finding(format!("{verb} {resource} {account}"));
                }
            }
            // A Calico policy a tenant wrote could allow ahead of the platform's (projectcalico/calico
            // `libcalico-go/config/crd`: the namespaced and global policy kinds, staged ones, tiers, network sets).
            for resource in [
                "networkpolicies",
                "globalnetworkpolicies",
                "stagednetworkpolicies",
                "stagedglobalnetworkpolicies",
                "stagedkubernetesnetworkpolicies",
                "tiers",
                "networksets",
                "globalnetworksets",
            ] {
                if can(Request { verb: "create", group: "crd.projectcalico.org", resource, name: "" }) {
                    finding(format!("create {resource}.crd.projectcalico.org"));
                }
            }
            for (verb, api_group, resource) in [
                ("bind", "rbac.authorization.k8s.io", "clusterroles"),
                ("bind", "rbac.authorization.k8s.io", "roles"),
                ("escalate", "rbac.authorization.k8s.io", "clusterroles"),
                ("escalate", "rbac.authorization.k8s.io", "roles"),
                ("impersonate", "", "users"),
                ("impersonate", "", "groups"),
            ] {
                if can(Request { verb, group: api_group, resource, name: "" }) {
                    finding(format!("{verb} {resource}"));
                }
            }
        }
    }
    out
}

fn declared() -> &'static Rbac {
    static RBAC: OnceLock<Rbac> = OnceLock::new();
    RBAC.get_or_init(|| Rbac::new(manifest_objects_in(artifacts())))
}

/// The customer's platform grown to many tenants (their groups are the customer's, with new ids).
fn generated() -> &'static (Platform, Rbac) {
    static GENERATED: OnceLock<(Platform, Rbac)> = OnceLock::new();
    GENERATED.get_or_init(|| {
        let p = scaled_platform(platform(), 40);
        let options = RenderOptions { environment_suffix: "test".to_owned(), account_id: Some(ACCOUNT_ID.to_owned()) };
        let artifacts: Artifacts = check_and_render(&p, &options).expect("the grown platform renders");
        let rbac = Rbac::new(manifest_objects_in(&artifacts));
        (p, rbac)
    })
}

#[test]
fn no_tenant_group_can_touch_what_the_platform_owns() {
    let found = escapes(declared(), platform());
    assert!(found.is_empty(), "{}", found.join("\n"));
    let (p, rbac) = generated();
    assert!(p.tenants.len() >= 40);
    let found = escapes(rbac, p);
    assert!(found.is_empty(), "{}", found.join("\n"));
}

#[test]
fn tenant_groups_act_in_their_namespace_only() {
    let rbac = declared();
    let p = platform();
    for (home, group) in tenant_groups(p) {
        let tenant = p.tenants.iter().find(|t| label(&t.name) == home).unwrap();
        let role = tenant.groups.iter().find(|g| group.ends_with(&g.group_id)).unwrap().role;
        let deploy = |ns: &str| {
            rbac.can(&group, ns, Request { verb: "create", group: "apps", resource: "deployments", name: "" })
        };
        let read = |ns: &str| rbac.can(&group, ns, Request { verb: "list", group: "", resource: "pods", name: "" });
        assert!(read(&home), "{group} reads its namespace");
        let policies = |ns: &str| {
            let r = |verb| Request { verb, group: "networking.k8s.io", resource: "networkpolicies", name: "x" };
            rbac.can(&group, ns, r("create")) && rbac.can(&group, ns, r("delete"))
        };
        let admin = role == platform_core::model::TenantRole::Admin;
        assert_eq!(policies(&home), admin, "{group} ({role:?}) writes NetworkPolicies in {home}");
        let writes = !matches!(role, platform_core::model::TenantRole::ReadOnly);
        assert_eq!(deploy(&home), writes, "{group} ({role:?}) deploys in {home}");
        for other in p.tenants.iter().map(|t| label(&t.name)).filter(|n| *n != home) {
            assert!(!read(&other) && !deploy(&other), "{group} reaches into {other}");
        }
    }
}

/// The evaluation fails on the old binding to the built-in roles: `edit` lets a developer delete the platform's
/// ServiceAccounts and mint a `secret-store` token (through `system:aggregate-to-edit`).
#[test]
fn the_built_in_roles_would_be_found_out() {
    let mut objects = manifest_objects_in(artifacts());
    for b in objects.iter_mut().filter(|o| o["kind"] == "RoleBinding") {
        let name = b["roleRef"]["name"].as_str().unwrap().to_owned();
        let builtin = match name.as_str() {
            "platform-tenant-admin" => "admin",
            "platform-tenant-developer" => "edit",
            _ => continue,
        };
        b["roleRef"]["name"] = json!(builtin);
    }
    let found = escapes(&Rbac::new(objects), platform());
    let has = |s: &str| found.iter().any(|f| f.contains(s));
    assert!(has("create serviceaccounts/token secret-store"), "{found:?}");
    assert!(has("delete ServiceAccount secret-store"), "{found:?}");
    assert!(has("impersonate serviceaccounts secret-store"), "{found:?}");
    assert!(has("delete RoleBinding"), "{found:?}");
}

/// A tenant role that gains a forbidden verb is found out.
#[test]
fn a_forbidden_verb_is_found_out() {
    for (resource, verb, expect) in [
        ("globalnetworkpolicies", "delete", "delete GlobalNetworkPolicy isolation-"),
        ("globalnetworkpolicies", "patch", "patch GlobalNetworkPolicy isolation-"),
        ("clusterpolicies", "delete", "delete ClusterPolicy tenant-"),
        ("networkpolicies", "create", "create networkpolicies.crd.projectcalico.org"),
        ("resourcequotas", "patch", "patch ResourceQuota"),
        ("limitranges", "update", "update LimitRange"),
        ("serviceaccounts/token", "create", "create serviceaccounts/token"),
        ("secretstores", "delete", "delete SecretStore"),
    ] {
        let group = match resource {
            "networkpolicies" | "globalnetworkpolicies" => "crd.projectcalico.org",
            "secretstores" => "external-secrets.io",
            "clusterpolicies" => "kyverno.io",
            _ => "",
        };
        let mut objects = manifest_objects_in(artifacts());
        let role = objects
            .iter_mut()
            .find(|o| o["kind"] == "ClusterRole" && o["metadata"]["name"] == "platform-tenant-developer")
            .expect("the developer role is rendered");
        role["rules"]
            .as_array_mut()
            .unwrap()
            .push(json!({"apiGroups": [group], "resources": [resource], "verbs": [verb]}));
        let found = escapes(&Rbac::new(objects), platform());
        assert!(found.iter().any(|f| f.contains(expect)), "{resource} {verb}: {found:?}");
    }
}

#[test]
fn the_tenant_roles_aggregate_nothing() {
    for o in declared().objects.iter().filter(|o| o["kind"] == "ClusterRole") {
        assert!(o.get("aggregationRule").is_none(), "{}", o["metadata"]["name"]);
        let labels = o["metadata"]["labels"].as_object().map(|m| m.keys().cloned().collect::<Vec<_>>());
        assert!(
            labels.unwrap_or_default().iter().all(|l| !l.starts_with("rbac.authorization.k8s.io/aggregate-to-")),
            "{}",
            o["metadata"]["name"]
        );
    }
}
