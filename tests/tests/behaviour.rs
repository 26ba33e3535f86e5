//! What the pinned charts do with our values (`tests/upstream/behaviour/`, rendered by a real Helm at each chart's
//! tag for every carried Kubernetes version): the recorded values are the ones we render today, no two
//! host-network listeners share a port on a node, and no value we set is dead.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::OnceLock;

use platform_core::catalog::kubernetes::carried;
use platform_core::render::cluster::ports::{self, NODE_PORTS};
use platform_tests::behaviour::{
    behaviour_file, load, node_groups, our_releases, port_clashes, Behaviour, Entry, HostWorkload, NodeGroup,
    OurRelease, Toleration, GENERATE,
};
use platform_tests::{json_in, render_for};
use serde_json::{json, Value};

type Rendered = (BTreeMap<&'static str, BTreeMap<String, OurRelease>>, BTreeMap<&'static str, Vec<NodeGroup>>);

/// Our releases and node groups per carried Kubernetes version, rendered once per test binary.
fn rendered() -> &'static Rendered {
    static RENDERED: OnceLock<Rendered> = OnceLock::new();
    RENDERED.get_or_init(|| {
        let mut releases = BTreeMap::new();
        let mut groups = BTreeMap::new();
        for k in carried() {
            let artifacts = render_for(k.version);
            releases.insert(k.version, our_releases(&artifacts));
            groups.insert(k.version, node_groups(&json_in(&artifacts, "terraform/infra/main.tf.json")));
        }
        (releases, groups)
    })
}

fn ours() -> &'static BTreeMap<&'static str, BTreeMap<String, OurRelease>> {
    &rendered().0
}

fn groups() -> &'static BTreeMap<&'static str, Vec<NodeGroup>> {
    &rendered().1
}

/// Writes our values per carried version and release as JSON to `$BEHAVIOUR_VALUES_OUT`, for
/// `scripts/upstream-facts/behaviour.sh` (which runs this).
#[test]
#[ignore = "a generator step: run by scripts/upstream-facts/behaviour.sh"]
fn dump_our_values() {
    let out = std::env::var("BEHAVIOUR_VALUES_OUT").expect("BEHAVIOUR_VALUES_OUT names the output file");
    let doc: BTreeMap<&str, BTreeMap<&String, Value>> = ours()
        .iter()
        .map(|(k, releases)| {
            let releases = releases
                .iter()
                .map(|(name, r)| {
                    let entry = json!({
                        "chart_version": r.chart_version,
                        "namespace": r.namespace,
                        "values": r.values,
                        "terraform_values": r.terraform_values,
                    });
                    (name, entry)
                })
                .collect();
            (*k, releases)
        })
        .collect();
    std::fs::write(&out, serde_json::to_string_pretty(&doc).unwrap()).expect("write BEHAVIOUR_VALUES_OUT");
}

/// One carried version: our releases, the node groups, and each release's behaviour entry for that version.
struct Version {
    kubernetes: &'static str,
    groups: Vec<NodeGroup>,
    /// release -> (chart version, entry), or the line saying what is missing or stale.
    entries: BTreeMap<String, Result<(String, Entry), String>>,
}

fn versions() -> &'static [Version] {
    static VERSIONS: OnceLock<Vec<Version>> = OnceLock::new();
    VERSIONS.get_or_init(|| {
        let mut files: BTreeMap<(String, String), Result<Behaviour, String>> = BTreeMap::new();
        carried()
            .map(|k| {
                let entries = ours()[k.version]
                    .iter()
                    .map(|(release, r)| {
                        let file = files
                            .entry((release.clone(), r.chart_version.clone()))
                            .or_insert_with(|| load(release, &r.chart_version));
                        let entry = file.as_ref().map_err(Clone::clone).and_then(|b| {
                            b.kubernetes.get(k.version).cloned().ok_or_else(|| {
                                format!(
                                    "{} has no entry for Kubernetes {}: run `{GENERATE} {release} {}`",
                                    behaviour_file(release, &r.chart_version),
                                    k.version,
                                    r.chart_version
                                )
                            })
                        });
                        (release.clone(), entry.map(|e| (r.chart_version.clone(), e)))
                    })
                    .collect();
                Version { kubernetes: k.version, groups: groups()[k.version].clone(), entries }
            })
            .collect()
    })
}

/// The entries of one version, failing with every missing one.
fn entries(v: &Version) -> Vec<(&str, &str, &Entry)> {
    let missing: Vec<&String> = v.entries.values().filter_map(|e| e.as_ref().err()).collect();
    assert!(missing.is_empty(), "{}", missing.iter().map(|s| s.as_str()).collect::<Vec<_>>().join("\n"));
    v.entries
        .iter()
        .map(|(r, e)| {
            let (chart, entry) = e.as_ref().unwrap();
            (r.as_str(), chart.as_str(), entry)
        })
        .collect()
}

#[test]
fn the_recorded_values_are_the_ones_we_render() {
    let mut stale = Vec::new();
    for v in versions() {
        for (release, chart, entry) in entries(v) {
            let ours = &ours()[v.kubernetes][release];
            let terraform = entry.terraform_values.as_ref().unwrap_or(&entry.values);
            if entry.values != ours.values || *terraform != ours.terraform_values || entry.namespace != ours.namespace {
                stale.push(format!("{release} {chart} (Kubernetes {})", v.kubernetes));
            }
        }
    }
    assert!(stale.is_empty(), "behaviour facts are stale for {}: run `{GENERATE}`", stale.join(", "));
}

/// The host-network workloads of one version, each named `<release> <chart> <Kind>/<name>`.
fn host_workloads(v: &Version) -> Vec<(String, &HostWorkload)> {
    entries(v)
        .into_iter()
        .flat_map(|(release, chart, e)| {
            e.host_network.iter().map(move |w| (format!("{release} {chart} {}/{}", w.kind, w.name), w))
        })
        .collect()
}

#[test]
fn no_two_host_network_listeners_share_a_port_on_a_node() {
    let mut clashes = Vec::new();
    for v in versions() {
        let workloads = host_workloads(v);
        assert!(!workloads.is_empty(), "Kubernetes {}: no host-network workload in the facts", v.kubernetes);
        assert!(!v.groups.is_empty());
        for c in port_clashes(&workloads, &v.groups, NODE_PORTS) {
            clashes.push(format!("Kubernetes {}: {c}", v.kubernetes));
        }
    }
    assert!(clashes.is_empty(), "host-network port clashes:\n{}", clashes.join("\n"));
}

/// The ports `render::cluster::ports` names, each with the release that must open it.
const OUR_PORTS: &[(&str, u16)] = &[
    ("aws-load-balancer-controller", ports::LOAD_BALANCER_WEBHOOK),
    ("external-secrets", ports::EXTERNAL_SECRETS_WEBHOOK),
    ("external-secrets", ports::EXTERNAL_SECRETS_METRICS),
    ("external-secrets", ports::EXTERNAL_SECRETS_HEALTH),
    ("kyverno", ports::KYVERNO_WEBHOOK),
];

#[test]
fn the_ports_we_choose_are_ones_the_charts_open() {
    let mut missing = Vec::new();
    for v in versions() {
        let listening = |release: &str, port: u16| {
            entries(v).iter().any(|(r, _, e)| {
                *r == release && e.host_network.iter().any(|w| w.listeners.iter().any(|l| l.port == port))
            })
        };
        for (release, port) in OUR_PORTS {
            if !listening(release, *port) {
                missing.push(format!("Kubernetes {}: {release} does not listen on {port}", v.kubernetes));
            }
        }
        // Kyverno's controller-runtime metrics: ours where the binary has them, and nowhere else.
        let kyverno = &ours()[v.kubernetes]["kyverno"].values;
        if kyverno.pointer("/features/controllerRuntimeMetrics").is_some()
            != listening("kyverno", ports::KYVERNO_CONTROLLER_RUNTIME_METRICS)
        {
            missing.push(format!(
                "Kubernetes {}: kyverno controller-runtime metrics are not on {}",
                v.kubernetes,
                ports::KYVERNO_CONTROLLER_RUNTIME_METRICS
            ));
        }
    }
    assert!(missing.is_empty(), "{}", missing.join("\n"));
}

/// Values we set that change nothing in the chart's output, with why they are kept.
const DEAD_VALUES: &[(&str, &str, &str)] = &[];

#[test]
fn no_value_we_set_is_dead() {
    let mut dead = Vec::new();
    let mut seen = BTreeSet::new();
    for v in versions() {
        for (release, chart, e) in entries(v) {
            for path in &e.dead_values {
                seen.insert((release.to_owned(), path.clone()));
                if !DEAD_VALUES.iter().any(|(r, p, _)| *r == release && p == path) {
                    dead.push(format!("Kubernetes {}: {release} {chart} `{path}`", v.kubernetes));
                }
            }
        }
    }
    let unused: Vec<_> =
        DEAD_VALUES.iter().filter(|(r, p, _)| !seen.contains(&(r.to_string(), p.to_string()))).collect();
    assert!(
        dead.is_empty(),
        "values the charts ignore (remove them, or list them in DEAD_VALUES with why):\n{}",
        dead.join("\n")
    );
    assert!(unused.is_empty(), "DEAD_VALUES entries no chart ignores any more: {unused:?}");
}

// The checker fails on planted clashes ------------------------------------------------------------------------------

#[test]
fn a_planted_clash_is_reported_and_a_pod_kept_off_the_node_group_is_not() {
    let v = &versions()[0];
    let workloads = host_workloads(v);
    let (owner, w) = workloads.iter().find(|(_, w)| !w.listeners.is_empty()).expect("a host-network listener");
    assert_eq!(port_clashes(&workloads, &v.groups, NODE_PORTS), Vec::<String>::new());

    // The same workload once more: every listener clashes with its twin.
    let twin = ((*w).clone(), format!("{owner} twin"));
    let mut doubled = workloads.clone();
    doubled.push((twin.1.clone(), &twin.0));
    let clashes = port_clashes(&doubled, &v.groups, NODE_PORTS);
    assert!(
        clashes.iter().any(|c| c.contains(&format!("port {} ", w.listeners[0].port)) && c.contains("twin")),
        "{clashes:?}"
    );

    // A listener on the kubelet's port.
    let mut kubelet = (*w).clone();
    kubelet.listeners[0].port = 10250;
    let clashes = port_clashes(&[(owner.clone(), &kubelet)], &v.groups, NODE_PORTS);
    assert!(
        !clashes.is_empty() && clashes.iter().all(|c| c.starts_with("port 10250 ") && c.contains("node (kubelet)")),
        "{clashes:?}"
    );

    // Kept off by its nodeSelector, or by a taint it does not tolerate: no clash.
    let mut elsewhere = kubelet.clone();
    elsewhere.node_selector.insert("workload".into(), "nowhere".into());
    assert_eq!(port_clashes(&[(owner.clone(), &elsewhere)], &v.groups, NODE_PORTS), Vec::<String>::new());
    let mut untolerated = kubelet.clone();
    untolerated.node_selector.clear();
    untolerated.tolerations.clear();
    let clashes = port_clashes(&[(owner.clone(), &untolerated)], &v.groups, NODE_PORTS);
    let tainted: Vec<&NodeGroup> = v.groups.iter().filter(|g| !g.taints.is_empty()).collect();
    assert!(
        !tainted.is_empty()
            && tainted.iter().all(|g| !clashes.iter().any(|c| c.contains(&format!("node group {}:", g.name)))),
        "{clashes:?}"
    );
    assert!(clashes.len() + tainted.len() == v.groups.len(), "{clashes:?}");
    // Tolerating everything (`operator: Exists` without a key) lands everywhere.
    let mut everywhere = untolerated;
    everywhere.tolerations = vec![Toleration { operator: Some("Exists".into()), ..Toleration::default() }];
    assert_eq!(port_clashes(&[(owner.clone(), &everywhere)], &v.groups, NODE_PORTS).len(), v.groups.len());
}

#[test]
fn a_missing_behaviour_file_is_one_line_naming_it_and_its_command() {
    let e = load("kyverno", "0.0.0-missing").unwrap_err();
    assert!(!e.contains('\n'), "{e}");
    assert!(e.contains(&behaviour_file("kyverno", "0.0.0-missing")), "{e}");
    assert!(e.contains(&format!("{GENERATE} kyverno 0.0.0-missing")), "{e}");
}

/// Releases whose webhooks the chart does not render: the pods that serve them, which must be on the host network.
/// Kyverno registers its resource and policy webhooks at run time, pointing at its admission controller's Service
/// (kyverno `pkg/controllers/webhook` at the app tag), so the chart's facts list none.
const RUNTIME_WEBHOOK_SERVERS: &[(&str, &str)] = &[("kyverno", "kyverno-admission-controller")];

/// With Calico's VXLAN overlay the EKS control plane cannot reach pod addresses: every admission and CRD conversion
/// webhook a chart renders must be served from the host network, on every carried version; so must the servers of
/// the webhooks a controller registers at run time. (The CloudWatch add-on's are scoped to no namespace:
/// tests/tests/cloudwatch_addon.rs.)
#[test]
fn every_webhook_the_api_server_calls_is_served_from_the_host_network() {
    let mut unreachable = Vec::new();
    let mut counted = 0;
    for v in versions() {
        for (release, chart, entry) in entries(v) {
            for w in &entry.webhooks {
                counted += 1;
                if !w.host_network {
                    unreachable.push(format!(
                        "{release} {chart} on {}: webhook {} ({})",
                        v.kubernetes, w.name, w.configuration
                    ));
                }
            }
            for c in entry.conversion_webhooks.iter().filter(|c| !c.host_network) {
                unreachable.push(format!("{release} {chart} on {}: conversion webhook of {}", v.kubernetes, c.crd));
            }
            for (_, server) in RUNTIME_WEBHOOK_SERVERS.iter().filter(|(r, _)| *r == release) {
                if !entry.host_network.iter().any(|h| h.name == *server) {
                    unreachable
                        .push(format!("{release} {chart} on {}: {server} is not on the host network", v.kubernetes));
                }
            }
        }
    }
    assert!(counted > 0, "no webhook in the facts: are they still read?");
    assert!(unreachable.is_empty(), "webhooks the control plane cannot reach:\n{}", unreachable.join("\n"));
}

/// `tenancy/quota-capacity` reserves on the critical group what the charts' pods request there, as a real Helm
/// renders them at the pinned tags with our values: `platform-core/src/catalog/chart_requests.rs` is the
/// behaviour facts' workloads, for every carried version and pinned chart, and nothing else.
#[test]
fn the_capacity_rule_reserves_what_the_charts_request() {
    use platform_core::catalog::reserved::{chart_pods, ChartWorkload, CHART_PODS};
    let regenerate = "regenerate it with `python3 scripts/upstream-facts/requests.py`";
    let mut covered = 0;
    for v in versions() {
        for (release, chart, entry) in entries(v) {
            let pods: Vec<_> = chart_pods(v.kubernetes).filter(|c| c.release == release).collect();
            assert_eq!(
                pods.len(),
                1,
                "{release} at Kubernetes {}: chart_requests.rs is stale, {regenerate}",
                v.kubernetes
            );
            assert_eq!(pods[0].chart_version, chart, "{release} at {}: {regenerate}", v.kubernetes);
            let facts: Vec<ChartWorkload> = entry
                .workloads
                .iter()
                .map(|w| ChartWorkload {
                    name: w.name.clone().leak(),
                    replicas: w.replicas,
                    workload: w.node_selector.get("workload").map(|s| &*s.clone().leak()),
                    cpu_m: w.cpu_m,
                    memory_mib: w.memory_mib,
                })
                .collect();
            assert_eq!(pods[0].workloads, facts, "{release} {chart} at {}: {regenerate}", v.kubernetes);
            // Every pod of a chart is placed: the capacity rule counts it where it runs.
            for w in &entry.workloads {
                assert!(
                    w.node_selector.contains_key("workload"),
                    "{release} {chart}: `{}` has no workload node selector",
                    w.name
                );
            }
            covered += 1;
        }
    }
    assert_eq!(covered, CHART_PODS.len(), "chart_requests.rs has entries for no carried version: {regenerate}");
}
