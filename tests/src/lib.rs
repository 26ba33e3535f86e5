//! Shared helpers of the integration tests: render the platform `platform-bin` declares once and look into the
//! output.
//!
//! The declared platform is the user's definition (`platform-bin/src/platform.rs`): the tests derive every name,
//! count and value they expect from it ([`platform`]), so that adding a tenant or a node group keeps them green.

// Dev builds link platform-core and the crates under it from platform-cli-dylib, as the `platform` binary does:
// the integration tests' 20-odd binaries then each link a small executable, not 20 MB of static code.
#[cfg(debug_assertions)]
extern crate platform_cli_dylib;

use std::sync::OnceLock;

use platform_core::check::today;
use platform_core::model::{NodeGroup, Tenant, WorkloadClass};
use platform_core::naming::{label, Names};
use platform_core::render::{render, Artifacts, RenderError, RenderOptions};
use platform_core::{check_platform, Platform};
use serde_json::Value;

/// The environment suffix every integration test renders with.
pub const SUFFIX: &str = "test";

/// The AWS account id the integration tests render manifests for (the AWS documentation account).
pub const ACCOUNT_ID: &str = "111122223333";

/// The customer's definition, the file the `platform` binary compiles (`platform-bin` is a binary only, so that an
/// edit to the definition rebuilds one small crate).
#[path = "../../platform-bin/src/platform.rs"]
mod definition;

pub use definition::customer_platform;

/// The platform `platform-bin` declares (built once per test binary).
pub fn platform() -> &'static Platform {
    static PLATFORM: OnceLock<Platform> = OnceLock::new();
    PLATFORM.get_or_init(customer_platform)
}

/// The AWS names of the declared platform with [`SUFFIX`].
pub fn names() -> Names<'static> {
    Names::new(&platform().name, SUFFIX)
}

/// The namespaces of the declared tenants.
pub fn tenant_namespaces() -> Vec<String> {
    platform().tenants.iter().map(|t| label(&t.name)).collect()
}

/// The declared tenant whose namespace is `namespace`.
pub fn tenant(namespace: &str) -> &'static Tenant {
    platform().tenants.iter().find(|t| label(&t.name) == namespace).unwrap_or_else(|| panic!("no tenant {namespace}"))
}

/// The first declared node group of workload `class` (every platform has one of each class).
pub fn node_group_of(class: WorkloadClass) -> &'static NodeGroup {
    platform().node_groups.iter().find(|g| g.workload == class).expect("a node group of every class")
}

/// The declared platform rendered with [`SUFFIX`] (rendered once per test binary).
pub fn artifacts() -> &'static Artifacts {
    static ARTIFACTS: OnceLock<Artifacts> = OnceLock::new();
    ARTIFACTS.get_or_init(|| render_declared(platform().kubernetes.as_str(), SUFFIX))
}

/// The declared platform with its Kubernetes version set to `kubernetes`, rendered for `suffix` with
/// [`ACCOUNT_ID`] (so `manifests/` are rendered too).
pub fn render_declared(kubernetes: &str, suffix: &str) -> Artifacts {
    let mut platform = platform().clone();
    platform.kubernetes = kubernetes.to_owned();
    let options = RenderOptions { environment_suffix: suffix.to_owned(), account_id: Some(ACCOUNT_ID.to_owned()) };
    check_and_render(&platform, &options)
        .unwrap_or_else(|e| panic!("the declared platform does not render for {kubernetes} and `{suffix}`: {e}"))
}

/// `platform` checked today and rendered: [`RenderError::Invalid`] with the findings of a platform that breaks a rule.
pub fn check_and_render(platform: &Platform, options: &RenderOptions) -> Result<Artifacts, RenderError> {
    render(&check_platform(platform, &today()).map_err(RenderError::Invalid)?, options)
}

/// The declared platform rendered for another carried Kubernetes version.
pub fn render_for(kubernetes: &str) -> Artifacts {
    render_declared(kubernetes, SUFFIX)
}

/// A rendered JSON file, parsed.
pub fn json(path: &str) -> Value {
    json_in(artifacts(), path)
}

/// A JSON file of some rendered artifacts, parsed.
pub fn json_in(artifacts: &Artifacts, path: &str) -> Value {
    let bytes = artifacts.files.get(path).unwrap_or_else(|| panic!("`{path}` was not rendered"));
    serde_json::from_slice(bytes).unwrap_or_else(|e| panic!("`{path}` is not JSON: {e}"))
}

/// The cluster root, parsed.
pub fn cluster() -> Value {
    json("terraform/cluster/main.tf.json")
}

/// The network root (Calico), parsed.
pub fn network() -> Value {
    json("terraform/network/main.tf.json")
}

/// A rendered text file.
pub fn text(path: &str) -> String {
    text_in(artifacts(), path)
}

fn text_in(artifacts: &Artifacts, path: &str) -> String {
    let bytes = artifacts.files.get(path).unwrap_or_else(|| panic!("`{path}` was not rendered"));
    String::from_utf8(bytes.clone()).unwrap_or_else(|e| panic!("`{path}` is not UTF-8: {e}"))
}

/// The YAML documents of a rendered file (`---`-separated, or one document), parsed as JSON values.
pub fn yaml_documents(path: &str) -> Vec<Value> {
    yaml_documents_in(artifacts(), path)
}

/// The YAML documents of a file of some rendered artifacts, parsed as JSON values.
pub fn yaml_documents_in(artifacts: &Artifacts, path: &str) -> Vec<Value> {
    let text = text_in(artifacts, path);
    let docs: Vec<&str> = if text.contains("\n---\n") || text.starts_with("---\n") {
        text.split("---\n").skip(1).collect()
    } else {
        vec![text.as_str()]
    };
    docs.into_iter()
        .map(|d| serde_norway::from_str(d).unwrap_or_else(|e| panic!("`{path}` is not YAML: {e}")))
        .collect()
}

/// Every object under `manifests/` (the files the kustomization lists), parsed.
pub fn manifest_objects() -> Vec<Value> {
    manifest_objects_in(artifacts())
}

/// Every object under `manifests/` of some rendered artifacts, parsed.
pub fn manifest_objects_in(artifacts: &Artifacts) -> Vec<Value> {
    artifacts
        .files
        .keys()
        .filter(|p| {
            p.starts_with("manifests/") && !p.starts_with("manifests/helm/") && !p.ends_with("kustomization.yaml")
        })
        .flat_map(|p| yaml_documents_in(artifacts, p))
        .collect()
}

/// The objects of one kind in `manifests/`.
pub fn manifest_kind(kind: &str) -> Vec<Value> {
    manifest_objects().into_iter().filter(|o| o["kind"] == kind).collect()
}

/// The `kubernetes_manifest` objects of one kind in the cluster root (the `manifest` attribute).
pub fn terraform_kind(doc: &Value, kind: &str) -> Vec<Value> {
    resources(doc, "kubernetes_manifest")
        .into_iter()
        .map(|(_, r)| r["manifest"].clone())
        .filter(|m| m["kind"] == kind)
        .collect()
}

/// The custom resources of the local chart the cluster root installs, parsed.
pub fn chart_objects() -> Vec<Value> {
    chart_objects_in(artifacts())
}

/// The custom resources of the local chart in some rendered artifacts, parsed.
pub fn chart_objects_in(artifacts: &Artifacts) -> Vec<Value> {
    artifacts
        .files
        .keys()
        .filter(|p| p.starts_with("terraform/cluster/charts/platform-policies/templates/"))
        .flat_map(|p| yaml_documents_in(artifacts, p))
        .collect()
}

/// The values a release gets in Terraform (the local its `yamlencode` reads) and in `manifests/helm/`.
pub fn release_values(doc: &Value, release: &str) -> (Value, Value) {
    release_values_in(artifacts(), doc, release)
}

/// [`release_values`] of some rendered artifacts (`doc` is their cluster root).
pub fn release_values_in(artifacts: &Artifacts, doc: &Value, release: &str) -> (Value, Value) {
    let key = release.replace('-', "_");
    let reference = doc["resource"]["helm_release"][&key]["values"][0].as_str().expect("values");
    assert_eq!(reference, format!("${{yamlencode(local.helm_values_{key})}}"));
    let terraform = doc["locals"][format!("helm_values_{key}")].clone();
    let manifests = yaml_documents_in(artifacts, &format!("manifests/helm/{release}-values.yaml")).remove(0);
    (terraform, manifests)
}

/// The infra root, parsed.
pub fn infra() -> Value {
    json("terraform/infra/main.tf.json")
}

/// The infra root of the declared platform rendered for another environment `suffix` (rendered on each call).
pub fn infra_for(suffix: &str) -> Value {
    let artifacts = render_declared(&platform().kubernetes, suffix);
    serde_json::from_slice(&artifacts.files["terraform/infra/main.tf.json"]).expect("the infra root is JSON")
}

/// The archive root (the audit log bucket and its key), parsed.
pub fn archive() -> Value {
    json("terraform/archive/main.tf.json")
}

/// The archive root of the declared platform rendered for another environment `suffix`.
pub fn archive_for(suffix: &str) -> Value {
    let artifacts = render_declared(&platform().kubernetes, suffix);
    serde_json::from_slice(&artifacts.files["terraform/archive/main.tf.json"]).expect("the archive root is JSON")
}

/// All resources of one type in a Terraform JSON document, by name.
pub fn resources<'a>(doc: &'a Value, resource_type: &str) -> Vec<(&'a String, &'a Value)> {
    doc["resource"][resource_type].as_object().map(|m| m.iter().collect()).unwrap_or_default()
}

/// The one resource of `resource_type` named `name`; panics with the list of names present otherwise.
pub fn resource<'a>(doc: &'a Value, resource_type: &str, name: &str) -> &'a Value {
    let r = &doc["resource"][resource_type][name];
    if r.is_null() {
        let names: Vec<&String> = resources(doc, resource_type).into_iter().map(|(n, _)| n).collect();
        panic!("no `{resource_type}.{name}`; present: {names:?}");
    }
    r
}

/// All data sources of one type, by name.
pub fn data_sources<'a>(doc: &'a Value, data_type: &str) -> Vec<(&'a String, &'a Value)> {
    doc["data"][data_type].as_object().map(|m| m.iter().collect()).unwrap_or_default()
}

/// The statements of the `aws_iam_policy_document` a `${data.aws_iam_policy_document.<name>.json}` reference
/// points to.
pub fn policy_statements<'a>(doc: &'a Value, reference: &str) -> &'a Vec<Value> {
    let name = reference
        .strip_prefix("${data.aws_iam_policy_document.")
        .and_then(|r| r.strip_suffix(".json}"))
        .unwrap_or_else(|| panic!("`{reference}` is not a policy document reference"));
    doc["data"]["aws_iam_policy_document"][name]["statement"]
        .as_array()
        .unwrap_or_else(|| panic!("no statements in policy document `{name}`"))
}

/// The strings of a JSON array.
pub fn strs(v: &Value) -> Vec<&str> {
    v.as_array().map(|a| a.iter().filter_map(Value::as_str).collect()).unwrap_or_default()
}

pub mod behaviour;
pub mod conformance;
pub mod fake_sts;
pub mod reachability;
pub mod schema;
pub mod terraform;
pub mod webhooks;
