//! A small builder for Terraform JSON documents (the format `cdktf synth` writes).
//!
//! Every block is a `BTreeMap`, so output is deterministic, and an address can only be declared once.
//! References are typed: a declaration returns its handle ([`Ref`], [`Var`], [`Local`]), expressions ([`Expr`])
//! are built from handles, and this module is the one place that writes the `${…}` syntax.
//! [`check_references`] proves a rendered root consistent: every reference resolves to a declaration of the same
//! root, and every variable, local and data source is read.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

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

    /// The object itself (to index an instance of a `for_each` resource).
    pub fn expr(&self) -> Expr {
        Expr::atom(self.address.clone())
    }

    /// One attribute; `path` may go deeper, as in `certificate_authority[0].data`.
    pub fn attr(&self, path: &str) -> Expr {
        self.expr().attr(path)
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

/// An input variable of the root, returned by [`Document::variable`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Var(String);

impl Var {
    /// A variable declared elsewhere in the root (a well-known one, see `infra::refs`).
    pub fn named(name: &str) -> Self {
        Var(name.to_owned())
    }

    /// `var.<name>`
    pub fn expr(&self) -> Expr {
        Expr::atom(format!("var.{}", self.0))
    }
}

/// A local value of the root, returned by [`Document::local`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Local(String);

impl Local {
    /// A local declared elsewhere in the root (a well-known one, see `infra::refs`).
    pub fn named(name: &str) -> Self {
        Local(name.to_owned())
    }

    /// `local.<name>`
    pub fn expr(&self) -> Expr {
        Expr::atom(format!("local.{}", self.0))
    }
}

/// How tightly an expression binds (HCL's operator precedence, loosest first); an operand that binds looser than
/// its operator is parenthesized.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Binding {
    Conditional,
    Or,
    And,
    Equality,
    Comparison,
    Not,
    Atom,
}

/// A Terraform expression. `Display` and `Serialize` write it as the interpolation `"${…}"`, which is also how
/// it goes into a template: `format!("{}/*", bucket.attr("arn"))` is the template `"${….arn}/*"`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Expr {
    text: String,
    binding: Binding,
}

impl Expr {
    fn atom(text: String) -> Self {
        Expr { text, binding: Binding::Atom }
    }

    /// The text of an operand of an operator binding as `binding`, parenthesized when it binds looser.
    fn operand(&self, binding: Binding) -> String {
        if self.binding < binding {
            format!("({})", self.text)
        } else {
            self.text.clone()
        }
    }

    fn binary(self, operator: &str, binding: Binding, rhs: Expr) -> Self {
        // Left-associative: a right operand of the same strength is parenthesized.
        let rhs = if rhs.binding <= binding { format!("({})", rhs.text) } else { rhs.text };
        Expr { text: format!("{} {operator} {rhs}", self.operand(binding)), binding }
    }

    /// A string literal.
    pub fn string(value: &str) -> Self {
        let escaped = value.replace('\\', "\\\\").replace('"', "\\\"").replace("${", "$${").replace("%{", "%%{");
        Expr::atom(format!("\"{escaped}\""))
    }

    /// `true` or `false`.
    pub fn boolean(value: bool) -> Self {
        Expr::atom(value.to_string())
    }

    /// A number literal.
    pub fn number(value: usize) -> Self {
        Expr::atom(value.to_string())
    }

    /// A tuple `[a, b, …]`.
    pub fn tuple(items: impl IntoIterator<Item = Expr>) -> Self {
        Expr::atom(format!("[{}]", join(items)))
    }

    /// A call of a built-in function: `Expr::call("toset", [roles.expr()])`.
    pub fn call(function: &str, args: impl IntoIterator<Item = Expr>) -> Self {
        Expr::atom(format!("{function}({})", join(args)))
    }

    /// `[for <name> in <collection> : <body>]`; `body` gets the element.
    pub fn for_each_in(name: &str, collection: Expr, body: impl FnOnce(Expr) -> Expr) -> Self {
        let body = body(Expr::atom(name.to_owned()));
        Expr::atom(format!("[for {name} in {} : {}]", collection.text, body.text))
    }

    /// `{for k, v in <map> : k => v if <condition>}`: the map, or an empty one where `condition` is false (a
    /// conditional `cond ? map : {}` would not type-check: its two objects have different attributes).
    pub fn map_if(map: Expr, condition: Expr) -> Self {
        Expr::atom(format!("{{for k, v in {} : k => v if {}}}", map.text, condition.text))
    }

    /// `each.key` in a `for_each` resource.
    pub fn each_key() -> Self {
        Expr::atom("each.key".to_owned())
    }

    /// `each.value` in a `for_each` resource.
    pub fn each_value() -> Self {
        Expr::atom("each.value".to_owned())
    }

    /// `path.module`: the directory of the root.
    pub fn path_module() -> Self {
        Expr::atom("path.module".to_owned())
    }

    /// `self`: the object a postcondition checks.
    pub fn this() -> Self {
        Expr::atom("self".to_owned())
    }

    /// An attribute; `path` may go deeper, as in `identity[0].oidc[0].issuer`.
    pub fn attr(&self, path: &str) -> Self {
        let valid = |c: char| c.is_ascii_alphanumeric() || "_.[]".contains(c);
        assert!(path.chars().all(valid) && !path.starts_with(['.', '[']), "`{path}` is not an attribute path");
        Expr::atom(format!("{}.{path}", self.operand(Binding::Atom)))
    }

    /// `<self>[index]`
    pub fn index(&self, index: usize) -> Self {
        Expr::atom(format!("{}[{index}]", self.operand(Binding::Atom)))
    }

    /// `<self>[key]`
    pub fn key(&self, key: Expr) -> Self {
        Expr::atom(format!("{}[{}]", self.operand(Binding::Atom), key.text))
    }

    pub fn or(self, rhs: Expr) -> Self {
        self.binary("||", Binding::Or, rhs)
    }

    pub fn and(self, rhs: Expr) -> Self {
        self.binary("&&", Binding::And, rhs)
    }

    pub fn equals(self, rhs: Expr) -> Self {
        self.binary("==", Binding::Equality, rhs)
    }

    pub fn differs(self, rhs: Expr) -> Self {
        self.binary("!=", Binding::Equality, rhs)
    }

    pub fn greater_than(self, rhs: Expr) -> Self {
        self.binary(">", Binding::Comparison, rhs)
    }

    pub fn at_least(self, rhs: Expr) -> Self {
        self.binary(">=", Binding::Comparison, rhs)
    }

    pub fn at_most(self, rhs: Expr) -> Self {
        self.binary("<=", Binding::Comparison, rhs)
    }

    /// `<self> ? <then> : <otherwise>`
    pub fn then_else(self, then: Expr, otherwise: Expr) -> Self {
        let (then, otherwise) = (then.operand(Binding::Or), otherwise.operand(Binding::Or));
        Expr { text: format!("{} ? {then} : {otherwise}", self.operand(Binding::Or)), binding: Binding::Conditional }
    }
}

/// `!<expr>`
impl std::ops::Not for Expr {
    type Output = Expr;

    fn not(self) -> Expr {
        Expr { text: format!("!{}", self.operand(Binding::Not)), binding: Binding::Not }
    }
}

fn join(items: impl IntoIterator<Item = Expr>) -> String {
    items.into_iter().map(|e| e.text).collect::<Vec<_>>().join(", ")
}

impl fmt::Display for Expr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "${{{}}}", self.text)
    }
}

impl Serialize for Expr {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
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

    /// Declares an input variable and returns its handle.
    pub fn variable(&mut self, name: &str, body: Value) -> Var {
        assert!(self.variable.insert(name.to_owned(), body).is_none(), "variable `{name}` declared twice");
        Var::named(name)
    }

    /// Declares a local value and returns its handle.
    pub fn local(&mut self, name: &str, value: Value) -> Local {
        assert!(self.locals.insert(name.to_owned(), value).is_none(), "local `{name}` declared twice");
        Local::named(name)
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

    /// Declares the data source at a well-known address.
    pub fn data_at(&mut self, at: &Ref, body: Value) -> Ref {
        let parts = at.address.strip_prefix("data.").and_then(|a| a.split_once('.'));
        let (data_type, name) = parts.unwrap_or_else(|| panic!("`{}` is not a data source", at.address));
        self.data(data_type, name, body)
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

/// What is wrong with the references of a rendered root (empty when nothing is): a reference in an interpolation
/// or a `depends_on` to an address, variable or local the root does not declare, and a variable, local or data
/// source nothing reads (tflint's `terraform_unused_declarations`). Resources may stand alone, and so may a data
/// source read for its `lifecycle` postcondition.
pub fn check_references(root: &Value) -> Vec<String> {
    let mut declared = BTreeSet::new();
    let names = |block: &str| root.get(block).and_then(Value::as_object).into_iter().flat_map(|m| m.iter());
    declared.extend(names("variable").map(|(name, _)| format!("var.{name}")));
    declared.extend(names("locals").map(|(name, _)| format!("local.{name}")));
    let mut checks = BTreeSet::new();
    for (block, prefix) in [("data", "data."), ("resource", "")] {
        for (kind, instances) in names(block) {
            for (name, body) in instances.as_object().into_iter().flatten() {
                let address = format!("{prefix}{kind}.{name}");
                if body.pointer("/lifecycle/postcondition").is_some() {
                    checks.insert(address.clone());
                }
                declared.insert(address);
            }
        }
    }
    let mut referenced = BTreeSet::new();
    collect_references(root, false, &mut referenced);
    let undeclared = referenced.difference(&declared).map(|r| format!("`{r}` is referenced but not declared"));
    let unread = declared
        .difference(&referenced)
        .filter(|d| ["var.", "local.", "data."].iter().any(|p| d.starts_with(p)) && !checks.contains(*d))
        .map(|d| format!("`{d}` is declared but never referenced"));
    undeclared.chain(unread).collect()
}

/// The references of every interpolation in `value`, and the addresses of its `depends_on` lists.
fn collect_references(value: &Value, in_depends_on: bool, out: &mut BTreeSet<String>) {
    match value {
        Value::String(s) if in_depends_on => {
            let segments = if s.starts_with("data.") { 3 } else { 2 };
            out.insert(s.split('.').take(segments).collect::<Vec<_>>().join("."));
        }
        Value::String(s) => interpolations(s).for_each(|e| expression_references(e, out)),
        Value::Array(items) => items.iter().for_each(|v| collect_references(v, in_depends_on, out)),
        Value::Object(map) => map.iter().for_each(|(k, v)| collect_references(v, k == "depends_on", out)),
        _ => {}
    }
}

/// The expressions of the `${…}` interpolations of a template (not of the `$${` escapes).
fn interpolations(template: &str) -> impl Iterator<Item = &str> {
    let mut rest = template;
    std::iter::from_fn(move || loop {
        let start = rest.find("${")?;
        if rest[..start].ends_with('$') {
            rest = &rest[start + 2..];
            continue;
        }
        let body = &rest[start + 2..];
        let (mut depth, mut in_string, mut escaped) = (0_usize, false, false);
        let end = body.char_indices().find_map(|(i, c)| {
            match (in_string, c) {
                (true, _) if escaped => escaped = false,
                (true, '\\') => escaped = true,
                (true, '"') | (false, '"') => in_string = !in_string,
                (false, '{') => depth += 1,
                (false, '}') if depth == 0 => return Some(i),
                (false, '}') => depth -= 1,
                _ => {}
            }
            None
        });
        let end = end.unwrap_or_else(|| panic!("unterminated interpolation in `{template}`"));
        rest = &body[end + 1..];
        return Some(&body[..end]);
    })
}

/// One token of an expression, as far as references need: identifiers, and every other character but those in
/// string literals (which hold no references here) and in numbers.
#[derive(Debug, PartialEq)]
enum Token<'a> {
    Ident(&'a str),
    Punct(char),
}

fn tokens(expression: &str) -> Vec<Token<'_>> {
    let mut tokens = Vec::new();
    let mut chars = expression.char_indices().peekable();
    while let Some((start, c)) = chars.next() {
        if c == '"' {
            let mut escaped = false;
            for (_, c) in chars.by_ref() {
                match c {
                    _ if escaped => escaped = false,
                    '\\' => escaped = true,
                    '"' => break,
                    _ => {}
                }
            }
        } else if c.is_ascii_alphabetic() || c == '_' {
            let mut end = start + 1;
            while let Some(&(i, c)) = chars.peek() {
                if !(c.is_ascii_alphanumeric() || c == '_') {
                    break;
                }
                end = i + 1;
                chars.next();
            }
            tokens.push(Token::Ident(&expression[start..end]));
        } else if c.is_ascii_digit() {
            while chars.peek().is_some_and(|&(_, c)| c.is_ascii_digit()) {
                chars.next();
            }
        } else if !c.is_whitespace() {
            tokens.push(Token::Punct(c));
        }
    }
    tokens
}

/// The references of one expression: `var.<name>`, `local.<name>`, `data.<type>.<name>`, `<type>.<name>`, and
/// any other bare symbol (it resolves to nothing). Function names, `for` variables, `each`, `self`, `path` and
/// `count` are not references.
fn expression_references(expression: &str, out: &mut BTreeSet<String>) {
    let tokens = tokens(expression);
    // `for a in …` and `for k, v in …` bind their names in the whole expression (a simplification that only
    // hides an unbound `a` elsewhere in the same interpolation).
    let mut bound = BTreeSet::new();
    for (i, t) in tokens.iter().enumerate() {
        if *t == Token::Ident("for") {
            let names = tokens[i + 1..].iter().take_while(|t| **t != Token::Ident("in"));
            bound.extend(names.filter_map(|t| if let Token::Ident(n) = t { Some(*n) } else { None }));
        }
    }
    const NOT_REFERENCES: &[&str] = &["for", "in", "if", "true", "false", "null", "each", "self", "path", "count"];
    for (i, t) in tokens.iter().enumerate() {
        let Token::Ident(root) = t else { continue };
        let after_dot = i > 0 && tokens[i - 1] == Token::Punct('.');
        let call = tokens.get(i + 1) == Some(&Token::Punct('('));
        if after_dot || call || bound.contains(root) || NOT_REFERENCES.contains(root) {
            continue;
        }
        let mut segments = vec![*root];
        let mut j = i + 1;
        while let (Some(Token::Punct('.')), Some(Token::Ident(s))) = (tokens.get(j), tokens.get(j + 1)) {
            segments.push(s);
            j += 2;
        }
        let length = if *root == "data" { 3 } else { 2 };
        segments.truncate(length);
        out.insert(segments.join("."));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn references_interpolate() {
        let r = Ref::resource("aws_eks_cluster", "main");
        assert_eq!(r.attr("arn").to_string(), "${aws_eks_cluster.main.arn}");
        assert_eq!(
            json!(r.attr("certificate_authority[0].data")),
            "${aws_eks_cluster.main.certificate_authority[0].data}"
        );
        assert_eq!(r.address(), "aws_eks_cluster.main");
        assert_eq!(r.name(), "main");
        let partition = Ref::data("aws_partition", "current").attr("partition");
        assert_eq!(format!("arn:{partition}:iam"), "arn:${data.aws_partition.current.partition}:iam");
        assert_eq!(Var::named("x").expr().to_string(), "${var.x}");
        assert_eq!(Local::named("y").expr().to_string(), "${local.y}");
    }

    #[test]
    fn expressions_render_as_terraform_writes_them() {
        let names = Expr::this().attr("names");
        let ready = Var::named("ready").expr();
        let length = Expr::call("length", [names.clone()]);
        assert_eq!(
            ready.clone().or(length.equals(Expr::number(0))).to_string(),
            "${var.ready || length(self.names) == 0}"
        );
        assert_eq!(ready.clone().then_else(Expr::number(1), Expr::number(0)).to_string(), "${var.ready ? 1 : 0}");
        let entry = Ref::resource("aws_eks_access_entry", "admins").expr().key(Expr::each_key()).attr("principal_arn");
        assert_eq!(entry.to_string(), "${aws_eks_access_entry.admins[each.key].principal_arn}");
        let split = Expr::call("split", [Expr::string("/"), Expr::each_value()]).index(1);
        assert_eq!(split.to_string(), r#"${split("/", each.value)[1]}"#);
        let roles = Var::named("roles").expr();
        let valid = Expr::for_each_in("a", roles, |a| !Expr::call("can", [a]));
        assert_eq!(Expr::call("alltrue", [valid]).to_string(), "${alltrue([for a in var.roles : !can(a)])}");
        assert_eq!(Expr::tuple([Expr::string("a"), Expr::number(2)]).to_string(), r#"${["a", 2]}"#);
    }

    #[test]
    fn operands_binding_looser_are_parenthesized() {
        let (a, b, c) = (Var::named("a").expr(), Var::named("b").expr(), Var::named("c").expr());
        assert_eq!(a.clone().or(b.clone()).and(c.clone()).to_string(), "${(var.a || var.b) && var.c}");
        assert_eq!(a.clone().and(b.clone().or(c.clone())).to_string(), "${var.a && (var.b || var.c)}");
        assert_eq!(a.clone().or(b.clone()).or(c.clone()).to_string(), "${var.a || var.b || var.c}");
        assert_eq!((!a.clone().equals(b.clone())).to_string(), "${!(var.a == var.b)}");
        assert_eq!(a.clone().then_else(b, c).attr("x").to_string(), "${(var.a ? var.b : var.c).x}");
    }

    #[test]
    fn string_literals_escape_quotes_and_template_sequences() {
        assert_eq!(Expr::string(r#"say "${x}" \ %{y}"#).to_string(), r#"${"say \"$${x}\" \\ %%{y}"}"#);
    }

    /// A root whose every reference resolves, with the syntax the renderers use.
    fn consistent() -> Document {
        let mut doc = Document::default();
        let roles = doc.variable("roles", json!({}));
        let zones = doc.data("aws_availability_zones", "all", json!({}));
        let vpc = doc.resource("aws_vpc", "main", json!({ "cidr_block": "10.0.0.0/16" }));
        let names = doc.local("names", json!(Expr::call("toset", [roles.expr()])));
        let each = Expr::for_each_in("z", zones.attr("names"), |z| Expr::call("upper", [z]));
        let subnet = json!({
            "for_each": names.expr(),
            "vpc_id": vpc.attr("id"),
            "tags": { "Name": format!("{}-{}", Expr::each_value(), Expr::path_module()), "zones": each },
            "description": format!("{} var.not_a_reference $${{escaped}}", Expr::string("var.quoted")),
            "depends_on": [vpc.address()],
        });
        doc.resource("aws_subnet", "a", subnet);
        doc
    }

    #[test]
    fn a_consistent_root_has_no_reference_problem() {
        assert_eq!(check_references(&consistent().to_value()), Vec::<String>::new());
    }

    #[test]
    fn planted_bad_references_are_caught() {
        let plant = |value: Value| {
            let mut doc = consistent();
            doc.resource("aws_route_table", "planted", value);
            check_references(&doc.to_value())
        };
        let missing = |r: &str| vec![format!("`{r}` is referenced but not declared")];
        assert_eq!(plant(json!({ "vpc_id": Ref::resource("aws_vpc", "other").attr("id") })), missing("aws_vpc.other"));
        assert_eq!(plant(json!({ "x": Ref::data("aws_vpc", "main").attr("id") })), missing("data.aws_vpc.main"));
        assert_eq!(plant(json!({ "x": Var::named("rolez").expr() })), missing("var.rolez"));
        assert_eq!(plant(json!({ "x": Local::named("nam").expr() })), missing("local.nam"));
        assert_eq!(plant(json!({ "depends_on": ["aws_vpc.gone"] })), missing("aws_vpc.gone"));
        let unbound =
            Expr::for_each_in("a", Var::named("roles").expr(), |_| Expr::call("can", [Expr::atom("b".into())]));
        assert_eq!(plant(json!({ "x": unbound })), missing("b"));
    }

    #[test]
    fn unread_declarations_are_caught() {
        let mut doc = consistent();
        doc.variable("unused", json!({}));
        doc.local("spare", json!(1));
        doc.data("aws_region", "current", json!({}));
        doc.resource("aws_eip", "standalone", json!({}));
        let postcondition =
            json!([{ "condition": Expr::call("length", [Expr::this().attr("ids")]).greater_than(Expr::number(0)) }]);
        doc.data("aws_subnets", "checked", json!({ "lifecycle": { "postcondition": postcondition } }));
        let problems = check_references(&doc.to_value());
        let unread = |d: &str| format!("`{d}` is declared but never referenced");
        assert_eq!(problems, [unread("data.aws_region.current"), unread("local.spare"), unread("var.unused")]);
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
