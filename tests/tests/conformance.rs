//! Upstream conformance of every carried Kubernetes version: the customer's platform is rendered with
//! `kubernetes` set to that version (with an account id, so `manifests/` are rendered too), and what it sets or
//! creates is checked against the facts of the charts pinned for that version (`tests/upstream/charts/`).

use std::collections::BTreeMap;
use std::sync::OnceLock;

use platform_core::catalog::charts::{chart_versions, ChartVersions};
use platform_core::catalog::kubernetes::carried;
use platform_core::render::cluster::ports::NODE_PORTS;
use platform_core::render::Artifacts;
use platform_tests::conformance::{
    charts, custom_resource_errors, facts, facts_file, facts_of, host_pods, is_custom_resource, node_groups,
    port_clashes, unknown_values, HostPod,
};
use platform_tests::{chart_objects_in, json_in, manifest_objects_in, release_values_in, render_for, resources};
use serde_json::{json, Value};

/// One carried version: its pins, its facts and the platform rendered for it.
struct Version {
    pins: &'static ChartVersions,
    facts: BTreeMap<&'static str, Value>,
    artifacts: Artifacts,
}

impl Version {
    fn cluster(&self) -> Value {
        json_in(&self.artifacts, "terraform/cluster/main.tf.json")
    }

    /// Every pinned release's values, as Terraform and as `manifests/helm/` render them. Calico is installed by
    /// the network root (the pod network comes before the nodes), the others by the cluster root.
    fn values(&self) -> Vec<(&'static str, &'static str, Value)> {
        let roots = [self.cluster(), json_in(&self.artifacts, "terraform/network/main.tf.json")];
        let mut out = Vec::new();
        for chart in charts(self.pins) {
            let key = chart.release.replace('-', "_");
            let Some(doc) = roots.iter().find(|d| !d["resource"]["helm_release"][&key].is_null()) else {
                continue;
            };
            let (terraform, manifests) = release_values_in(&self.artifacts, doc, chart.release);
            out.push((chart.release, "terraform", terraform));
            out.push((chart.release, "manifests", manifests));
        }
        out
    }

    /// Every custom resource: in `manifests/`, in the cluster root's `kubernetes_manifest`s and in its local chart.
    fn custom_resources(&self) -> Vec<(String, Value)> {
        let doc = self.cluster();
        let terraform =
            resources(&doc, "kubernetes_manifest").into_iter().map(|(n, r)| (n.clone(), r["manifest"].clone()));
        let named = |o: Value| (format!("{} {}", o["kind"].as_str().unwrap_or_default(), o["metadata"]["name"]), o);
        manifest_objects_in(&self.artifacts)
            .into_iter()
            .map(|o| (format!("manifests: {}", named(o.clone()).0), o))
            .chain(terraform.map(|(n, o)| (format!("kubernetes_manifest.{n}"), o)))
            .chain(
                chart_objects_in(&self.artifacts)
                    .into_iter()
                    .map(|o| (format!("local chart: {}", named(o.clone()).0), o)),
            )
            .chain(self.calico_installations())
            .filter(|(_, o)| is_custom_resource(o))
            .collect()
    }

    /// The operator's `Installation` the Calico chart renders from our `installation` values (pod IP pools,
    /// encapsulation, provider): the values without `enabled`, as its spec (projectcalico/calico
    /// `charts/tigera-operator/templates/crs/custom-resources.yaml` at v3.28.5, v3.30.7 and v3.31.7; the chart adds
    /// only its own `imagePullSecrets` and `kubeletVolumePluginPath`, which we do not set).
    fn calico_installations(&self) -> Vec<(String, Value)> {
        self.values()
            .into_iter()
            .filter(|(release, _, values)| *release == "calico" && values["installation"]["enabled"] != false)
            .map(|(_, target, values)| {
                let mut spec = values["installation"].clone();
                if let Some(m) = spec.as_object_mut() {
                    m.remove("enabled");
                }
                let object = json!({ "apiVersion": "operator.tigera.io/v1", "kind": "Installation",
                                     "metadata": { "name": "default" }, "spec": spec });
                (format!("calico chart ({target} values): Installation default"), object)
            })
            .collect()
    }

    fn host_pods(&self, target: &str) -> Vec<HostPod> {
        self.values()
            .into_iter()
            .filter(|(_, t, _)| *t == target)
            .flat_map(|(release, _, values)| host_pods(release, &self.facts[release], &values))
            .collect()
    }
}

/// Every carried version, rendered once per test binary; a missing facts file fails with one line per file.
fn versions() -> &'static [Version] {
    static VERSIONS: OnceLock<Result<Vec<Version>, String>> = OnceLock::new();
    let versions = VERSIONS.get_or_init(|| {
        let mut out = Vec::new();
        let mut missing = Vec::new();
        for k in carried() {
            let pins = chart_versions(k.version).expect("carried versions have chart pins");
            match facts_of(pins) {
                Ok(facts) => out.push(Version { pins, facts, artifacts: render_for(k.version) }),
                Err(e) => missing.push(e),
            }
        }
        if missing.is_empty() {
            Ok(out)
        } else {
            Err(missing.join("\n"))
        }
    });
    versions.as_ref().unwrap_or_else(|e| panic!("{e}"))
}

#[test]
fn every_value_we_set_is_one_the_pinned_chart_accepts() {
    let mut offenders = Vec::new();
    for v in versions() {
        for (release, target, values) in v.values() {
            let chart = v.facts[release]["chart_version"].as_str().unwrap_or_default();
            for path in unknown_values(&v.facts[release], &values) {
                offenders.push(format!("Kubernetes {}: {release} {chart} ({target}): `{path}`", v.pins.kubernetes));
            }
        }
    }
    assert!(offenders.is_empty(), "values the pinned charts do not accept:\n{}", offenders.join("\n"));
}

#[test]
fn every_custom_resource_validates_against_the_pinned_crd() {
    let mut errors = Vec::new();
    let mut checked = 0;
    for v in versions() {
        for (name, object) in v.custom_resources() {
            checked += 1;
            for e in custom_resource_errors(&v.facts, &object) {
                errors.push(format!("Kubernetes {}: {name}: {e}", v.pins.kubernetes));
            }
        }
    }
    assert!(checked > 0, "no custom resource rendered");
    assert!(errors.is_empty(), "custom resources the pinned CRDs reject:\n{}", errors.join("\n"));
}

/// Tiers are used exactly where the pinned Calico's CRDs have them (the `Tier` CRD and `spec.tier` on
/// GlobalNetworkPolicy), and every version renders Calico policies to check.
#[test]
fn calico_tiers_follow_the_pinned_crds() {
    for v in versions() {
        let crds = &v.facts["calico"]["crds"];
        let tier_crd = !crds["Tier"].is_null();
        let spec_tier =
            !crds["GlobalNetworkPolicy"]["schemas"]["v1"]["properties"]["spec"]["properties"]["tier"].is_null();
        assert_eq!(v.pins.calico_tiers(), tier_crd, "Kubernetes {}: Tier CRD", v.pins.kubernetes);
        assert_eq!(tier_crd, spec_tier, "Kubernetes {}: spec.tier", v.pins.kubernetes);
        let kinds: Vec<String> = v.custom_resources().into_iter().map(|(_, o)| o["kind"].to_string()).collect();
        assert!(kinds.iter().any(|k| k == "\"GlobalNetworkPolicy\""), "Kubernetes {}", v.pins.kubernetes);
        assert_eq!(kinds.iter().any(|k| k == "\"Tier\""), tier_crd, "Kubernetes {}", v.pins.kubernetes);
    }
}

#[test]
fn host_network_listeners_do_not_share_a_port() {
    let mut clashes = Vec::new();
    for v in versions() {
        let groups = node_groups(&json_in(&v.artifacts, "terraform/infra/main.tf.json"));
        assert!(!groups.is_empty());
        for target in ["terraform", "manifests"] {
            let pods = v.host_pods(target);
            assert!(!pods.is_empty(), "no host-network pod found: the facts lost the workloads?");
            for c in port_clashes(&pods, &groups, NODE_PORTS) {
                clashes.push(format!("Kubernetes {} ({target}): {c}", v.pins.kubernetes));
            }
        }
    }
    assert!(clashes.is_empty(), "host-network port clashes:\n{}", clashes.join("\n"));
}

// The checkers fail on planted errors -----------------------------------------------------------------------------

fn first() -> &'static Version {
    &versions()[0]
}

fn values_of(v: &Version, release: &str, target: &str) -> Value {
    v.values().into_iter().find(|(r, t, _)| *r == release && *t == target).expect("release rendered").2
}

#[test]
fn a_planted_unknown_value_is_reported_and_free_form_values_are_not() {
    let v = first();
    let facts = &v.facts["external-dns"];
    let mut values = values_of(v, "external-dns", "manifests");
    let before = unknown_values(facts, &values);
    values["serviceAccount"]["annotationz"] = json!({ "a": "b" });
    values["nodeSelector"]["any-label"] = json!("x");
    let mut after = unknown_values(facts, &values);
    after.retain(|p| !before.contains(p));
    assert_eq!(after, ["serviceAccount.annotationz.a"]);
}

#[test]
fn a_planted_unknown_custom_resource_field_is_rejected() {
    let v = first();
    let (_, policy) = v.custom_resources().into_iter().find(|(_, o)| o["kind"] == "ClusterPolicy").expect("a policy");
    assert_eq!(custom_resource_errors(&v.facts, &policy), Vec::<String>::new());

    let mut unknown = policy.clone();
    unknown["spec"]["rules"][0]["validate"]["messagee"] = json!("typo");
    let errors = custom_resource_errors(&v.facts, &unknown);
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert!(errors[0].ends_with("unknown field `spec.rules[0].validate.messagee`"), "{errors:?}");

    let mut wrong_type = policy.clone();
    wrong_type["spec"]["background"] = json!("yes");
    assert!(custom_resource_errors(&v.facts, &wrong_type)[0].contains("`spec.background` must be of type boolean"));

    let mut top = policy.clone();
    top["specs"] = json!({});
    assert!(custom_resource_errors(&v.facts, &top)[0].ends_with("unknown field `specs`"));

    let mut unserved = policy;
    unserved["apiVersion"] = json!("kyverno.io/v9");
    assert!(custom_resource_errors(&v.facts, &unserved)[0].contains("does not serve kyverno.io/v9"));

    let store = v.custom_resources().into_iter().find(|(_, o)| o["kind"] == "SecretStore").expect("a store").1;
    let mut bad = store;
    bad["spec"]["provider"]["aws"]["service"] = json!("ParameterStores");
    assert!(custom_resource_errors(&v.facts, &bad)[0].contains("`spec.provider.aws.service` is \"ParameterStores\""));
}

/// The pod IP pools reach the operator's Installation CRD: a value it does not take is found out.
#[test]
fn a_planted_bad_ip_pool_is_rejected_by_the_installation_crd() {
    for v in versions() {
        let installations = v.calico_installations();
        assert_eq!(installations.len(), 2, "Kubernetes {}: Terraform and manifests values", v.pins.kubernetes);
        for (name, object) in installations {
            let pools = object["spec"]["calicoNetwork"]["ipPools"].as_array().expect("IP pools rendered");
            assert_eq!(pools.len(), platform_tests::platform().availability_zones.len(), "{name}: one pool per zone");
            assert_eq!(custom_resource_errors(&v.facts, &object), Vec::<String>::new(), "{name}");
            let mut bad = object.clone();
            bad["spec"]["calicoNetwork"]["ipPools"][0]["natOutgoing"] = json!(true);
            let errors = custom_resource_errors(&v.facts, &bad);
            assert!(errors.iter().any(|e| e.contains("ipPools[0].natOutgoing")), "{name}: {errors:?}");
            let mut unknown = object;
            unknown["spec"]["calicoNetwork"]["ipPools"][1]["zone"] = json!("us-east-2b");
            let errors = custom_resource_errors(&v.facts, &unknown);
            assert!(
                errors.iter().any(|e| e.ends_with("unknown field `spec.calicoNetwork.ipPools[1].zone`")),
                "{errors:?}"
            );
        }
    }
}

#[test]
fn a_planted_port_clash_is_reported() {
    let v = first();
    let groups = node_groups(&json_in(&v.artifacts, "terraform/infra/main.tf.json"));
    let facts = &v.facts["external-secrets"];
    let mut values = values_of(v, "external-secrets", "manifests");
    let clean = port_clashes(&host_pods("external-secrets", facts, &values), &groups, NODE_PORTS);
    assert_eq!(clean, Vec::<String>::new());

    // The chart's default webhook port is the kubelet's.
    values["webhook"].as_object_mut().unwrap().remove("port");
    let clashes = port_clashes(&host_pods("external-secrets", facts, &values), &groups, NODE_PORTS);
    assert!(!clashes.is_empty() && clashes.iter().all(|c| c.starts_with("port 10250 on node group ")), "{clashes:?}");
    assert!(clashes[0].contains("node (kubelet) and external-secrets "), "{clashes:?}");

    // A pod placed elsewhere does not clash with the critical nodes' listeners.
    let pod = |owner: &str, selector: &[(&str, &str)], port| HostPod {
        owner: owner.to_owned(),
        node_selector: selector.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect(),
        tolerations: None,
        ports: [port].into(),
    };
    let critical = [("workload", "critical")];
    let a = pod("a", &critical, 9000);
    let b = pod("b", &[("workload", "nowhere")], 9000);
    assert_eq!(port_clashes(&[a.clone(), b], &groups, &[]), Vec::<String>::new());
    let c = pod("c", &[], 9000);
    assert!(!port_clashes(&[a, c], &groups, &[]).is_empty());
}

#[test]
fn a_missing_facts_file_is_one_line_naming_it_and_its_command() {
    let e = facts("kyverno", "0.0.0-missing").unwrap_err();
    assert!(!e.contains('\n'), "{e}");
    assert!(e.contains(&facts_file("kyverno", "0.0.0-missing")), "{e}");
    assert!(e.contains("scripts/upstream-facts/generate.sh MIRRORS_DIR kyverno 0.0.0-missing"), "{e}");
}
