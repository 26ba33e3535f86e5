//! The Terraform resources both roots inside the cluster (network and cluster) write the same way: their
//! providers (aws, kubernetes 2.x, where `exec` is a block, and helm 3.x, where `kubernetes` and its `exec` are
//! attribute objects; both authenticate with `aws eks get-token`, so no token is stored in state), the namespaces
//! they create or label, plain objects as `kubernetes_manifest`s, and Helm releases.

use std::collections::BTreeSet;

use serde_json::{json, Value};

use super::charts::Release;
use super::cluster_data;
use super::objects::{Concern, Object};
use crate::install;
use crate::naming::ident;
use crate::render::context::Context;
use crate::render::namespaces::EXISTING_NAMESPACES;
use crate::render::tf_json::{Document, Expr, Ref};
use crate::render::version_constraints::{
    AWS_PROVIDER_CONSTRAINT, HELM_PROVIDER_CONSTRAINT, KUBERNETES_PROVIDER_CONSTRAINT, TERRAFORM_CONSTRAINT,
};

/// `aws eks get-token` arguments for the cluster.
fn token_args(ctx: &Context) -> Value {
    json!(["eks", "get-token", "--cluster-name", ctx.names.cluster(), "--region", ctx.platform.region])
}

/// The providers of a root inside the cluster, and the cluster they talk to.
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
            let mut labels = o.metadata().labels.clone().expect("namespaces have labels");
            labels.remove("kubernetes.io/metadata.name");
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
            doc.resource_at(&at, json!({ "manifest": o.to_value() }));
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
        body["manifest"] = o.to_value();
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

#[cfg(test)]
mod tests {
    use k8s_openapi::api::rbac::v1::{RoleBinding, RoleRef};
    use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;

    use super::*;

    #[test]
    fn resource_names_are_identifiers() {
        let metadata = ObjectMeta {
            name: Some("tenant-admin-6f1c".into()),
            namespace: Some("payments".into()),
            ..Default::default()
        };
        let role_ref =
            RoleRef { api_group: "rbac.authorization.k8s.io".into(), kind: "ClusterRole".into(), name: "x".into() };
        let o = Object::new(Concern::Rbac, RoleBinding { metadata, role_ref, subjects: None });
        assert_eq!(object_resource_name(&o), "rolebinding_payments_tenant_admin_6f1c");
    }
}
