//! The cluster root `terraform/cluster/`: `main.tf.json` and the local chart `charts/platform-policies/`. It is
//! applied last, on Ready nodes with cluster DNS: Calico comes before it (the network root, [`super::network`]),
//! and so do the node groups and coredns (the infra root's second apply).
//!
//! Providers: aws (same constraint as infra), kubernetes 2.x (`exec` is a block) and helm 3.x (`kubernetes` and
//! its `exec` are attribute objects). Both authenticate with `aws eks get-token`, so no token is stored in state.
//! Everything AWS-side is looked up by the names the infra stage gives it: the cluster, the IRSA roles, the VPC
//! (`Name` tag), the tenant keys (aliases) and the tenants' secrets roles. The root needs no account id and no copied outputs.

use std::collections::BTreeSet;

use serde_json::{json, Value};

use super::charts::{self, Release};
use super::objects::{self, Concern, Object};
use super::{
    cluster_data, irsa_role_data, tenant_key_data, tenant_secrets_role_data, vpc_data, vpc_name, yaml, Target,
};
use crate::install::{self, Root};
use crate::naming::ident;
use crate::render::context::Context;
use crate::render::namespaces::{self, EXISTING_NAMESPACES};
use crate::render::terraform::{Document, Expr, Ref};
use crate::render::version_constraints::{
    AWS_PROVIDER_CONSTRAINT, HELM_PROVIDER_CONSTRAINT, KUBERNETES_PROVIDER_CONSTRAINT, TERRAFORM_CONSTRAINT,
};

/// The local chart holding the custom resources, relative to the root.
pub const POLICY_CHART_DIR: &str = "charts/platform-policies";
/// Its release name.
pub use crate::install::POLICY_RELEASE;

const ROOT: &str = "terraform/cluster";

/// `aws eks get-token` arguments for this cluster.
fn token_args(ctx: &Context) -> Value {
    json!(["eks", "get-token", "--cluster-name", ctx.names.cluster(), "--region", ctx.platform.region])
}

/// The providers of a root inside the cluster (this one and the network root), and the cluster they talk to.
pub(super) fn providers(ctx: &Context, doc: &mut Document) {
    doc.terraform("required_version", json!(TERRAFORM_CONSTRAINT));
    doc.terraform(
        "required_providers",
        json!({
            "aws": { "source": "hashicorp/aws", "version": AWS_PROVIDER_CONSTRAINT },
            "kubernetes": { "source": "hashicorp/kubernetes", "version": KUBERNETES_PROVIDER_CONSTRAINT },
            "helm": { "source": "hashicorp/helm", "version": HELM_PROVIDER_CONSTRAINT },
        }),
    );
    doc.provider("aws", json!({ "region": ctx.platform.region }));
    let cluster = cluster_data();
    let host = cluster.attr("endpoint");
    let ca = Expr::call("base64decode", [cluster.attr("certificate_authority[0].data")]);
    let exec =
        json!({ "api_version": "client.authentication.k8s.io/v1beta1", "command": "aws", "args": token_args(ctx) });
    doc.provider("kubernetes", json!({ "host": host, "cluster_ca_certificate": ca, "exec": [exec] }));
    doc.provider("helm", json!({ "kubernetes": { "host": host, "cluster_ca_certificate": ca, "exec": exec } }));
    doc.data_at(&cluster, json!({ "name": ctx.names.cluster() }));
}

fn data_sources(ctx: &Context, doc: &mut Document) {
    doc.data_at(&vpc_data(), json!({ "tags": { "Name": vpc_name(ctx) } }));
    // The roles of the addons' service accounts are the infra root's alone.
    for b in ctx.platform.irsa.iter().filter(|b| !objects::service_account_of_an_addon(&b.policy)) {
        doc.data_at(&irsa_role_data(b), json!({ "name": ctx.names.irsa_role(&b.name) }));
    }
    for tenant in &ctx.platform.tenants {
        doc.data_at(&tenant_key_data(tenant), json!({ "name": ctx.names.tenant_key_alias(&tenant.name) }));
        doc.data_at(&tenant_secrets_role_data(tenant), json!({ "name": ctx.names.tenant_secrets_role(&tenant.name) }));
    }
}

/// The Terraform name of a plain object: `<kind>_<namespace>_<name>`.
pub fn object_resource_name(o: &Object) -> String {
    let raw = match o.namespace() {
        Some(ns) => format!("{}_{ns}_{}", o.kind(), o.name()),
        None => format!("{}_{}", o.kind(), o.name()),
    };
    let cleaned: String =
        raw.to_ascii_lowercase().chars().map(|c| if c.is_ascii_alphanumeric() { c } else { '_' }).collect();
    ident(&cleaned)
}

/// The namespace resource of a namespace the platform creates or labels.
pub(super) fn namespace_ref(ns: &str) -> Ref {
    if EXISTING_NAMESPACES.contains(&ns) {
        Ref::resource("kubernetes_labels", &format!("namespace_{}", ident(ns)))
    } else {
        Ref::resource("kubernetes_manifest", &format!("namespace_{}", ident(ns)))
    }
}

/// Plain objects: namespaces first; every namespaced object after the namespace that holds it (when this root
/// creates or labels it; the network root's namespaces exist before this root is applied). Cluster-scoped objects
/// (ClusterRoleBindings, StorageClasses) need no namespace. One `depends_on` per object keeps the root linear in
/// the number of tenants. Returns the namespace resources.
pub(super) fn plain_objects(doc: &mut Document, objects: Vec<Object>) -> Vec<String> {
    let (namespace_objects, others): (Vec<Object>, Vec<Object>) =
        objects.into_iter().partition(|o| o.concern == Concern::Namespaces);
    let mut namespaces = Vec::new();
    for o in namespace_objects {
        let ns = o.name();
        let at = namespace_ref(ns);
        if EXISTING_NAMESPACES.contains(&ns) {
            // Created by Kubernetes/EKS: only the PSA labels are the platform's (the API server owns the name label).
            let mut labels = o.value["metadata"]["labels"].clone();
            labels.as_object_mut().expect("namespaces have labels").remove("kubernetes.io/metadata.name");
            doc.resource_at(
                &at,
                json!({
                    "api_version": "v1",
                    "kind": "Namespace",
                    "metadata": { "name": ns },
                    "labels": labels,
                    "force": true,
                }),
            );
        } else {
            doc.resource_at(&at, json!({ "manifest": o.value }));
        }
        namespaces.push(at.address());
    }
    let here: BTreeSet<&str> = namespaces.iter().map(String::as_str).collect();
    for o in others {
        let name = object_resource_name(&o);
        let depends_on = o.namespace().map(|ns| namespace_ref(ns).address()).filter(|a| here.contains(a.as_str()));
        let mut body = json!({});
        if let Some(at) = depends_on {
            body["depends_on"] = json!([at]);
        }
        body["manifest"] = o.value;
        doc.resource("kubernetes_manifest", &name, body);
    }
    namespaces
}

/// Whether Terraform waits for a release's pods to be ready (and rolls the release back if they are not).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Wait {
    /// `atomic`, 900 s: the pods must run.
    Ready,
    /// The objects are created; their pods may wait for nodes.
    No,
}

/// A release's `depends_on`: the releases the install plan puts before it, then `namespaces`.
pub(super) fn release_dependencies(r: &install::Release, namespaces: impl IntoIterator<Item = String>) -> Vec<String> {
    let releases = r.depends_on.iter().map(|name| Ref::resource("helm_release", &ident(name)).address());
    releases.chain(namespaces).collect()
}

pub(super) fn helm_release(doc: &mut Document, r: &Release, depends_on: Vec<String>, wait: Wait) -> Ref {
    let key = ident(r.chart.release);
    let values = doc.local(&format!("helm_values_{key}"), r.values.clone());
    let mut body = json!({
        "name": r.chart.release,
        "repository": r.chart.repository,
        "chart": r.chart.chart,
        "version": r.chart.version,
        "namespace": r.namespace,
        "create_namespace": false,
        "values": [Expr::call("yamlencode", [values.expr()])],
        "depends_on": depends_on,
    });
    match wait {
        Wait::Ready => {
            body["atomic"] = json!(true);
            body["timeout"] = json!(900);
        }
        Wait::No => body["wait"] = json!(false),
    }
    doc.resource("helm_release", &key, body)
}

fn fnv64(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325_u64, |h, b| (h ^ u64::from(*b)).wrapping_mul(0x0100_0000_01b3))
}

/// The local chart's files: `Chart.yaml` (its version carries a hash of the templates, so that a changed policy
/// is a changed release for the helm provider) and one template per custom-resource concern.
pub(crate) fn policy_chart(custom: &[(Concern, String)]) -> Vec<(String, Vec<u8>)> {
    let templates: Vec<(String, Vec<u8>)> = custom
        .iter()
        .map(|(concern, text)| {
            (format!("{ROOT}/{POLICY_CHART_DIR}/templates/{}", concern.file()), text.clone().into_bytes())
        })
        .collect();
    let hash = templates.iter().fold(0_u64, |h, (p, t)| h ^ fnv64(p.as_bytes()).rotate_left(7) ^ fnv64(t));
    let chart = json!({
        "apiVersion": "v2",
        "name": POLICY_RELEASE,
        "description": "Custom resources of the platform: Calico policies, Kyverno policies and external-secrets SecretStores.",
        "type": "application",
        "version": format!("0.1.0+{hash:016x}"),
    });
    let mut files = vec![(format!("{ROOT}/{POLICY_CHART_DIR}/Chart.yaml"), yaml::to_yaml(&chart).into_bytes())];
    files.extend(templates);
    files
}

/// The cluster root's files (`custom`: [`super::policies::documents`]).
pub(crate) fn render(ctx: &Context, custom: &[(Concern, String)]) -> Vec<(String, Vec<u8>)> {
    let mut doc = Document::default();
    providers(ctx, &mut doc);
    data_sources(ctx, &mut doc);
    let network = namespaces::network_root(ctx);
    let plain: Vec<Object> = objects::objects(ctx, Target::Terraform)
        .into_iter()
        .filter(|o| !(o.concern == Concern::Namespaces && network.iter().any(|n| n == o.name())))
        .collect();
    let namespaces = plain_objects(&mut doc, plain);

    let here: BTreeSet<&str> = namespaces.iter().map(String::as_str).collect();
    for r in install::releases(ctx.checked).iter().filter(|r| r.root == Root::Cluster) {
        match charts::release(ctx, Target::Terraform, r) {
            Some(release) => {
                let at = namespace_ref(r.namespace).address();
                let namespace = here.contains(at.as_str()).then_some(at);
                helm_release(&mut doc, &release, release_dependencies(r, namespace), Wait::Ready);
            }
            // The local chart: after every namespace too (its SecretStores are in the tenants' namespaces).
            None => {
                doc.resource(
                    "helm_release",
                    &ident(r.name),
                    json!({
                        "name": r.name,
                        "chart": format!("{}/{POLICY_CHART_DIR}", Expr::path_module()),
                        "namespace": r.namespace,
                        "create_namespace": false,
                        "atomic": true,
                        "depends_on": release_dependencies(r, namespaces.clone()),
                    }),
                );
            }
        }
    }

    let mut files = vec![(format!("{ROOT}/main.tf.json"), doc.to_json().into_bytes())];
    files.extend(policy_chart(custom));
    files
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use super::*;

    #[test]
    fn resource_names_are_identifiers() {
        let o = Object {
            concern: Concern::Rbac,
            value: json!({"kind": "RoleBinding", "metadata": {"name": "tenant-admin-6f1c", "namespace": "payments"}}),
        };
        assert_eq!(object_resource_name(&o), "rolebinding_payments_tenant_admin_6f1c");
    }

    /// The `helm_release`s of both roots and their release-to-release `depends_on` are the install plan, which
    /// `platform upgrade-path` reads instead of rendering: the two cannot drift.
    #[test]
    fn the_rendered_releases_and_their_order_are_the_install_plan() {
        let p = crate::fixture::platform();
        let checked = crate::check_platform(&p, "2024-06-01").unwrap();
        let stage = super::super::render(&checked, "dev", None);
        let rendered = |root: &str| -> BTreeMap<String, Vec<String>> {
            let path = format!("terraform/{root}/main.tf.json");
            let (_, bytes) = stage.files.iter().find(|(p, _)| *p == path).unwrap();
            let doc: Value = serde_json::from_slice(bytes).unwrap();
            let all = doc["resource"]["helm_release"].as_object().unwrap();
            let name = |key: &str| all[key]["name"].as_str().unwrap().to_owned();
            let deps = |r: &Value| -> Vec<String> {
                let addresses = r["depends_on"].as_array().unwrap().iter().map(|d| d.as_str().unwrap());
                addresses.filter_map(|d| d.strip_prefix("helm_release.")).map(name).collect()
            };
            all.iter().map(|(key, r)| (name(key), deps(r))).collect()
        };
        let plan = |root: Root| -> BTreeMap<String, Vec<String>> {
            let releases = install::releases(&checked).into_iter().filter(|r| r.root == root);
            releases.map(|r| (r.name.to_owned(), r.depends_on.iter().map(|d| (*d).to_owned()).collect())).collect()
        };
        assert_eq!(rendered("network"), plan(Root::Network));
        assert_eq!(rendered("cluster"), plan(Root::Cluster));
        assert!(plan(Root::Cluster).values().any(|deps| !deps.is_empty()), "the test sees a dependency");
    }

    #[test]
    fn fnv_is_stable() {
        assert_eq!(fnv64(b""), 0xcbf2_9ce4_8422_2325);
        assert_eq!(fnv64(b"a"), 0xaf63_dc4c_8601_ec8c);
    }
}
