//! Every rendered Terraform root (whatever `render` produced under `terraform/*/`), validated against the provider
//! schema snapshots of `tests/schemas/` (hashicorp/aws 6.25.0, kubernetes 2.38.0, helm 3.1.1): what Terraform
//! here cannot check, since only aws 5.100 is installed. A provider with no snapshot fails the test. Each class of
//! error is also shown to be caught on a deliberately broken root.

use std::collections::BTreeMap;

use platform_core::catalog::kubernetes::carried;
use platform_tests::schema::{load_snapshots, validate_root, ProviderSchema};
use platform_tests::{artifacts, render_for};
use serde_json::{json, Value};

fn snapshots() -> &'static BTreeMap<String, ProviderSchema> {
    static S: std::sync::OnceLock<BTreeMap<String, ProviderSchema>> = std::sync::OnceLock::new();
    S.get_or_init(load_snapshots)
}

fn rendered_roots() -> Vec<(&'static String, Value)> {
    artifacts()
        .files
        .iter()
        .filter(|(path, _)| path.starts_with("terraform/") && path.ends_with(".tf.json"))
        .map(|(path, bytes)| (path, serde_json::from_slice(bytes).unwrap_or_else(|e| panic!("{path}: {e}"))))
        .collect()
}

#[test]
fn the_snapshots_hold_the_pinned_providers() {
    let s = snapshots();
    for (source, version) in
        [("hashicorp/aws", "6.25.0"), ("hashicorp/kubernetes", "2.38.0"), ("hashicorp/helm", "3.1.1")]
    {
        let schema = s.get(source).unwrap_or_else(|| panic!("no snapshot of {source}"));
        assert_eq!(schema.version, version);
    }
    let eks = s["hashicorp/aws"].type_schema("resource", "aws_eks_cluster").expect("aws_eks_cluster");
    assert_eq!(eks["required"], json!(["name", "role_arn"]));
    assert_eq!(eks["blocks"]["vpc_config"]["min"], 1, "vpc_config is a required block");
    assert!(eks["attributes"].get("deletion_protection").is_some(), "a 6.x argument");
    let addon = s["hashicorp/aws"].type_schema("resource", "aws_eks_addon").unwrap();
    assert!(addon["attributes"].get("resolve_conflicts").is_none(), "removed in 6.0");
    assert!(s["hashicorp/helm"].type_schema("resource", "helm_release").is_some());
    assert!(s["hashicorp/kubernetes"].type_schema("resource", "kubernetes_namespace_v1").is_some());
}

#[test]
fn every_rendered_root_matches_its_provider_schemas() {
    let roots = rendered_roots();
    assert!(roots.iter().any(|(p, _)| p.as_str() == "terraform/infra/main.tf.json"), "the infra root is rendered");
    let mut totals: BTreeMap<String, usize> = BTreeMap::new();
    let mut errors = Vec::new();
    for (path, doc) in &roots {
        let report = validate_root(doc, snapshots());
        errors.extend(report.errors.iter().map(|e| format!("{path}: {e}")));
        for (provider, n) in report.validated {
            println!("{path}: {n} resource/data block(s) validated against {provider}");
            *totals.entry(provider).or_default() += n;
        }
    }
    assert!(errors.is_empty(), "{} schema error(s):\n{}", errors.len(), errors.join("\n"));
    assert!(totals.get("hashicorp/aws").copied().unwrap_or(0) > 100, "the infra root was validated: {totals:?}");
    let line: Vec<String> = totals.iter().map(|(p, n)| format!("{p} {n}")).collect();
    let summary = format!("provider schemas: {} root(s); blocks validated: {}\n", roots.len(), line.join(", "));
    print!("{summary}");
    let counts = platform_tests::terraform::target_dir().join("ci").join("counts");
    if std::fs::create_dir_all(&counts).is_ok() {
        let _ = std::fs::write(counts.join("provider-schemas.txt"), summary);
    }
}

/// The one-token change: every root rendered at every carried Kubernetes version matches the schemas.
#[test]
fn every_carried_version_matches_the_provider_schemas() {
    let mut errors = Vec::new();
    for release in carried() {
        let artifacts = render_for(release.version);
        for (path, bytes) in
            artifacts.files.iter().filter(|(p, _)| p.starts_with("terraform/") && p.ends_with(".tf.json"))
        {
            let doc: Value = serde_json::from_slice(bytes).unwrap_or_else(|e| panic!("{path}: {e}"));
            let report = validate_root(&doc, snapshots());
            errors.extend(report.errors.iter().map(|e| format!("{} {path}: {e}", release.version)));
        }
    }
    assert!(errors.is_empty(), "{} schema error(s):\n{}", errors.len(), errors.join("\n"));
}

/// A small valid aws root, to break one way at a time.
fn aws_root(log_group: Value) -> Value {
    json!({
        "terraform": { "required_providers": { "aws": { "source": "hashicorp/aws", "version": ">= 6.0" } } },
        "provider": { "aws": [{ "region": "us-east-2", "default_tags": { "tags": { "a": "b" } } }] },
        "resource": {
            "aws_cloudwatch_log_group": { "lg": log_group },
            "aws_eks_cluster": { "main": {
                "name": "c", "role_arn": "${aws_iam_role.cluster.arn}", "version": "1.28",
                "vpc_config": { "subnet_ids": ["${aws_subnet.a.id}"], "endpoint_private_access": true },
                "enabled_cluster_log_types": ["audit"]
            } }
        },
        "data": { "aws_caller_identity": { "current": {} } }
    })
}

fn errors_of(doc: &Value) -> Vec<String> {
    validate_root(doc, snapshots()).errors
}

#[test]
fn a_valid_small_root_passes() {
    let errors =
        errors_of(&aws_root(json!({ "name": "x", "retention_in_days": 90, "kms_key_id": "${aws_kms_key.logs.arn}" })));
    assert!(errors.is_empty(), "{errors:?}");
}

#[test]
fn an_unknown_attribute_is_caught() {
    let errors = errors_of(&aws_root(json!({ "name": "x", "retention_days": 90 })));
    assert!(errors.iter().any(|e| e.contains("aws_cloudwatch_log_group.lg.retention_days: unknown")), "{errors:?}");
}

#[test]
fn a_missing_required_attribute_and_block_are_caught() {
    let mut doc = aws_root(json!({ "name": "x" }));
    let cluster = doc["resource"]["aws_eks_cluster"]["main"].as_object_mut().unwrap();
    cluster.remove("role_arn");
    cluster.remove("vpc_config");
    let errors = errors_of(&doc);
    assert!(errors.iter().any(|e| e.contains("missing required attribute `role_arn`")), "{errors:?}");
    assert!(errors.iter().any(|e| e.contains("missing required block `vpc_config`")), "{errors:?}");
}

#[test]
fn a_block_written_as_an_attribute_and_the_reverse_are_caught() {
    let mut doc = aws_root(json!({ "name": "x" }));
    doc["resource"]["aws_eks_cluster"]["main"]["vpc_config"] = json!("${var.vpc}");
    doc["resource"]["aws_eks_cluster"]["main"]["version"] = json!({ "value": "1.28" });
    let errors = errors_of(&doc);
    assert!(errors.iter().any(|e| e.contains("vpc_config` is a block, written as an attribute")), "{errors:?}");
    assert!(errors.iter().any(|e| e.contains("main.version: expected string, found an object")), "{errors:?}");
}

#[test]
fn wrong_primitive_types_are_caught_but_interpolations_pass() {
    let mut doc = aws_root(json!({ "name": "x", "retention_in_days": "ninety", "skip_destroy": "${var.keep}" }));
    doc["resource"]["aws_eks_cluster"]["main"]["enabled_cluster_log_types"] = json!("audit");
    doc["resource"]["aws_eks_cluster"]["main"]["vpc_config"]["endpoint_private_access"] = json!(3);
    let errors = errors_of(&doc);
    assert!(errors.iter().any(|e| e.contains("retention_in_days: expected number, found a string")), "{errors:?}");
    assert!(errors.iter().any(|e| e.contains("enabled_cluster_log_types: expected")), "{errors:?}");
    assert!(errors.iter().any(|e| e.contains("endpoint_private_access: expected bool")), "{errors:?}");
    assert!(!errors.iter().any(|e| e.contains("skip_destroy")), "{errors:?}");
}

#[test]
fn unknown_types_and_providers_without_snapshot_fail() {
    let mut doc = aws_root(json!({ "name": "x" }));
    doc["resource"]["aws_eks_clusterz"] = json!({ "x": {} });
    doc["terraform"]["required_providers"]["tls"] = json!({ "source": "hashicorp/tls" });
    doc["data"]["tls_certificate"] = json!({ "oidc": { "url": "https://example.com" } });
    doc["provider"]["aws"][0]["regoin"] = json!("us-east-2");
    let errors = errors_of(&doc);
    assert!(errors.iter().any(|e| e.contains("`aws_eks_clusterz` is not a resource type")), "{errors:?}");
    assert!(errors.iter().any(|e| e.contains("provider `hashicorp/tls` has no schema snapshot")), "{errors:?}");
    assert!(errors.iter().any(|e| e.contains("provider.aws.regoin: unknown")), "{errors:?}");
}

#[test]
fn kubernetes_and_helm_roots_are_checked_too() {
    let doc = json!({
        "terraform": { "required_providers": {
            "kubernetes": { "source": "hashicorp/kubernetes" }, "helm": { "source": "hashicorp/helm" } } },
        "resource": {
            "kubernetes_namespace_v1": { "ns": { "metadata": { "name": "payments", "lables": { "a": "b" } } } },
            "helm_release": { "calico": { "name": "calico", "chart": "tigera-operator", "atomik": true } }
        }
    });
    let errors = errors_of(&doc);
    assert!(errors.iter().any(|e| e.contains("ns.metadata.lables: unknown")), "{errors:?}");
    assert!(errors.iter().any(|e| e.contains("helm_release.calico.atomik: unknown")), "{errors:?}");
    assert_eq!(errors.len(), 2, "{errors:?}");
}
