//! Who can reach whom, evaluated from the rendered objects: the subset of Calico and Kubernetes NetworkPolicy
//! semantics the renderer emits, written from Calico's documented model (projectcalico/calico `api/pkg/apis/
//! projectcalico/v3` policy and tier types; the conversion of NetworkPolicies in
//! `libcalico-go/lib/backend/k8s/conversion/conversion.go`, v3.28.5 and v3.30.7):
//!
//! - tiers in `order`, the `default` tier at 1,000,000 (it is the only one without the `Tier` CRD);
//! - in a tier, the policies that select the endpoint for the direction (`types`), in `order` then name; the first
//!   rule that matches decides: `Allow` and `Deny` end the evaluation, `Pass` goes to the next tier; a tier whose
//!   policies select the endpoint but match nothing applies its `defaultAction` (`Deny` unless `Pass`); a tier no
//!   policy of which selects the endpoint is skipped; after the last tier the namespace profile allows;
//! - a Kubernetes NetworkPolicy is a policy of the `default` tier at order 1000, namespaced, whose rules allow;
//! - traffic is allowed when the source's egress and the destination's ingress allow it; only workloads have
//!   policy (the platform declares no host endpoints).
//!
//! Anything outside that subset (another rule field, selector syntax, a NetworkPolicy peer shape) is an error, so
//! the evaluator never guesses at an object it does not understand.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;

/// Labels of a pod or a namespace.
pub type Labels = BTreeMap<String, String>;

// ----------------------------------------------------------------------------------------------------------------
// Selectors

/// A Calico selector expression (the subset: `all()`, `has()`, `==`, `!=`, `in`, `not in`, `!`, `&&`, `||`).
#[derive(Debug, Clone, PartialEq)]
pub enum Selector {
    All,
    Has(String),
    Eq(String, String),
    In(String, BTreeSet<String>),
    Not(Box<Selector>),
    And(Box<Selector>, Box<Selector>),
    Or(Box<Selector>, Box<Selector>),
}

impl Selector {
    pub fn matches(&self, labels: &Labels) -> bool {
        match self {
            Selector::All => true,
            Selector::Has(k) => labels.contains_key(k),
            Selector::Eq(k, v) => labels.get(k) == Some(v),
            Selector::In(k, vs) => labels.get(k).is_some_and(|v| vs.contains(v)),
            Selector::Not(s) => !s.matches(labels),
            Selector::And(a, b) => a.matches(labels) && b.matches(labels),
            Selector::Or(a, b) => a.matches(labels) || b.matches(labels),
        }
    }

    /// Parses a Calico selector expression.
    pub fn parse(text: &str) -> Result<Selector, String> {
        let mut p = SelectorParser { s: text.as_bytes(), i: 0, text };
        let sel = p.or()?;
        p.ws();
        if p.i != p.s.len() {
            return Err(format!("selector `{text}`: unexpected `{}`", &text[p.i..]));
        }
        Ok(sel)
    }

    /// A Kubernetes `LabelSelector` (`matchLabels`, `matchExpressions`); `{}` selects everything.
    pub fn from_label_selector(v: &Value) -> Result<Selector, String> {
        let mut out = Selector::All;
        let and = |a: Selector, b: Selector| Selector::And(Box::new(a), Box::new(b));
        for (k, val) in v.as_object().ok_or("a label selector is a map")? {
            match k.as_str() {
                "matchLabels" => {
                    for (l, x) in val.as_object().ok_or("matchLabels is a map")? {
                        let x = x.as_str().ok_or("label values are strings")?;
                        out = and(out, Selector::Eq(l.clone(), x.to_owned()));
                    }
                }
                "matchExpressions" => {
                    for e in val.as_array().ok_or("matchExpressions is a list")? {
                        let key = e["key"].as_str().ok_or("an expression has a key")?.to_owned();
                        let values: BTreeSet<String> = e["values"]
                            .as_array()
                            .into_iter()
                            .flatten()
                            .filter_map(Value::as_str)
                            .map(str::to_owned)
                            .collect();
                        let s = match e["operator"].as_str() {
                            Some("In") => Selector::In(key, values),
                            Some("NotIn") => Selector::Not(Box::new(Selector::In(key, values))),
                            Some("Exists") => Selector::Has(key),
                            Some("DoesNotExist") => Selector::Not(Box::new(Selector::Has(key))),
                            other => return Err(format!("unknown operator {other:?}")),
                        };
                        out = and(out, s);
                    }
                }
                other => return Err(format!("unknown label selector field `{other}`")),
            }
        }
        Ok(out)
    }
}

struct SelectorParser<'a> {
    s: &'a [u8],
    i: usize,
    text: &'a str,
}

impl SelectorParser<'_> {
    fn ws(&mut self) {
        while self.i < self.s.len() && self.s[self.i].is_ascii_whitespace() {
            self.i += 1;
        }
    }

    fn eat(&mut self, token: &str) -> bool {
        self.ws();
        if self.s[self.i..].starts_with(token.as_bytes()) {
            self.i += token.len();
            true
        } else {
            false
        }
    }

    fn err<T>(&self, what: &str) -> Result<T, String> {
        Err(format!("selector `{}`: expected {what} at {}", self.text, self.i))
    }

    fn or(&mut self) -> Result<Selector, String> {
        let mut left = self.and()?;
        while self.eat("||") {
            left = Selector::Or(Box::new(left), Box::new(self.and()?));
        }
        Ok(left)
    }

    fn and(&mut self) -> Result<Selector, String> {
        let mut left = self.unary()?;
        while self.eat("&&") {
            left = Selector::And(Box::new(left), Box::new(self.unary()?));
        }
        Ok(left)
    }

    fn unary(&mut self) -> Result<Selector, String> {
        if self.eat("!") {
            return Ok(Selector::Not(Box::new(self.unary()?)));
        }
        if self.eat("(") {
            let inner = self.or()?;
            return if self.eat(")") { Ok(inner) } else { self.err("`)`") };
        }
        if self.eat("all()") {
            return Ok(Selector::All);
        }
        if self.eat("has(") {
            let key = self.key()?;
            return if self.eat(")") { Ok(Selector::Has(key)) } else { self.err("`)`") };
        }
        let key = self.key()?;
        if self.eat("==") {
            Ok(Selector::Eq(key, self.string()?))
        } else if self.eat("!=") {
            Ok(Selector::Not(Box::new(Selector::Eq(key, self.string()?))))
        } else if self.eat("not in") {
            Ok(Selector::Not(Box::new(Selector::In(key, self.set()?))))
        } else if self.eat("in") {
            Ok(Selector::In(key, self.set()?))
        } else {
            self.err("an operator")
        }
    }

    fn key(&mut self) -> Result<String, String> {
        self.ws();
        let start = self.i;
        while self.i < self.s.len() && (self.s[self.i].is_ascii_alphanumeric() || b"./-_".contains(&self.s[self.i])) {
            self.i += 1;
        }
        if start == self.i {
            return self.err("a label key");
        }
        Ok(self.text[start..self.i].to_owned())
    }

    fn string(&mut self) -> Result<String, String> {
        self.ws();
        let quote = *self.s.get(self.i).ok_or_else(|| format!("selector `{}`: ends early", self.text))?;
        if quote != b'\'' && quote != b'"' {
            return self.err("a quoted value");
        }
        let start = self.i + 1;
        let end = self.s[start..].iter().position(|c| *c == quote).map(|p| start + p);
        let Some(end) = end else { return self.err("a closing quote") };
        self.i = end + 1;
        Ok(self.text[start..end].to_owned())
    }

    fn set(&mut self) -> Result<BTreeSet<String>, String> {
        if !self.eat("{") {
            return self.err("`{`");
        }
        let mut out = BTreeSet::new();
        if self.eat("}") {
            return Ok(out);
        }
        loop {
            out.insert(self.string()?);
            if self.eat("}") {
                return Ok(out);
            }
            if !self.eat(",") {
                return self.err("`,` or `}`");
            }
        }
    }
}

// ----------------------------------------------------------------------------------------------------------------
// Endpoints and traffic

/// An IPv4 network.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Net {
    pub base: u32,
    pub prefix: u8,
}

impl Net {
    pub fn parse(text: &str) -> Result<Net, String> {
        let (ip, prefix) = text.split_once('/').unwrap_or((text, "32"));
        let prefix: u8 = prefix.parse().map_err(|_| format!("bad prefix in `{text}`"))?;
        Ok(Net { base: parse_ip(ip)?, prefix })
    }

    pub fn contains(&self, ip: u32) -> bool {
        let mask = if self.prefix == 0 { 0 } else { u32::MAX << (32 - u32::from(self.prefix)) };
        ip & mask == self.base & mask
    }
}

/// A dotted IPv4 address.
pub fn parse_ip(text: &str) -> Result<u32, String> {
    let parts: Vec<u8> =
        text.split('.').map(|p| p.parse::<u8>()).collect::<Result<_, _>>().map_err(|_| format!("bad IP `{text}`"))?;
    match parts.as_slice() {
        [a, b, c, d] => Ok(u32::from_be_bytes([*a, *b, *c, *d])),
        _ => Err(format!("bad IP `{text}`")),
    }
}

/// Something that sends or receives traffic: a pod (on the pod network, with policy) or an address outside it.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Endpoint {
    pub name: String,
    pub ip: u32,
    /// The namespace and labels of a pod; `None` for a node or an outside address.
    pub workload: Option<(String, Labels)>,
}

impl Endpoint {
    pub fn pod(name: &str, ip: &str, namespace: &str, labels: &[(&str, &str)]) -> Endpoint {
        let labels = labels.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect();
        Endpoint {
            name: name.to_owned(),
            ip: parse_ip(ip).expect("a test address"),
            workload: Some((namespace.to_owned(), labels)),
        }
    }

    pub fn address(name: &str, ip: &str) -> Endpoint {
        Endpoint { name: name.to_owned(), ip: parse_ip(ip).expect("a test address"), workload: None }
    }

    pub fn namespace(&self) -> Option<&str> {
        self.workload.as_ref().map(|(n, _)| n.as_str())
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Protocol {
    Tcp,
    Udp,
    Icmp,
}

impl Protocol {
    fn parse(v: &Value) -> Result<Protocol, String> {
        match v.as_str() {
            Some("TCP") => Ok(Protocol::Tcp),
            Some("UDP") => Ok(Protocol::Udp),
            Some("ICMP") => Ok(Protocol::Icmp),
            _ => Err(format!("unsupported protocol {v}")),
        }
    }
}

/// One probe: a protocol and, for TCP and UDP, a destination port.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Traffic {
    pub protocol: Protocol,
    pub port: Option<u16>,
}

impl std::fmt::Display for Traffic {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.port {
            Some(p) => write!(f, "{:?}/{p}", self.protocol),
            None => write!(f, "{:?}", self.protocol),
        }
    }
}

// ----------------------------------------------------------------------------------------------------------------
// Policies

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Action {
    Allow,
    Deny,
    Pass,
}

/// Port ranges, both ends included.
type Ranges = Vec<(u16, u16)>;

/// One side of a rule (`source` or `destination`).
#[derive(Debug, Clone, Default)]
struct Side {
    selector: Option<Selector>,
    not_selector: Option<Selector>,
    namespace_selector: Option<Selector>,
    /// Only the policy's own namespace (a NetworkPolicy peer with a pod selector alone).
    same_namespace: Option<String>,
    nets: Vec<Net>,
    not_nets: Vec<Net>,
    ports: Vec<(u16, u16)>,
    not_ports: Vec<(u16, u16)>,
}

#[derive(Debug, Clone)]
struct Rule {
    action: Action,
    protocol: Option<Protocol>,
    not_protocol: Option<Protocol>,
    source: Side,
    destination: Side,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    Ingress,
    Egress,
}

#[derive(Debug, Clone)]
struct Policy {
    tier: String,
    order: f64,
    name: String,
    /// Namespaced (a NetworkPolicy): its namespace.
    namespace: Option<String>,
    selector: Selector,
    namespace_selector: Selector,
    ingress: Option<Vec<Rule>>,
    egress: Option<Vec<Rule>>,
}

#[derive(Debug, Clone)]
struct Tier {
    name: String,
    order: f64,
    pass_by_default: bool,
}

/// The default tier's order (`api/pkg/apis/projectcalico/v3/tier.go`, `DefaultTierOrder`, v3.30.7).
const DEFAULT_TIER_ORDER: f64 = 1_000_000.0;
/// The order of a converted NetworkPolicy (`conversion.go`, v3.28.5 and v3.30.7).
const NETWORK_POLICY_ORDER: f64 = 1000.0;

fn check_keys(v: &Value, known: &[&str], what: &str) -> Result<(), String> {
    for k in v.as_object().ok_or_else(|| format!("{what} is not a map"))?.keys() {
        if !known.contains(&k.as_str()) {
            return Err(format!("{what}: field `{k}` is outside the evaluated subset"));
        }
    }
    Ok(())
}

fn port_ranges(v: &Value) -> Result<Vec<(u16, u16)>, String> {
    let mut out = Vec::new();
    for p in v.as_array().into_iter().flatten() {
        if let Some(n) = p.as_u64() {
            let n = u16::try_from(n).map_err(|_| format!("port {n}"))?;
            out.push((n, n));
        } else if let Some((a, b)) = p.as_str().and_then(|s| s.split_once(':')) {
            out.push((a.parse().map_err(|_| format!("port {p}"))?, b.parse().map_err(|_| format!("port {p}"))?));
        } else {
            return Err(format!("unsupported port {p} (named ports are outside the evaluated subset)"));
        }
    }
    Ok(out)
}

fn calico_side(v: &Value, what: &str) -> Result<Side, String> {
    if v.is_null() {
        return Ok(Side::default());
    }
    check_keys(v, &["selector", "notSelector", "namespaceSelector", "nets", "notNets", "ports", "notPorts"], what)?;
    let sel = |k: &str| v.get(k).and_then(Value::as_str).map(Selector::parse).transpose();
    let nets = |k: &str| -> Result<Vec<Net>, String> {
        v.get(k)
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .map(|n| Net::parse(n.as_str().unwrap_or_default()))
            .collect()
    };
    Ok(Side {
        selector: sel("selector")?,
        not_selector: sel("notSelector")?,
        namespace_selector: sel("namespaceSelector")?,
        same_namespace: None,
        nets: nets("nets")?,
        not_nets: nets("notNets")?,
        ports: port_ranges(&v["ports"])?,
        not_ports: port_ranges(&v["notPorts"])?,
    })
}

fn calico_rule(v: &Value, what: &str) -> Result<Rule, String> {
    check_keys(v, &["action", "protocol", "notProtocol", "source", "destination"], what)?;
    let action = match v["action"].as_str() {
        Some("Allow") => Action::Allow,
        Some("Deny") => Action::Deny,
        Some("Pass") => Action::Pass,
        other => return Err(format!("{what}: action {other:?} is outside the evaluated subset")),
    };
    let proto = |k: &str| v.get(k).map(Protocol::parse).transpose();
    let source = calico_side(&v["source"], what)?;
    if !source.ports.is_empty() || !source.not_ports.is_empty() {
        return Err(format!("{what}: source ports are outside the evaluated subset"));
    }
    Ok(Rule {
        action,
        protocol: proto("protocol")?,
        not_protocol: proto("notProtocol")?,
        source,
        destination: calico_side(&v["destination"], what)?,
    })
}

fn global_policy(o: &Value, tiers: bool) -> Result<Policy, String> {
    let name = o["metadata"]["name"].as_str().unwrap_or_default().to_owned();
    let spec = &o["spec"];
    let what = format!("GlobalNetworkPolicy {name}");
    check_keys(spec, &["tier", "order", "selector", "namespaceSelector", "types", "ingress", "egress"], &what)?;
    let tier = spec["tier"].as_str().unwrap_or("default").to_owned();
    if !tiers && spec.get("tier").is_some() {
        return Err(format!("{what}: spec.tier without tiers"));
    }
    if tier != "default" && !name.starts_with(&format!("{tier}.")) {
        return Err(format!("{what}: a policy of tier `{tier}` written as a CRD is named `{tier}.<name>`"));
    }
    let types: Vec<&str> = spec["types"]
        .as_array()
        .ok_or(format!("{what}: `types` is set explicitly"))?
        .iter()
        .filter_map(Value::as_str)
        .collect();
    let rules = |d: &str| -> Result<Option<Vec<Rule>>, String> {
        let cap = if d == "ingress" { "Ingress" } else { "Egress" };
        if !types.contains(&cap) {
            return Ok(None);
        }
        let list = spec[d].as_array().map(Vec::as_slice).unwrap_or_default();
        list.iter()
            .enumerate()
            .map(|(i, r)| calico_rule(r, &format!("{what} {d}[{i}]")))
            .collect::<Result<_, _>>()
            .map(Some)
    };
    Ok(Policy {
        order: spec["order"].as_f64().ok_or(format!("{what}: no order"))?,
        selector: Selector::parse(spec["selector"].as_str().unwrap_or("all()"))?,
        namespace_selector: Selector::parse(spec["namespaceSelector"].as_str().unwrap_or("all()"))?,
        namespace: None,
        ingress: rules("ingress")?,
        egress: rules("egress")?,
        tier,
        name,
    })
}

fn network_policy_peer(peer: &Value, namespace: &str) -> Result<Side, String> {
    check_keys(peer, &["podSelector", "namespaceSelector", "ipBlock"], "NetworkPolicy peer")?;
    if let Some(block) = peer.get("ipBlock") {
        let except: Vec<Net> = block["except"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|e| Net::parse(e.as_str().unwrap_or_default()))
            .collect::<Result<_, _>>()?;
        let cidr = Net::parse(block["cidr"].as_str().ok_or("ipBlock without cidr")?)?;
        // `cidr` minus `except`: in the block and in no exception.
        return Ok(Side { nets: vec![cidr], not_nets: except, ..Side::default() });
    }
    let pods = peer.get("podSelector").map(Selector::from_label_selector).transpose()?.unwrap_or(Selector::All);
    match peer.get("namespaceSelector") {
        Some(ns) => Ok(Side {
            selector: Some(pods),
            namespace_selector: Some(Selector::from_label_selector(ns)?),
            ..Side::default()
        }),
        None => Ok(Side { selector: Some(pods), same_namespace: Some(namespace.to_owned()), ..Side::default() }),
    }
}

fn network_policy_rules(rules: &Value, peers_key: &str, namespace: &str, ingress: bool) -> Result<Vec<Rule>, String> {
    let mut out = Vec::new();
    for r in rules.as_array().into_iter().flatten() {
        check_keys(r, &[peers_key, "ports"], "NetworkPolicy rule")?;
        let peers: Vec<Side> = match r[peers_key].as_array() {
            Some(list) if !list.is_empty() => {
                list.iter().map(|p| network_policy_peer(p, namespace)).collect::<Result<_, _>>()?
            }
            _ => vec![Side::default()],
        };
        let ports: Vec<(Option<Protocol>, Ranges)> = match r["ports"].as_array() {
            Some(list) if !list.is_empty() => list
                .iter()
                .map(|p| {
                    check_keys(p, &["protocol", "port", "endPort"], "NetworkPolicy port")?;
                    let protocol = Protocol::parse(p.get("protocol").unwrap_or(&Value::String("TCP".into())))?;
                    let ranges = match (p["port"].as_u64(), p["endPort"].as_u64()) {
                        (Some(a), Some(b)) => vec![(a as u16, b as u16)],
                        (Some(a), None) => vec![(a as u16, a as u16)],
                        (None, None) if p.get("port").is_none() => vec![],
                        _ => return Err(format!("unsupported NetworkPolicy port {p}")),
                    };
                    Ok((Some(protocol), ranges))
                })
                .collect::<Result<_, String>>()?,
            _ => vec![(None, vec![])],
        };
        for peer in &peers {
            for (protocol, ranges) in &ports {
                let destination = Side { ports: ranges.clone(), ..Side::default() };
                let (source, destination) = if ingress {
                    (peer.clone(), destination)
                } else {
                    let mut d = peer.clone();
                    d.ports = ranges.clone();
                    (Side::default(), d)
                };
                out.push(Rule { action: Action::Allow, protocol: *protocol, not_protocol: None, source, destination });
            }
        }
    }
    Ok(out)
}

fn network_policy(o: &Value) -> Result<Policy, String> {
    let name = o["metadata"]["name"].as_str().unwrap_or_default().to_owned();
    let namespace =
        o["metadata"]["namespace"].as_str().ok_or(format!("NetworkPolicy {name} has no namespace"))?.to_owned();
    let spec = &o["spec"];
    check_keys(spec, &["podSelector", "policyTypes", "ingress", "egress"], &format!("NetworkPolicy {name}"))?;
    let types: Vec<&str> = match spec["policyTypes"].as_array() {
        Some(t) => t.iter().filter_map(Value::as_str).collect(),
        // The API server's defaulting: Ingress, and Egress when there are egress rules.
        None if spec.get("egress").is_some() => vec!["Ingress", "Egress"],
        None => vec!["Ingress"],
    };
    let ingress = types
        .contains(&"Ingress")
        .then(|| network_policy_rules(&spec["ingress"], "from", &namespace, true))
        .transpose()?;
    let egress = types
        .contains(&"Egress")
        .then(|| network_policy_rules(&spec["egress"], "to", &namespace, false))
        .transpose()?;
    Ok(Policy {
        tier: "default".into(),
        order: NETWORK_POLICY_ORDER,
        name: format!("knp.default.{name}"),
        selector: Selector::from_label_selector(&spec["podSelector"])?,
        namespace_selector: Selector::All,
        namespace: Some(namespace),
        ingress,
        egress,
    })
}

/// The policy model of a set of rendered objects.
#[derive(Debug, Clone)]
pub struct Network {
    namespaces: BTreeMap<String, Labels>,
    tiers: Vec<Tier>,
    policies: Vec<Policy>,
}

impl Network {
    /// Reads Namespaces, NetworkPolicies, Calico Tiers and GlobalNetworkPolicies from `objects`; `tiers` says
    /// whether the Calico in use has tiers (without, `spec.tier` is an error).
    pub fn from_objects(objects: &[Value], tiers: bool) -> Result<Network, String> {
        let mut namespaces = BTreeMap::new();
        let mut found_tiers = vec![Tier { name: "default".into(), order: DEFAULT_TIER_ORDER, pass_by_default: false }];
        let mut policies = Vec::new();
        for o in objects {
            match o["kind"].as_str().unwrap_or_default() {
                "Namespace" => {
                    let name = o["metadata"]["name"].as_str().unwrap_or_default().to_owned();
                    let mut labels: Labels =
                        serde_json::from_value(o["metadata"]["labels"].clone()).unwrap_or_default();
                    // Calico's namespace label (it labels every namespace with its name).
                    labels.insert("projectcalico.org/name".into(), name.clone());
                    namespaces.insert(name, labels);
                }
                "NetworkPolicy" => policies.push(network_policy(o)?),
                "GlobalNetworkPolicy" => policies.push(global_policy(o, tiers)?),
                "Tier" => {
                    if !tiers {
                        return Err("a Tier without tiers".into());
                    }
                    let spec = &o["spec"];
                    found_tiers.push(Tier {
                        name: o["metadata"]["name"].as_str().unwrap_or_default().to_owned(),
                        order: spec["order"].as_f64().ok_or("a Tier without order")?,
                        pass_by_default: spec["defaultAction"] == "Pass",
                    });
                }
                _ => {}
            }
        }
        for p in &policies {
            if !found_tiers.iter().any(|t| t.name == p.tier) {
                return Err(format!("{} is in tier `{}`, which does not exist", p.name, p.tier));
            }
        }
        found_tiers.sort_by(|a, b| a.order.total_cmp(&b.order).then(a.name.cmp(&b.name)));
        policies.sort_by(|a, b| a.order.total_cmp(&b.order).then(a.name.cmp(&b.name)));
        Ok(Network { namespaces, tiers: found_tiers, policies })
    }

    /// Removes the policies named `name` (a GlobalNetworkPolicy's name, or `knp.default.<name>` in `namespace`).
    pub fn remove(&mut self, name: &str) -> usize {
        let before = self.policies.len();
        self.policies.retain(|p| p.name != name);
        before - self.policies.len()
    }

    /// Adds a NetworkPolicy (as a tenant would).
    pub fn add_network_policy(&mut self, object: &Value) -> Result<(), String> {
        self.policies.push(network_policy(object)?);
        self.policies.sort_by(|a, b| a.order.total_cmp(&b.order).then(a.name.cmp(&b.name)));
        Ok(())
    }

    fn namespace_labels(&self, namespace: &str) -> Labels {
        self.namespaces
            .get(namespace)
            .cloned()
            .unwrap_or_else(|| [("projectcalico.org/name".to_owned(), namespace.to_owned())].into())
    }

    /// The labels Calico selectors see on a pod: its own, plus its namespace and orchestrator.
    fn endpoint_labels(namespace: &str, labels: &Labels) -> Labels {
        let mut out = labels.clone();
        out.insert("projectcalico.org/namespace".into(), namespace.to_owned());
        out.insert("projectcalico.org/orchestrator".into(), "k8s".into());
        out
    }

    fn selects(&self, p: &Policy, namespace: &str, labels: &Labels) -> bool {
        match &p.namespace {
            Some(ns) => ns == namespace && p.selector.matches(labels),
            None => p.namespace_selector.matches(&self.namespace_labels(namespace)) && p.selector.matches(labels),
        }
    }

    /// An endpoint with its labels as selectors see them and the policies that select it, per tier.
    pub fn prepare<'e>(&self, e: &'e Endpoint) -> Prepared<'e> {
        let workload = e.workload.as_ref().map(|(ns, l)| (Self::endpoint_labels(ns, l), self.namespace_labels(ns)));
        let mut ingress = Vec::new();
        let mut egress = Vec::new();
        if let Some((ns, labels)) = &e.workload {
            let labels = Self::endpoint_labels(ns, labels);
            for tier in &self.tiers {
                let mut i = Vec::new();
                let mut o = Vec::new();
                for (idx, p) in self.policies.iter().enumerate().filter(|(_, p)| p.tier == tier.name) {
                    if self.selects(p, ns, &labels) {
                        if p.ingress.is_some() {
                            i.push(idx);
                        }
                        if p.egress.is_some() {
                            o.push(idx);
                        }
                    }
                }
                if !i.is_empty() {
                    ingress.push((tier.pass_by_default, i));
                }
                if !o.is_empty() {
                    egress.push((tier.pass_by_default, o));
                }
            }
        }
        Prepared { endpoint: e, workload, ingress, egress }
    }

    fn side_matches(side: &Side, peer: &Prepared, port: Option<u16>) -> bool {
        if side.selector.is_some() || side.namespace_selector.is_some() || side.same_namespace.is_some() {
            let Some((labels, ns_labels)) = &peer.workload else { return false };
            if side.selector.as_ref().is_some_and(|s| !s.matches(labels)) {
                return false;
            }
            if side.namespace_selector.as_ref().is_some_and(|s| !s.matches(ns_labels)) {
                return false;
            }
            if side.same_namespace.as_deref().is_some_and(|s| Some(s) != peer.endpoint.namespace()) {
                return false;
            }
        }
        if let Some(not) = &side.not_selector {
            if peer.workload.as_ref().is_some_and(|(labels, _)| not.matches(labels)) {
                return false;
            }
        }
        let ip = peer.endpoint.ip;
        if !side.nets.is_empty() && !side.nets.iter().any(|n| n.contains(ip)) {
            return false;
        }
        if side.not_nets.iter().any(|n| n.contains(ip)) {
            return false;
        }
        let in_ranges =
            |ranges: &[(u16, u16)]| port.is_some_and(|p| ranges.iter().any(|(a, b)| (*a..=*b).contains(&p)));
        if !side.ports.is_empty() && !in_ranges(&side.ports) {
            return false;
        }
        if !side.not_ports.is_empty() && (port.is_none() || in_ranges(&side.not_ports)) {
            return false;
        }
        true
    }

    fn rule_matches(r: &Rule, src: &Prepared, dst: &Prepared, t: &Traffic) -> bool {
        if r.protocol.is_some_and(|p| p != t.protocol) || r.not_protocol.is_some_and(|p| p == t.protocol) {
            return false;
        }
        Self::side_matches(&r.source, src, None) && Self::side_matches(&r.destination, dst, t.port)
    }

    /// Whether the policy of `at` lets the traffic through in `direction` (endpoints without policy always do).
    fn verdict(&self, at: &Prepared, direction: Direction, src: &Prepared, dst: &Prepared, t: &Traffic) -> bool {
        let tiers = match direction {
            Direction::Ingress => &at.ingress,
            Direction::Egress => &at.egress,
        };
        'tiers: for (pass_by_default, policies) in tiers {
            for &idx in policies {
                let p = &self.policies[idx];
                let rules = match direction {
                    Direction::Ingress => p.ingress.as_deref(),
                    Direction::Egress => p.egress.as_deref(),
                };
                for r in rules.unwrap_or_default() {
                    if Self::rule_matches(r, src, dst, t) {
                        match r.action {
                            Action::Allow => return true,
                            Action::Deny => return false,
                            Action::Pass => continue 'tiers,
                        }
                    }
                }
            }
            if !pass_by_default {
                return false;
            }
        }
        true
    }

    /// Whether `src` reaches `dst` with `t`.
    pub fn allowed(&self, src: &Prepared, dst: &Prepared, t: &Traffic) -> bool {
        self.verdict(src, Direction::Egress, src, dst, t) && self.verdict(dst, Direction::Ingress, src, dst, t)
    }

    /// Every (source, destination, traffic) among `endpoints` and `probes` that is allowed.
    pub fn reachability(&self, endpoints: &[Endpoint], probes: &[Traffic]) -> BTreeSet<(String, String, Traffic)> {
        let prepared: Vec<Prepared> = endpoints.iter().map(|e| self.prepare(e)).collect();
        let mut out = BTreeSet::new();
        for s in &prepared {
            for d in prepared.iter().filter(|d| d.endpoint.name != s.endpoint.name) {
                for t in probes {
                    if self.allowed(s, d, t) {
                        out.insert((s.endpoint.name.clone(), d.endpoint.name.clone(), *t));
                    }
                }
            }
        }
        out
    }
}

/// An endpoint ready for evaluation ([`Network::prepare`]).
pub struct Prepared<'e> {
    pub endpoint: &'e Endpoint,
    /// Its labels (with Calico's) and its namespace's labels, for a pod.
    workload: Option<(Labels, Labels)>,
    /// Per tier that selects it: whether the tier passes by default, and the policies in evaluation order.
    ingress: Vec<(bool, Vec<usize>)>,
    egress: Vec<(bool, Vec<usize>)>,
}

/// Probes: ICMP, and TCP and UDP on `ports`, each port's neighbours (to catch an off-by-one range) and a few
/// well-known ports.
pub fn probes(ports: impl IntoIterator<Item = u16>) -> Vec<Traffic> {
    let mut set: BTreeSet<u16> = [1, 22, 53, 80, 443, 5432, 8080, 9443, 10250, 65535].into();
    for p in ports {
        set.extend([p.saturating_sub(1), p, p.saturating_add(1)]);
    }
    set.remove(&0);
    let mut out = vec![Traffic { protocol: Protocol::Icmp, port: None }];
    for protocol in [Protocol::Tcp, Protocol::Udp] {
        out.extend(set.iter().map(|p| Traffic { protocol, port: Some(*p) }));
    }
    out
}

/// Every port a set of objects names in a policy rule (the ends of ranges included).
pub fn ports_in(objects: &[Value]) -> BTreeSet<u16> {
    fn walk(v: &Value, key: Option<&str>, out: &mut BTreeSet<u16>) {
        match v {
            Value::Object(m) => m.iter().for_each(|(k, x)| walk(x, Some(k), out)),
            Value::Array(a) => a.iter().for_each(|x| walk(x, key, out)),
            Value::Number(n) if matches!(key, Some("ports" | "notPorts" | "port" | "endPort")) => {
                out.extend(n.as_u64().and_then(|n| u16::try_from(n).ok()));
            }
            Value::String(s) if matches!(key, Some("ports" | "notPorts")) => {
                for part in s.split(':') {
                    out.extend(part.parse::<u16>().ok());
                }
            }
            _ => {}
        }
    }
    let mut out = BTreeSet::new();
    for o in objects.iter().filter(|o| matches!(o["kind"].as_str(), Some("NetworkPolicy" | "GlobalNetworkPolicy"))) {
        walk(&o["spec"], None, &mut out);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn selectors_parse_and_match() {
        let l: Labels = [("a".into(), "1".into()), ("b".into(), "2".into())].into();
        for (text, want) in [
            ("all()", true),
            ("has(a)", true),
            ("!has(c)", true),
            ("a == '1' && b == \"2\"", true),
            ("a == '2' || b in {'2', '3'}", true),
            ("a not in {'1'}", false),
            ("!(a == '1')", false),
            ("b != '2'", false),
        ] {
            assert_eq!(Selector::parse(text).unwrap().matches(&l), want, "{text}");
        }
        assert!(Selector::parse("a = '1'").is_err());
        assert!(Selector::parse("a == '1' junk").is_err());
    }

    #[test]
    fn nets_contain() {
        let n = Net::parse("10.0.0.0/16").unwrap();
        assert!(n.contains(parse_ip("10.0.255.1").unwrap()));
        assert!(!n.contains(parse_ip("10.1.0.1").unwrap()));
        assert!(Net::parse("0.0.0.0/0").unwrap().contains(parse_ip("8.8.8.8").unwrap()));
    }
}
