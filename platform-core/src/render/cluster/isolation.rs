//! Tenant isolation the platform owns: Calico `GlobalNetworkPolicy`s, cluster-scoped, which no tenant role can
//! reach. Applied as the `crd.projectcalico.org/v1` CRDs the tigera-operator chart ships (the Calico API server is
//! disabled, see `charts`), so they go in the local chart with the other custom resources.
//!
//! One policy per tenant, selecting every pod of its namespace (`namespaceSelector` on the label
//! `projectcalico.org/name` Calico gives every namespace; never a pod label, which tenants write). Its rules:
//! 1. egress to CoreDNS (`k8s-app == 'kube-dns'` in `kube-system`), UDP and TCP 53: `Allow`. Name resolution is a
//!    platform guarantee, not something a tenant narrows;
//! 2. `Deny` everything outside what the platform allows: the tenant's own namespace, and the declared flows
//!    (`allow_from`: another tenant's pods, or the load balancers, i.e. anything that is not a pod, since instance
//!    targets reach pods through the nodes), each on its TCP ports;
//! 3. on a Calico with tiers (3.30+, [`ChartVersions::calico_tiers`]): a last `Pass` hands what is left to the
//!    next tier, `default`, where the tenant's Kubernetes NetworkPolicies are (Calico puts them there at order
//!    1000, `libcalico-go/lib/backend/k8s/conversion/conversion.go` at v3.28.5 and v3.30.7).
//!
//! Without tiers (3.28) the policy sits in the `default` tier at order [`POLICY_ORDER`], ahead of the
//! NetworkPolicies: what it does not deny falls through to them, and since it selects the pod, whatever no
//! policy of the tier allows is dropped at the end of the tier. With tiers it sits in the tier [`TIER`], ahead of
//! `kube-admin` (1,000) and `default` (1,000,000; `api/pkg/apis/projectcalico/v3/tier.go` at v3.30.7), and is
//! named `<tier>.<name>` as a policy written directly as a CRD must be (`libcalico-go/lib/names/policy.go`,
//! `BackendTieredPolicyName`, v3.30.7 and v3.31.7). Either way a tenant's NetworkPolicy can only narrow what the
//! platform allows: the platform's `Deny` rules come first, and the NetworkPolicies of `objects` (the same
//! allowances) keep the default tier selecting every tenant pod.
//!
//! Rules are written with the endpoint label `projectcalico.org/namespace` (every workload endpoint carries it,
//! `api/pkg/apis/projectcalico/v3/constants.go` `LabelNamespace`, v3.28.5 and v3.30.7) so that a `notSelector`
//! covers every source or destination outside the listed namespaces, the internet and the nodes included.
//! Felix does not police traffic from a host to its own pods (`felix/rules/static.go`, `filterOutputChain`,
//! v3.28.5): kubelet probes reach tenant pods whatever the policy.

use std::slice;

use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;

use super::custom_resources::calico::{
    Action, EntityRule, GlobalNetworkPolicy, GlobalNetworkPolicySpec, PolicyType, Protocol, Rule, Tier, TierSpec,
};
use super::flows::{egress_peers, ingress_peers, Peer, Ports};
use super::objects::{meta, Concern, Object};
use crate::catalog::charts::ChartVersions;
use crate::checked::Tenant;
use crate::render::context::Context;

/// The Calico tier of the platform's policies, where the pinned Calico has tiers.
pub const TIER: &str = "platform";
/// Its order: before `kube-admin` (1,000), so no AdminNetworkPolicy overrides the platform's isolation.
pub const TIER_ORDER: f64 = 100.0;
/// The policies' order in their tier: before the NetworkPolicies (1000) when they share the `default` tier.
pub const POLICY_ORDER: f64 = 100.0;
/// The endpoint label holding a workload's namespace.
pub const NAMESPACE_LABEL: &str = "projectcalico.org/namespace";
/// The namespace label Calico gives every namespace.
pub const NAMESPACE_NAME_LABEL: &str = "projectcalico.org/name";

fn quoted(values: &[String]) -> String {
    values.iter().map(|v| format!("'{v}'")).collect::<Vec<_>>().join(", ")
}

/// The selector of the workloads of some namespaces.
pub fn in_namespaces(namespaces: &[String]) -> String {
    match namespaces {
        [one] => format!("{NAMESPACE_LABEL} == '{one}'"),
        _ => format!("{NAMESPACE_LABEL} in {{{}}}", quoted(namespaces)),
    }
}

fn port_values(ports: &Ports) -> Vec<IntOrString> {
    let port = |&(a, b): &(u16, u16)| {
        if a == b {
            IntOrString::Int(i32::from(a))
        } else {
            IntOrString::String(format!("{a}:{b}"))
        }
    };
    ports.iter().map(port).collect()
}

/// The selector every workload matches (Calico's namespace label): its negation is "not a pod".
fn any_workload() -> String {
    format!("has({NAMESPACE_LABEL})")
}

/// How a rule's side names a peer.
fn peer_match(peer: &Peer) -> EntityRule {
    match peer {
        Peer::Namespace(n) => EntityRule { selector: Some(in_namespaces(slice::from_ref(n))), ..Default::default() },
        Peer::LoadBalancers => EntityRule { not_selector: Some(any_workload()), ..Default::default() },
    }
}

/// The side of a rule that names the peer: `source` for ingress, `destination` for egress.
#[derive(Debug, Clone, Copy)]
enum Side {
    Source,
    Destination,
}

impl Side {
    /// A rule taking `action` on the traffic whose peer, on this side, is `entity`.
    fn rule(self, action: Action, entity: EntityRule) -> Rule {
        match self {
            Side::Source => Rule { source: Some(entity), ..Rule::new(action) },
            Side::Destination => Rule { destination: Some(entity), ..Rule::new(action) },
        }
    }
}

/// `Deny` rules for traffic to (egress) or from (ingress) `peer` outside `ports`: any other protocol, other TCP
/// ports. The ports are always the destination's.
fn outside_ports(side: Side, peer: &Peer, ports: &Ports) -> Vec<Rule> {
    let other = Rule { not_protocol: Some(Protocol::Tcp), ..side.rule(Action::Deny, peer_match(peer)) };
    let mut tcp = Rule { protocol: Some(Protocol::Tcp), ..side.rule(Action::Deny, peer_match(peer)) };
    tcp.destination.get_or_insert_with(EntityRule::default).not_ports = Some(port_values(ports));
    vec![other, tcp]
}

/// The rules of one direction: `Deny` whatever is not the tenant's namespace or a listed peer, then each listed
/// peer outside its ports.
fn deny_outside(side: Side, own: &str, peers: &[(Peer, Ports)]) -> Vec<Rule> {
    let mut namespaces = vec![own.to_owned()];
    namespaces.extend(peers.iter().filter_map(|(p, _)| match p {
        Peer::Namespace(n) => Some(n.clone()),
        Peer::LoadBalancers => None,
    }));
    let mut elsewhere = EntityRule { not_selector: Some(in_namespaces(&namespaces)), ..Default::default() };
    if peers.iter().any(|(p, _)| *p == Peer::LoadBalancers) {
        // Only pods elsewhere: what is not a pod is the load balancers' peer, restricted to its ports below.
        elsewhere.selector = Some(any_workload());
    }
    let mut rules = vec![side.rule(Action::Deny, elsewhere)];
    for (peer, ports) in peers {
        rules.extend(outside_ports(side, peer, ports));
    }
    rules
}

fn dns_rules() -> Vec<Rule> {
    let kube_dns = EntityRule {
        namespace_selector: Some(format!("{NAMESPACE_NAME_LABEL} == 'kube-system'")),
        selector: Some("k8s-app == 'kube-dns'".to_owned()),
        ports: Some(vec![IntOrString::Int(53)]),
        ..Default::default()
    };
    [Protocol::Udp, Protocol::Tcp]
        .into_iter()
        .map(|protocol| Rule { protocol: Some(protocol), ..Side::Destination.rule(Action::Allow, kube_dns.clone()) })
        .collect()
}

/// The name of a platform policy: `<tier>.<name>` on a Calico with tiers.
pub fn policy_name(versions: &ChartVersions, name: &str) -> String {
    if versions.calico_tiers() {
        format!("{TIER}.{name}")
    } else {
        name.to_owned()
    }
}

fn tenant_policy(ctx: &Context, tenant: &Tenant) -> GlobalNetworkPolicy {
    let versions = ctx.checked.chart_versions();
    let ns = &tenant.namespace;
    let mut ingress = deny_outside(Side::Source, ns, &ingress_peers(ctx, tenant));
    let mut egress = dns_rules();
    egress.extend(deny_outside(Side::Destination, ns, &egress_peers(ctx, tenant)));
    let tiers = versions.calico_tiers();
    if tiers {
        ingress.push(Rule::new(Action::Pass));
        egress.push(Rule::new(Action::Pass));
    }
    GlobalNetworkPolicy {
        metadata: meta(&policy_name(versions, &format!("isolation-{ns}")), None),
        spec: GlobalNetworkPolicySpec {
            tier: tiers.then(|| TIER.to_owned()),
            order: POLICY_ORDER,
            namespace_selector: format!("{NAMESPACE_NAME_LABEL} == '{ns}'"),
            selector: "all()".to_owned(),
            types: vec![PolicyType::Ingress, PolicyType::Egress],
            ingress,
            egress,
        },
    }
}

/// The platform's Calico objects: its tier (where the pinned Calico has tiers) and one policy per tenant.
pub(crate) fn objects(ctx: &Context) -> Vec<Object> {
    let mut out = Vec::new();
    if ctx.checked.tenants().is_empty() {
        return out;
    }
    if ctx.checked.chart_versions().calico_tiers() {
        let tier =
            Tier { metadata: meta(TIER, None), spec: TierSpec { order: TIER_ORDER, default_action: Action::Deny } };
        out.push(Object::new(Concern::NetworkIsolation, tier));
    }
    for t in ctx.checked.tenants() {
        out.push(Object::new(Concern::NetworkIsolation, tenant_policy(ctx, t)));
    }
    out
}

#[cfg(test)]
mod tests {
    use serde_json::Value;

    use super::*;
    use crate::check_platform;
    use crate::fixture::platform as fixture;

    fn at(kubernetes: &str) -> Vec<Value> {
        let mut p = fixture();
        p.kubernetes = kubernetes.into();
        let checked = check_platform(&p, "2024-06-01").unwrap();
        let ctx = Context::new(&checked, "dev");
        objects(&ctx).iter().map(Object::to_value).collect()
    }

    #[test]
    fn tiers_only_where_calico_has_them() {
        let old = at("1.28");
        assert!(old.iter().all(|o| o["kind"] == "GlobalNetworkPolicy" && o["spec"].get("tier").is_none()));
        assert!(old.iter().all(|o| !o["metadata"]["name"].as_str().unwrap().contains('.')));
        let new = at("1.32");
        assert_eq!(new[0]["kind"], "Tier");
        for p in &new[1..] {
            assert_eq!(p["spec"]["tier"], TIER);
            assert!(p["metadata"]["name"].as_str().unwrap().starts_with("platform."));
            assert_eq!(p["spec"]["ingress"].as_array().unwrap().last().unwrap()["action"], "Pass");
        }
    }

    #[test]
    fn selectors_quote_namespaces() {
        assert_eq!(in_namespaces(&["a".into()]), "projectcalico.org/namespace == 'a'");
        assert_eq!(in_namespaces(&["a".into(), "b".into()]), "projectcalico.org/namespace in {'a', 'b'}");
    }
}
