//! `platform check`, `platform graph`, `platform cost` and `platform upgrade-path` as a user runs them.
//!
//! The graph goldens (`tests/golden/graph.{mmd,dot}`) are the reviewed diagrams of the customer's platform;
//! after a deliberate change, regenerate them with `platform graph [--format dot] > tests/golden/graph.…` and
//! review the diff. The README's diagram must be the Mermaid golden.

use std::process::{Command, Output};

use platform_bin::customer_platform;
use platform_core::catalog::kubernetes::carried;

fn platform(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_platform")).args(args).output().expect("the binary runs")
}

fn stdout(out: &Output) -> String {
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout.clone()).expect("UTF-8")
}

#[test]
fn graph_matches_the_goldens() {
    assert_eq!(stdout(&platform(&["graph"])), include_str!("golden/graph.mmd"));
    assert_eq!(stdout(&platform(&["graph", "--format", "dot"])), include_str!("golden/graph.dot"));
}

#[test]
fn the_readme_diagram_is_the_graph() {
    let readme = include_str!("../../README.md");
    let diagram = format!("```mermaid\n{}```", include_str!("golden/graph.mmd"));
    assert!(readme.contains(&diagram), "README's diagram differs from `platform graph`");
}

#[test]
fn check_reports_the_support_window_warning_and_exits_0() {
    let text = stdout(&platform(&["check"]));
    assert!(text.starts_with("warning: versions/support-window: Kubernetes `1.28` left EKS"), "{text}");
    let json: serde_json::Value = serde_json::from_str(&stdout(&platform(&["check", "--format", "json"]))).unwrap();
    let findings = json.as_array().expect("a list of findings");
    assert_eq!(findings.len(), 1, "{json}");
    assert_eq!(findings[0]["rule"], "versions/support-window");
    assert_eq!(findings[0]["severity"], "warning");
    assert_eq!(findings[0]["path"], "kubernetes");
}

#[test]
fn cost_is_an_estimate_with_a_spot_saving() {
    let text = stdout(&platform(&["cost"]));
    assert!(text.starts_with("ESTIMATE of the monthly cost of platform `fintech` in us-east-2"), "{text}");
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
        let line = failure(&platform(&["upgrade-path", "--to", to]));
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
        assert!(!platform(&["upgrade-path", "--to", newest]).status.success());
        return;
    }
    let minors = |v: &str| v.split('.').nth(1).unwrap().parse::<usize>().unwrap();
    let steps = minors(newest) - minors(&declared);
    let text = stdout(&platform(&["upgrade-path", "--to", newest]));
    assert!(
        text.starts_with(&format!("Upgrade path of platform `fintech`: Kubernetes {declared} → {newest}")),
        "{text}"
    );
    assert!(text.contains(&format!("catalog as of {}", platform_core::catalog::AS_OF)), "{text}");
    assert_eq!(text.matches("\nStep ").count(), steps, "{text}");
    assert_eq!(text.matches(". infra root: terraform").count(), steps, "one infra apply per step: {text}");

    let out = platform(&["upgrade-path", "--to", newest, "--format", "json"]);
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
    use clap::Parser;
    use platform_bin::cli::{execute, Cli};

    let mut p = platform_core::sample::customer_platform();
    p.region = "eu-west-1".into();
    p.availability_zones = ["a", "b", "c"].iter().map(|z| format!("eu-west-1{z}")).collect();
    for format in ["text", "json"] {
        let cli = Cli::try_parse_from(["platform", "cost", "--format", format]).unwrap();
        let mut stdout = Vec::new();
        let error = execute(cli, &p, &mut stdout).expect_err("eu-west-1 has no price table");
        assert_eq!(error.lines().count(), 1, "{error}");
        assert!(error.contains("`eu-west-1`") && error.contains("us-east-2"), "{error}");
        assert!(stdout.is_empty(), "no estimate printed");
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
