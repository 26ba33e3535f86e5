//! Admission webhooks as the API server applies them, over the facts derived from the charts rendered at their tags
//! ([`crate::behaviour`]: the `webhooks` and `objects` of each release): which object a webhook intercepts
//! when it is created (rules, scope, namespace selector), following the Kubernetes API reference of
//! `admissionregistration.k8s.io/v1` (`RuleWithOperations`, `namespaceSelector`, `LabelSelector`).

use std::collections::BTreeMap;

use serde_json::Value;

use crate::behaviour::{ObjectRef, Webhook};

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

/// Whether `webhook` intercepts the CREATE of `object` (an object without a namespace is cluster-scoped). Labels of
/// the object itself are not in the facts, so an object selector is taken to match: the caller leaves out the
/// webhook's own release, whose objects Helm creates before its webhook configurations (it installs kinds it does
/// not know, webhook configurations among them, last).
pub fn intercepts_create(webhook: &Webhook, object: &ObjectRef, namespaces: &NamespaceLabels) -> bool {
    let (group, version) = object.api_version.rsplit_once('/').unwrap_or(("", &object.api_version));
    let namespace = object.namespace.as_deref().filter(|n| !n.is_empty());
    let resource = resource_of(&object.kind);
    let lists = |items: &[String], wanted: &str| items.iter().any(|x| x == "*" || x == wanted);
    let rule_matches = webhook.rules.iter().any(|r| {
        let scope = r.scope.as_deref().unwrap_or("*");
        matches!((scope, namespace), ("*", _) | ("Namespaced", Some(_)) | ("Cluster", None))
            && lists(&r.operations, "CREATE")
            && lists(&r.api_groups, group)
            && lists(&r.api_versions, version)
            && lists(&r.resources, &resource)
    });
    if !rule_matches {
        return false;
    }
    let name_only = |ns: &str| [("kubernetes.io/metadata.name".to_owned(), ns.to_owned())].into();
    match namespace {
        // Matched against the labels of the object's namespace (an unknown one has only its name label).
        Some(ns) => selects(&webhook.namespace_selector, &namespaces.get(ns).cloned().unwrap_or_else(|| name_only(ns))),
        // A Namespace is matched on its own labels; other cluster-scoped objects are never skipped by the selector.
        None if object.kind == "Namespace" => {
            let labels = namespaces.get(&object.name).cloned().unwrap_or_else(|| name_only(&object.name));
            selects(&webhook.namespace_selector, &labels)
        }
        None => true,
    }
}

/// Whether a webhook refuses what it intercepts while it cannot be called (`failurePolicy` defaults to `Fail`).
pub fn fails_closed(webhook: &Webhook) -> bool {
    webhook.failure_policy != "Ignore"
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
        let webhook: Webhook = serde_json::from_value(json!({
            "configuration": "c", "kind": "MutatingWebhookConfiguration", "name": "w", "failure_policy": "Fail",
            "rules": [{ "api_groups": [""], "api_versions": ["v1"], "resources": ["services"], "operations": ["CREATE"], "scope": null }],
            "namespace_selector": { "matchExpressions": [{ "key": "inject", "operator": "In", "values": ["on"] }] },
            "object_selector": {}, "service": null, "host_network": true,
        }))
        .unwrap();
        let namespaces: NamespaceLabels =
            [("on".to_owned(), labels(&[("inject", "on")])), ("off".to_owned(), labels(&[]))].into();
        let object = |api_version: &str, kind: &str, ns: &str| ObjectRef {
            api_version: api_version.into(),
            kind: kind.into(),
            namespace: Some(ns.into()),
            name: "s".into(),
        };
        assert!(intercepts_create(&webhook, &object("v1", "Service", "on"), &namespaces));
        assert!(!intercepts_create(&webhook, &object("v1", "Service", "off"), &namespaces));
        assert!(!intercepts_create(&webhook, &object("apps/v1", "Deployment", "on"), &namespaces));
        assert!(fails_closed(&webhook));
        assert_eq!(resource_of("NetworkPolicy"), "networkpolicies");
        assert_eq!(resource_of("Ingress"), "ingresses");
    }
}
