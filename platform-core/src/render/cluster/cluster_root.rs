//! The cluster root `terraform/cluster/`: `main.tf.json` and the local chart `charts/platform-policies/`. It is
//! applied last, on Ready nodes with cluster DNS: Calico comes before it (the network root, [`super::network_root`]),
//! and so do the node groups and coredns (the infra root's second apply).
//!
//! Providers: those of both roots inside the cluster ([`super::tf_resources::providers`]).
//! Everything AWS-side is looked up by the names the infra stage gives it: the cluster, the IRSA roles, the VPC
//! (`Name` tag), the tenant keys (aliases) and the tenants' secrets roles. The root needs no account id and no copied outputs.

use std::collections::BTreeSet;

use serde_json::json;

use super::charts;
use super::objects::{self, Concern, Object};
use super::tf_resources::{helm_release, namespace_ref, plain_objects, providers, release_dependencies, Wait};
use super::{irsa_role_data, tenant_key_data, tenant_secrets_role_data, vpc_data, vpc_name, yaml, Target};
use crate::install::{self, Root};
use crate::naming::ident;
use crate::render::context::Context;
use crate::render::namespaces;
use crate::render::tf_json::{Document, Expr};

/// The local chart holding the custom resources, relative to the root.
pub const POLICY_CHART_DIR: &str = "charts/platform-policies";
/// Its release name.
pub use crate::install::POLICY_RELEASE;

const ROOT: &str = "terraform/cluster";

fn data_sources(ctx: &Context, doc: &mut Document) {
    doc.data_at(&vpc_data(), json!({ "tags": { "Name": vpc_name(ctx) } }));
    // The roles of the addons' service accounts are the infra root's alone.
    for b in ctx.platform.irsa.iter().filter(|b| !objects::service_account_of_an_addon(&b.policy)) {
        doc.data_at(&irsa_role_data(b), json!({ "name": ctx.names.irsa_role(&b.name) }));
    }
    for tenant in ctx.checked.tenants() {
        let name = &tenant.tenant.name;
        doc.data_at(&tenant_key_data(tenant), json!({ "name": ctx.names.tenant_key_alias(name) }));
        doc.data_at(&tenant_secrets_role_data(tenant), json!({ "name": ctx.names.tenant_secrets_role(name) }));
    }
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

    use serde_json::Value;

    use super::*;

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
