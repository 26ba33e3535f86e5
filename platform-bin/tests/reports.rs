//! `platform check`, `platform graph`, `platform cost` and `platform upgrade-path` as a user runs them, on the
//! platform the binary declares (`src/platform.rs`, which users edit: expectations are derived from it).
//!
//! The graph goldens (`tests/golden/graph.{mmd,dot}`) are the reviewed diagrams of the tests' own platform
//! (`tests/fixture/mod.rs`); after a deliberate change, regenerate them with
//! `PLATFORM_GOLDEN=overwrite cargo test -p platform-bin --test reports` and review the diff.

mod fixture;

use std::process::{Command, Output};

use clap::Parser;
use platform_cli::cli::{execute, Cli};
use platform_core::catalog::kubernetes::carried;
use platform_tests::customer_platform;

fn platform(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_platform")).args(args).output().expect("the binary runs")
}

fn stdout(out: &Output) -> String {
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout.clone()).expect("UTF-8")
}

/// `platform <args>` run in-process on `p`: its standard output, or its one error line.
fn run_on(p: &platform_core::Platform, args: &[&str]) -> Result<String, String> {
    let cli = Cli::try_parse_from(std::iter::once("platform").chain(args.iter().copied())).expect("valid arguments");
    let mut out = Vec::new();
    execute(cli, p, &mut out).map(|()| String::from_utf8(out).expect("UTF-8"))
}

#[test]
fn graph_matches_the_goldens() {
    let p = fixture::platform();
    for (args, golden) in [(&["graph"][..], "graph.mmd"), (&["graph", "--format", "dot"][..], "graph.dot")] {
        let drawn = run_on(&p, args).expect("graph draws");
        let path = format!("{}/tests/golden/{golden}", env!("CARGO_MANIFEST_DIR"));
        if std::env::var_os("PLATFORM_GOLDEN").is_some_and(|v| v == "overwrite") {
            std::fs::write(&path, &drawn).unwrap();
        }
        assert_eq!(drawn, std::fs::read_to_string(&path).unwrap(), "{golden} differs from `platform {args:?}`");
    }
}

/// The binary draws the platform it declares: one box per declared tenant and IRSA binding.
#[test]
fn graph_draws_the_declared_platform() {
    let declared = customer_platform();
    let text = stdout(&platform(&["graph"]));
    assert_eq!(text, run_on(&declared, &["graph"]).unwrap());
    for t in &declared.tenants {
        let namespace = platform_core::naming::label(&t.name);
        assert!(text.contains(&format!("  tenant_{}[\"tenant {namespace}<br/>", t.name)), "{t:?} in\n{text}");
    }
    assert_eq!(text.matches("  irsa_").count(), declared.irsa.len(), "{text}");
}

#[test]
fn check_prints_what_the_rules_find_and_exits_0_on_warnings() {
    let today = platform_core::check::today();
    let findings = platform_core::check::findings(&customer_platform(), &today);
    assert!(!findings.has_errors(), "the declared platform compiles, so it breaks no rule: {findings}");
    let text = stdout(&platform(&["check"]));
    for f in &findings.0 {
        assert!(text.contains(&format!("{}: {f}\n  at: {}\n", f.severity, f.path)), "{f} in\n{text}");
    }
    assert_eq!(text == "no findings\n", findings.0.is_empty(), "{text}");
    let json: serde_json::Value = serde_json::from_str(&stdout(&platform(&["check", "--format", "json"]))).unwrap();
    assert_eq!(json, serde_json::to_value(&findings).unwrap());
    // A platform of the tests' own past EKS standard support: the warning names the rule and the version.
    let mut old = fixture::platform();
    old.kubernetes = carried().next().unwrap().version.to_owned();
    let text = run_on(&old, &["check"]).expect("warnings exit 0");
    assert!(text.starts_with(&format!("warning: versions/support-window: Kubernetes `{}` left EKS", old.kubernetes)));
}

#[test]
fn cost_is_an_estimate_with_a_spot_saving() {
    let p = customer_platform();
    let text = stdout(&platform(&["cost"]));
    let head = format!("ESTIMATE of the monthly cost of platform `{}` in {}", p.name, p.region);
    assert!(text.starts_with(&head), "{text}");
    let json: serde_json::Value = serde_json::from_str(&stdout(&platform(&["cost", "--format", "json"]))).unwrap();
    let (total, baseline) = (json["total_max"].as_f64().unwrap(), json["on_demand_baseline_max"].as_f64().unwrap());
    assert!(total > 0.0 && baseline > total, "{json}");
    let lines = json["lines"].as_array().unwrap();
    let sum: f64 = lines.iter().map(|l| l["max"].as_f64().unwrap()).sum();
    assert!((sum - total).abs() < 1e-6);
}

#[test]
fn an_unknown_format_is_a_usage_error() {
    let out = platform(&["graph", "--format", "png"]);
    assert_eq!(out.status.code(), Some(2));
}

fn failure(out: &Output) -> String {
    assert_eq!(out.status.code(), Some(1), "{}", String::from_utf8_lossy(&out.stdout));
    let stderr = String::from_utf8(out.stderr.clone()).expect("UTF-8");
    let errors: Vec<&str> = stderr.lines().filter(|l| !l.starts_with("warning: ")).collect();
    assert_eq!(errors.len(), 1, "one line: {stderr}");
    errors[0].to_owned()
}

#[test]
fn upgrade_path_refuses_what_it_cannot_plan_naming_the_carried_versions() {
    let carried: Vec<String> = carried().map(|r| format!("`{}`", r.version)).collect();
    let declared = customer_platform().kubernetes;
    for to in [declared.as_str(), "1.27", "1.99", "next"] {
        let line = failure(&platform(&["upgrade-path", "--to", to, "--environment-suffix", "prod"]));
        assert!(line.starts_with(&format!("error: `--to {to}`: ")), "{line}");
        assert!(line.ends_with(&carried.join(", ")), "{line}");
    }
    assert_eq!(platform(&["upgrade-path"]).status.code(), Some(2), "--to is required");
}

/// To the newest carried version, when the catalog carries one newer than the declared version.
#[test]
fn upgrade_path_prints_one_step_per_minor_as_text_and_json() {
    let (declared, newest) = (customer_platform().kubernetes, carried().last().unwrap().version);
    if newest == declared {
        assert!(!platform(&["upgrade-path", "--to", newest, "--environment-suffix", "prod"]).status.success());
        return;
    }
    let minors = |v: &str| v.split('.').nth(1).unwrap().parse::<usize>().unwrap();
    let steps = minors(newest) - minors(&declared);
    let text = stdout(&platform(&["upgrade-path", "--to", newest, "--environment-suffix", "prod"]));
    assert!(
        text.starts_with(&format!(
            "Upgrade path of platform `{}`: Kubernetes {declared} → {newest}",
            customer_platform().name
        )),
        "{text}"
    );
    assert!(text.contains(&format!("catalog as of {}", platform_core::catalog::AS_OF)), "{text}");
    assert_eq!(text.matches("\nStep ").count(), steps, "{text}");
    assert_eq!(text.matches(". infra root: terraform").count(), steps, "one infra apply per step: {text}");
    // Every command is one of the step list `platform deploy` runs, for the environment's directory (the cluster
    // root's may be `-target`ed): no variable the root lacks, none missing.
    use platform_core::deploy::{shell, step_of, Root, Sequence};
    let list = Root::ALL.map(|r| shell(&step_of(Sequence::Change, r).direct_apply_command("out/prod")));
    for command in text.lines().filter_map(|l| l.split_once(": terraform ").map(|(_, c)| format!("terraform {c}"))) {
        let known = list.iter().any(|c| command == *c || command.starts_with(&format!("{c} -target=")));
        assert!(known, "`{command}` is not a step-list command");
    }

    let out = platform(&["upgrade-path", "--to", newest, "--environment-suffix", "prod", "--format", "json"]);
    let json: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!((json["from"].as_str(), json["to"].as_str()), (Some(declared.as_str()), Some(newest)));
    let steps_json = json["steps"].as_array().unwrap();
    assert_eq!(steps_json.len(), steps);
    assert_eq!(steps_json[0]["from"], declared.as_str());
    assert_eq!(steps_json[steps - 1]["to"], newest);
    for s in steps_json {
        let stages: Vec<&str> = s["order"].as_array().unwrap().iter().map(|p| p["stage"].as_str().unwrap()).collect();
        assert_eq!(stages.iter().filter(|s| **s == "infra").count(), 1, "{s}");
    }
}

#[test]
fn cost_refuses_a_region_without_prices() {
    let p = fixture::platform();
    assert!(!platform_core::catalog::prices::PRICED_REGIONS.contains(&p.region.as_str()));
    for format in ["text", "json"] {
        let error = run_on(&p, &["cost", "--format", format]).expect_err("the fixture's region has no price table");
        assert_eq!(error.lines().count(), 1, "{error}");
        assert!(error.contains(&format!("`{}`", p.region)) && error.contains("us-east-2"), "{error}");
    }
}

#[test]
fn versions_lists_every_carried_version_with_its_phase_and_the_declared_one() {
    let declared = customer_platform().kubernetes;
    let text = stdout(&platform(&["versions"]));
    let first: Vec<&str> = text.lines().map(|l| l.split('\t').next().unwrap()).collect();
    assert_eq!(first, carried().map(|r| r.version).collect::<Vec<_>>(), "{text}");
    let marked: Vec<&str> = text.lines().filter(|l| l.ends_with(" (declared)")).collect();
    assert_eq!(marked.len(), 1, "{text}");
    assert!(marked[0].starts_with(&format!("{declared}\t")), "{text}");

    let json: serde_json::Value = serde_json::from_str(&stdout(&platform(&["versions", "--format", "json"]))).unwrap();
    let today = platform_core::check::today();
    for (row, release) in json.as_array().unwrap().iter().zip(carried()) {
        assert_eq!(row["version"], release.version);
        assert_eq!(row["phase"], serde_json::to_value(release.phase(&today)).unwrap());
        assert_eq!(row["declared"], release.version == declared);
    }
}

/// `platform compliance` prints the mapping resolved against the declared platform's render for the suffix given:
/// Markdown (as the library prints it) by default, JSON with every piece present; a bad suffix is one line.
#[test]
fn compliance_prints_the_mapping_with_its_evidence_as_markdown_and_json() {
    use platform_core::report::compliance::TABLE;
    let declared = customer_platform();
    for suffix in ["prod", "dev"] {
        let text = stdout(&platform(&["compliance", "--environment-suffix", suffix]));
        assert_eq!(text, run_on(&declared, &["compliance", "--environment-suffix", suffix]).unwrap());
        assert!(text.contains(&format!("`platform compliance --environment-suffix {suffix}`")), "{text}");
        assert!(!text.contains("**missing**"), "{text}");
        for row in TABLE {
            assert!(text.contains(&format!("\n| {} {} | ", row.id, row.title)), "no row for {}", row.id);
        }
        let json = stdout(&platform(&["compliance", "--environment-suffix", suffix, "--format", "json"]));
        let json: serde_json::Value = serde_json::from_str(&json).expect("JSON");
        assert_eq!(json["environment_suffix"], suffix);
        let rows = json["rows"].as_array().unwrap();
        assert_eq!(rows.len(), TABLE.len());
        for row in rows {
            let evidence = row["evidence"].as_array().unwrap();
            let shown = |e: &serde_json::Value| e["present"] == true || e["applies"] == false;
            assert!(!evidence.is_empty() && evidence.iter().all(shown), "{row}");
        }
    }
    let line = failure(&platform(&["compliance", "--environment-suffix", "Prod"]));
    assert!(line.starts_with("error: ") && line.contains("Prod"), "{line}");
    assert_eq!(platform(&["compliance"]).status.code(), Some(2), "--environment-suffix is required");
}
