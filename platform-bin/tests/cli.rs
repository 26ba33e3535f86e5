//! The `platform` binary as a user runs it: exit codes, one-line errors, deterministic and atomic output.

use std::fs;
use std::path::Path;
use std::process::{Command, Output};

fn platform(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_platform")).args(args).output().expect("the binary runs")
}

fn render(suffix: &str, out: &Path) -> Output {
    platform(&["render", "--environment-suffix", suffix, "--out", out.to_str().unwrap()])
}

#[test]
fn render_writes_the_infra_root() {
    let dir = tempfile::tempdir().unwrap();
    let out = render("dev", dir.path());
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let infra = dir.path().join("terraform/infra/main.tf.json");
    let json: serde_json::Value = serde_json::from_slice(&fs::read(&infra).unwrap()).unwrap();
    assert!(json.is_object());
    assert!(String::from_utf8_lossy(&out.stdout).contains("main.tf.json"));
}

#[test]
fn two_renders_are_byte_identical() {
    let (a, b) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    assert!(render("dev", a.path()).status.success());
    assert!(render("dev", b.path()).status.success());
    let path = "terraform/infra/main.tf.json";
    assert_eq!(fs::read(a.path().join(path)).unwrap(), fs::read(b.path().join(path)).unwrap());
}

#[test]
fn a_bad_suffix_is_one_line_exit_1_and_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let out_dir = dir.path().join("out");
    for bad in ["Dev", "dev-1", "", "waytoolongsuffix", "1dev"] {
        let out = render(bad, &out_dir);
        assert_eq!(out.status.code(), Some(1), "suffix {bad:?}");
        let stderr = String::from_utf8(out.stderr).unwrap();
        assert_eq!(stderr.lines().count(), 1, "one line for {bad:?}: {stderr}");
        assert!(stderr.starts_with("error: the environment suffix"), "{stderr}");
        assert!(!out_dir.exists(), "nothing written for {bad:?}");
    }
}

#[test]
fn a_failed_render_keeps_the_previous_output() {
    let dir = tempfile::tempdir().unwrap();
    assert!(render("dev", dir.path()).status.success());
    let path = dir.path().join("terraform/infra/main.tf.json");
    let before = fs::read(&path).unwrap();
    assert!(!render("BAD", dir.path()).status.success());
    assert_eq!(fs::read(&path).unwrap(), before);
}

#[test]
fn usage_errors_exit_2() {
    assert_eq!(platform(&["render"]).status.code(), Some(2));
    assert_eq!(platform(&["frobnicate"]).status.code(), Some(2));
}

fn render_with_account(account_id: &str, out: &Path) -> Output {
    platform(&["render", "--environment-suffix", "dev", "--account-id", account_id, "--out", out.to_str().unwrap()])
}

#[test]
fn an_account_id_renders_the_manifests_too() {
    let dir = tempfile::tempdir().unwrap();
    let out = render_with_account("111122223333", dir.path());
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(dir.path().join("terraform/cluster/main.tf.json").is_file());
    assert!(dir.path().join("manifests/kustomization.yaml").is_file());
    assert!(dir.path().join("manifests/helm/calico-values.yaml").is_file());
}

#[test]
fn without_an_account_id_only_the_terraform_roots() {
    let dir = tempfile::tempdir().unwrap();
    assert!(render("dev", dir.path()).status.success());
    assert!(dir.path().join("terraform/cluster/main.tf.json").is_file());
    assert!(dir.path().join("terraform/cluster/charts/platform-policies/Chart.yaml").is_file());
    assert!(!dir.path().join("manifests").exists());
}

#[test]
fn a_bad_account_id_is_one_line_exit_1_and_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let out_dir = dir.path().join("out");
    for bad in ["", "12345678901", "1234567890123", "11112222333a", "arn:aws:iam::111122223333"] {
        let out = render_with_account(bad, &out_dir);
        assert_eq!(out.status.code(), Some(1), "account id {bad:?}");
        let stderr = String::from_utf8(out.stderr).unwrap();
        assert_eq!(stderr.lines().count(), 1, "one line for {bad:?}: {stderr}");
        assert!(stderr.starts_with("error: the account id"), "{stderr}");
        assert!(!out_dir.exists(), "nothing written for {bad:?}");
    }
}

#[test]
fn a_render_without_the_account_id_removes_the_stale_manifests() {
    let dir = tempfile::tempdir().unwrap();
    assert!(render_with_account("111122223333", dir.path()).status.success());
    assert!(dir.path().join("manifests/00-namespaces.yaml").is_file());
    assert!(render("dev", dir.path()).status.success());
    assert!(!dir.path().join("manifests/00-namespaces.yaml").exists());
}
