//! `manifests/` of the declared platform (rendered with the documentation account id): the same objects as the
//! network and cluster roots, as YAML, with a kustomization and the charts' values files. Names and values
//! expected are derived from the declared platform.

use std::collections::{BTreeMap, BTreeSet};

use platform_tests::{
    artifacts, chart_objects, cluster, manifest_kind, manifest_objects, names, network, node_group_of, platform,
    release_values, resource, resources, strs, tenant, tenant_namespaces, terraform_kind, text, yaml_documents,
    ACCOUNT_ID, SUFFIX,
};
use serde_json::{json, Value};

const RELEASES: [&str; 6] =
    ["calico", "kyverno", "cluster-autoscaler", "aws-load-balancer-controller", "external-dns", "external-secrets"];

/// The network and cluster roots as one document (their resources and locals; no name is in both).
fn roots() -> Value {
    let mut doc = cluster();
    let net = network();
    for (name, value) in net["locals"].as_object().unwrap() {
        assert!(doc["locals"].get(name).is_none(), "local {name} is in both roots");
        doc["locals"][name] = value.clone();
    }
    for (ty, named) in net["resource"].as_object().unwrap() {
        for (name, body) in named.as_object().unwrap() {
            assert!(doc["resource"][ty].get(name).is_none(), "{ty}.{name} is in both roots");
            doc["resource"][ty][name] = body.clone();
        }
    }
    doc
}

fn manifest_files() -> Vec<&'static String> {
    artifacts().files.keys().filter(|p| p.starts_with("manifests/")).collect()
}

fn namespace(ns: &str) -> Value {
    manifest_kind("Namespace").into_iter().find(|n| n["metadata"]["name"] == ns).unwrap()
}

/// Replaces what only differs by target: Terraform interpolations and the ARNs manifests spell out.
fn normalized(v: &Value) -> Value {
    match v {
        Value::String(s) if s.starts_with("${data.") || s.starts_with("arn:aws:") => json!("<aws>"),
        Value::Array(a) => Value::Array(a.iter().map(normalized).collect()),
        Value::Object(m) => Value::Object(m.iter().map(|(k, x)| (k.clone(), normalized(x))).collect()),
        other => other.clone(),
    }
}

#[test]
fn the_kustomization_lists_every_manifest_file() {
    let k = yaml_documents("manifests/kustomization.yaml").remove(0);
    assert_eq!(k["apiVersion"], "kustomize.config.k8s.io/v1beta1");
    assert_eq!(k["kind"], "Kustomization");
    let listed: BTreeSet<String> = strs(&k["resources"]).into_iter().map(|r| format!("manifests/{r}")).collect();
    let files: BTreeSet<String> = manifest_files()
        .into_iter()
        .filter(|p| !p.starts_with("manifests/helm/") && !p.ends_with("kustomization.yaml"))
        .cloned()
        .collect();
    assert_eq!(listed, files);
    let order: Vec<&str> = strs(&k["resources"]);
    let mut sorted = order.clone();
    sorted.sort_unstable();
    assert_eq!(order, sorted, "files are listed in apply order");
    assert_eq!(order[0], "00-namespaces.yaml");
}

#[test]
fn only_kinds_kubectl_1_28_knows_or_the_charts_install() {
    let known: BTreeMap<&str, &str> = [
        ("Namespace", "v1"),
        ("ServiceAccount", "v1"),
        ("ResourceQuota", "v1"),
        ("LimitRange", "v1"),
        ("NetworkPolicy", "networking.k8s.io/v1"),
        ("ClusterRoleBinding", "rbac.authorization.k8s.io/v1"),
        ("ClusterRole", "rbac.authorization.k8s.io/v1"),
        ("RoleBinding", "rbac.authorization.k8s.io/v1"),
        ("StorageClass", "storage.k8s.io/v1"),
        ("ClusterPolicy", "kyverno.io/v1"),
        ("SecretStore", "external-secrets.io/v1beta1"),
    ]
    .into();
    for o in manifest_objects() {
        let kind = o["kind"].as_str().unwrap();
        assert_eq!(known.get(kind).copied(), o["apiVersion"].as_str(), "{kind}");
        assert!(o["metadata"]["name"].as_str().is_some_and(|n| !n.is_empty()));
    }
}

#[test]
fn no_placeholders_anywhere() {
    for path in manifest_files() {
        let t = text(path);
        for marker in ["<", "TODO", "REPLACE", "${", "CHANGEME", "xxxx"] {
            assert!(!t.contains(marker), "{path} contains {marker:?}");
        }
    }
}

#[test]
fn the_same_plain_objects_as_the_terraform_roots() {
    let doc = roots();
    for kind in [
        "Namespace",
        "NetworkPolicy",
        "ResourceQuota",
        "LimitRange",
        "ClusterRoleBinding",
        "ClusterRole",
        "RoleBinding",
    ] {
        let mut yaml = manifest_kind(kind);
        let mut tf = terraform_kind(&doc, kind);
        if kind == "Namespace" {
            // EKS's own namespaces are `kubernetes_labels` in Terraform.
            yaml.retain(|n| tf.iter().any(|t| t["metadata"]["name"] == n["metadata"]["name"]));
        }
        let key = |v: &Value| v["metadata"].to_string();
        yaml.sort_by_key(key);
        tf.sort_by_key(key);
        assert_eq!(yaml, tf, "{kind}");
    }
    // StorageClasses differ only in how the key is named.
    let sorted = |mut v: Vec<Value>| {
        v.sort_by_key(|c| c["metadata"]["name"].to_string());
        normalized(&json!(v))
    };
    assert_eq!(sorted(manifest_kind("StorageClass")), sorted(terraform_kind(&doc, "StorageClass")));
    // Custom resources are byte-identical to the local chart's templates.
    for f in ["60-admission-policies.yaml", "70-secret-stores.yaml"] {
        let manifest = yaml_documents(&format!("manifests/{f}"));
        let chart = yaml_documents(&format!("terraform/cluster/charts/platform-policies/templates/{f}"));
        assert_eq!(manifest, chart, "{f}");
    }
    assert_eq!(manifest_kind("ClusterPolicy").len() + manifest_kind("SecretStore").len(), chart_objects().len());
}

#[test]
fn namespaces_carry_pod_security_labels() {
    let version = format!("v{}", platform().kubernetes);
    for t in &tenant_namespaces() {
        let labels = &namespace(t)["metadata"]["labels"];
        let level = tenant(t).pod_security.to_string();
        for mode in ["enforce", "audit", "warn"] {
            assert_eq!(labels[format!("pod-security.kubernetes.io/{mode}")], level.as_str());
            assert_eq!(labels[format!("pod-security.kubernetes.io/{mode}-version")], version.as_str());
        }
    }
    for ns in ["external-dns", "default", "kube-public", "kube-node-lease"] {
        assert_eq!(namespace(ns)["metadata"]["labels"]["pod-security.kubernetes.io/enforce"], "baseline", "{ns}");
    }
    for ns in ["kube-system", "tigera-operator", "amazon-cloudwatch", "external-secrets", "kyverno"] {
        assert_eq!(namespace(ns)["metadata"]["labels"]["pod-security.kubernetes.io/enforce"], "privileged", "{ns}");
    }
    let names: Vec<String> =
        manifest_kind("Namespace").iter().map(|n| n["metadata"]["name"].as_str().unwrap().to_owned()).collect();
    assert!(!names.contains(&"calico-system".to_owned()), "the Tigera operator owns calico-system");
}

#[test]
fn default_deny_and_dns_egress() {
    let policies = manifest_kind("NetworkPolicy");
    for t in &tenant_namespaces() {
        let names: BTreeSet<&str> = policies
            .iter()
            .filter(|p| p["metadata"]["namespace"] == t.as_str())
            .map(|p| p["metadata"]["name"].as_str().unwrap())
            .collect();
        assert_eq!(names, ["allow-dns-egress", "allow-same-namespace", "default-deny-all"].into());
    }
    let deny = policies.iter().find(|p| p["metadata"]["name"] == "default-deny-all").unwrap();
    assert_eq!(deny["spec"]["policyTypes"], json!(["Ingress", "Egress"]));
    let dns = policies.iter().find(|p| p["metadata"]["name"] == "allow-dns-egress").unwrap();
    assert_eq!(dns["spec"]["egress"][0]["ports"][0], json!({ "port": 53, "protocol": "UDP" }));
    assert_eq!(dns["spec"]["egress"][0]["to"][0]["podSelector"]["matchLabels"]["k8s-app"], "kube-dns");
}

#[test]
fn storage_classes_use_the_tenant_key_by_alias_arn() {
    let region = &platform().region;
    for t in &platform().tenants {
        let ns = platform_core::naming::label(&t.name);
        let c =
            manifest_kind("StorageClass").into_iter().find(|c| c["metadata"]["name"] == format!("gp3-{ns}")).unwrap();
        let alias = names().kms_alias(&t.name);
        assert_eq!(
            c["parameters"],
            json!({ "type": "gp3", "encrypted": "true", "kmsKeyId": format!("arn:aws:kms:{region}:{ACCOUNT_ID}:{alias}") })
        );
        assert_eq!(c["volumeBindingMode"], "WaitForFirstConsumer");
        assert_eq!(c["reclaimPolicy"], "Delete");
        assert_eq!(c["allowVolumeExpansion"], true);
    }
    // The alias is the one the infra root creates.
    let infra = platform_tests::infra();
    let aliases: Vec<&str> =
        resources(&infra, "aws_kms_alias").into_iter().filter_map(|(_, a)| a["name"].as_str()).collect();
    for t in &platform().tenants {
        assert!(aliases.contains(&names().kms_alias(&t.name).as_str()), "{}", t.name);
    }
}

#[test]
fn quotas_and_rbac() {
    for ns in tenant_namespaces() {
        let quota = manifest_kind("ResourceQuota").into_iter().find(|q| q["metadata"]["namespace"] == ns.as_str());
        let q = &tenant(&ns).quota;
        let hard = json!({ "requests.cpu": q.cpu, "requests.memory": q.memory, "pods": q.pods.to_string() });
        assert_eq!(quota.unwrap()["spec"]["hard"], hard, "{ns}");
    }
    assert_eq!(manifest_kind("LimitRange").len(), platform().tenants.len());
    let subjects: Vec<String> = manifest_kind("RoleBinding")
        .iter()
        .chain(&manifest_kind("ClusterRoleBinding"))
        .map(|b| b["subjects"][0]["name"].as_str().unwrap().to_owned())
        .collect();
    let p = platform();
    let groups = p.tenants.iter().map(|t| t.groups.len()).sum::<usize>() + p.identity.cluster_roles.len();
    assert_eq!(subjects.len(), groups);
    assert!(subjects.iter().all(|s| s.starts_with(&p.identity.groups_prefix)));
    for binding in &p.identity.cluster_roles {
        assert!(subjects.contains(&format!("{}{}", p.identity.groups_prefix, binding.group_id)), "{binding:?}");
    }
}

#[test]
fn chart_versions_are_pinned_and_equal_to_the_terraform_releases() {
    let doc = roots();
    for release in RELEASES {
        let path = format!("manifests/helm/{release}-values.yaml");
        let first = text(&path).lines().next().unwrap().to_owned();
        let words: Vec<&str> = first.split_whitespace().collect();
        let after = |flag: &str| words[words.iter().position(|w| *w == flag).unwrap() + 1].to_owned();
        let tf = resource(&doc, "helm_release", &release.replace('-', "_"));
        assert_eq!(words[..5], ["#", "helm", "upgrade", "--install", release]);
        assert_eq!(words[5], tf["chart"], "{release}");
        assert_eq!(after("--version"), tf["version"], "{release}");
        assert_eq!(after("--repo"), tf["repository"], "{release}");
        assert_eq!(after("--namespace"), tf["namespace"], "{release}");
        let version = tf["version"].as_str().unwrap();
        assert!(!version.contains(['^', '~', '*', '>', 'x']), "{release} is pinned: {version}");
    }
}

#[test]
fn values_files_hold_the_terraform_values() {
    let doc = roots();
    for release in RELEASES {
        let (mut tf, mut yaml) = release_values(&doc, release);
        if release == "aws-load-balancer-controller" {
            // The VPC: by id from Terraform's lookup, by Name tag for GitOps.
            assert_eq!(tf.as_object_mut().unwrap().remove("vpcId").unwrap(), "${data.aws_vpc.main.id}");
            let tags = yaml.as_object_mut().unwrap().remove("vpcTags").unwrap();
            assert_eq!(tags, json!({ "Name": format!("vpc-{}-{SUFFIX}", platform().name) }));
        }
        assert_eq!(normalized(&tf), normalized(&yaml), "{release}");
    }
}

#[test]
fn service_accounts_carry_the_irsa_roles() {
    let doc = cluster();
    for (release, pointer, binding) in [
        ("cluster-autoscaler", "/rbac/serviceAccount", "cluster-autoscaler"),
        ("aws-load-balancer-controller", "/serviceAccount", "aws-load-balancer-controller"),
        ("external-dns", "/serviceAccount", "external-dns"),
        ("external-secrets", "/serviceAccount", "external-secrets"),
    ] {
        let (_, yaml) = release_values(&doc, release);
        let sa = yaml.pointer(pointer).unwrap();
        assert_eq!(
            sa["annotations"]["eks.amazonaws.com/role-arn"],
            format!("arn:aws:iam::{ACCOUNT_ID}:role/{}", names().iam_role(binding)),
            "{release}"
        );
        // The role the infra root creates under that name.
        let infra = platform_tests::infra();
        let role = resource(&infra, "aws_iam_role", &format!("irsa_{}", binding.replace('-', "_")));
        assert_eq!(role["name"], names().iam_role(binding));
    }
    // Every binding's service account comes from a chart or an EKS addon; the plain ServiceAccounts are the
    // tenants' `secret-store` accounts, on their secrets roles.
    let accounts = manifest_kind("ServiceAccount");
    assert_eq!(accounts.len(), platform().tenants.len());
    for sa in accounts {
        assert_eq!(sa["metadata"]["name"], "secret-store");
        let ns = sa["metadata"]["namespace"].as_str().unwrap();
        assert_eq!(
            sa["metadata"]["annotations"]["eks.amazonaws.com/role-arn"],
            format!("arn:aws:iam::{ACCOUNT_ID}:role/{}", names().tenant_secrets_role(&ns.replace('-', "_")))
        );
    }
}

#[test]
fn controllers_on_the_critical_group_and_spot_first() {
    let doc = cluster();
    for release in ["cluster-autoscaler", "aws-load-balancer-controller", "external-dns", "external-secrets"] {
        let (_, v) = release_values(&doc, release);
        let critical = node_group_of(platform_core::model::WorkloadClass::Critical);
        assert_eq!(v["nodeSelector"], json!(critical.labels), "{release}");
        assert_eq!(v["tolerations"][0]["value"], critical.taints[0].value, "{release}");
    }
    let (_, ca) = release_values(&doc, "cluster-autoscaler");
    let text = ca["expanderPriorities"].as_str().unwrap();
    let priorities: BTreeMap<u32, Vec<String>> = serde_norway::from_str(text).unwrap();
    let (top, first) = priorities.iter().next_back().unwrap();
    assert_eq!(*top, 50);
    assert!(first.iter().all(|r| r.contains("-spot-")), "{first:?}");
    let critical = &node_group_of(platform_core::model::WorkloadClass::Critical).name;
    assert!(priorities
        .values()
        .flatten()
        .any(|r| r.contains(&names().node_group(critical, platform_core::model::Purchase::OnDemand))));
}

#[test]
fn host_network_ports_are_distinct() {
    let doc = cluster();
    let (_, eso) = release_values(&doc, "external-secrets");
    let (_, kyverno) = release_values(&doc, "kyverno");
    let (_, lb) = release_values(&doc, "aws-load-balancer-controller");
    assert_eq!(lb["hostNetwork"], true);
    let ports: BTreeSet<u64> = [
        9443,
        10250,
        eso["webhook"]["port"].as_u64().unwrap(),
        kyverno["admissionController"]["webhookServer"]["port"].as_u64().unwrap(),
    ]
    .into();
    assert_eq!(ports.len(), 4, "webhook ports collide with each other or the kubelet: {ports:?}");
}

#[test]
fn secret_stores_and_policies_are_there_for_gitops() {
    let p = platform();
    let stores = p.tenants.iter().map(|t| 1 + t.cross_account_roles.len()).sum::<usize>();
    assert_eq!(manifest_kind("SecretStore").len(), stores);
    let policies = manifest_kind("ClusterPolicy");
    assert_eq!(policies.len(), 1 + p.tenants.len());
    for t in &p.tenants {
        let name = format!("tenant-{}", platform_core::naming::label(&t.name));
        let policy = policies.iter().find(|p| p["metadata"]["name"] == name.as_str()).unwrap();
        let prefix = policy["spec"]["rules"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["name"] == "secrets-under-tenant-prefix")
            .unwrap();
        let key = &prefix["validate"]["pattern"]["spec"]["=(data)"][0]["remoteRef"]["key"];
        assert!(key.as_str().unwrap().starts_with(&format!("{}*", t.secret_prefix)), "{name}: {key}");
    }
}

#[test]
fn manifests_are_deterministic_and_need_the_account_id() {
    let platform = platform();
    let options = |account_id: Option<&str>| platform_core::render::RenderOptions {
        environment_suffix: SUFFIX.to_owned(),
        account_id: account_id.map(str::to_owned),
    };
    let again = platform_tests::check_and_render(platform, &options(Some(ACCOUNT_ID))).unwrap();
    for path in manifest_files() {
        assert_eq!(again.files[path], artifacts().files[path], "{path}");
    }
    let without = platform_tests::check_and_render(platform, &options(None)).unwrap();
    assert!(!without.files.keys().any(|p| p.starts_with("manifests/")));
    assert_eq!(without.files["terraform/cluster/main.tf.json"], artifacts().files["terraform/cluster/main.tf.json"]);
}
