//! Running the real `terraform` binary on rendered roots, offline.
//!
//! Finding the provider mirror: `TF_PROVIDER_MIRROR` (a directory holding `registry.terraform.io/hashicorp/aws/…`),
//! else the usual plugin directories, else a bounded walk of a few roots. `PLATFORM_SKIP_TERRAFORM=1` skips the
//! tests that need Terraform on purpose; otherwise a missing `terraform` or mirror fails them with one line.
//!
//! Working directories are kept under the cargo target directory, so only the first run pays for the provider
//! install.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::Value;

/// The provider address installed from the filesystem mirror.
pub const PROVIDER: &str = "registry.terraform.io/hashicorp/aws";
/// The mirrored provider version.
pub const PROVIDER_VERSION: &str = "5.100.0";
/// The name of the test-only override file the harness writes beside a *copy* of a rendered root.
pub const OVERRIDE_FILE: &str = "zz_test_override.tf.json";

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

/// The directory holding `registry.terraform.io/hashicorp/aws/<version>`.
pub fn find_mirror() -> Result<PathBuf, String> {
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

/// The cargo target directory (where working directories are kept).
pub fn target_dir() -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("..").join("target"))
}

/// `true` when the caller should skip on purpose (`PLATFORM_SKIP_TERRAFORM=1`); panics with one line when
/// `terraform` is missing.
pub fn skip_or_require_terraform() -> bool {
    if std::env::var("PLATFORM_SKIP_TERRAFORM").as_deref() == Ok("1") {
        eprintln!("skipped: PLATFORM_SKIP_TERRAFORM=1");
        return true;
    }
    if Command::new("terraform").arg("version").output().is_err() {
        panic!("`terraform` is not on PATH (needed to run the Terraform tests; PLATFORM_SKIP_TERRAFORM=1 skips)");
    }
    false
}

/// A Terraform working directory holding a copy of one rendered root, plus a CLI config that installs the aws
/// provider from the mirror only.
pub struct Workdir {
    pub dir: PathBuf,
    cli_config: PathBuf,
    _config_dir: tempfile::TempDir,
}

impl Workdir {
    /// A fresh copy of `files` (name → content) in `<target>/terraform-tests/<name>`; stale `*.tf.json` files
    /// from earlier runs are removed, `.terraform` is kept.
    pub fn new(name: &str, files: &[(&str, &[u8])]) -> Workdir {
        let mirror = find_mirror().unwrap_or_else(|e| panic!("{e}"));
        let dir = target_dir().join("terraform-tests").join(name);
        std::fs::create_dir_all(&dir).expect("create the terraform work dir");
        for entry in std::fs::read_dir(&dir).expect("read the work dir").flatten() {
            let path = entry.path();
            let n = entry.file_name().to_string_lossy().into_owned();
            if n.ends_with(".tf.json") || n.ends_with(".tf") || n.starts_with("terraform.tfstate") || n == "plan.bin" {
                std::fs::remove_file(&path).expect("remove a stale file");
            }
        }
        for (file, content) in files {
            let path = dir.join(file);
            std::fs::create_dir_all(path.parent().expect("a file in the work dir")).expect("create its directory");
            std::fs::write(path, content).unwrap_or_else(|e| panic!("write {file}: {e}"));
        }
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
        Workdir { dir, cli_config, _config_dir: config_dir }
    }

    /// A working directory whose root calls each of `roots` (a name, a rendered root) as a module in `./<name>/`,
    /// so that one `terraform validate` checks them all against the provider's schema, loaded once (seconds for
    /// each root on its own). A module is checked as the same file is as a root, with its required variables given
    /// ([`module_input`]); the one thing only a root may hold, a backend, is rendered into a file of its own.
    pub fn with_modules(name: &str, roots: &[(String, Vec<u8>)]) -> Workdir {
        let mut calls = serde_json::Map::new();
        let mut files: Vec<(String, &[u8])> = Vec::new();
        for (module, root) in roots {
            let doc: Value = serde_json::from_slice(root).unwrap_or_else(|e| panic!("{module}: not JSON: {e}"));
            let mut call = serde_json::json!({ "source": format!("./{module}") });
            for (variable, block) in doc["variable"].as_object().into_iter().flatten() {
                if block.get("default").is_none() {
                    call[variable] = module_input(variable);
                }
            }
            calls.insert(module.clone(), call);
            files.push((format!("{module}/main.tf.json"), root));
        }
        let wrapper = serde_json::to_vec_pretty(&serde_json::json!({ "module": calls })).expect("JSON serializes");
        files.push(("main.tf.json".into(), &wrapper));
        let files: Vec<(&str, &[u8])> = files.iter().map(|(f, c)| (f.as_str(), *c)).collect();
        Workdir::new(name, &files)
    }

    /// Runs `terraform <args>` in the working directory.
    pub fn run(&self, args: &[&str]) -> Output {
        Command::new("terraform")
            .args(args)
            .current_dir(&self.dir)
            .env("TF_CLI_CONFIG_FILE", &self.cli_config)
            .env("TF_IN_AUTOMATION", "1")
            .env("CHECKPOINT_DISABLE", "1")
            .env_remove("TF_DATA_DIR")
            .env_remove("TF_LOG")
            .env("AWS_EC2_METADATA_DISABLED", "true")
            .output()
            .unwrap_or_else(|e| panic!("running terraform {args:?}: {e}"))
    }

    /// Runs `terraform <args>` and panics with its output unless it succeeds.
    pub fn run_ok(&self, args: &[&str]) -> Output {
        let out = self.run(args);
        assert!(
            out.status.success(),
            "terraform {args:?} failed:\n{}\n{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        out
    }

    /// `terraform init -backend=false`.
    pub fn init(&self) {
        self.run_ok(&["init", "-backend=false", "-input=false", "-no-color"]);
    }

    /// `terraform validate -json`: the diagnostics as one line each (empty when valid).
    pub fn validate(&self) -> Vec<String> {
        let validate = self.run(&["validate", "-json", "-no-color"]);
        let report: Value = serde_json::from_slice(&validate.stdout).unwrap_or_else(|e| {
            panic!(
                "terraform validate -json printed no JSON ({e}):\n{}\n{}",
                String::from_utf8_lossy(&validate.stdout),
                String::from_utf8_lossy(&validate.stderr)
            )
        });
        let diagnostics = report["diagnostics"].as_array().cloned().unwrap_or_default();
        let mut listing: Vec<String> = diagnostics
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
        if report["valid"] != Value::Bool(true) && listing.is_empty() {
            listing.push("invalid, without diagnostics".into());
        }
        listing
    }
}

/// The value a required variable of a rendered root gets when the root is validated as a module
/// ([`Workdir::with_modules`]): the deploy-time inputs of the infra root, as `platform deploy` passes them.
fn module_input(variable: &str) -> Value {
    use platform_core::render::infra::refs::{ADMIN_ROLES, POD_NETWORK_READY, PUBLIC_ACCESS_CIDRS};
    match variable {
        PUBLIC_ACCESS_CIDRS => serde_json::json!(["203.0.113.0/24"]),
        ADMIN_ROLES => serde_json::json!(["arn:aws:iam::111122223333:role/platform-admin"]),
        POD_NETWORK_READY => Value::Bool(true),
        other => panic!("a rendered root requires the variable `{other}`: give it a value in `module_input`"),
    }
}

/// `resource` entries of a Terraform JSON document: (type, name) pairs, sorted.
pub fn resource_addresses(doc: &Value) -> Vec<String> {
    let mut out = Vec::new();
    if let Some(types) = doc["resource"].as_object() {
        for (ty, named) in types {
            for name in named.as_object().into_iter().flat_map(|m| m.keys()) {
                out.push(format!("{ty}.{name}"));
            }
        }
    }
    out.sort();
    out
}

/// The provider-level settings of a test-only override that plans without AWS: fake keys, no metadata or
/// account look-ups, and every service endpoint (when `endpoint` is given) pointed at a local emulator.
pub fn fake_aws_override(endpoint: Option<&str>) -> Value {
    let mut aws = serde_json::json!({
        "access_key": "AKIAIOSFODNN7EXAMPLE",
        "secret_key": "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
        "skip_credentials_validation": true,
        "skip_metadata_api_check": true,
        "skip_requesting_account_id": true,
        "skip_region_validation": true
    });
    if let Some(url) = endpoint {
        let services = [
            "autoscaling",
            "cloudwatch",
            "cloudwatchlogs",
            "ec2",
            "eks",
            "iam",
            "kms",
            "route53",
            "s3",
            "secretsmanager",
            "sns",
            "ssm",
            "sts",
        ];
        let endpoints: serde_json::Map<String, Value> =
            services.iter().map(|s| ((*s).to_owned(), Value::String(url.to_owned()))).collect();
        aws["endpoints"] = Value::Array(vec![Value::Object(endpoints)]);
        aws["s3_use_path_style"] = Value::Bool(true);
    }
    serde_json::json!({ "provider": { "aws": aws } })
}
