//! The EKS managed addon amazon-cloudwatch-observability against the facts of its pinned versions
//! (`tests/upstream/addons/amazon-cloudwatch-observability-<version>.json`, written by
//! `scripts/upstream-facts/cloudwatch.py` from the addon's chart, operator and agent at their tags), for every
//! carried Kubernetes version: the `configuration_values` we render are values of that version, and no admission
//! webhook of its operator is left for the API server to call across the Calico overlay.

use std::collections::BTreeMap;
use std::path::PathBuf;

use platform_core::catalog::kubernetes::{addon_versions, carried};
use platform_core::model::{AddonKind, Platform, Resources};
use platform_core::render::{Artifacts, RenderOptions};
use platform_tests::conformance::{unknown_values, value_at};
use platform_tests::{check_and_render, json_in, platform, render_for, resources, ACCOUNT_ID, SUFFIX};
use serde_json::{json, Value};

const ADDON: &str = "amazon-cloudwatch-observability";

/// The facts of one addon version, or the line that says how to generate them.
fn facts(version: &str) -> Value {
    let file = format!("tests/upstream/addons/{ADDON}-{version}.json");
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..").join(&file);
    let text = std::fs::read_to_string(&path).unwrap_or_else(|_| {
        panic!(
            "missing upstream facts `{file}`: run `scripts/upstream-facts/cloudwatch.py --charts-git-dir <clone of \
             aws-observability/helm-charts> --operator-git-dir <clone of aws/amazon-cloudwatch-agent-operator> \
             --agent-git-dir <clone of aws/amazon-cloudwatch-agent> --addon-version {version} --out {file}`"
        )
    });
    let facts: Value = serde_json::from_str(&text).unwrap_or_else(|e| panic!("`{file}` is not JSON: {e}"));
    assert_eq!(facts["addon_version"], version, "{file}");
    facts
}

/// The addon's `configuration_values` in an infra root (`{}` when none are rendered).
fn configuration(infra: &Value) -> Value {
    let addon = &infra["resource"]["aws_eks_addon"]["amazon_cloudwatch_observability"];
    assert!(addon.is_object(), "no amazon-cloudwatch-observability addon rendered");
    addon["configuration_values"]
        .as_str()
        .map_or_else(|| json!({}), |s| serde_json::from_str(s).expect("configuration_values is JSON"))
}

fn infra_of(artifacts: &Artifacts) -> Value {
    json_in(artifacts, "terraform/infra/main.tf.json")
}

/// The declared platform, and the same platform with every override the DSL allows on this addon set (`resources`;
/// `replicas` and `node_group` are refused for it by the check), rendered for Kubernetes `kubernetes`.
fn renders(kubernetes: &str) -> Vec<(&'static str, Artifacts)> {
    let mut tuned: Platform = platform().clone();
    tuned.kubernetes = kubernetes.to_owned();
    let addon = tuned.addons.iter_mut().find(|a| a.kind == AddonKind::AmazonCloudwatchObservability).unwrap();
    addon.resources = Some(Resources { cpu: "200m".into(), memory: "384Mi".into() });
    // A larger agent on every node leaves less for tenants (`tenancy/quota-capacity`): their quotas shrink with it.
    tuned.tenants.iter_mut().for_each(|t| t.quota.memory = "16Gi".into());
    let options = RenderOptions { environment_suffix: SUFFIX.into(), account_id: Some(ACCOUNT_ID.into()) };
    let tuned = check_and_render(&tuned, &options).expect("the platform with addon resources renders");
    vec![("declared", render_for(kubernetes)), ("with addon resources", tuned)]
}

/// The add-on version pinned for each carried Kubernetes version.
fn pinned() -> Vec<(&'static str, &'static str)> {
    carried()
        .map(|k| (k.version, addon_versions(k.version).expect("carried").of(AddonKind::AmazonCloudwatchObservability)))
        .collect()
}

#[test]
fn configuration_values_are_values_of_the_pinned_addon_version() {
    let mut failures = Vec::new();
    for (kubernetes, version) in pinned() {
        let facts = facts(version);
        for (what, artifacts) in renders(kubernetes) {
            let config = configuration(&infra_of(&artifacts));
            // An empty document is one leaf with an empty path: no value set.
            for path in unknown_values(&facts, &config).into_iter().filter(|p| !p.is_empty()) {
                failures.push(format!("{kubernetes} ({version}, {what}): `{path}` is not a value of {}", facts["tag"]));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

// ----------------------------------------------------------------------------------------------------------------
// Webhooks

/// Go template truthiness: false, 0, "", empty lists and maps and nil are empty.
fn is_empty(v: &Value) -> bool {
    match v {
        Value::Null => true,
        Value::Bool(b) => !b,
        Value::Number(n) => n.as_f64() == Some(0.0),
        Value::String(s) => s.is_empty(),
        Value::Array(a) => a.is_empty(),
        Value::Object(o) => o.is_empty(),
    }
}

/// A value as the chart sees it: ours where we set it, the chart default otherwise.
fn effective(config: &Value, defaults: &Value, path: &str) -> Value {
    value_at(config, path).cloned().unwrap_or_else(|| defaults[path].clone())
}

/// What a webhook setting of the facts (`{"literal"}` or `{"values", "pick"}`) comes to under `config`; `None`
/// when the chart renders nothing for it.
fn setting(config: &Value, defaults: &Value, setting: &Value) -> Option<Value> {
    if setting.is_null() {
        return None;
    }
    if !setting["literal"].is_null() {
        return Some(setting["literal"].clone());
    }
    let skip: fn(&Value) -> bool = if setting["pick"] == "first-non-empty" { is_empty } else { Value::is_null };
    setting["values"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| effective(config, defaults, p.as_str().unwrap()))
        .find(|v| !skip(v))
}

/// Whether a label selector matches a set of labels (an absent or empty selector matches everything).
fn selects(selector: Option<&Value>, labels: &BTreeMap<String, String>) -> bool {
    let Some(selector) = selector.filter(|s| !is_empty(s)) else { return true };
    let match_labels = selector["matchLabels"].as_object().into_iter().flatten();
    let labels_ok = match_labels.into_iter().all(|(k, v)| labels.get(k).map(String::as_str) == v.as_str());
    let expressions = selector["matchExpressions"].as_array().into_iter().flatten();
    labels_ok
        && expressions.into_iter().all(|e| {
            let key = e["key"].as_str().unwrap();
            let values: Vec<&str> = e["values"].as_array().into_iter().flatten().filter_map(Value::as_str).collect();
            let value = labels.get(key).map(String::as_str);
            match e["operator"].as_str().unwrap() {
                "In" => value.is_some_and(|v| values.contains(&v)),
                "NotIn" => value.is_none_or(|v| !values.contains(&v)),
                "Exists" => value.is_some(),
                "DoesNotExist" => value.is_none(),
                other => panic!("unknown selector operator {other}"),
            }
        })
}

/// Every namespace of the cluster with its labels: those EKS creates and those the network and cluster roots create
/// or label, each with the `kubernetes.io/metadata.name` label the API server sets on every namespace.
fn namespaces(artifacts: &Artifacts) -> BTreeMap<String, BTreeMap<String, String>> {
    let mut out: BTreeMap<String, BTreeMap<String, String>> =
        ["default", "kube-system", "kube-public", "kube-node-lease"]
            .into_iter()
            .map(|n| (n.to_owned(), BTreeMap::new()))
            .collect();
    for root in ["terraform/network/main.tf.json", "terraform/cluster/main.tf.json"] {
        let doc = json_in(artifacts, root);
        let created = resources(&doc, "kubernetes_manifest")
            .into_iter()
            .filter(|(_, r)| r["manifest"]["kind"] == "Namespace")
            .map(|(_, r)| (r["manifest"]["metadata"]["name"].clone(), r["manifest"]["metadata"]["labels"].clone()));
        let labelled = resources(&doc, "kubernetes_labels")
            .into_iter()
            .filter(|(_, r)| r["kind"] == "Namespace")
            .map(|(_, r)| (r["metadata"]["name"].clone(), r["labels"].clone()));
        for (name, labels) in created.chain(labelled) {
            let entry = out.entry(name.as_str().unwrap().to_owned()).or_default();
            for (k, v) in labels.as_object().into_iter().flatten() {
                entry.insert(k.clone(), v.as_str().unwrap_or_default().to_owned());
            }
        }
    }
    for (name, labels) in &mut out {
        labels.insert("kubernetes.io/metadata.name".into(), name.clone());
    }
    assert!(out.len() > 4, "no namespace found in the network and cluster roots");
    out
}

/// Every webhook the addon's chart renders under our configuration is either served from the node's address (the
/// operator on the host network) or selects no namespace of the cluster, so the API server never calls it. With
/// Calico VXLAN the control plane cannot reach a pod address: a webhook it must call waits `timeoutSeconds` on
/// every matching request and, with `failurePolicy: Ignore`, lets it through unmutated.
#[test]
fn no_webhook_of_the_addon_waits_on_the_pod_network() {
    let mut failures = Vec::new();
    for (kubernetes, version) in pinned() {
        let facts = facts(version);
        let defaults = &facts["webhook_value_defaults"];
        let artifacts = render_for(kubernetes);
        let config = configuration(&infra_of(&artifacts));
        let namespaces = namespaces(&artifacts);
        let operator = &facts["operator"]["workload"]["host_network"];
        let on_host = !operator.is_null()
            && (operator["always"] == true
                || operator["value"].as_str().is_some_and(|p| !is_empty(&effective(&config, defaults, p))));
        let webhooks = facts["webhooks"].as_array().unwrap();
        assert!(!webhooks.is_empty(), "{version}: no webhook in the facts");
        let mut rendered = 0;
        for w in webhooks {
            let gate = w["file_gate"].as_array().unwrap();
            let file_renders = gate.iter().all(|g| {
                let set = !is_empty(&effective(&config, defaults, g["value"].as_str().unwrap()));
                set == (g["truthy"] == true)
            });
            let enabled = setting(&config, defaults, &w["enabled"]).is_none_or(|v| !is_empty(&v));
            if !file_renders || !enabled {
                continue;
            }
            rendered += 1;
            if on_host {
                continue;
            }
            let selector = setting(&config, defaults, &w["namespace_selector"]);
            let called: Vec<&String> =
                namespaces.iter().filter(|(_, labels)| selects(selector.as_ref(), labels)).map(|(n, _)| n).collect();
            if !called.is_empty() {
                failures.push(format!(
                    "{kubernetes} ({version}): webhook {} ({} of {}, failurePolicy {}) is served from the pod network \
                     and called for namespaces {called:?}",
                    w["name"],
                    w["configuration"],
                    w["template"],
                    setting(&config, defaults, &w["failure_policy"]).unwrap_or_default(),
                ));
            }
        }
        assert!(rendered > 0, "{version}: no webhook renders with its chart defaults and our values");
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// The evaluator above against the chart's own defaults: every webhook renders and is called for every namespace,
/// so the test above can fail.
#[test]
fn with_chart_defaults_every_webhook_is_called_for_every_namespace() {
    let artifacts = render_for(&platform().kubernetes);
    let namespaces = namespaces(&artifacts);
    let version = addon_versions(&platform().kubernetes).unwrap().of(AddonKind::AmazonCloudwatchObservability);
    let facts = facts(version);
    let defaults = &facts["webhook_value_defaults"];
    assert!(facts["operator"]["workload"]["host_network"].is_null(), "the operator gained a host-network value");
    for w in facts["webhooks"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|w| w["template"].as_str().unwrap().ends_with("operator-webhook.yaml"))
    {
        assert!(setting(&json!({}), defaults, &w["enabled"]).is_none_or(|v| !is_empty(&v)), "{}", w["name"]);
        let selector = setting(&json!({}), defaults, &w["namespace_selector"]);
        assert!(namespaces.values().all(|labels| selects(selector.as_ref(), labels)), "{}", w["name"]);
    }
}

// ----------------------------------------------------------------------------------------------------------------
// Log groups

/// The log groups the addon writes to, for `cluster`: its Fluent Bit outputs (`${CLUSTER_NAME}`, the chart's
/// `clusterName`, which EKS sets to the cluster) and the agent's Container Insights EMF group (`{ClusterName}`).
fn written_log_groups(facts: &Value, cluster: &str) -> Vec<(String, bool)> {
    assert_eq!(facts["fluent_bit_env"]["CLUSTER_NAME"], json!(["clusterName"]), "Fluent Bit's CLUSTER_NAME");
    let mut out: Vec<(String, bool)> = facts["fluent_bit_outputs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| {
            let name = o["log_group_name"].as_str().unwrap().replace("${CLUSTER_NAME}", cluster);
            (name, o["auto_create_group"] == true)
        })
        .collect();
    let emf = facts["agent"]["emf_log_groups"]["awsemf_default_kubernetes"].as_str().expect("the agent's EMF group");
    out.push((emf.replace("{ClusterName}", cluster), true));
    out.sort();
    out.dedup();
    out
}

/// Every log group the addon writes to (PCI DSS 3.5.1, 10.5.1: tenant stdout lands in `application`) exists in the
/// infra root before the addon does, encrypted with the logs key, kept `log_retention_days` (≥ 90), and the logs
/// key lets CloudWatch Logs use it for that group; otherwise the addon's writers create it (auto-create on),
/// unencrypted and never expiring.
#[test]
fn the_addon_log_groups_exist_encrypted_and_kept_before_the_addon() {
    for (kubernetes, version) in pinned() {
        let facts = facts(version);
        let artifacts = render_for(kubernetes);
        let infra = infra_of(&artifacts);
        let cluster = platform_tests::names().cluster();
        let groups = resources(&infra, "aws_cloudwatch_log_group");
        let addon = &infra["resource"]["aws_eks_addon"]["amazon_cloudwatch_observability"];
        let depends: Vec<&str> = addon["depends_on"].as_array().unwrap().iter().filter_map(Value::as_str).collect();
        let key = &infra["resource"]["aws_kms_key"]["logs"];
        let statements = platform_tests::policy_statements(&infra, key["policy"].as_str().unwrap());
        let logs_use =
            statements.iter().find(|s| s["sid"] == "CloudWatchLogsUse").expect("CloudWatch Logs may use the key");
        let allowed: Vec<&str> = logs_use["condition"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|c| c["test"] == "ArnLike" && c["variable"] == "kms:EncryptionContext:aws:logs:arn")
            .flat_map(|c| c["values"].as_array().unwrap().iter().filter_map(Value::as_str))
            .collect();
        // `clusterName` is EKS's to set (the cluster's name): we leave it alone.
        assert!(value_at(&configuration(&infra), "clusterName").is_none());
        let written = written_log_groups(&facts, &cluster);
        assert_eq!(written.len(), 4, "{version}: application, dataplane, host, performance: {written:?}");
        for (name, _) in &written {
            let found: Vec<_> = groups.iter().filter(|(_, g)| g["name"] == name.as_str()).collect();
            assert_eq!(found.len(), 1, "{kubernetes} ({version}): log group {name} is not declared once");
            let (tf_name, group) = found[0];
            assert_eq!(group["kms_key_id"], "${aws_kms_key.logs.arn}", "{name}");
            let days = group["retention_in_days"].as_u64().unwrap();
            assert!(days >= 90, "{name} kept {days} days");
            assert_eq!(days, u64::from(platform().cluster.log_retention_days), "{name}");
            let address = format!("aws_cloudwatch_log_group.{tf_name}");
            assert!(depends.contains(&address.as_str()), "{kubernetes}: the addon does not wait for {address}");
            let arn = format!(
                "arn:${{data.aws_partition.current.partition}}:logs:{}:${{data.aws_caller_identity.current.account_id}}:log-group:{name}",
                platform().region
            );
            assert!(
                allowed.iter().any(|pattern| arn_like(pattern, &arn)),
                "the logs key does not serve {arn}: {allowed:?}"
            );
        }
    }
}

/// IAM `ArnLike`: `*` matches any run of characters, `?` one.
fn arn_like(pattern: &str, arn: &str) -> bool {
    fn go(p: &[u8], s: &[u8]) -> bool {
        match p.split_first() {
            None => s.is_empty(),
            Some((b'*', rest)) => (0..=s.len()).any(|i| go(rest, &s[i..])),
            Some((b'?', rest)) => !s.is_empty() && go(rest, &s[1..]),
            Some((c, rest)) => s.first() == Some(c) && go(rest, &s[1..]),
        }
    }
    go(pattern.as_bytes(), arn.as_bytes())
}
