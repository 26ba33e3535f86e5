//! The platform's Kyverno `ClusterPolicy`s and external-secrets `SecretStore`s, and with the Calico policies of
//! [`super::isolation`] every custom resource (their types: [`super::custom_resources`]). Their CRDs come from the
//! charts, so Terraform installs them through the local chart `charts/platform-policies` (see `cluster_root`),
//! `manifests/` lists them after the charts.
//!
//! Policies (`kyverno.io/v1`, fail closed: `failurePolicy` defaults to `Fail`). Each validate rule enforces with
//! its own `validate.failureAction`: every pinned Kyverno (1.13, 1.17, 1.19) has it and marks the policy-wide
//! `spec.validationFailureAction` deprecated (`kyverno.io_clusterpolicies.yaml` of charts 3.3.9, 3.7.2, 3.9.0).
//! - `require-pod-security-labels`: every namespace carries `pod-security.kubernetes.io/enforce`; every namespace
//!   outside [`PRIVILEGED_NAMESPACES`] enforces `baseline` or `restricted`; each tenant namespace enforces at least
//!   its declared level. PSA itself (built into the API server) enforces the labels on pods.
//! - `load-balancers-target-instances`: Services and Ingresses carry no annotation asking for `ip` targets
//!   ([`IP_TARGET_ANNOTATIONS`]);
//! - `tenant-<name>`, one per tenant:
//!   - mutate Pods: `nodeSelector: {workload: <class>, <labels its groups share>}` (or a node affinity when the
//!     tenant spans several classes)
//!     and the tolerations of its node groups' taints. A strategic merge replaces the pod's tolerations, so the
//!     two default `NoExecute` tolerations (300 s) the API server adds are repeated;
//!   - ExternalSecrets read only keys under the tenant's Secrets Manager prefix, through a namespaced
//!     SecretStore (IAM keeps tenants apart already: each tenant's role reads only its prefix; this rule makes a
//!     wrong key fail at admission instead of at sync);
//!   - SecretStores in the namespace use Secrets Manager in the platform's region, authenticate as the tenant's
//!     `secret-store` service account (`auth.jwt`, no static keys) and assume only the tenant's declared
//!     cross-account roles;
//!   - the `secret-store` service account keeps the tenant's secrets role as its IRSA role;
//!   - PersistentVolumeClaims use the tenant's StorageClass (its KMS key).
//!
//! Policies contain no `{{`: they are Helm templates in the local chart, and Helm would try to render Kyverno
//! variables.

use std::collections::BTreeMap;

use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;
use k8s_openapi::Resource;
use serde_json::{json, Value};

use super::custom_resources::external_secrets::{
    self, AwsAuth, AwsProvider, AwsService, JwtAuth, Provider, SecretStoreSpec, ServiceAccountSelector,
};
use super::custom_resources::kyverno::{
    ClusterPolicy, ClusterPolicySpec, FailureAction, MatchResources, Mutation, ResourceDescription, Rule, Validation,
};
use super::objects::{meta, storage_class_name, Concern, Object, PRIVILEGED_NAMESPACES, ROLE_ARN_ANNOTATION};
use super::yaml;
use crate::checked::Tenant;
use crate::model::{NodeGroup, PodSecurity};
use crate::naming::TENANT_SECRETS_SERVICE_ACCOUNT;
use crate::render::context::Context;

/// The PSA policy's name.
pub const PSA_POLICY: &str = "require-pod-security-labels";

/// The SecretStore every tenant namespace gets.
pub const SECRET_STORE: &str = "aws-secrets-manager";

const ENFORCE: &str = "pod-security.kubernetes.io/enforce";

fn strings(values: &[&str]) -> Vec<String> {
    values.iter().map(|v| (*v).to_owned()).collect()
}

fn kinds_in(kinds: &[&str], namespace: &str) -> MatchResources {
    MatchResources::any(ResourceDescription {
        kinds: Some(strings(kinds)),
        namespaces: Some(vec![namespace.to_owned()]),
        ..Default::default()
    })
}

/// A rule that blocks the request when the resource does not match `pattern`.
fn validate_rule(name: &str, matching: MatchResources, message: String, pattern: Value) -> Rule {
    let validate = Validation { failure_action: FailureAction::Enforce, message, pattern };
    Rule { name: name.to_owned(), matching, exclude: None, mutate: None, validate: Some(validate) }
}

/// A policy's metadata: its name and the title and description Kyverno's reports show.
fn policy_meta(name: &str, title: &str, description: &str) -> ObjectMeta {
    let annotations = [("policies.kyverno.io/title", title), ("policies.kyverno.io/description", description)];
    let annotations = annotations.into_iter().map(|(k, v)| (k.to_owned(), v.to_owned())).collect();
    ObjectMeta { annotations: Some(annotations), ..meta(name, None) }
}

fn namespace_rule(name: &str, names: Option<&[String]>, exclude: &[String], pattern: &str, message: &str) -> Rule {
    let resources = ResourceDescription {
        kinds: Some(strings(&["Namespace"])),
        names: names.map(<[String]>::to_vec),
        ..Default::default()
    };
    let pattern = json!({ "metadata": { "labels": { ENFORCE: pattern } } });
    let mut rule = validate_rule(name, MatchResources::any(resources), message.to_owned(), pattern);
    if !exclude.is_empty() {
        rule.exclude =
            Some(MatchResources::any(ResourceDescription { names: Some(exclude.to_vec()), ..Default::default() }));
    }
    rule
}

/// The namespaces of the tenants at pod security `level`.
fn tenants_at<'a>(ctx: &'a Context, level: PodSecurity) -> impl Iterator<Item = String> + 'a {
    let tenants = ctx.checked.tenants().iter();
    tenants.filter(move |t| t.tenant.pod_security == level).map(|t| t.namespace.clone())
}

fn psa_policy(ctx: &Context) -> ClusterPolicy {
    let mut privileged: Vec<String> = PRIVILEGED_NAMESPACES.iter().map(|(n, _)| (*n).to_owned()).collect();
    privileged.extend(tenants_at(ctx, PodSecurity::Privileged));
    let mut rules = vec![
        namespace_rule(
            "require-enforce-label",
            None,
            &[],
            "?*",
            "every namespace must set the label pod-security.kubernetes.io/enforce",
        ),
        namespace_rule(
            "at-least-baseline",
            None,
            &privileged,
            "baseline | restricted",
            "pod-security.kubernetes.io/enforce must be baseline or restricted; only the platform's listed system \
             namespaces may be privileged",
        ),
    ];
    let restricted: Vec<String> = tenants_at(ctx, PodSecurity::Restricted).collect();
    if !restricted.is_empty() {
        rules.push(namespace_rule(
            "restricted-tenants",
            Some(&restricted),
            &[],
            "restricted",
            "this tenant namespace is declared restricted: pod-security.kubernetes.io/enforce must stay restricted",
        ));
    }
    ClusterPolicy {
        metadata: policy_meta(
            PSA_POLICY,
            "Pod Security Admission labels",
            "Namespaces cannot drop or weaken their Pod Security Admission level.",
        ),
        spec: ClusterPolicySpec { background: true, rules },
    }
}

/// The groups the tenant at `index` steers its pods to.
pub(crate) fn tenant_groups<'a>(ctx: &'a Context, tenant: &'a Tenant) -> Vec<&'a NodeGroup> {
    ctx.checked.tenant_groups(tenant).map(|g| g.group).collect()
}

/// The tolerations of a set of node groups' taints (deduplicated, sorted).
pub fn tolerations(groups: &[&NodeGroup]) -> Vec<Value> {
    let mut out: Vec<Value> = groups
        .iter()
        .flat_map(|g| g.taints.iter())
        .map(|t| json!({ "key": t.key, "operator": "Equal", "value": t.value, "effect": t.effect.to_string() }))
        .collect();
    out.sort_by_key(|v| v.to_string());
    out.dedup();
    out
}

/// The pod-spec patch that places a tenant's pods (see the module docs). A JSON value: a fragment of a pod, which
/// the typed `Pod` cannot hold (its `containers` are required).
pub fn placement_patch(groups: &[&NodeGroup]) -> Value {
    let mut classes: Vec<String> = groups.iter().map(|g| g.workload.to_string()).collect();
    classes.sort();
    classes.dedup();
    let mut tolerations = tolerations(groups);
    for key in ["node.kubernetes.io/not-ready", "node.kubernetes.io/unreachable"] {
        tolerations.push(json!({ "key": key, "operator": "Exists", "effect": "NoExecute", "tolerationSeconds": 300 }));
    }
    let mut spec = json!({ "tolerations": tolerations });
    if let [class] = classes.as_slice() {
        // Every label the groups share, so that a group set apart by a label of its own (a PCI group's) is the
        // only one the pods land on, even where another group of the class has tolerated taints.
        let mut selector: BTreeMap<String, String> = groups[0].labels.clone();
        selector.retain(|k, v| groups.iter().all(|g| g.labels.get(k) == Some(v)));
        selector.insert("workload".to_owned(), class.clone());
        spec["nodeSelector"] = json!(selector);
    } else {
        spec["affinity"] = json!({ "nodeAffinity": { "requiredDuringSchedulingIgnoredDuringExecution": {
            "nodeSelectorTerms": [{ "matchExpressions": [{ "key": "workload", "operator": "In", "values": classes }] }]
        } } });
    }
    json!({ "spec": spec })
}

fn secret_key_pattern(prefix: &str) -> String {
    format!("{prefix}* | arn:*:secretsmanager:*:*:secret:{prefix}*")
}

/// How every tenant SecretStore authenticates: as the tenant's `secret-store` service account. For a namespaced
/// SecretStore the controller looks the account up in the store's own namespace (external-secrets 0.9.20
/// `pkg/provider/aws/auth/auth.go`: `serviceAccountRef.namespace` counts only for ClusterSecretStores). The shape
/// `auth.jwt.serviceAccountRef.name` is the same in `external-secrets.io/v1beta1` (0.9.20) and `v1` (0.16.0 and
/// later): `apis/externalsecrets/{v1beta1,v1}/secretstore_aws_types.go`, `AWSAuth.JWTAuth`.
fn store_auth() -> AwsAuth {
    let service_account_ref = ServiceAccountSelector { name: TENANT_SECRETS_SERVICE_ACCOUNT.to_owned() };
    AwsAuth { jwt: JwtAuth { service_account_ref } }
}

/// The guardrail policy of a tenant.
fn tenant_policy(ctx: &Context, checked: &Tenant) -> ClusterPolicy {
    let (tenant, ns) = (checked.tenant, &checked.namespace);
    let keys = secret_key_pattern(&tenant.secret_prefix);
    // Exactly `store_auth()`: no `secretRef` (static keys), no other account, no namespace.
    let auth = json!({ "X(secretRef)": "null", "jwt": { "serviceAccountRef": {
        "name": TENANT_SECRETS_SERVICE_ACCOUNT, "X(namespace)": "null",
    } } });
    let mut aws = json!({ "service": "SecretsManager", "region": ctx.platform.region, "auth": auth });
    if tenant.cross_account_roles.is_empty() {
        aws["X(role)"] = json!("null");
    } else {
        aws["=(role)"] = json!(tenant.cross_account_roles.join(" | "));
    }
    let secrets_role = ctx.names.tenant_secrets_role(&tenant.name);
    let secret_store_account = MatchResources::any(ResourceDescription {
        kinds: Some(strings(&["ServiceAccount"])),
        namespaces: Some(vec![ns.clone()]),
        names: Some(strings(&[TENANT_SECRETS_SERVICE_ACCOUNT])),
    });
    let rules = vec![
        Rule {
            name: "node-placement".to_owned(),
            matching: kinds_in(&["Pod"], ns),
            exclude: None,
            mutate: Some(Mutation { patch_strategic_merge: placement_patch(&tenant_groups(ctx, checked)) }),
            validate: None,
        },
        validate_rule(
            "secrets-under-tenant-prefix",
            kinds_in(&["ExternalSecret"], ns),
            format!("ExternalSecrets in {ns} may only read Secrets Manager keys under {}", tenant.secret_prefix),
            json!({ "spec": {
                "=(secretStoreRef)": { "=(kind)": "SecretStore" },
                "=(data)": [{ "remoteRef": { "key": keys } }],
                "=(dataFrom)": [{ "X(find)": "null", "=(extract)": { "key": keys } }],
            } }),
        ),
        validate_rule(
            "secret-stores-use-the-tenant-role",
            kinds_in(&["SecretStore"], ns),
            format!(
                "SecretStores in {ns} use Secrets Manager in {} as the service account \
                 {TENANT_SECRETS_SERVICE_ACCOUNT} (auth.jwt.serviceAccountRef) and only the tenant's declared roles",
                ctx.platform.region
            ),
            json!({ "spec": { "provider": { "aws": aws } } }),
        ),
        validate_rule(
            "secret-store-account-keeps-the-tenant-role",
            secret_store_account,
            format!("the service account {TENANT_SECRETS_SERVICE_ACCOUNT} in {ns} keeps the IRSA role {secrets_role}"),
            json!({ "metadata": { "annotations": {
                ROLE_ARN_ANNOTATION: format!("arn:*:iam::*:role/{secrets_role}"),
            } } }),
        ),
        // A pod running as `secret-store` would get the IRSA token of the tenant's secrets role (the EKS pod
        // identity webhook projects it into any pod of an annotated account): only the controller, through
        // TokenRequest, acts as that account. `serviceAccount` is the deprecated alias of the same field.
        validate_rule(
            "no-pods-as-the-secret-store-account",
            kinds_in(&["Pod"], ns),
            format!("pods in {ns} cannot run as the service account {TENANT_SECRETS_SERVICE_ACCOUNT}"),
            json!({ "spec": {
                "=(serviceAccountName)": format!("!{TENANT_SECRETS_SERVICE_ACCOUNT}"),
                "=(serviceAccount)": format!("!{TENANT_SECRETS_SERVICE_ACCOUNT}"),
            } }),
        ),
        validate_rule(
            "volumes-on-tenant-key",
            kinds_in(&["PersistentVolumeClaim"], ns),
            format!("volumes in {ns} use the StorageClass {} (the tenant's KMS key)", storage_class_name(checked)),
            json!({ "spec": { "storageClassName": storage_class_name(checked) } }),
        ),
    ];
    ClusterPolicy {
        metadata: policy_meta(
            &format!("tenant-{ns}"),
            &format!("Tenant {ns} guardrails"),
            "Node placement, secret prefix, secret stores and volume keys of one tenant.",
        ),
        spec: ClusterPolicySpec { background: false, rules },
    }
}

/// The name of the SecretStore that assumes a cross-account role: `aws-secrets-manager-<account>-<role>`.
pub fn cross_account_store_name(role_arn: &str) -> String {
    let account = role_arn.split(':').nth(4).unwrap_or_default();
    let role = role_arn.rsplit('/').next().unwrap_or_default();
    let raw = format!("{SECRET_STORE}-{account}-{role}").to_ascii_lowercase();
    let cleaned: String = raw.chars().map(|c| if c.is_ascii_alphanumeric() || c == '-' { c } else { '-' }).collect();
    cleaned.chars().take(253).collect::<String>().trim_end_matches('-').to_owned()
}

/// A SecretStore in `api_version`: the newest version the pinned chart's CRD serves (the catalog's
/// `secret_store_api`; v1beta1 until chart 0.16, v1 only from 0.17).
fn secret_store_object(api_version: &str, metadata: ObjectMeta, spec: SecretStoreSpec) -> Object {
    match api_version {
        external_secrets::v1::SecretStore::API_VERSION => {
            Object::new(Concern::SecretStores, external_secrets::v1::SecretStore { metadata, spec })
        }
        external_secrets::v1beta1::SecretStore::API_VERSION => {
            Object::new(Concern::SecretStores, external_secrets::v1beta1::SecretStore { metadata, spec })
        }
        other => unreachable!("the catalog renders SecretStores in {other}, a version without a type"),
    }
}

fn secret_store(ctx: &Context, checked: &Tenant, role: Option<&str>) -> Object {
    let (tenant, ns) = (checked.tenant, &checked.namespace);
    let name = role.map_or_else(|| SECRET_STORE.to_owned(), cross_account_store_name);
    let mut metadata = meta(&name, Some(ns));
    metadata.annotations = Some([("platform/secret-prefix".to_owned(), tenant.secret_prefix.clone())].into());
    // The tenant's own role, never the controller's (which reads nothing); a cross-account `role` is assumed
    // from that role's session.
    let aws = AwsProvider {
        service: AwsService::SecretsManager,
        region: ctx.platform.region.clone(),
        role: role.map(str::to_owned),
        auth: store_auth(),
    };
    let spec = SecretStoreSpec { provider: Provider { aws } };
    secret_store_object(ctx.checked.chart_versions().secret_store_api, metadata, spec)
}

/// The custom resources as YAML, one text of `---`-separated documents per concern that has any: the local
/// chart's templates and the custom-resource files of `manifests/` are the same text, rendered once.
pub(crate) fn documents(ctx: &Context) -> Vec<(Concern, String)> {
    let custom = objects(ctx);
    let of = |concern: Concern| custom.iter().filter(move |o| o.concern == concern);
    let concerns = Concern::ALL.iter().filter(|c| c.is_custom() && of(**c).next().is_some());
    concerns.map(|&c| (c, yaml::to_yaml_documents(&[], of(c).map(Object::to_value)))).collect()
}

/// The load balancer policy's name.
pub const TARGET_TYPE_POLICY: &str = "load-balancers-target-instances";

/// Annotations that would make the load balancer controller register pod IPs, which are on Calico's overlay and
/// unreachable from the VPC (aws-load-balancer-controller v3.5.0 `pkg/annotations/constants.go`: prefixes
/// `service.beta.kubernetes.io` and `alb.ingress.kubernetes.io`, `SvcLBSuffixTargetType`,
/// `IngressSuffixTargetType`, `SvcLBSuffixLoadBalancerType`; `pkg/service/model_builder.go` `nlb-ip`). The ALB
/// annotations are read on the Ingress and on its backend Services, so both kinds are checked for all three.
pub const IP_TARGET_ANNOTATIONS: &[(&str, &str)] = &[
    ("service.beta.kubernetes.io/aws-load-balancer-nlb-target-type", "ip"),
    ("service.beta.kubernetes.io/aws-load-balancer-type", "nlb-ip"),
    ("alb.ingress.kubernetes.io/target-type", "ip"),
];

fn target_type_policy() -> ClusterPolicy {
    let annotations: serde_json::Map<String, Value> =
        IP_TARGET_ANNOTATIONS.iter().map(|(k, v)| (format!("=({k})"), json!(format!("!{v}")))).collect();
    let services_and_ingresses = MatchResources::any(ResourceDescription {
        kinds: Some(strings(&["Service", "Ingress"])),
        ..Default::default()
    });
    let rule = validate_rule(
        "no-ip-targets",
        services_and_ingresses,
        "pod IPs are on the Calico overlay, which load balancers cannot reach: use instance targets".to_owned(),
        json!({ "metadata": { "=(annotations)": annotations } }),
    );
    ClusterPolicy {
        metadata: policy_meta(
            TARGET_TYPE_POLICY,
            "Load balancers target instances",
            "Pod IPs are on the Calico overlay: load balancers target nodes.",
        ),
        spec: ClusterPolicySpec { background: true, rules: vec![rule] },
    }
}

/// Every custom resource.
pub(crate) fn objects(ctx: &Context) -> Vec<Object> {
    let mut out = super::isolation::objects(ctx);
    out.push(Object::new(Concern::AdmissionPolicies, psa_policy(ctx)));
    out.push(Object::new(Concern::AdmissionPolicies, target_type_policy()));
    for t in ctx.checked.tenants() {
        out.push(Object::new(Concern::AdmissionPolicies, tenant_policy(ctx, t)));
    }
    for t in ctx.checked.tenants() {
        out.push(secret_store(ctx, t, None));
        for role in &t.tenant.cross_account_roles {
            out.push(secret_store(ctx, t, Some(role)));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check_platform;
    use crate::fixture::platform as fixture;

    #[test]
    fn cross_account_store_names_are_dns_names() {
        assert_eq!(
            cross_account_store_name("arn:aws:iam::111122223333:role/payments-secrets-reader"),
            "aws-secrets-manager-111122223333-payments-secrets-reader"
        );
        assert_eq!(
            cross_account_store_name("arn:aws:iam::111122223333:role/Path_To.Reader"),
            "aws-secrets-manager-111122223333-path-to-reader"
        );
    }

    #[test]
    fn placement_uses_a_selector_for_one_class_and_affinity_for_several() {
        let p = fixture();
        let critical: Vec<&NodeGroup> = p.node_groups.iter().filter(|g| g.name == "critical").collect();
        let one = placement_patch(&critical);
        assert_eq!(one["spec"]["nodeSelector"]["workload"], "critical");
        assert_eq!(one["spec"]["tolerations"][0]["value"], "critical");
        assert_eq!(one["spec"]["tolerations"].as_array().unwrap().len(), 3);
        let all: Vec<&NodeGroup> = p.node_groups.iter().collect();
        let several = placement_patch(&all);
        assert!(several["spec"].get("nodeSelector").is_none());
        let values = &several["spec"]["affinity"]["nodeAffinity"]["requiredDuringSchedulingIgnoredDuringExecution"]
            ["nodeSelectorTerms"][0]["matchExpressions"][0]["values"];
        assert_eq!(values, &json!(["batch", "critical", "general"]));
    }

    #[test]
    fn no_helm_template_markers() {
        let p = fixture();
        let checked = check_platform(&p, "2024-06-01").unwrap();
        let ctx = Context::new(&checked, "dev");
        for o in objects(&ctx) {
            assert!(!o.to_value().to_string().contains("{{"), "{}", o.name());
        }
    }

    fn objects_at(kubernetes: &str) -> Vec<Value> {
        let mut p = fixture();
        p.kubernetes = kubernetes.into();
        let checked = check_platform(&p, "2024-06-01").unwrap();
        let ctx = Context::new(&checked, "dev");
        objects(&ctx).iter().map(Object::to_value).collect()
    }

    #[test]
    fn secret_stores_follow_the_pinned_external_secrets_crd() {
        let api = |k: &str| -> Vec<Value> {
            objects_at(k).into_iter().filter(|o| o["kind"] == "SecretStore").map(|o| o["apiVersion"].clone()).collect()
        };
        // Chart 0.13.0 serves v1alpha1 and v1beta1; 0.16.2 adds v1; 2.8.0 serves v1 only.
        assert!(api("1.28").iter().all(|a| a == "external-secrets.io/v1beta1"));
        assert!(api("1.32").iter().all(|a| a == "external-secrets.io/v1"));
        let at_136 = api("1.36");
        assert!(!at_136.is_empty() && at_136.iter().all(|a| a == "external-secrets.io/v1"));
    }

    /// Kind, name and namespace come from the type and its metadata; what is written must say the same, for every
    /// object of every carried Kubernetes version (they differ in Calico tiers and the SecretStore apiVersion).
    #[test]
    fn the_typed_identity_is_the_written_one() {
        let target = super::super::Target::Manifests { account_id: "111122223333" };
        for r in crate::catalog::kubernetes::carried() {
            let mut p = fixture();
            p.kubernetes = r.version.into();
            let checked = check_platform(&p, "2024-06-01").unwrap();
            let ctx = Context::new(&checked, "dev");
            let plain = super::super::objects::objects(&ctx, target);
            let all: Vec<Object> = plain.into_iter().chain(objects(&ctx)).collect();
            assert!(all.iter().any(|o| o.concern.is_custom()), "custom resources are checked too");
            for o in &all {
                let written = o.to_value();
                assert_eq!(written["apiVersion"], o.api_version(), "{} {}", r.version, o.name());
                assert_eq!(written["kind"], o.kind(), "{} {}", r.version, o.name());
                assert_eq!(written["metadata"]["name"], o.name(), "{}", r.version);
                assert_eq!(written["metadata"]["namespace"].as_str(), o.namespace(), "{} {}", r.version, o.name());
            }
        }
    }

    #[test]
    fn every_rendered_secret_store_api_has_a_type() {
        let spec = SecretStoreSpec {
            provider: Provider {
                aws: AwsProvider {
                    service: AwsService::SecretsManager,
                    region: "eu-west-1".into(),
                    role: None,
                    auth: store_auth(),
                },
            },
        };
        for c in crate::catalog::charts::CHART_VERSIONS {
            let store = secret_store_object(c.secret_store_api, meta(SECRET_STORE, Some("cards")), spec.clone());
            assert_eq!(store.api_version(), c.secret_store_api, "{}", c.kubernetes);
        }
    }

    #[test]
    fn every_validate_rule_enforces_itself() {
        for r in crate::catalog::kubernetes::carried() {
            for o in objects_at(r.version).iter().filter(|o| o["kind"] == "ClusterPolicy") {
                assert!(o["spec"].get("validationFailureAction").is_none(), "{}: deprecated field", r.version);
                for rule in o["spec"]["rules"].as_array().unwrap() {
                    if let Some(v) = rule.get("validate") {
                        assert_eq!(v["failureAction"], "Enforce", "{} {}", r.version, rule["name"]);
                    }
                }
            }
        }
    }
}
