//! Validates Terraform JSON roots against provider schema snapshots (`tests/schemas/<provider>.json`, written by
//! `scripts/provider-schemas/generate.py` from the CDKTF provider packages): unknown attributes and blocks,
//! missing required ones, blocks written as attributes and the reverse, and primitive types where they can be
//! checked (`${…}` interpolations are not evaluated and pass any type check).

use std::collections::BTreeMap;
use std::path::Path;

use serde_json::Value;

/// Meta-arguments every resource accepts.
const RESOURCE_META: &[&str] =
    &["count", "for_each", "depends_on", "provider", "lifecycle", "provisioner", "connection"];
/// Meta-arguments every data source accepts.
const DATA_META: &[&str] = &["count", "for_each", "depends_on", "provider", "lifecycle"];

/// One provider's snapshot.
pub struct ProviderSchema {
    /// `hashicorp/aws`.
    pub source: String,
    pub version: String,
    doc: Value,
}

impl ProviderSchema {
    /// Parses a snapshot.
    pub fn parse(text: &str) -> Result<ProviderSchema, String> {
        let doc: Value = serde_json::from_str(text).map_err(|e| format!("not JSON: {e}"))?;
        let source = doc["provider"].as_str().ok_or("no `provider`")?.to_owned();
        let version = doc["version"].as_str().ok_or("no `version`")?.to_owned();
        Ok(ProviderSchema { source, version, doc })
    }

    /// The schema of a resource (`section` = `resource`) or data source (`data`) type.
    pub fn type_schema(&self, section: &str, ty: &str) -> Option<&Value> {
        self.doc[section].get(ty)
    }

    /// Number of resource and data source types in the snapshot.
    pub fn type_counts(&self) -> (usize, usize) {
        let n = |s: &str| self.doc[s].as_object().map_or(0, |m| m.len());
        (n("resource"), n("data"))
    }
}

/// All snapshots under `tests/schemas/`, by provider source (`hashicorp/aws`).
pub fn load_snapshots() -> BTreeMap<String, ProviderSchema> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("schemas");
    let mut out = BTreeMap::new();
    for entry in std::fs::read_dir(&dir).unwrap_or_else(|e| panic!("read {}: {e}", dir.display())).flatten() {
        let path = entry.path();
        if path.extension().is_some_and(|e| e == "json") {
            let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("read {}: {e}", path.display()));
            let schema = ProviderSchema::parse(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
            out.insert(schema.source.clone(), schema);
        }
    }
    out
}

/// What validating one root found and covered.
#[derive(Debug, Default)]
pub struct Report {
    /// One line per problem, with the address and attribute path.
    pub errors: Vec<String>,
    /// Resource and data source blocks validated, by provider source.
    pub validated: BTreeMap<String, usize>,
}

fn normalize_source(source: &str) -> String {
    source.trim_start_matches("registry.terraform.io/").to_lowercase()
}

fn blocks(v: &Value) -> Vec<&Value> {
    match v {
        Value::Array(items) => items.iter().collect(),
        Value::Null => vec![],
        other => vec![other],
    }
}

/// The required providers of a root: local name → source (`aws` → `hashicorp/aws`).
pub fn required_providers(doc: &Value) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    for t in blocks(&doc["terraform"]) {
        for rp in blocks(&t["required_providers"]) {
            for (name, req) in rp.as_object().into_iter().flatten() {
                let source = req["source"].as_str().map_or_else(|| format!("hashicorp/{name}"), normalize_source);
                out.insert(name.clone(), source);
            }
        }
    }
    out
}

/// Validates every provider block, resource and data source of `doc` against `snapshots`.
pub fn validate_root(doc: &Value, snapshots: &BTreeMap<String, ProviderSchema>) -> Report {
    let mut report = Report::default();
    let required = required_providers(doc);
    let snapshot_of = |local: &str, report: &mut Report, at: &str| -> Option<&ProviderSchema> {
        let source = required.get(local).cloned().unwrap_or_else(|| format!("hashicorp/{local}"));
        let found = snapshots.get(&source);
        if found.is_none() {
            report.errors.push(format!("{at}: provider `{source}` has no schema snapshot in tests/schemas/"));
        }
        found
    };

    for (local, configs) in doc["provider"].as_object().into_iter().flatten() {
        let at = format!("provider.{local}");
        let Some(snapshot) = snapshot_of(local, &mut report, &at) else { continue };
        for config in blocks(configs) {
            check_block(&snapshot.doc["provider_config"], config, &at, &["alias"], &mut report.errors);
        }
    }

    for (section, meta) in [("resource", RESOURCE_META), ("data", DATA_META)] {
        for (ty, named) in doc[section].as_object().into_iter().flatten() {
            for (name, bodies) in named.as_object().into_iter().flatten() {
                let at = if section == "data" { format!("data.{ty}.{name}") } else { format!("{ty}.{name}") };
                let local = provider_local_name(ty, bodies);
                let Some(snapshot) = snapshot_of(&local, &mut report, &at) else { continue };
                let Some(schema) = snapshot.type_schema(section, ty) else {
                    report.errors.push(format!(
                        "{at}: `{ty}` is not a {} of {} {}",
                        if section == "data" { "data source" } else { "resource type" },
                        snapshot.source,
                        snapshot.version
                    ));
                    continue;
                };
                for body in blocks(bodies) {
                    check_block(schema, body, &at, meta, &mut report.errors);
                }
                *report.validated.entry(snapshot.source.clone()).or_default() += 1;
            }
        }
    }
    report
}

/// `aws` for `aws_eks_cluster`, or the local name of an explicit `provider = "aws.east"` meta-argument.
fn provider_local_name(ty: &str, body: &Value) -> String {
    let explicit = blocks(body).into_iter().find_map(|b| b["provider"].as_str().map(str::to_owned));
    match explicit {
        Some(p) => p.trim_start_matches("${").trim_end_matches('}').split('.').next().unwrap_or("").to_owned(),
        None => ty.split('_').next().unwrap_or(ty).to_owned(),
    }
}

fn is_interpolation(v: &Value) -> bool {
    v.as_str().is_some_and(|s| s.contains("${"))
}

/// Checks one block body (an object) against its schema.
fn check_block(schema: &Value, body: &Value, at: &str, meta: &[&str], errors: &mut Vec<String>) {
    let Some(body) = body.as_object() else {
        errors.push(format!("{at}: a block must be a JSON object, found {}", kind(body)));
        return;
    };
    let attributes = schema["attributes"].as_object();
    let nested = schema["blocks"].as_object();
    for (key, value) in body {
        let path = format!("{at}.{key}");
        if meta.contains(&key.as_str()) || key == "//" {
            continue;
        }
        if key == "dynamic" {
            for (name, dynamic) in value.as_object().into_iter().flatten() {
                match nested.and_then(|b| b.get(name)) {
                    Some(block) => {
                        for d in blocks(dynamic) {
                            for content in blocks(&d["content"]) {
                                check_block(block, content, &format!("{at}.dynamic.{name}"), &[], errors);
                            }
                        }
                    }
                    None => errors.push(format!("{at}.dynamic.{name}: unknown block `{name}`")),
                }
            }
            continue;
        }
        if let Some(ty) = attributes.and_then(|a| a.get(key)) {
            if value.is_null() {
                continue;
            }
            check_type(ty, value, &path, errors);
        } else if let Some(block) = nested.and_then(|b| b.get(key)) {
            if value.is_null() {
                continue;
            }
            let items = blocks(value);
            if items.iter().any(|v| !v.is_object()) {
                errors.push(format!("{path}: `{key}` is a block, written as an attribute ({})", kind(value)));
                continue;
            }
            if block["list"] == Value::Bool(false) && items.len() > 1 {
                errors.push(format!("{path}: at most one `{key}` block, found {}", items.len()));
            }
            for (i, item) in items.iter().enumerate() {
                let p = if items.len() > 1 { format!("{path}[{i}]") } else { path.clone() };
                check_block(block, item, &p, &[], errors);
            }
        } else {
            errors.push(format!("{path}: unknown attribute or block `{key}`"));
        }
    }
    for name in schema["required"].as_array().into_iter().flatten().filter_map(Value::as_str) {
        if body.get(name).is_none_or(Value::is_null) {
            errors.push(format!("{at}: missing required attribute `{name}`"));
        }
    }
    for (name, block) in nested.into_iter().flatten() {
        if block["min"].as_u64().unwrap_or(0) > 0 && body.get(name).is_none_or(Value::is_null) {
            let in_dynamic = body.get("dynamic").is_some_and(|d| d.get(name).is_some());
            if !in_dynamic {
                errors.push(format!("{at}: missing required block `{name}`"));
            }
        }
    }
}

fn kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a bool",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// Checks an attribute value against a snapshot TYPE (`"string"`, `["list", T]`, …).
fn check_type(ty: &Value, value: &Value, path: &str, errors: &mut Vec<String>) {
    if is_interpolation(value) {
        return;
    }
    let ok = match ty {
        Value::String(t) => match t.as_str() {
            // Terraform converts numbers and bools to strings.
            "string" => matches!(value, Value::String(_) | Value::Number(_) | Value::Bool(_)),
            "number" => value.is_number() || value.as_str().is_some_and(|s| s.trim().parse::<f64>().is_ok()),
            "bool" => value.is_boolean() || matches!(value.as_str(), Some("true" | "false")),
            _ => true,
        },
        Value::Array(parts) => match (parts.first().and_then(Value::as_str), parts.get(1)) {
            (Some("list"), Some(elem)) => match value {
                Value::Array(items) => {
                    for (i, item) in items.iter().enumerate() {
                        check_type(elem, item, &format!("{path}[{i}]"), errors);
                    }
                    true
                }
                _ => false,
            },
            (Some("map"), Some(elem)) => match value {
                Value::Object(entries) => {
                    for (k, item) in entries {
                        check_type(elem, item, &format!("{path}[\"{k}\"]"), errors);
                    }
                    true
                }
                _ => false,
            },
            _ => true,
        },
        _ => true,
    };
    if !ok {
        let wanted = match ty {
            Value::String(t) => t.clone(),
            other => other.to_string(),
        };
        let hint = if value.is_object() && ty.is_string() { " (an attribute written as a block?)" } else { "" };
        errors.push(format!("{path}: expected {wanted}, found {}{hint}", kind(value)));
    }
}
