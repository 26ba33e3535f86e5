//! Who reaches whom, evaluated from the rendered `manifests/` (Namespaces, NetworkPolicies, Calico Tiers and
//! GlobalNetworkPolicies; `platform_tests::reachability`), equals what the definition declares plus the
//! platform's own traffic: for the customer's platform on a Calico without tiers (its Kubernetes 1.28) and with
//! them (1.32), and for a generated platform with many tenants. A tenant's NetworkPolicy can only narrow that:
//! widening ones change nothing while the platform's Calico policies are there, and do once one is removed.

use std::collections::BTreeSet;

use platform_core::catalog::charts::chart_versions;
use platform_core::model::{FlowSource, Platform};
use platform_core::naming::label;
use platform_core::render::{Artifacts, RenderOptions};
use platform_core::scaled::scaled_platform;
use platform_tests::reachability::{parse_ip, ports_in, probes, Endpoint, Net, Network, Protocol, Traffic};
use platform_tests::{check_and_render, manifest_objects_in, platform, render_for, ACCOUNT_ID};
use serde_json::{json, Value};

/// The platform's name for CoreDNS's pod.
const COREDNS: &str = "kube-system/coredns";
const NODE: &str = "node";
const INTERNET: &str = "internet";

/// A platform's endpoints: two pods per tenant (`<tenant>/a`, `<tenant>/b`; one with `one_pod`), CoreDNS, a pod in
/// every other namespace the platform renders (the controllers'), a node of the first private subnet and an
/// address on the internet.
fn endpoints(p: &Platform, objects: &[Value], one_pod: bool) -> Vec<Endpoint> {
    let pod_net = Net::parse(&p.vpc.pod_cidr).unwrap();
    let mut next = pod_net.base + 10;
    let mut ip = || {
        next += 1;
        let [a, b, c, d] = next.to_be_bytes();
        format!("{a}.{b}.{c}.{d}")
    };
    let mut out = Vec::new();
    for t in &p.tenants {
        let ns = label(&t.name);
        let pods: &[&str] = if one_pod { &["a"] } else { &["a", "b"] };
        for pod in pods {
            out.push(Endpoint::pod(&format!("{ns}/{pod}"), &ip(), &ns, &[("app", pod)]));
        }
    }
    out.push(Endpoint::pod(COREDNS, &ip(), "kube-system", &[("k8s-app", "kube-dns")]));
    let tenants: BTreeSet<String> = p.tenants.iter().map(|t| label(&t.name)).collect();
    for o in objects.iter().filter(|o| o["kind"] == "Namespace") {
        let ns = o["metadata"]["name"].as_str().unwrap();
        if !tenants.contains(ns) {
            out.push(Endpoint::pod(&format!("{ns}/controller"), &ip(), ns, &[("app.kubernetes.io/name", ns)]));
        }
    }
    let node = Net::parse(&p.vpc.private_subnets[0]).unwrap().base + 10;
    let [a, b, c, d] = node.to_be_bytes();
    out.push(Endpoint::address(NODE, &format!("{a}.{b}.{c}.{d}")));
    out.push(Endpoint::address(INTERNET, "203.0.113.10"));
    assert!(parse_ip("203.0.113.10").is_ok());
    out
}

/// What the definition allows: inside a tenant's namespace, anything; from a tenant to CoreDNS, DNS; the declared
/// flows (`allow_from`: from another tenant's pods, or from the load balancers, which reach instance targets from
/// addresses that are not pods), on their TCP ports; nothing else to or from a tenant; between the platform's own
/// endpoints (no policy of the platform's), anything.
fn expected(p: &Platform, endpoints: &[Endpoint], probes: &[Traffic]) -> BTreeSet<(String, String, Traffic)> {
    let tenants: BTreeSet<String> = p.tenants.iter().map(|t| label(&t.name)).collect();
    let tenant_of = |e: &Endpoint| e.namespace().filter(|n| tenants.contains(*n)).map(str::to_owned);
    let declared = |to: &str, from: Option<&str>, t: &Traffic| {
        let tenant = p.tenants.iter().find(|x| label(&x.name) == to).unwrap();
        tenant.allow_from.iter().any(|f| {
            let source = match (&f.from, from) {
                (FlowSource::Tenant(name), Some(ns)) => label(name) == ns,
                (FlowSource::LoadBalancers, None) => true,
                _ => false,
            };
            let port = t.port.map(u32::from);
            source && t.protocol == Protocol::Tcp && port.is_some_and(|p| (f.ports.first..=f.ports.last).contains(&p))
        })
    };
    let mut out = BTreeSet::new();
    for s in endpoints {
        for d in endpoints.iter().filter(|d| d.name != s.name) {
            for t in probes {
                let dns = matches!(t.protocol, Protocol::Udp | Protocol::Tcp) && t.port == Some(53);
                let ok = match (tenant_of(s), tenant_of(d)) {
                    (Some(a), Some(b)) => a == b || declared(&b, Some(&a), t),
                    (Some(_), None) => d.name == COREDNS && dns,
                    (None, Some(b)) => s.workload.is_none() && declared(&b, None, t),
                    (None, None) => true,
                };
                if ok {
                    out.insert((s.name.clone(), d.name.clone(), *t));
                }
            }
        }
    }
    out
}

struct Case {
    platform: Platform,
    objects: Vec<Value>,
    tiers: bool,
    one_pod: bool,
}

impl Case {
    fn declared(kubernetes: &str) -> Case {
        let mut platform = platform().clone();
        platform.kubernetes = kubernetes.to_owned();
        Case::of(platform, render_for(kubernetes), false)
    }

    fn scaled(kubernetes: &str, tenants: usize) -> Case {
        let mut platform = scaled_platform(platform(), tenants);
        platform.kubernetes = kubernetes.to_owned();
        let options = RenderOptions { environment_suffix: "prod".to_owned(), account_id: Some(ACCOUNT_ID.to_owned()) };
        let artifacts = check_and_render(&platform, &options).unwrap_or_else(|e| panic!("{e}"));
        Case::of(platform, artifacts, true)
    }

    fn of(platform: Platform, artifacts: Artifacts, one_pod: bool) -> Case {
        let tiers = chart_versions(&platform.kubernetes).unwrap().calico_tiers();
        Case { objects: manifest_objects_in(&artifacts), platform, tiers, one_pod }
    }

    fn network(&self) -> Network {
        Network::from_objects(&self.objects, self.tiers).unwrap_or_else(|e| panic!("{e}"))
    }

    fn endpoints(&self) -> Vec<Endpoint> {
        endpoints(&self.platform, &self.objects, self.one_pod)
    }

    fn probes(&self) -> Vec<Traffic> {
        probes(ports_in(&self.objects))
    }

    fn expected(&self) -> BTreeSet<(String, String, Traffic)> {
        expected(&self.platform, &self.endpoints(), &self.probes())
    }

    fn evaluated(&self, network: &Network) -> BTreeSet<(String, String, Traffic)> {
        network.reachability(&self.endpoints(), &self.probes())
    }

    /// The name of the platform's Calico policy of a tenant.
    fn isolation(&self, tenant: &str) -> String {
        let name = format!("isolation-{tenant}");
        if self.tiers {
            format!("platform.{name}")
        } else {
            name
        }
    }
}

fn differences(
    evaluated: &BTreeSet<(String, String, Traffic)>,
    expected: &BTreeSet<(String, String, Traffic)>,
) -> String {
    let show = |set: Vec<&(String, String, Traffic)>| {
        set.iter().take(12).map(|(s, d, t)| format!("  {s} -> {d} {t}")).collect::<Vec<_>>().join("\n")
    };
    format!(
        "reachable but not declared ({}):\n{}\ndeclared but not reachable ({}):\n{}",
        evaluated.difference(expected).count(),
        show(evaluated.difference(expected).collect()),
        expected.difference(evaluated).count(),
        show(expected.difference(evaluated).collect()),
    )
}

fn assert_declared(case: &Case) {
    let evaluated = case.evaluated(&case.network());
    let expected = case.expected();
    assert!(evaluated == expected, "Kubernetes {}: {}", case.platform.kubernetes, differences(&evaluated, &expected));
}

#[test]
fn the_customers_platform_reaches_what_it_declares_without_tiers() {
    let case = Case::declared(&platform().kubernetes);
    assert!(!case.tiers, "the customer's Kubernetes pins a Calico without tiers");
    assert_declared(&case);
}

#[test]
fn the_customers_platform_reaches_what_it_declares_with_tiers() {
    let case = Case::declared("1.32");
    assert!(case.tiers);
    assert_declared(&case);
}

#[test]
fn a_platform_with_many_tenants_reaches_what_it_declares() {
    for kubernetes in ["1.28", "1.33"] {
        assert_declared(&Case::scaled(kubernetes, 60));
    }
}

/// NetworkPolicies a tenant could write to open its namespace: from and to every namespace, from and to any
/// address.
fn widening_policies(tenant: &str) -> Vec<Value> {
    let policy = |name: &str, spec: Value| {
        json!({ "apiVersion": "networking.k8s.io/v1", "kind": "NetworkPolicy",
                "metadata": { "name": name, "namespace": tenant }, "spec": spec })
    };
    vec![
        policy(
            "open-ingress",
            json!({ "podSelector": {}, "policyTypes": ["Ingress"],
            "ingress": [{ "from": [{ "namespaceSelector": {} }, { "ipBlock": { "cidr": "0.0.0.0/0" } }] }] }),
        ),
        policy(
            "open-egress",
            json!({ "podSelector": {}, "policyTypes": ["Egress"],
            "egress": [{ "to": [{ "namespaceSelector": {} }, { "ipBlock": { "cidr": "0.0.0.0/0" } }] }] }),
        ),
        policy("allow-all", json!({ "podSelector": {}, "ingress": [{}], "egress": [{}] })),
    ]
}

#[test]
fn a_tenant_network_policy_only_narrows_and_a_missing_platform_policy_is_caught() {
    for kubernetes in [platform().kubernetes.as_str(), "1.32"] {
        let case = Case::declared(kubernetes);
        let expected = case.expected();
        for tenant in case.platform.tenants.iter().map(|t| label(&t.name)) {
            // Widening NetworkPolicies change nothing while the platform's policy is there.
            let mut widened = case.network();
            for p in widening_policies(&tenant) {
                widened.add_network_policy(&p).unwrap();
            }
            let evaluated = case.evaluated(&widened);
            assert!(evaluated == expected, "{kubernetes} {tenant}: {}", differences(&evaluated, &expected));

            // Without the platform's policy of that tenant, the same NetworkPolicies open it: caught.
            assert_eq!(widened.remove(&case.isolation(&tenant)), 1, "{kubernetes}: the platform policy is rendered");
            let opened = case.evaluated(&widened);
            let extra: Vec<_> = opened.difference(&expected).collect();
            assert!(!extra.is_empty(), "{kubernetes}: removing the platform policy of {tenant} went unnoticed");
            let mine = |e: &str| e.starts_with(&format!("{tenant}/"));
            assert!(extra.iter().all(|(s, d, _)| mine(s) || mine(d)), "{kubernetes}: only {tenant} is opened");
            assert!(extra.iter().any(|(s, d, _)| s == INTERNET && mine(d)));
        }

        // Deleting the platform's NetworkPolicies (which tenant admins may) only narrows.
        let mut narrowed = case.network();
        for name in ["default-deny-all", "allow-dns-egress", "allow-same-namespace"] {
            assert_eq!(narrowed.remove(&format!("knp.default.{name}")), case.platform.tenants.len(), "{name}");
        }
        narrowed.remove("knp.default.allow-declared-flows");
        let evaluated = case.evaluated(&narrowed);
        assert!(evaluated.is_subset(&expected), "{kubernetes}: {}", differences(&evaluated, &expected));
    }
}

#[test]
fn the_evaluator_reads_only_what_it_understands() {
    let case = Case::declared(&platform().kubernetes);
    let mut objects = case.objects.clone();
    let gnp = objects.iter_mut().find(|o| o["kind"] == "GlobalNetworkPolicy").unwrap();
    gnp["spec"]["ingress"][0]["http"] = json!({ "methods": ["GET"] });
    let e = Network::from_objects(&objects, false).unwrap_err();
    assert!(e.contains("field `http` is outside the evaluated subset"), "{e}");
    // A tier on a Calico without tiers, a tiered policy without its prefix.
    let tiered = Case::declared("1.32");
    assert!(Network::from_objects(&tiered.objects, false).is_err());
    let mut objects = tiered.objects.clone();
    let gnp = objects.iter_mut().find(|o| o["kind"] == "GlobalNetworkPolicy").unwrap();
    gnp["metadata"]["name"] = json!("isolation-x");
    assert!(Network::from_objects(&objects, true).unwrap_err().contains("is named `platform.<name>`"));
}
