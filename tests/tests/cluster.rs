//! The cluster root of the declared platform, one test per requirement, asserting on the rendered JSON (and on
//! the local chart it installs). Names and values expected are derived from the declared platform.

use platform_core::catalog::charts::chart_versions;
use platform_core::model::{TenantRole, WorkloadClass};
use platform_tests::{
    chart_objects, cluster, data_sources, names, network, node_group_of, platform, release_values, resource, resources,
    strs, tenant, tenant_namespaces, terraform_kind, text, SUFFIX,
};
use serde_json::{json, Value};

/// The Terraform key of a tenant namespace (the tenant's name).
fn key(namespace: &str) -> String {
    namespace.replace('-', "_")
}

/// The labels of a namespace, from the one root (network or cluster) that creates or labels it.
fn namespace_labels(ns: &str) -> Value {
    let key = format!("namespace_{}", ns.replace('-', "_"));
    let found: Vec<Value> = [network(), cluster()]
        .iter()
        .flat_map(|doc| {
            let created =
                doc["resource"]["kubernetes_manifest"].get(&key).map(|r| r["manifest"]["metadata"]["labels"].clone());
            let labelled = doc["resource"]["kubernetes_labels"].get(&key).map(|r| r["labels"].clone());
            created.into_iter().chain(labelled)
        })
        .collect();
    assert_eq!(found.len(), 1, "namespace {ns} must be created or labelled by exactly one root: {found:?}");
    found.into_iter().next().unwrap()
}

#[test]
fn providers_are_pinned_and_authenticate_with_exec() {
    let doc = cluster();
    // The network root talks to the same cluster the same way.
    let net = network();
    assert_eq!(net["terraform"], doc["terraform"]);
    assert_eq!(net["provider"], doc["provider"]);
    assert_eq!(net["data"]["aws_eks_cluster"], doc["data"]["aws_eks_cluster"]);
    let required = &doc["terraform"]["required_providers"];
    assert_eq!(required["aws"]["version"], ">= 5.100, < 7.0");
    assert_eq!(required["kubernetes"]["version"], "~> 2.38");
    assert_eq!(required["helm"]["version"], "~> 3.1");
    let args = json!(["eks", "get-token", "--cluster-name", names().cluster(), "--region", platform().region]);
    // kubernetes 2.x: `exec` is a block (a list in JSON); helm 3.x: `kubernetes` and `exec` are attribute objects.
    let k8s = &doc["provider"]["kubernetes"][0];
    assert_eq!(k8s["host"], "${data.aws_eks_cluster.main.endpoint}");
    assert!(k8s["cluster_ca_certificate"].as_str().unwrap().starts_with("${base64decode(data.aws_eks_cluster.main."));
    assert_eq!(k8s["exec"][0]["command"], "aws");
    assert_eq!(k8s["exec"][0]["args"], args);
    assert_eq!(k8s["exec"][0]["api_version"], "client.authentication.k8s.io/v1beta1");
    let helm = &doc["provider"]["helm"][0]["kubernetes"];
    assert!(helm.is_object(), "helm 3.x takes `kubernetes` as an attribute object");
    assert!(helm["exec"].is_object());
    assert_eq!(helm["exec"]["args"], args);
    assert!(k8s.get("token").is_none() && helm.get("token").is_none(), "no static token");
}

#[test]
fn aws_objects_are_looked_up_by_their_deterministic_names() {
    let doc = cluster();
    let (p, n) = (platform(), names());
    assert_eq!(doc["data"]["aws_eks_cluster"]["main"]["name"], n.cluster());
    assert_eq!(doc["data"]["aws_vpc"]["main"]["tags"]["Name"], format!("vpc-{}-{SUFFIX}", p.name));
    // Every IRSA role but those the infra root hands to an EKS addon (the addon creates their service account,
    // so this root never refers to them), and the tenants' secrets roles.
    let infra = platform_tests::infra();
    let of_addons: Vec<String> = resources(&infra, "aws_eks_addon")
        .into_iter()
        .filter_map(|(_, a)| a["service_account_role_arn"].as_str())
        .map(|arn| arn.trim_start_matches("${aws_iam_role.").trim_end_matches(".arn}").to_owned())
        .collect();
    assert!(!of_addons.is_empty() && of_addons.iter().all(|r| r.starts_with("irsa_")), "{of_addons:?}");
    let looked_up: Vec<_> = p.irsa.iter().filter(|b| !of_addons.contains(&format!("irsa_{}", b.name))).collect();
    let roles = data_sources(&doc, "aws_iam_role");
    assert_eq!(roles.len(), looked_up.len() + p.tenants.len(), "the IRSA roles and the tenants' secrets roles");
    for b in looked_up {
        assert_eq!(doc["data"]["aws_iam_role"][format!("irsa_{}", b.name)]["name"], n.iam_role(&b.name));
    }
    for t in &p.tenants {
        assert_eq!(doc["data"]["aws_kms_alias"][format!("tenant_{}", t.name)]["name"], n.kms_alias(&t.name));
    }
    // The same names the infra root gives them.
    for (name, role) in resources(&infra, "aws_iam_role").into_iter().filter(|(n, _)| n.starts_with("irsa_")) {
        if !of_addons.contains(name) {
            assert_eq!(doc["data"]["aws_iam_role"][name]["name"], role["name"], "{name}");
        }
    }
    assert_eq!(resource(&infra, "aws_vpc", "main")["tags"]["Name"], doc["data"]["aws_vpc"]["main"]["tags"]["Name"]);
}

#[test]
fn calico_is_the_network_root_and_does_not_wait_for_nodes() {
    let net = network();
    let calico = resource(&net, "helm_release", "calico");
    assert_eq!(calico["chart"], "tigera-operator");
    assert_eq!(calico["repository"], "https://docs.tigera.io/calico/charts");
    assert!(calico["version"].as_str().unwrap().starts_with("v3.28."));
    // No nodes exist when it is applied: waiting (or `atomic`, which implies waiting) would time out.
    assert_eq!(calico["wait"], false);
    assert!(calico.get("atomic").is_none(), "{calico}");
    assert_eq!(strs(&calico["depends_on"]), ["kubernetes_manifest.namespace_tigera_operator"]);
    let (values, _) = release_values(&net, "calico");
    let install = &values["installation"];
    assert_eq!(install["kubernetesProvider"], "EKS");
    assert_eq!(install["cni"]["type"], "Calico");
    assert_eq!(install["calicoNetwork"]["bgp"], "Disabled");
    assert_eq!(
        install["calicoNetwork"]["ipPools"],
        json!([{ "cidr": platform().vpc.pod_cidr, "encapsulation": "VXLAN", "natOutgoing": "Enabled",
                 "nodeSelector": "all()", "blockSize": 26 }])
    );
    // Nothing else: the controllers need running nodes and cluster DNS, which come after this root.
    let kinds: Vec<&String> = net["resource"].as_object().unwrap().keys().collect();
    assert_eq!(kinds, ["helm_release", "kubernetes_manifest"]);
    assert_eq!(resources(&net, "helm_release").len(), 1);

    let doc = cluster();
    assert!(doc["resource"]["helm_release"].get("calico").is_none(), "Calico is installed by the network root only");
    for (name, release) in resources(&doc, "helm_release") {
        assert_eq!(release["atomic"], true, "{name} waits for its pods (nodes and DNS exist when it is applied)");
    }
}

/// Every `pod-security.kubernetes.io/<mode>-version` label found anywhere in `value`.
fn psa_versions(value: &Value, out: &mut Vec<String>) {
    match value {
        Value::Object(map) => {
            for (k, v) in map {
                if k.starts_with("pod-security.kubernetes.io/") && k.ends_with("-version") {
                    out.push(v.as_str().unwrap_or_default().to_owned());
                }
                psa_versions(v, out);
            }
        }
        Value::Array(items) => items.iter().for_each(|v| psa_versions(v, out)),
        _ => {}
    }
}

#[test]
fn pod_security_labels_pin_the_policy_of_the_clusters_own_minor_version_on_every_carried_version() {
    for release in platform_core::catalog::kubernetes::carried() {
        let artifacts = platform_tests::render_for(release.version);
        let mut found = Vec::new();
        for root in ["network", "cluster"] {
            psa_versions(&platform_tests::json_in(&artifacts, &format!("terraform/{root}/main.tf.json")), &mut found);
        }
        for object in platform_tests::manifest_objects_in(&artifacts) {
            psa_versions(&object, &mut found);
        }
        assert!(!found.is_empty(), "{}: no PSA version label rendered", release.version);
        let want = format!("v{}", release.version);
        assert!(found.iter().all(|v| *v == want), "{}: PSA versions {found:?}, want {want}", release.version);
    }
}

#[test]
fn tenant_namespaces_enforce_their_pod_security_level_and_system_ones_baseline() {
    let doc = cluster();
    let version = format!("v{}", platform().kubernetes);
    for t in &tenant_namespaces() {
        let labels = namespace_labels(t);
        let level = tenant(t).pod_security.to_string();
        for mode in ["enforce", "audit", "warn"] {
            assert_eq!(labels[format!("pod-security.kubernetes.io/{mode}")], level.as_str(), "{t} {mode}");
            assert_eq!(labels[format!("pod-security.kubernetes.io/{mode}-version")], version.as_str());
        }
    }
    for ns in ["external-dns", "default", "kube-public", "kube-node-lease"] {
        assert_eq!(namespace_labels(ns)["pod-security.kubernetes.io/enforce"], "baseline", "{ns}");
    }
    for ns in ["kube-system", "tigera-operator", "amazon-cloudwatch", "external-secrets", "kyverno"] {
        assert_eq!(namespace_labels(ns)["pod-security.kubernetes.io/enforce"], "privileged", "{ns}");
    }
    // Calico's namespace and the CloudWatch addon's exist before the cluster root: the network root creates them.
    let net = network();
    for ns in ["tigera_operator", "amazon_cloudwatch"] {
        assert!(net["resource"]["kubernetes_manifest"].get(format!("namespace_{ns}")).is_some(), "{ns}");
    }
    // Namespaces EKS creates are labelled, not created.
    assert_eq!(resource(&doc, "kubernetes_labels", "namespace_kube_system")["force"], true);
    assert!(doc["resource"]["kubernetes_manifest"].get("namespace_kube_system").is_none());
}

#[test]
fn default_deny_and_dns_egress_per_tenant() {
    let doc = cluster();
    let policies = terraform_kind(&doc, "NetworkPolicy");
    assert_eq!(policies.len(), 3 * platform().tenants.len());
    for t in &tenant_namespaces() {
        let of = |name: &str| {
            policies.iter().find(|p| p["metadata"]["namespace"] == t.as_str() && p["metadata"]["name"] == name).unwrap()
        };
        let deny = of("default-deny-all");
        assert_eq!(deny["spec"]["podSelector"], json!({}));
        assert_eq!(deny["spec"]["policyTypes"], json!(["Ingress", "Egress"]));
        assert!(deny["spec"].get("ingress").is_none() && deny["spec"].get("egress").is_none());
        let dns = &of("allow-dns-egress")["spec"]["egress"][0];
        assert_eq!(dns["to"][0]["namespaceSelector"]["matchLabels"]["kubernetes.io/metadata.name"], "kube-system");
        assert_eq!(dns["to"][0]["podSelector"]["matchLabels"]["k8s-app"], "kube-dns");
        assert_eq!(dns["ports"], json!([{ "port": 53, "protocol": "UDP" }, { "port": 53, "protocol": "TCP" }]));
        let same = &of("allow-same-namespace")["spec"];
        assert_eq!(same["ingress"][0]["from"][0]["podSelector"], json!({}));
        assert_eq!(same["egress"][0]["to"][0]["podSelector"], json!({}));
    }
    // Namespaced objects wait for their namespaces.
    for t in &tenant_namespaces() {
        let np = resource(&doc, "kubernetes_manifest", &format!("networkpolicy_{}_default_deny_all", key(t)));
        assert!(strs(&np["depends_on"]).contains(&format!("kubernetes_manifest.namespace_{}", key(t)).as_str()));
    }
}

#[test]
fn an_encrypted_storage_class_per_tenant_on_its_key() {
    let doc = cluster();
    let classes = terraform_kind(&doc, "StorageClass");
    assert_eq!(classes.len(), platform().tenants.len());
    for t in &tenant_namespaces() {
        let c = classes.iter().find(|c| c["metadata"]["name"] == format!("gp3-{t}")).unwrap();
        assert_eq!(c["provisioner"], "ebs.csi.aws.com");
        assert_eq!(c["parameters"]["type"], "gp3");
        assert_eq!(c["parameters"]["encrypted"], "true");
        assert_eq!(c["parameters"]["kmsKeyId"], format!("${{data.aws_kms_alias.tenant_{}.target_key_arn}}", key(t)));
        assert_eq!(c["volumeBindingMode"], "WaitForFirstConsumer");
        assert_eq!(c["allowVolumeExpansion"], true);
        assert_eq!(c["reclaimPolicy"], "Delete");
    }
}

#[test]
fn quotas_and_default_requests_per_tenant() {
    let doc = cluster();
    let quotas = terraform_kind(&doc, "ResourceQuota");
    let q = |t: &str| quotas.iter().find(|q| q["metadata"]["namespace"] == t).unwrap()["spec"]["hard"].clone();
    for t in &tenant_namespaces() {
        let quota = &tenant(t).quota;
        let hard =
            json!({ "requests.cpu": quota.cpu, "requests.memory": quota.memory, "pods": quota.pods.to_string() });
        assert_eq!(q(t), hard, "{t}");
    }
    let ranges = terraform_kind(&doc, "LimitRange");
    assert_eq!(ranges.len(), platform().tenants.len());
    for r in ranges {
        let item = &r["spec"]["limits"][0];
        assert_eq!(item["type"], "Container");
        assert_eq!(item["defaultRequest"], json!({ "cpu": "100m", "memory": "128Mi" }));
    }
}

#[test]
fn rbac_binds_prefixed_azure_ad_groups() {
    let doc = cluster();
    let crbs = terraform_kind(&doc, "ClusterRoleBinding");
    let role_of = |b: &Value| b["roleRef"]["name"].as_str().unwrap().to_owned();
    let identity = &platform().identity;
    for binding in &identity.cluster_roles {
        let group = format!("{}{}", identity.groups_prefix, binding.group_id);
        assert!(crbs
            .iter()
            .any(|b| b["subjects"]
                == json!([{ "apiGroup": "rbac.authorization.k8s.io", "kind": "Group", "name": group }])));
    }
    if let Some(admin) = crbs.iter().find(|b| role_of(b) == "cluster-admin") {
        assert_eq!(admin["subjects"].as_array().unwrap().len(), 1, "one group per binding");
    }
    let rbs = terraform_kind(&doc, "RoleBinding");
    assert_eq!(rbs.len(), platform().tenants.iter().map(|t| t.groups.len()).sum::<usize>());
    for ns in &tenant_namespaces() {
        let bound: Vec<(String, String)> = rbs
            .iter()
            .filter(|b| b["metadata"]["namespace"] == ns.as_str())
            .map(|b| (role_of(b), b["subjects"][0]["name"].as_str().unwrap().to_owned()))
            .collect();
        for g in &tenant(ns).groups {
            // The platform's tenant roles, never Kubernetes' `admin`/`edit` (what they allow: tests/tests/rbac.rs).
            let role = match g.role {
                TenantRole::Admin => "platform-tenant-admin",
                TenantRole::Developer => "platform-tenant-developer",
                TenantRole::ReadOnly => "platform-tenant-view",
            };
            let group = format!("{}{}", identity.groups_prefix, g.group_id);
            assert!(bound.contains(&(role.into(), group)), "{ns}: {g:?} in {bound:?}");
        }
    }
    for b in crbs.iter().chain(&rbs) {
        assert_eq!(b["subjects"][0]["kind"], "Group");
        assert!(b["subjects"][0]["name"].as_str().unwrap().starts_with("aad:"));
    }
}

#[test]
fn controllers_run_on_the_critical_group_with_irsa() {
    let doc = cluster();
    let critical = node_group_of(WorkloadClass::Critical);
    let taint = &critical.taints[0];
    let toleration = json!([{ "key": taint.key, "operator": "Equal", "value": taint.value, "effect": "NoSchedule" }]);
    let selector = json!(critical.labels);
    for (release, sa_path, binding) in [
        ("cluster-autoscaler", "/rbac/serviceAccount", "cluster_autoscaler"),
        ("aws-load-balancer-controller", "/serviceAccount", "aws_load_balancer_controller"),
        ("external-dns", "/serviceAccount", "external_dns"),
        ("external-secrets", "/serviceAccount", "external_secrets"),
    ] {
        let (v, _) = release_values(&doc, release);
        assert_eq!(v["nodeSelector"], selector, "{release}");
        assert_eq!(v["tolerations"], toleration, "{release}");
        let sa = v.pointer(sa_path).unwrap();
        assert_eq!(sa["create"], true);
        assert_eq!(
            sa["annotations"]["eks.amazonaws.com/role-arn"],
            format!("${{data.aws_iam_role.irsa_{binding}.arn}}"),
            "{release}"
        );
    }
    let (kyverno, _) = release_values(&doc, "kyverno");
    assert_eq!(kyverno["admissionController"]["nodeSelector"], selector);
    assert_eq!(kyverno["admissionController"]["tolerations"], toleration);
    let (eso, _) = release_values(&doc, "external-secrets");
    assert_eq!(eso["webhook"]["nodeSelector"], selector);
    assert_eq!(eso["certController"]["tolerations"], toleration);
}

#[test]
fn controller_settings() {
    let doc = cluster();
    let (ca, _) = release_values(&doc, "cluster-autoscaler");
    let (p, cluster_name) = (platform(), names().cluster());
    assert_eq!(ca["autoDiscovery"]["clusterName"], cluster_name);
    assert_eq!(ca["awsRegion"], p.region);
    let pins = chart_versions(&p.kubernetes).expect("a carried version");
    assert_eq!(ca["image"]["tag"], pins.cluster_autoscaler_image);
    assert_eq!(
        ca["extraArgs"],
        json!({ "expander": "priority", "balance-similar-node-groups": true, "skip-nodes-with-system-pods": false })
    );
    assert_eq!(ca["rbac"]["serviceAccount"]["name"], "cluster-autoscaler");
    let (lb, lb_manifests) = release_values(&doc, "aws-load-balancer-controller");
    assert_eq!(lb["clusterName"], cluster_name);
    assert_eq!(lb["region"], p.region);
    assert_eq!(lb["vpcId"], "${data.aws_vpc.main.id}");
    assert_eq!(lb["hostNetwork"], true);
    // Requirement 9: the load balancers the controller creates carry the infra root's cost-allocation tags.
    let infra = platform_tests::infra();
    let cost_tags = &infra["provider"]["aws"][0]["default_tags"]["tags"];
    assert!(cost_tags["environment"].is_string(), "{cost_tags}");
    assert_eq!(&lb["defaultTags"], cost_tags);
    assert_eq!(lb_manifests["defaultTags"], lb["defaultTags"]);
    let (dns, _) = release_values(&doc, "external-dns");
    assert_eq!(dns["provider"], json!({ "name": "aws" }));
    let zones: Vec<&str> = p.dns_zones.iter().map(|z| z.name.as_str()).collect();
    assert_eq!(dns["domainFilters"], json!(zones));
    let filters: Vec<String> = p.dns_zones.iter().map(|z| format!("--zone-id-filter={}", z.zone_id)).collect();
    assert_eq!(dns["extraArgs"], json!(filters));
    assert_eq!(dns["policy"], "upsert-only");
    assert_eq!(dns["txtOwnerId"], cluster_name);
    assert_eq!(dns["env"], json!([{ "name": "AWS_DEFAULT_REGION", "value": p.region }]));
    let (eso, _) = release_values(&doc, "external-secrets");
    assert_eq!(eso["installCRDs"], true);
}

#[test]
fn the_priority_expander_prefers_spot_groups() {
    let doc = cluster();
    let (ca, _) = release_values(&doc, "cluster-autoscaler");
    let priorities: std::collections::BTreeMap<u32, Vec<String>> =
        serde_norway::from_str(ca["expanderPriorities"].as_str().unwrap()).unwrap();
    let top = priorities.keys().max().unwrap();
    let infra = platform_tests::infra();
    for (name, group) in resources(&infra, "aws_eks_node_group") {
        let group_name = group["node_group_name"].as_str().unwrap();
        let priority =
            priorities.iter().find(|(_, rs)| rs.iter().any(|r| r == &format!(".*{group_name}.*"))).unwrap().0;
        if group["capacity_type"] == "SPOT" {
            assert_eq!(priority, top, "{name} is spot");
        } else {
            assert!(priority < top, "{name} is on-demand");
        }
    }
}

#[test]
fn host_network_webhooks_use_distinct_ports() {
    let doc = cluster();
    let (lb, _) = release_values(&doc, "aws-load-balancer-controller");
    let (eso, _) = release_values(&doc, "external-secrets");
    let (kyverno, _) = release_values(&doc, "kyverno");
    assert_eq!(lb["hostNetwork"], true);
    assert_eq!(eso["webhook"]["hostNetwork"], true);
    assert_eq!(kyverno["admissionController"]["hostNetwork"], true);
    let ports = [
        9443,
        eso["webhook"]["port"].as_u64().unwrap(),
        eso["webhook"]["metrics"]["listen"]["port"].as_u64().unwrap(),
        eso["webhook"]["readinessProbe"]["port"].as_u64().unwrap(),
        kyverno["admissionController"]["webhookServer"]["port"].as_u64().unwrap(),
    ];
    let distinct: std::collections::BTreeSet<u64> = ports.iter().copied().collect();
    assert_eq!(distinct.len(), ports.len(), "{ports:?}");
    assert!(!distinct.contains(&10250), "kubelet");
    // Kyverno's cleanup controller would be a webhook on the pod network: off.
    assert_eq!(kyverno["cleanupController"]["enabled"], false);
}

#[test]
fn custom_resources_go_through_the_local_chart_after_the_operators() {
    let doc = cluster();
    let chart = resource(&doc, "helm_release", "platform_policies");
    assert_eq!(chart["chart"], "${path.module}/charts/platform-policies");
    let deps = strs(&chart["depends_on"]);
    let namespaces = tenant_namespaces().iter().map(|t| format!("kubernetes_manifest.namespace_{}", key(t))).collect();
    for d in [vec!["helm_release.kyverno".to_owned(), "helm_release.external_secrets".to_owned()], namespaces].concat()
    {
        assert!(deps.contains(&d.as_str()), "{d} missing from {deps:?}");
    }
    let chart_yaml: Value =
        serde_norway::from_str(&text("terraform/cluster/charts/platform-policies/Chart.yaml")).unwrap();
    assert_eq!(chart_yaml["apiVersion"], "v2");
    assert!(chart_yaml["version"].as_str().unwrap().starts_with("0.1.0+"));
    let objects = chart_objects();
    assert!(objects.iter().all(|o| o["kind"] == "ClusterPolicy" || o["kind"] == "SecretStore"));
    assert!(terraform_kind(&doc, "ClusterPolicy").is_empty(), "CRs never as kubernetes_manifest");
    for path in platform_tests::artifacts().files.keys().filter(|p| p.contains("/templates/")) {
        assert!(!text(path).contains("{{"), "{path} would be rendered by Helm");
    }
}

#[test]
fn admission_policies_guard_pod_security_labels_and_place_tenant_pods() {
    let objects = chart_objects();
    let psa = objects.iter().find(|o| o["metadata"]["name"] == "require-pod-security-labels").unwrap();
    assert_eq!(psa["apiVersion"], "kyverno.io/v1");
    assert!(psa["spec"].get("validationFailureAction").is_none(), "deprecated in every pinned Kyverno");
    let rules = psa["spec"]["rules"].as_array().unwrap();
    assert!(rules.iter().all(|r| r["validate"]["failureAction"] == "Enforce"), "each rule blocks");
    let rule = |n: &str| rules.iter().find(|r| r["name"] == n).unwrap();
    let label =
        |r: &Value| r["validate"]["pattern"]["metadata"]["labels"]["pod-security.kubernetes.io/enforce"].clone();
    assert_eq!(label(rule("require-enforce-label")), "?*");
    let baseline = rule("at-least-baseline");
    assert_eq!(label(baseline), "baseline | restricted");
    let exceptions = strs(&baseline["exclude"]["any"][0]["resources"]["names"]);
    assert_eq!(
        exceptions,
        ["kube-system", "tigera-operator", "calico-system", "amazon-cloudwatch", "external-secrets", "kyverno"]
    );
    let restricted = rule("restricted-tenants");
    assert_eq!(label(restricted), "restricted");
    assert_eq!(strs(&restricted["match"]["any"][0]["resources"]["names"]), tenant_namespaces());

    // Tenants on one node group: a node selector on its label, and a toleration of its taint when it has one.
    let one_group = platform().tenants.iter().filter(|t| t.node_groups.len() == 1);
    for (tenant, group) in one_group.map(|t| {
        let group = platform().node_groups.iter().find(|g| g.name == t.node_groups[0]).unwrap();
        (platform_core::naming::label(&t.name), group)
    }) {
        let class = group.labels["workload"].as_str();
        let policy = objects.iter().find(|o| o["metadata"]["name"] == format!("tenant-{tenant}")).unwrap();
        let placement = &policy["spec"]["rules"][0];
        assert_eq!(placement["match"]["any"][0]["resources"]["namespaces"], json!([tenant]));
        let spec = &placement["mutate"]["patchStrategicMerge"]["spec"];
        assert_eq!(spec["nodeSelector"]["workload"], class);
        let tolerates_own_taint = spec["tolerations"].as_array().unwrap().iter().any(|t| t["value"] == class);
        assert_eq!(tolerates_own_taint, !group.taints.is_empty(), "{tenant}: tolerates its group's taint");
        let pvc =
            policy["spec"]["rules"].as_array().unwrap().iter().find(|r| r["name"] == "volumes-on-tenant-key").unwrap();
        assert_eq!(pvc["validate"]["pattern"]["spec"]["storageClassName"], format!("gp3-{tenant}"));
    }
}

#[test]
fn a_secret_store_per_tenant_and_per_cross_account_role() {
    let stores: Vec<Value> = chart_objects().into_iter().filter(|o| o["kind"] == "SecretStore").collect();
    let p = platform();
    assert_eq!(stores.len(), p.tenants.iter().map(|t| 1 + t.cross_account_roles.len()).sum::<usize>());
    for s in &stores {
        assert_eq!(s["apiVersion"], chart_versions(&p.kubernetes).unwrap().secret_store_api);
        assert_eq!(s["spec"]["provider"]["aws"]["service"], "SecretsManager");
        assert_eq!(s["spec"]["provider"]["aws"]["region"], p.region);
        // The tenant's own role, through its service account (external-secrets `auth.jwt`).
        assert_eq!(
            s["spec"]["provider"]["aws"]["auth"],
            json!({ "jwt": { "serviceAccountRef": { "name": "secret-store" } } })
        );
    }
    for t in &p.tenants {
        let ns = platform_core::naming::label(&t.name);
        let own: Vec<&Value> = stores.iter().filter(|s| s["metadata"]["namespace"] == ns.as_str()).collect();
        assert_eq!(own.len(), 1 + t.cross_account_roles.len(), "{ns}");
        for role in &t.cross_account_roles {
            assert!(own.iter().any(|s| s["spec"]["provider"]["aws"]["role"] == role.as_str()), "{ns}: {role}");
        }
    }
}

/// Each tenant namespace has the service account its stores name, annotated with the tenant's secrets role (the
/// role the infra root creates under that name, which trusts exactly this account).
#[test]
fn each_tenant_store_account_carries_the_tenant_role() {
    let doc = cluster();
    let infra = platform_tests::infra();
    let accounts = terraform_kind(&doc, "ServiceAccount");
    for t in &tenant_namespaces() {
        let sa = accounts
            .iter()
            .find(|a| a["metadata"]["namespace"] == t.as_str() && a["metadata"]["name"] == "secret-store");
        let sa = sa.unwrap_or_else(|| panic!("no secret-store account in {t}"));
        assert_eq!(
            sa["metadata"]["annotations"]["eks.amazonaws.com/role-arn"],
            format!("${{data.aws_iam_role.secrets_{}.arn}}", key(t))
        );
        let role = resource(&infra, "aws_iam_role", &format!("secrets_{}", key(t)));
        assert_eq!(doc["data"]["aws_iam_role"][format!("secrets_{}", key(t))]["name"], role["name"]);
        let trust = platform_tests::policy_statements(&infra, role["assume_role_policy"].as_str().unwrap());
        let sub = trust[0]["condition"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["variable"].as_str().unwrap().ends_with(":sub"));
        assert_eq!(sub.unwrap()["values"], json!([format!("system:serviceaccount:{t}:secret-store")]));
    }
}

/// The tenant policy keeps stores on the tenant's account and the account on the tenant's role.
#[test]
fn tenant_policies_keep_stores_on_the_tenant_role() {
    let objects = chart_objects();
    for t in &tenant_namespaces() {
        let policy = objects.iter().find(|o| o["metadata"]["name"] == format!("tenant-{t}")).unwrap();
        let rules = policy["spec"]["rules"].as_array().unwrap();
        let rule = |n: &str| rules.iter().find(|r| r["name"] == n).unwrap_or_else(|| panic!("{t}: no rule {n}"));
        let aws = &rule("secret-stores-use-the-tenant-role")["validate"]["pattern"]["spec"]["provider"]["aws"];
        assert_eq!(aws["auth"]["jwt"]["serviceAccountRef"]["name"], "secret-store");
        assert_eq!(aws["auth"]["X(secretRef)"], "null");
        assert_eq!(aws["auth"]["jwt"]["serviceAccountRef"]["X(namespace)"], "null");
        let account = rule("secret-store-account-keeps-the-tenant-role");
        assert_eq!(strs(&account["match"]["any"][0]["resources"]["names"]), ["secret-store"]);
        assert_eq!(
            account["validate"]["pattern"]["metadata"]["annotations"]["eks.amazonaws.com/role-arn"],
            format!("arn:*:iam::*:role/{}", names().tenant_secrets_role(&key(t)))
        );
        let pods = &rule("no-pods-as-the-secret-store-account");
        assert_eq!(strs(&pods["match"]["any"][0]["resources"]["kinds"]), ["Pod"]);
        assert_eq!(strs(&pods["match"]["any"][0]["resources"]["namespaces"]), [t.as_str()]);
        for field in ["=(serviceAccountName)", "=(serviceAccount)"] {
            assert_eq!(pods["validate"]["pattern"]["spec"][field], "!secret-store", "{t}: {field}");
        }
        let secrets = &rule("secrets-under-tenant-prefix")["validate"]["pattern"]["spec"];
        assert_eq!(secrets["=(secretStoreRef)"]["=(kind)"], "SecretStore", "{t}: no ClusterSecretStore");
    }
}

#[test]
fn the_cluster_root_is_deterministic() {
    let again = platform_tests::check_and_render(
        platform(),
        &platform_core::render::RenderOptions {
            environment_suffix: SUFFIX.to_owned(),
            account_id: Some(platform_tests::ACCOUNT_ID.to_owned()),
        },
    )
    .unwrap();
    assert_eq!(&again, platform_tests::artifacts());
}

/// Each plain object waits for the namespace that holds it when this root creates or labels that namespace, and
/// for nothing else: ordering through the one namespace, not through every namespace.
#[test]
fn namespaced_objects_wait_for_their_own_namespace_only() {
    let doc = cluster();
    let namespaces: Vec<&String> = resources(&doc, "kubernetes_manifest")
        .into_iter()
        .chain(resources(&doc, "kubernetes_labels"))
        .map(|(n, _)| n)
        .collect();
    let mut checked = 0;
    for (name, body) in resources(&doc, "kubernetes_manifest").into_iter().filter(|(n, _)| !n.starts_with("namespace_"))
    {
        let deps = strs(&body["depends_on"]);
        match body["manifest"]["metadata"]["namespace"].as_str() {
            Some(ns) => {
                let key = format!("namespace_{}", ns.replace('-', "_"));
                let created_here = namespaces.iter().any(|n| **n == key);
                let ty = if ["default", "kube-system", "kube-public", "kube-node-lease"].contains(&ns) {
                    "kubernetes_labels"
                } else {
                    "kubernetes_manifest"
                };
                let expected = if created_here { vec![format!("{ty}.{key}")] } else { vec![] };
                assert_eq!(deps, expected, "{name}");
                checked += usize::from(created_here);
            }
            None => assert!(deps.is_empty(), "cluster-scoped {name} waits for {deps:?}"),
        }
    }
    assert!(
        checked >= 3 * platform_tests::tenant_namespaces().len(),
        "only {checked} objects in namespaces of this root"
    );
}

/// The cluster root grows linearly with the tenants: doubling the tenants added doubles what they add, in
/// `depends_on` entries and in bytes, and each added resource brings at most one `depends_on` entry. (Every
/// object waiting for every namespace would grow with tenants × namespaces.)
#[test]
fn the_cluster_root_grows_linearly_with_the_tenants() {
    let measure = |tenants: usize| {
        let options = platform_core::render::RenderOptions {
            environment_suffix: SUFFIX.to_owned(),
            account_id: Some(platform_tests::ACCOUNT_ID.to_owned()),
        };
        let platform = platform_core::scaled::scaled_platform(platform_tests::platform(), tenants);
        let artifacts = platform_tests::check_and_render(&platform, &options).expect("renders");
        let bytes = artifacts.files["terraform/cluster/main.tf.json"].len();
        let doc = platform_tests::json_in(&artifacts, "terraform/cluster/main.tf.json");
        let bodies: Vec<&Value> =
            doc["resource"].as_object().unwrap().values().flat_map(|r| r.as_object().unwrap().values()).collect();
        let entries: usize = bodies.iter().map(|b| strs(&b["depends_on"]).len()).sum();
        (entries as f64, bytes as f64, bodies.len() as f64)
    };
    let (e10, b10, r10) = measure(10);
    let (e20, b20, r20) = measure(20);
    let (e40, b40, _) = measure(40);
    assert!(e40 - e20 <= 2.0 * (e20 - e10), "depends_on entries at 10, 20, 40 tenants: {e10}, {e20}, {e40}");
    assert!(b40 - b20 <= 2.02 * (b20 - b10), "bytes at 10, 20, 40 tenants: {b10}, {b20}, {b40}");
    assert!(e20 - e10 <= r20 - r10, "10 more tenants add {} resources and {} depends_on entries", r20 - r10, e20 - e10);
}
