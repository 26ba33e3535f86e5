//! `terraform init` + `terraform validate` on the rendered infra root, offline, against the real hashicorp/aws
//! provider schema (5.100.0, installed on the test machines as a filesystem mirror; see
//! `platform_tests::terraform` for how it is found).

use platform_core::catalog::kubernetes::carried;
use platform_tests::terraform::{skip_or_require_terraform, Workdir};
use platform_tests::{archive_for, artifacts, infra_for, render_for};
use serde_json::Value;

fn assert_validates(name: &str, main: &[u8]) {
    assert_valid(name, Workdir::new(name, &[("main.tf.json", main)]));
}

fn assert_valid(name: &str, work: Workdir) {
    work.init();
    let diagnostics = work.validate();
    assert!(
        diagnostics.is_empty(),
        "terraform validate ({name}): {} diagnostic(s):\n{}",
        diagnostics.len(),
        diagnostics.join("\n")
    );
}

#[test]
fn the_infra_root_validates_against_the_real_aws_provider() {
    if skip_or_require_terraform() {
        return;
    }
    let main = artifacts().files.get("terraform/infra/main.tf.json").expect("the infra root is rendered");
    assert_validates("validate-infra", main);
}

/// A production environment renders the retained log archive (Object Lock, `prevent_destroy`, the deny
/// statements) in the archive root; its infra root reads it by name. A destroyable archive root validates too.
/// (One `terraform validate`, the three roots as modules.)
#[test]
fn the_retained_archive_of_production_validates_too() {
    if skip_or_require_terraform() {
        return;
    }
    let json = |doc: Value| serde_json::to_vec(&doc).expect("JSON serializes");
    let archive = artifacts().files.get("terraform/archive/main.tf.json").expect("the archive root is rendered");
    let roots = [
        ("infra_prod".to_owned(), json(infra_for("prod"))),
        ("archive_prod".to_owned(), json(archive_for("prod"))),
        ("archive".to_owned(), archive.clone()),
    ];
    assert_valid("validate-prod", Workdir::with_modules("validate-prod", &roots));
}

/// The state bucket's root (`platform state-bucket`), with its TLS-only bucket policy, which the moto run leaves out.
#[test]
fn the_state_bucket_root_validates() {
    if skip_or_require_terraform() {
        return;
    }
    let checked =
        platform_core::check_platform(platform_tests::platform(), &platform_core::check::today()).expect("valid");
    let root = platform_core::render::state::render(&checked).to_json();
    assert!(root.contains("aws_s3_bucket_policy"), "the root has its bucket policy");
    assert_validates("validate-state-bucket", root.as_bytes());
}

/// The one-token change: the infra root rendered at every carried Kubernetes version validates (one
/// `terraform validate`, each version's root a module).
#[test]
fn the_infra_root_validates_at_every_carried_version() {
    if skip_or_require_terraform() {
        return;
    }
    let roots: Vec<(String, Vec<u8>)> = carried()
        .map(|release| {
            let artifacts = render_for(release.version);
            let main = artifacts.files.get("terraform/infra/main.tf.json").expect("the infra root is rendered");
            (format!("kubernetes_{}", release.version.replace('.', "_")), main.clone())
        })
        .collect();
    assert!(roots.len() > 1, "more than one carried version");
    let work = Workdir::with_modules("validate-infra-versions", &roots);
    assert_valid("validate-infra-versions", work);
}

/// The same harness fails on a broken root: an unknown attribute and a missing required one are both reported.
#[test]
fn terraform_validate_catches_a_broken_root() {
    if skip_or_require_terraform() {
        return;
    }
    let broken = serde_json::json!({
        "terraform": { "required_providers": { "aws": { "source": "hashicorp/aws" } } },
        "provider": { "aws": [{ "region": "us-east-2" }] },
        "resource": {
            "aws_cloudwatch_log_group": { "lg": { "name": "x", "retention_days": 90 } },
            "aws_kms_alias": { "a": { "name": "alias/x" } }
        }
    });
    let work = Workdir::new("validate-broken", &[("main.tf.json", &serde_json::to_vec(&broken).unwrap())]);
    work.init();
    let diagnostics = work.validate().join("\n");
    assert!(diagnostics.contains("retention_days"), "unknown attribute not reported:\n{diagnostics}");
    assert!(diagnostics.contains("target_key_id"), "missing required attribute not reported:\n{diagnostics}");

    // And as one module of several (the harness of the tests above): reported, in the broken module's file.
    let valid = artifacts().files.get("terraform/archive/main.tf.json").expect("the archive root is rendered");
    let roots = [("valid".to_owned(), valid.clone()), ("broken".to_owned(), serde_json::to_vec(&broken).unwrap())];
    let work = Workdir::with_modules("validate-broken-module", &roots);
    work.init();
    let diagnostics = work.validate();
    assert!(!diagnostics.is_empty(), "a broken module validates");
    assert!(diagnostics.iter().all(|d| d.contains("broken/main.tf.json")), "{}", diagnostics.join("\n"));
    let diagnostics = diagnostics.join("\n");
    assert!(diagnostics.contains("retention_days"), "unknown attribute not reported in a module:\n{diagnostics}");
    assert!(
        diagnostics.contains("target_key_id"),
        "missing required attribute not reported in a module:\n{diagnostics}"
    );
}
