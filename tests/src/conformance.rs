//! Upstream conformance: what we render against facts derived from each pinned chart at its tag
//! (`tests/upstream/charts/<release>-<version>.json`, written by `scripts/upstream-facts/extract.py`).
//!
//! - [`unknown_values`]: value paths a chart does not accept (Helm would drop them silently);
//! - [`custom_resource_errors`]: custom resources against their CRD's structural schema, unknown fields rejected as
//!   kube-apiserver's strict field validation does, at an apiVersion the pinned chart serves;
//! - [`port_clashes`]: host-network listeners that share a port on one node group (or take a node's own port).

use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;

use platform_core::catalog::charts::{Chart, ChartVersions};
use serde_json::Value;

/// The facts file of one chart version, relative to the repository root.
pub fn facts_file(release: &str, version: &str) -> String {
    format!("tests/upstream/charts/{release}-{version}.json")
}

/// The facts of one chart version, or the one line that says which file is missing and how to generate it.
pub fn facts(release: &str, version: &str) -> Result<Value, String> {
    let file = facts_file(release, version);
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..").join(&file);
    let text = std::fs::read_to_string(&path).map_err(|_| {
        format!(
            "missing upstream facts `{file}`: add `{release} {version} <owner/name> <tag|commit|chart-version> \
             <chart path>` to tests/upstream/pins.txt and run `scripts/upstream-facts/generate.sh MIRRORS_DIR \
             {release} {version}`"
        )
    })?;
    serde_json::from_str(&text).map_err(|e| format!("`{file}` is not JSON: {e}"))
}

/// Every chart of one Kubernetes version.
pub fn charts(v: &ChartVersions) -> [Chart; 6] {
    [v.calico, v.kyverno, v.cluster_autoscaler, v.aws_load_balancer_controller, v.external_dns, v.external_secrets]
}

/// The facts of every chart of one Kubernetes version by release, or one line per missing file.
pub fn facts_of(v: &ChartVersions) -> Result<BTreeMap<&'static str, Value>, String> {
    let (found, missing): (Vec<_>, Vec<_>) =
        charts(v).into_iter().map(|c| facts(c.release, c.version).map(|f| (c.release, f))).partition(Result::is_ok);
    if missing.is_empty() {
        Ok(found.into_iter().map(Result::unwrap).collect())
    } else {
        Err(missing.into_iter().map(|e| e.unwrap_err()).collect::<Vec<_>>().join("\n"))
    }
}

fn strings(v: &Value) -> impl Iterator<Item = &str> {
    v.as_array().into_iter().flatten().filter_map(Value::as_str)
}

/// The leaf paths of a values document: objects are walked, anything else (lists included) is a leaf.
pub fn leaf_paths(values: &Value) -> Vec<Vec<String>> {
    fn walk(v: &Value, prefix: &mut Vec<String>, out: &mut Vec<Vec<String>>) {
        match v {
            Value::Object(m) if !m.is_empty() => {
                for (k, x) in m {
                    prefix.push(k.clone());
                    walk(x, prefix, out);
                    prefix.pop();
                }
            }
            _ => out.push(prefix.clone()),
        }
    }
    let mut out = Vec::new();
    walk(values, &mut Vec::new(), &mut out);
    out
}

/// The value paths we set that the chart does not accept: neither a known path nor under a free-form one.
pub fn unknown_values(facts: &Value, values: &Value) -> Vec<String> {
    let known: BTreeSet<&str> = strings(&facts["value_paths"]).collect();
    let open: Vec<Vec<&str>> = strings(&facts["open_paths"]).map(|p| p.split('.').collect()).collect();
    leaf_paths(values)
        .into_iter()
        .filter(|path| {
            let dotted = path.join(".");
            !known.contains(dotted.as_str())
                && !open.iter().any(|o| o.len() <= path.len() && o.iter().zip(path).all(|(a, b)| a == b))
        })
        .map(|path| path.join("."))
        .collect()
}

/// The value at a dotted path of a values document.
pub fn value_at<'a>(values: &'a Value, dotted: &str) -> Option<&'a Value> {
    dotted.split('.').try_fold(values, |v, k| v.get(k)).filter(|v| !v.is_null())
}

// ----------------------------------------------------------------------------------------------------------------
// Custom resources

/// The CRD facts (`served`, `schemas`) for an apiVersion's group and a kind, with the release that ships it.
pub fn crd_for<'a>(facts: &'a BTreeMap<&'static str, Value>, group: &str, kind: &str) -> Option<(&'a str, &'a Value)> {
    facts.iter().find_map(|(release, f)| {
        let crd = &f["crds"][kind];
        (crd["group"] == group).then_some((*release, crd))
    })
}

/// Whether an object is a custom resource: its API group is not a built-in one (the core group, `*.k8s.io`,
/// `apps`, `batch`, ...: no dot or a `k8s.io` suffix).
pub fn is_custom_resource(object: &Value) -> bool {
    let api_version = object["apiVersion"].as_str().unwrap_or_default();
    match api_version.split_once('/') {
        Some((group, _)) => group.contains('.') && !group.ends_with(".k8s.io") && group != "k8s.io",
        None => false,
    }
}

/// Why a custom resource would be rejected by the pinned chart's CRD: an apiVersion it does not serve, or a
/// violation of that version's structural schema.
pub fn custom_resource_errors(facts: &BTreeMap<&'static str, Value>, object: &Value) -> Vec<String> {
    let api_version = object["apiVersion"].as_str().unwrap_or_default();
    let kind = object["kind"].as_str().unwrap_or_default();
    let (group, version) = api_version.split_once('/').unwrap_or(("", api_version));
    let Some((release, crd)) = crd_for(facts, group, kind) else {
        return vec![format!("no pinned chart ships a CRD for {kind} in group `{group}`")];
    };
    let chart = facts[release]["chart_version"].as_str().unwrap_or_default();
    if !strings(&crd["served"]).any(|v| v == version) {
        let served: Vec<&str> = strings(&crd["served"]).collect();
        return vec![format!("{release} {chart} does not serve {api_version} (served: {served:?})")];
    }
    let mut errors = Vec::new();
    validate_root(&crd["schemas"][version], object, &mut errors);
    errors.into_iter().map(|e| format!("{release} {chart} {api_version} {kind}: {e}")).collect()
}

/// The top level: `apiVersion`, `kind` and `metadata` are the API server's, whatever the schema says.
pub fn validate_root(schema: &Value, object: &Value, errors: &mut Vec<String>) {
    let Some(fields) = object.as_object() else {
        errors.push("the object is not a map".to_owned());
        return;
    };
    for (k, v) in fields {
        match k.as_str() {
            "apiVersion" | "kind" => {
                if !v.is_string() {
                    errors.push(format!("`{k}` must be a string"));
                }
            }
            "metadata" => {
                if !v.is_object() {
                    errors.push("`metadata` must be a map".to_owned());
                }
            }
            _ => match schema["properties"].get(k) {
                Some(s) => validate(s, v, k, errors),
                None if preserves_unknown(schema) => {}
                None => errors.push(format!("unknown field `{k}`")),
            },
        }
    }
    required(schema, fields, "", errors);
}

fn preserves_unknown(schema: &Value) -> bool {
    schema["x-kubernetes-preserve-unknown-fields"] == true
}

fn required(schema: &Value, fields: &serde_json::Map<String, Value>, path: &str, errors: &mut Vec<String>) {
    for r in strings(&schema["required"]) {
        if !fields.contains_key(r) {
            let at = if path.is_empty() { String::new() } else { format!("{path}.") };
            errors.push(format!("missing required field `{at}{r}`"));
        }
    }
}

/// A structural-schema check of one value, as kube-apiserver runs it with strict field validation: unknown fields
/// are errors unless the schema preserves them or allows additional properties.
pub fn validate(schema: &Value, value: &Value, path: &str, errors: &mut Vec<String>) {
    if value.is_null() {
        if schema["nullable"] != true {
            errors.push(format!("`{path}` is null but not nullable"));
        }
        return;
    }
    if schema["x-kubernetes-int-or-string"] == true {
        if !(value.is_i64() || value.is_u64() || value.is_string()) {
            errors.push(format!("`{path}` must be an integer or a string"));
        }
        return;
    }
    if let Some(allowed) = schema["enum"].as_array() {
        if !allowed.contains(value) {
            errors.push(format!("`{path}` is {value}, not one of {}", Value::Array(allowed.clone())));
        }
    }
    let ty = schema["type"].as_str().unwrap_or_default();
    let type_ok = match ty {
        "object" => value.is_object(),
        "array" => value.is_array(),
        "string" => value.is_string(),
        "integer" => value.is_i64() || value.is_u64(),
        "number" => value.is_number(),
        "boolean" => value.is_boolean(),
        _ => true,
    };
    if !type_ok {
        errors.push(format!("`{path}` must be of type {ty}, found {value}"));
        return;
    }
    match value {
        Value::Object(fields) => {
            let embedded = schema["x-kubernetes-embedded-resource"] == true;
            for (k, v) in fields {
                let at = format!("{path}.{k}");
                if let Some(s) = schema["properties"].get(k) {
                    validate(s, v, &at, errors);
                } else if schema["additionalProperties"].is_object() {
                    validate(&schema["additionalProperties"], v, &at, errors);
                } else if schema["additionalProperties"] == true
                    || preserves_unknown(schema)
                    || (embedded && matches!(k.as_str(), "apiVersion" | "kind" | "metadata"))
                {
                } else {
                    errors.push(format!("unknown field `{at}`"));
                }
            }
            required(schema, fields, path, errors);
            bounds(schema, "minProperties", "maxProperties", fields.len(), path, errors);
        }
        Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                if schema["items"].is_object() {
                    validate(&schema["items"], item, &format!("{path}[{i}]"), errors);
                }
            }
            bounds(schema, "minItems", "maxItems", items.len(), path, errors);
        }
        Value::String(s) => bounds(schema, "minLength", "maxLength", s.chars().count(), path, errors),
        Value::Number(n) => {
            let x = n.as_f64().unwrap_or_default();
            if schema["minimum"].as_f64().is_some_and(|m| x < m) || schema["maximum"].as_f64().is_some_and(|m| x > m) {
                errors.push(format!("`{path}` = {n} is out of range"));
            }
        }
        _ => {}
    }
}

fn bounds(schema: &Value, min: &str, max: &str, n: usize, path: &str, errors: &mut Vec<String>) {
    let n = n as u64;
    if schema[min].as_u64().is_some_and(|m| n < m) || schema[max].as_u64().is_some_and(|m| n > m) {
        errors.push(format!("`{path}` has {n} entries, outside {min}/{max}"));
    }
}

// ----------------------------------------------------------------------------------------------------------------
// Host-network ports

/// One pod of a release that runs on the host network.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HostPod {
    /// `<release> <chart version> <template>`
    pub owner: String,
    /// The labels its nodeSelector asks for (empty: any node).
    pub node_selector: BTreeMap<String, String>,
    /// Its tolerations where our values set them (beside the nodeSelector); `None`: the chart's default.
    pub tolerations: Option<Vec<Value>>,
    pub ports: BTreeSet<u16>,
}

fn port_of(v: &Value) -> Option<u16> {
    match v {
        Value::Number(n) => n.as_u64().and_then(|p| u16::try_from(p).ok()),
        // `8080`, `:8080`, `0.0.0.0:8080`
        Value::String(s) => s.rsplit(':').next().and_then(|p| p.trim().parse().ok()),
        _ => None,
    }
}

/// The host-network pods of one release: its workloads whose hostNetwork is on (our value, else the chart's
/// default, or hard-coded), each with its listening ports (our value for a port's value path, else the chart
/// default, or the literal port).
pub fn host_pods(release: &str, facts: &Value, values: &Value) -> Vec<HostPod> {
    let chart = facts["chart_version"].as_str().unwrap_or_default();
    let mut pods = Vec::new();
    for w in facts["workloads"].as_array().into_iter().flatten() {
        let host = &w["host_network"];
        let on = host["always"] == true
            || host["value"]
                .as_str()
                .is_some_and(|p| value_at(values, p).map_or(host["default"] == true, |v| v == true || v == "true"));
        if !on {
            continue;
        }
        let ports = w["ports"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|p| match p["value"].as_str() {
                Some(path) => value_at(values, path).and_then(port_of).or_else(|| port_of(&p["default"])),
                None => port_of(&p["port"]),
            })
            .collect();
        let tolerations = strings(&w["node_selector"]).find_map(|p| {
            let path = match p.rsplit_once('.') {
                Some((parent, _)) => format!("{parent}.tolerations"),
                None => "tolerations".to_owned(),
            };
            value_at(values, &path).and_then(Value::as_array).cloned()
        });
        let node_selector = strings(&w["node_selector"])
            .find_map(|p| value_at(values, p).and_then(Value::as_object).filter(|m| !m.is_empty()))
            .map(|m| m.iter().map(|(k, v)| (k.clone(), v.as_str().unwrap_or_default().to_owned())).collect())
            .unwrap_or_default();
        let template = w["template"].as_str().unwrap_or_default();
        pods.push(HostPod { owner: format!("{release} {chart} {template}"), node_selector, tolerations, ports });
    }
    pods
}

/// Ports two listeners share on a node group: host-network pods that can land on it (their nodeSelector matches
/// its labels; taints are not considered, which can only report more) and the node's own listeners.
pub fn port_clashes(
    pods: &[HostPod],
    node_groups: &BTreeMap<String, BTreeMap<String, String>>,
    node_ports: &[(u16, &str)],
) -> Vec<String> {
    let mut clashes = BTreeSet::new();
    for (group, labels) in node_groups {
        let mut owners: BTreeMap<u16, Vec<String>> = BTreeMap::new();
        for (port, what) in node_ports {
            owners.entry(*port).or_default().push(format!("node ({what})"));
        }
        for pod in pods.iter().filter(|p| p.node_selector.iter().all(|(k, v)| labels.get(k) == Some(v))) {
            for port in &pod.ports {
                owners.entry(*port).or_default().push(pod.owner.clone());
            }
        }
        for (port, who) in owners.into_iter().filter(|(_, who)| who.len() > 1) {
            clashes.insert(format!("port {port} on node group {group}: {}", who.join(" and ")));
        }
    }
    clashes.into_iter().collect()
}

/// The node groups of a rendered infra root by name, with their Kubernetes labels.
pub fn node_groups(infra: &Value) -> BTreeMap<String, BTreeMap<String, String>> {
    crate::resources(infra, "aws_eks_node_group")
        .into_iter()
        .map(|(name, g)| {
            let labels = g["labels"]
                .as_object()
                .map(|m| m.iter().map(|(k, v)| (k.clone(), v.as_str().unwrap_or_default().to_owned())).collect())
                .unwrap_or_default();
            (name.clone(), labels)
        })
        .collect()
}
