//! Shared helpers of the integration tests: render the customer's platform once and look into the output.

use std::sync::OnceLock;

use platform_core::render::{render, Artifacts, RenderOptions};
use serde_json::Value;

/// The environment suffix every integration test renders with.
pub const SUFFIX: &str = "test";

/// The customer's platform rendered with [`SUFFIX`] (rendered once per test binary).
pub fn artifacts() -> &'static Artifacts {
    static ARTIFACTS: OnceLock<Artifacts> = OnceLock::new();
    ARTIFACTS.get_or_init(|| {
        let platform = platform_core::sample::customer_platform();
        render(&platform, &RenderOptions { environment_suffix: SUFFIX.to_owned() })
            .expect("the customer platform renders")
    })
}

/// A rendered JSON file, parsed.
pub fn json(path: &str) -> Value {
    let bytes = artifacts().files.get(path).unwrap_or_else(|| panic!("`{path}` was not rendered"));
    serde_json::from_slice(bytes).unwrap_or_else(|e| panic!("`{path}` is not JSON: {e}"))
}

/// The infra root, parsed.
pub fn infra() -> Value {
    json("terraform/infra/main.tf.json")
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

pub mod fake_sts;
pub mod schema;
pub mod terraform;
