//! `terraform init` + `terraform validate` on the rendered infra root, offline, against the real hashicorp/aws
//! provider schema (5.100.0, installed on the test machines as a filesystem mirror).
//!
//! Finding the mirror: `TF_PROVIDER_MIRROR` (a directory holding `registry.terraform.io/hashicorp/aws/…`), else the
//! usual plugin directories, else a bounded walk of a few roots. `PLATFORM_SKIP_TERRAFORM=1` skips the test on
//! purpose; otherwise a missing `terraform` or mirror fails it with one line.
//!
//! The working directory (and so `.terraform` with the installed provider) is kept under the cargo target
//! directory, so only the first run pays for the provider install.

use std::path::{Path, PathBuf};
use std::process::Command;

use platform_tests::artifacts;
use serde_json::Value;

const PROVIDER: &str = "registry.terraform.io/hashicorp/aws";
const PROVIDER_VERSION: &str = "5.100.0";

fn has_provider(root: &Path) -> bool {
    root.join(PROVIDER).join(PROVIDER_VERSION).is_dir()
}

/// Breadth-first walk of `root`, at most `depth` levels, for a directory that holds the provider.
fn walk(root: &Path, depth: usize) -> Option<PathBuf> {
    let mut level = vec![root.to_path_buf()];
    for _ in 0..=depth {
        let mut next = Vec::new();
        for dir in level {
            if has_provider(&dir) {
                return Some(dir);
            }
            let Ok(entries) = std::fs::read_dir(&dir) else { continue };
            for entry in entries.flatten() {
                let is_dir = entry.file_type().map(|t| t.is_dir()).unwrap_or(false);
                let name = entry.file_name();
                let name = name.to_string_lossy();
                if is_dir && !name.starts_with('.') && name != "proc" && name != "sys" {
                    next.push(entry.path());
                }
            }
        }
        level = next;
    }
    None
}

fn find_mirror() -> Result<PathBuf, String> {
    if let Some(dir) = std::env::var_os("TF_PROVIDER_MIRROR") {
        let dir = PathBuf::from(dir);
        return if has_provider(&dir) {
            Ok(dir)
        } else {
            Err(format!("TF_PROVIDER_MIRROR={} does not hold {PROVIDER}/{PROVIDER_VERSION}", dir.display()))
        };
    }
    let home = std::env::var_os("HOME").map(PathBuf::from);
    let mut usual: Vec<PathBuf> =
        vec!["/usr/share/terraform/plugins".into(), "/usr/local/share/terraform/plugins".into()];
    if let Some(home) = &home {
        usual.push(home.join(".terraform.d/plugins"));
        usual.push(home.join(".local/share/terraform/plugins"));
    }
    if let Some(found) = usual.iter().find(|d| has_provider(d)) {
        return Ok(found.clone());
    }
    let mut roots: Vec<PathBuf> = vec!["/opt".into(), "/usr/local".into(), "/usr/share".into(), "/srv".into()];
    roots.extend(home);
    roots.iter().find_map(|r| walk(r, 4)).ok_or_else(|| {
        format!(
            "no filesystem mirror of {PROVIDER} {PROVIDER_VERSION} found; set TF_PROVIDER_MIRROR to the directory \
                 holding `registry.terraform.io` (or PLATFORM_SKIP_TERRAFORM=1 to skip this test)"
        )
    })
}

fn target_dir() -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("..").join("target"))
}

fn terraform(dir: &Path, cli_config: &Path, args: &[&str]) -> std::process::Output {
    Command::new("terraform")
        .args(args)
        .current_dir(dir)
        .env("TF_CLI_CONFIG_FILE", cli_config)
        .env("TF_IN_AUTOMATION", "1")
        .env("CHECKPOINT_DISABLE", "1")
        .env_remove("TF_DATA_DIR")
        .output()
        .unwrap_or_else(|e| panic!("running terraform {args:?}: {e}"))
}

#[test]
fn the_infra_root_validates_against_the_real_aws_provider() {
    if std::env::var("PLATFORM_SKIP_TERRAFORM").as_deref() == Ok("1") {
        eprintln!("skipped: PLATFORM_SKIP_TERRAFORM=1");
        return;
    }
    if Command::new("terraform").arg("version").output().is_err() {
        panic!("`terraform` is not on PATH (needed to validate the infra root; PLATFORM_SKIP_TERRAFORM=1 skips)");
    }
    let mirror = find_mirror().unwrap_or_else(|e| panic!("{e}"));

    let work = target_dir().join("terraform-validate").join("infra");
    std::fs::create_dir_all(&work).expect("create the terraform work dir");
    let main = artifacts().files.get("terraform/infra/main.tf.json").expect("the infra root is rendered");
    std::fs::write(work.join("main.tf.json"), main).expect("write main.tf.json");

    let config_dir = tempfile::tempdir().expect("tempdir");
    let cli_config = config_dir.path().join("terraform.rc");
    let mirror_path = serde_json::to_string(&mirror.to_string_lossy()).expect("a path serializes");
    std::fs::write(
        &cli_config,
        format!(
            "provider_installation {{\n  filesystem_mirror {{\n    path    = {mirror_path}\n    include = [\"{PROVIDER}\"]\n  }}\n  \
             direct {{\n    exclude = [\"{PROVIDER}\"]\n  }}\n}}\n"
        ),
    )
    .expect("write the CLI config");

    let init = terraform(&work, &cli_config, &["init", "-backend=false", "-input=false", "-no-color"]);
    assert!(
        init.status.success(),
        "terraform init failed:\n{}\n{}",
        String::from_utf8_lossy(&init.stdout),
        String::from_utf8_lossy(&init.stderr)
    );

    let validate = terraform(&work, &cli_config, &["validate", "-json", "-no-color"]);
    let report: Value = serde_json::from_slice(&validate.stdout).unwrap_or_else(|e| {
        panic!(
            "terraform validate -json printed no JSON ({e}):\n{}\n{}",
            String::from_utf8_lossy(&validate.stdout),
            String::from_utf8_lossy(&validate.stderr)
        )
    });
    let diagnostics = report["diagnostics"].as_array().cloned().unwrap_or_default();
    let listing: Vec<String> = diagnostics
        .iter()
        .map(|d| {
            format!(
                "{}: {} — {} ({}:{})",
                d["severity"].as_str().unwrap_or("?"),
                d["summary"].as_str().unwrap_or(""),
                d["detail"].as_str().unwrap_or(""),
                d["range"]["filename"].as_str().unwrap_or("-"),
                d["range"]["start"]["line"]
            )
        })
        .collect();
    assert!(
        report["valid"] == Value::Bool(true) && diagnostics.is_empty(),
        "terraform validate: valid={}, {} diagnostic(s):\n{}",
        report["valid"],
        diagnostics.len(),
        listing.join("\n")
    );
}
