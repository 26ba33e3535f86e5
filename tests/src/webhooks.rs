//! Admission webhooks as the API server applies them, over the facts derived from the charts rendered at their tags
//! (`tests/upstream/behaviour/`, the `webhooks` and `objects` of each release): which object a webhook intercepts
//! when it is created (rules, scope, namespace selector), following the Kubernetes API reference of
//! `admissionregistration.k8s.io/v1` (`RuleWithOperations`, `namespaceSelector`, `LabelSelector`).

use std::collections::BTreeMap;

use serde_json::Value;

/// The labels of the namespaces an object may be created in: name → labels.
pub type NamespaceLabels = BTreeMap<String, BTreeMap<String, String>>;

/// Whether a `LabelSelector` (`matchLabels`, `matchExpressions` with `In`, `NotIn`, `Exists`, `DoesNotExist`) selects
/// `labels`. An absent or empty selector selects everything.
pub fn selects(selector: &Value, labels: &BTreeMap<String, String>) -> bool {
    let exact = selector["matchLabels"].as_object().into_iter().flatten();
    let exact_ok = exact.into_iter().all(|(k, v)| labels.get(k).map(String::as_str) == v.as_str());
    let expressions = selector["matchExpressions"].as_array().into_iter().flatten();
    exact_ok
        && expressions.into_iter().all(|e| {
            let key = e["key"].as_str().unwrap_or_default();
            let values: Vec<&str> = e["values"].as_array().into_iter().flatten().filter_map(Value::as_str).collect();
            let value = labels.get(key).map(String::as_str);
            match e["operator"].as_str().unwrap_or_default() {
                "In" => value.is_some_and(|v| values.contains(&v)),
                "NotIn" => value.is_none_or(|v| !values.contains(&v)),
                "Exists" => value.is_some(),
                "DoesNotExist" => value.is_none(),
                other => panic!("unknown label selector operator `{other}`"),
            }
        })
}

/// The resource (plural, lowercase) of a kind, as webhook rules name it.
pub fn resource_of(kind: &str) -> String {
    let lower = kind.to_lowercase();
    if let Some(stem) = lower.strip_suffix('y') {
        format!("{stem}ies")
    } else if lower.ends_with('s') {
        format!("{lower}es")
    } else {
        format!("{lower}s")
    }
}

fn lists(v: &Value, wanted: &str) -> bool {
    v.as_array().into_iter().flatten().filter_map(Value::as_str).any(|x| x == "*" || x == wanted)
}

/// Whether `webhook` (a facts entry: `rules`, `namespace_selector`) intercepts the CREATE of `object` (`api_version`,
/// `kind`, `namespace`; an object without a namespace is cluster-scoped). Labels of the object itself are not in the
/// facts, so an `object_selector` is taken to match: the caller excludes the webhook's own release, whose objects
/// Helm creates before its webhook configurations (it installs unknown kinds last).
pub fn intercepts_create(webhook: &Value, object: &Value, namespaces: &NamespaceLabels) -> bool {
    let api_version = object["api_version"].as_str().unwrap_or_default();
    let (group, version) = api_version.rsplit_once('/').unwrap_or(("", api_version));
    let kind = object["kind"].as_str().unwrap_or_default();
    let namespace = object["namespace"].as_str().filter(|n| !n.is_empty());
    let resource = resource_of(kind);
    let rule_matches = webhook["rules"].as_array().into_iter().flatten().any(|r| {
        let scope = r["scope"].as_str().unwrap_or("*");
        let scope_ok = matches!((scope, namespace), ("*", _) | ("Namespaced", Some(_)) | ("Cluster", None));
        scope_ok
            && lists(&r["operations"], "CREATE")
            && lists(&r["api_groups"], group)
            && lists(&r["api_versions"], version)
            && lists(&r["resources"], &resource)
    });
    if !rule_matches {
        return false;
    }
    match namespace {
        // The namespace selector is matched against the labels of the object's namespace; an unknown namespace has
        // none but its name label.
        Some(ns) => {
            let labels = namespaces
                .get(ns)
                .cloned()
                .unwrap_or_else(|| [("kubernetes.io/metadata.name".to_owned(), ns.to_owned())].into());
            selects(&webhook["namespace_selector"], &labels)
        }
        // A Namespace is matched on its own labels; other cluster-scoped objects are never skipped by it.
        None if kind == "Namespace" => {
            let name = object["name"].as_str().unwrap_or_default();
            namespaces.get(name).is_none_or(|labels| selects(&webhook["namespace_selector"], labels))
        }
        None => true,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn labels(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        pairs.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect()
    }

    #[test]
    fn selectors_follow_the_label_selector_semantics() {
        let l = labels(&[("a", "1"), ("b", "2")]);
        assert!(selects(&json!({}), &l));
        assert!(selects(&json!({ "matchLabels": { "a": "1" } }), &l));
        assert!(!selects(&json!({ "matchLabels": { "a": "2" } }), &l));
        let e = |op: &str, values: &[&str]| json!({ "matchExpressions": [{ "key": "a", "operator": op, "values": values }] });
        assert!(selects(&e("In", &["1", "3"]), &l));
        assert!(!selects(&e("NotIn", &["1"]), &l));
        assert!(selects(&e("NotIn", &["1"]), &labels(&[])), "NotIn matches an absent key");
        assert!(selects(&e("Exists", &[]), &l));
        assert!(!selects(&e("DoesNotExist", &[]), &l));
    }

    #[test]
    fn a_service_webhook_intercepts_services_in_selected_namespaces_only() {
        let webhook = json!({
            "rules": [{ "api_groups": [""], "api_versions": ["v1"], "resources": ["services"], "operations": ["CREATE"], "scope": "*" }],
            "namespace_selector": { "matchExpressions": [{ "key": "inject", "operator": "In", "values": ["on"] }] },
        });
        let namespaces: NamespaceLabels =
            [("on".to_owned(), labels(&[("inject", "on")])), ("off".to_owned(), labels(&[]))].into();
        let service = |ns: &str| json!({ "api_version": "v1", "kind": "Service", "namespace": ns, "name": "s" });
        assert!(intercepts_create(&webhook, &service("on"), &namespaces));
        assert!(!intercepts_create(&webhook, &service("off"), &namespaces));
        assert!(!intercepts_create(
            &webhook,
            &json!({ "api_version": "apps/v1", "kind": "Deployment", "namespace": "on" }),
            &namespaces
        ));
        assert_eq!(resource_of("NetworkPolicy"), "networkpolicies");
        assert_eq!(resource_of("Ingress"), "ingresses");
    }
}
