//! A small builder for Terraform JSON documents (the format `cdktf synth` writes).
//!
//! References are typed ([`Ref`]) instead of hand-formatted `${...}` strings, every block is a `BTreeMap`, so
//! output is deterministic, and a resource address can only be declared once.

use std::collections::BTreeMap;

use serde::ser::{Serialize, SerializeMap, Serializer};
use serde_json::{Map, Value};

/// The address of a resource or data source, e.g. `aws_eks_cluster.main` or `data.aws_partition.current`.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Ref {
    address: String,
}

impl Ref {
    /// A managed resource: `Ref::resource("aws_eks_cluster", "main")`.
    pub fn resource(resource_type: &str, name: &str) -> Self {
        Ref { address: format!("{resource_type}.{name}") }
    }

    /// A data source: `Ref::data("aws_partition", "current")`.
    pub fn data(data_type: &str, name: &str) -> Self {
        Ref { address: format!("data.{data_type}.{name}") }
    }

    /// `"${<address>.<attr>}"`: an interpolation of one attribute.
    pub fn attr(&self, attr: &str) -> String {
        format!("${{{}.{attr}}}", self.address)
    }

    /// The resource (or data source) name: the last part of the address.
    pub fn name(&self) -> &str {
        self.address.rsplit('.').next().expect("addresses are never empty")
    }

    /// The bare address, as `depends_on` wants it.
    pub fn address(&self) -> String {
        self.address.clone()
    }
}

/// `"${var.<name>}"`
pub fn var(name: &str) -> String {
    format!("${{var.{name}}}")
}

/// `"${local.<name>}"`
pub fn local(name: &str) -> String {
    format!("${{local.{name}}}")
}

/// `"${<expression>}"` for a Terraform expression that is not a plain reference (a function call, a `for`).
pub fn expr(expression: &str) -> String {
    format!("${{{expression}}}")
}

/// One Terraform root module in JSON syntax.
#[derive(Debug, Default, Clone)]
pub struct Document {
    terraform: Map<String, Value>,
    provider: BTreeMap<String, Vec<Value>>,
    variable: BTreeMap<String, Value>,
    locals: BTreeMap<String, Value>,
    data: BTreeMap<String, BTreeMap<String, Value>>,
    resource: BTreeMap<String, BTreeMap<String, Value>>,
    output: BTreeMap<String, Value>,
}

impl Document {
    /// Sets a key of the top-level `terraform` block (`required_version`, `required_providers`, …).
    pub fn terraform(&mut self, key: &str, value: Value) {
        self.terraform.insert(key.to_owned(), value);
    }

    /// Adds a provider configuration.
    pub fn provider(&mut self, name: &str, config: Value) {
        self.provider.entry(name.to_owned()).or_default().push(config);
    }

    /// Declares an input variable.
    pub fn variable(&mut self, name: &str, body: Value) {
        assert!(self.variable.insert(name.to_owned(), body).is_none(), "variable `{name}` declared twice");
    }

    /// Declares a local value; returns `"${local.<name>}"`.
    pub fn local(&mut self, name: &str, value: Value) -> String {
        assert!(self.locals.insert(name.to_owned(), value).is_none(), "local `{name}` declared twice");
        local(name)
    }

    /// Declares a resource and returns its reference. Declaring an address twice is a renderer bug.
    pub fn resource(&mut self, resource_type: &str, name: &str, body: Value) -> Ref {
        let previous = self.resource.entry(resource_type.to_owned()).or_default().insert(name.to_owned(), body);
        assert!(previous.is_none(), "resource `{resource_type}.{name}` declared twice");
        Ref::resource(resource_type, name)
    }

    /// Declares the resource at a well-known address (see `infra::refs`).
    pub fn resource_at(&mut self, at: &Ref, body: Value) -> Ref {
        let (resource_type, name) = at.address.split_once('.').expect("a resource address is `<type>.<name>`");
        assert!(resource_type != "data", "`{}` is a data source", at.address);
        self.resource(resource_type, name, body)
    }

    /// Declares a data source and returns its reference.
    pub fn data(&mut self, data_type: &str, name: &str, body: Value) -> Ref {
        let previous = self.data.entry(data_type.to_owned()).or_default().insert(name.to_owned(), body);
        assert!(previous.is_none(), "data source `{data_type}.{name}` declared twice");
        Ref::data(data_type, name)
    }

    /// Declares an output.
    pub fn output(&mut self, name: &str, body: Value) {
        assert!(self.output.insert(name.to_owned(), body).is_none(), "output `{name}` declared twice");
    }

    /// The body of a declared resource, for tests and for modules that amend one another's resources.
    pub fn get_resource(&self, resource_type: &str, name: &str) -> Option<&Value> {
        self.resource.get(resource_type)?.get(name)
    }

    /// The bodies of every resource of one type, in name order.
    pub fn resources(&self, resource_type: &str) -> impl Iterator<Item = &Value> {
        self.resource.get(resource_type).into_iter().flat_map(BTreeMap::values)
    }

    /// The document as a JSON value; empty top-level blocks are left out.
    pub fn to_value(&self) -> Value {
        serde_json::to_value(self).expect("JSON values serialize")
    }

    /// Pretty JSON with a trailing newline: byte-identical for the same document.
    pub fn to_json(&self) -> String {
        let mut s = serde_json::to_string_pretty(self).expect("JSON values serialize");
        s.push('\n');
        s
    }
}

/// Serialized in place (a large root is not copied into a `Value` first): the non-empty top-level blocks, in the
/// sorted key order of a JSON object.
impl Serialize for Document {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(None)?;
        macro_rules! blocks {
            ($($field:ident),*) => {$(
                if !self.$field.is_empty() {
                    map.serialize_entry(stringify!($field), &self.$field)?;
                }
            )*};
        }
        blocks!(data, locals, output, provider, resource, terraform, variable);
        map.end()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn references_interpolate() {
        let r = Ref::resource("aws_eks_cluster", "main");
        assert_eq!(r.attr("arn"), "${aws_eks_cluster.main.arn}");
        assert_eq!(r.address(), "aws_eks_cluster.main");
        assert_eq!(r.name(), "main");
        assert_eq!(Ref::data("aws_partition", "current").attr("partition"), "${data.aws_partition.current.partition}");
        assert_eq!(var("x"), "${var.x}");
    }

    #[test]
    fn documents_are_sorted_and_skip_empty_blocks() {
        let mut doc = Document::default();
        doc.resource("aws_vpc", "main", json!({"cidr_block": "10.0.0.0/16"}));
        doc.resource("aws_subnet", "b", json!({}));
        doc.resource("aws_subnet", "a", json!({}));
        let v = doc.to_value();
        assert!(v.get("variable").is_none());
        let types: Vec<&String> = v["resource"].as_object().unwrap().keys().collect();
        assert_eq!(types, ["aws_subnet", "aws_vpc"]);
        let names: Vec<&String> = v["resource"]["aws_subnet"].as_object().unwrap().keys().collect();
        assert_eq!(names, ["a", "b"]);
    }

    #[test]
    #[should_panic(expected = "declared twice")]
    fn an_address_is_declared_once() {
        let mut doc = Document::default();
        doc.resource("aws_vpc", "main", json!({}));
        doc.resource("aws_vpc", "main", json!({}));
    }
}
