//! The PCI mapping (`platform-core/src/report/compliance.rs`) claims nothing it cannot show: every resource and
//! object it names is in the render of the customer's platform, for every carried Kubernetes version and for a
//! retained and a destroyable environment; every test it names is a `#[test]` function of the file it names; every
//! rule is in the registry; and evidence taken out of a render is reported missing.

use platform_core::catalog::kubernetes::carried;
use platform_core::render::cluster::isolation::policy_name;
use platform_core::render::{Artifacts, RenderOptions};
use platform_core::report::compliance::{resolve, Report, Test, TABLE};
use platform_core::{check::today, check_platform, Rule};
use platform_tests::{check_and_render, platform};
use serde_json::Value;

/// The customer's platform at `kubernetes`, rendered for `suffix` as `platform compliance` renders it.
fn report_for(kubernetes: &str, suffix: &str, edit: impl FnOnce(&mut Artifacts)) -> Report {
    let mut p = platform().clone();
    p.kubernetes = kubernetes.to_owned();
    let options = RenderOptions { environment_suffix: suffix.to_owned(), account_id: None };
    let mut artifacts = check_and_render(&p, &options).expect("the declared platform renders");
    edit(&mut artifacts);
    resolve(&check_platform(&p, &today()).unwrap(), &artifacts, suffix, TABLE)
}

#[test]
fn every_named_resource_is_in_the_render_of_every_carried_version() {
    // `prod` keeps its archive, `dev` is declared destroyable: both must hold every claimed piece.
    for version in carried() {
        for suffix in ["prod", "dev"] {
            let report = report_for(version.version, suffix, |_| ());
            assert_eq!(report.missing_line(), None, "Kubernetes {}", version.version);
            // Retained-only evidence (Object Lock) applies in `prod`, nowhere else.
            let not_applying: Vec<&str> = report
                .rows
                .iter()
                .flat_map(|r| &r.evidence)
                .filter(|f| !f.applies)
                .map(|f| f.evidence.as_str())
                .collect();
            let expected: &[&str] = match suffix {
                "prod" => &[],
                _ => &["archive aws_s3_bucket_object_lock_configuration.log_archive"],
            };
            assert_eq!(not_applying, expected, "Kubernetes {} `{suffix}`", version.version);
            for row in &report.rows {
                assert!(!row.evidence.is_empty(), "{} claims without evidence", row.requirement);
                assert!(!row.tests.is_empty(), "{} claims without a test", row.requirement);
            }
        }
    }
}

/// The requirements issue 17 asks the mapping for are each a row.
#[test]
fn the_mapping_covers_the_requirements_the_platform_claims() {
    let ids: Vec<&str> = TABLE.iter().flat_map(|r| r.id.split(", ")).collect();
    for id in ["1.3", "1.4", "2.2", "3.5.1", "4.2.1", "7.2", "8.2.1", "10.2", "10.3.2", "10.5.1", "10.7.2"] {
        assert!(ids.contains(&id), "no row for PCI DSS {id}");
    }
}

/// The table names rules by the registry's type, so a removed rule does not compile; its ids are the ones the
/// build reports and the README's rule table lists.
#[test]
fn every_named_rule_is_in_the_registry() {
    let readme = include_str!("../../README.md");
    for rule in TABLE.iter().flat_map(|r| r.rules) {
        assert!(Rule::ALL.contains(rule), "{rule}");
        assert!(readme.contains(&format!("| `{}` |", rule.id())), "{rule} is not in the README's rule table");
    }
}

/// Whether `source` has a function `name` marked `#[test]` (other attributes and doc comments may sit between).
fn has_test(source: &str, name: &str) -> bool {
    let lines: Vec<&str> = source.lines().map(str::trim).collect();
    lines.iter().enumerate().any(|(i, line)| {
        line.starts_with(&format!("fn {name}(")) && {
            let above = lines[..i].iter().rev().take_while(|l| l.starts_with("#[") || l.starts_with("///"));
            above.into_iter().any(|l| *l == "#[test]")
        }
    })
}

fn source(test: &Test) -> String {
    let path = format!("{}/../{}", env!("CARGO_MANIFEST_DIR"), test.file);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", test.file))
}

#[test]
fn every_named_test_exists() {
    for test in TABLE.iter().flat_map(|r| r.tests) {
        assert!(has_test(&source(test), test.name), "{}::{} is no #[test] function", test.file, test.name);
    }
}

#[test]
fn a_helper_or_an_unknown_name_is_no_test() {
    let pci = source(&Test { file: "tests/tests/pci.rs", name: "" });
    assert!(has_test(&pci, "pci_tenants_share_no_node_with_a_host_network_controller"));
    // A helper of the same file, a prefix of a test's name, a name that is nowhere.
    for name in ["groups", "pci_tenants_share_no_node", "the_archive_is_immutable"] {
        assert!(!has_test(&pci, name), "{name}");
    }
    assert!(has_test("#[test]\n/// why\n#[ignore]\nfn x() {}", "x"));
    assert!(!has_test("#[test]\nfn y() {}\n\nfn x() {}", "x"));
}

/// A render without the archive bucket, or without the tenants' Calico policies, is reported missing exactly
/// there, and the command's one line names it.
#[test]
fn evidence_taken_out_of_the_render_is_missing() {
    let version = platform().kubernetes.as_str();
    let without_archive = report_for(version, "prod", |a| {
        let path = "terraform/archive/main.tf.json";
        let mut archive: Value = serde_json::from_slice(&a.files[path]).unwrap();
        archive["resource"]["aws_s3_bucket"].as_object_mut().unwrap().remove("log_archive");
        a.files.insert(path.into(), serde_json::to_vec(&archive).unwrap());
    });
    let missing: Vec<&str> = without_archive.missing().map(|f| f.evidence.as_str()).collect();
    assert_eq!(missing, ["archive aws_s3_bucket.log_archive"]);
    assert!(without_archive.missing_line().unwrap().contains("archive aws_s3_bucket.log_archive"));

    let without_policies = report_for(version, "prod", |a| a.files.retain(|path, _| !path.contains("calico-policies")));
    let missing: Vec<&str> = without_policies.missing().map(|f| f.evidence.as_str()).collect();
    let versions = check_platform(platform(), &today()).unwrap().chart_versions();
    let expected: Vec<String> = platform()
        .tenants
        .iter()
        .map(|t| format!("isolation-{}", platform_core::naming::label(&t.name)))
        .map(|name| format!("GlobalNetworkPolicy {}", policy_name(versions, &name)))
        .collect();
    assert_eq!(missing, expected);
}
