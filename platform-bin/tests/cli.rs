//! The `platform` binary as a user runs it: exit codes, one-line errors, deterministic and atomic output.

use std::fs;
use std::path::Path;
use std::process::{Command, Output, Stdio};

fn platform(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_platform")).args(args).output().expect("the binary runs")
}

/// A render with a state bucket (without one, a note on stderr says the backend names none).
fn render(suffix: &str, out: &Path) -> Output {
    platform(&["render", "--environment-suffix", suffix, "--out", out.to_str().unwrap(), "--state-bucket", "tfstate-b"])
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

fn render_forced(suffix: &str, out: &Path) -> Output {
    platform(&["render", "--environment-suffix", suffix, "--out", out.to_str().unwrap(), "--force"])
}

/// Standard error without `render`'s support-window warning, which the customer's Kubernetes 1.28 always has
/// (EKS no longer creates it): `warning: versions/support-window: …` and its `help:` line.
fn stderr_besides_the_support_window(out: &Output) -> String {
    let stderr = String::from_utf8(out.stderr.clone()).unwrap();
    let mut lines = Vec::new();
    let mut skip_help = false;
    for line in stderr.lines() {
        if line.starts_with("warning: versions/support-window: Kubernetes `1.28`") {
            skip_help = true;
        } else if !(skip_help && line.starts_with("  help: ")) {
            skip_help = false;
            lines.push(line);
        }
    }
    lines.iter().map(|l| format!("{l}\n")).collect()
}

#[test]
fn render_warns_of_the_support_window_as_check_does() {
    let dir = tempfile::tempdir().unwrap();
    let out = render("dev", dir.path());
    let stderr = String::from_utf8(out.stderr.clone()).unwrap();
    let check = String::from_utf8(platform(&["check"]).stdout).unwrap();
    let warning = stderr.lines().next().expect("a warning").strip_prefix("warning: ").unwrap().to_owned();
    assert!(warning.contains("EKS no longer creates clusters of it"), "{stderr}");
    assert!(check.contains(&warning), "the same words as `check`: {check}");
    assert!(stderr_besides_the_support_window(&out).is_empty(), "{stderr}");
}

fn one_error_line(out: &Output) -> String {
    let stderr = stderr_besides_the_support_window(out);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert_eq!(stderr.lines().count(), 1, "one line: {stderr}");
    assert!(stderr.starts_with("error: "), "{stderr}");
    stderr
}

#[test]
fn another_suffix_is_refused_unless_forced() {
    let dir = tempfile::tempdir().unwrap();
    assert!(render("dev", dir.path()).status.success());
    let infra = dir.path().join("terraform/infra/main.tf.json");
    let dev = fs::read(&infra).unwrap();

    let stderr = one_error_line(&render("prod", dir.path()));
    for part in [dir.path().to_str().unwrap(), "`dev`", "`prod`", "--force"] {
        assert!(stderr.contains(part), "`{part}` missing: {stderr}");
    }
    assert_eq!(fs::read(&infra).unwrap(), dev, "nothing written");

    let forced = render_forced("prod", dir.path());
    assert!(forced.status.success(), "{}", String::from_utf8_lossy(&forced.stderr));
    assert_ne!(fs::read(&infra).unwrap(), dev);
    // Now recorded for prod: prod renders without the flag, dev is refused.
    assert!(render("prod", dir.path()).status.success());
    one_error_line(&render("dev", dir.path()));
}

#[test]
fn terraform_state_without_a_record_is_refused_unless_forced() {
    let states: [(&str, bool); 4] = [
        ("terraform/infra/terraform.tfstate", false),
        ("terraform/cluster/.terraform", true),
        ("terraform/infra/terraform.tfstate.backup", false),
        ("terraform/cluster/terraform.tfstate.d", true),
    ];
    for (state, is_dir) in states {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(state);
        if is_dir {
            fs::create_dir_all(&path).unwrap();
        } else {
            fs::create_dir_all(path.parent().unwrap()).unwrap();
            fs::write(&path, "{}").unwrap();
        }
        let stderr = one_error_line(&render("prod", dir.path()));
        let root = Path::new(state).parent().unwrap();
        for part in [dir.path().join(root).to_str().unwrap(), "`prod`", "--force"] {
            assert!(stderr.contains(part), "{state}: `{part}` missing: {stderr}");
        }
        assert!(!dir.path().join("terraform/infra/main.tf.json").exists(), "{state}: nothing written");

        assert!(render_forced("prod", dir.path()).status.success(), "{state}");
        assert!(path.exists(), "{state} is kept");
    }
}

#[test]
fn rerendering_the_same_suffix_keeps_terraform_state() {
    let dir = tempfile::tempdir().unwrap();
    assert!(render("dev", dir.path()).status.success());
    let infra = dir.path().join("terraform/infra");
    let kept =
        ["terraform.tfstate", "terraform.tfstate.backup", ".terraform.lock.hcl", ".terraform/modules/modules.json"];
    for file in kept {
        fs::create_dir_all(infra.join(file).parent().unwrap()).unwrap();
        fs::write(infra.join(file), "x").unwrap();
    }
    let out = render("dev", dir.path());
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(stderr_besides_the_support_window(&out).is_empty(), "{}", String::from_utf8_lossy(&out.stderr));
    for file in kept {
        assert_eq!(fs::read_to_string(infra.join(file)).unwrap(), "x", "{file}");
    }
}

#[test]
fn unknown_terraform_files_in_a_root_are_reported_and_kept() {
    let dir = tempfile::tempdir().unwrap();
    assert!(render("dev", dir.path()).status.success());
    let unknown = ["terraform/infra/extra.tf", "terraform/cluster/old.tf.json"];
    let known = ["terraform/infra/backend_override.tf.json", "terraform/infra/notes.txt", "extra.tf"];
    for file in unknown.iter().chain(&known) {
        fs::write(dir.path().join(file), "{}").unwrap();
    }
    let out = render("dev", dir.path());
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let stderr = stderr_besides_the_support_window(&out);
    assert_eq!(stderr.lines().count(), unknown.len(), "{stderr}");
    for file in unknown {
        let line = stderr.lines().find(|l| l.contains(dir.path().join(file).to_str().unwrap()));
        assert!(line.is_some_and(|l| l.starts_with("warning: ")), "{file} not reported: {stderr}");
    }
    for file in unknown.iter().chain(&known) {
        assert!(dir.path().join(file).is_file(), "{file} is kept");
    }
}

#[test]
fn without_a_record_stale_manifests_are_still_removed() {
    let dir = tempfile::tempdir().unwrap();
    assert!(render_with_account("111122223333", dir.path()).status.success());
    fs::remove_file(dir.path().join(".platform-render")).unwrap();
    let stale =
        ["manifests/80-removed-tenant.yaml", "manifests/old/x.yaml", "terraform/cluster/charts/gone/Chart.yaml"];
    for file in stale {
        fs::create_dir_all(dir.path().join(file).parent().unwrap()).unwrap();
        fs::write(dir.path().join(file), "x").unwrap();
    }
    assert!(render_with_account("111122223333", dir.path()).status.success());
    for file in stale {
        assert!(!dir.path().join(file).exists(), "{file} is stale");
    }
    assert!(!dir.path().join("manifests/old").exists(), "empty folders are removed");
    assert!(!dir.path().join("terraform/cluster/charts/gone").exists(), "empty folders are removed");
    assert!(dir.path().join("manifests/00-namespaces.yaml").is_file());

    // Without the account id nothing of `manifests/` is rendered: the folder goes, record or not.
    fs::remove_file(dir.path().join(".platform-render")).unwrap();
    assert!(render("dev", dir.path()).status.success());
    assert!(!dir.path().join("manifests").exists());
}

/// Every command, as a user would run it; the output sinks below must not make any of them panic.
const COMMANDS: &[&[&str]] = &[
    &["check"],
    &["check", "--format", "json"],
    &["cost"],
    &["cost", "--format", "json"],
    &["graph"],
    &["graph", "--format", "dot"],
    &["compliance", "--environment-suffix", "prod"],
    &["compliance", "--environment-suffix", "prod", "--format", "json"],
    &["--help"],
    &["--version"],
];

fn platform_to(args: &[&str], stdout: Stdio) -> Output {
    Command::new(env!("CARGO_BIN_EXE_platform")).args(args).stdout(stdout).output().expect("the binary runs")
}

#[test]
fn a_full_disk_is_one_line_exit_1() {
    let dir = tempfile::tempdir().unwrap();
    let out_dir = dir.path().to_str().unwrap().to_owned();
    let render = ["render", "--environment-suffix", "dev", "--out", &out_dir, "--local-state"];
    for args in COMMANDS.iter().copied().chain([&render[..]]) {
        let out = platform_to(args, Stdio::from(fs::File::create("/dev/full").unwrap()));
        let stderr = one_error_line(&out);
        assert!(stderr.starts_with("error: cannot write to standard output: "), "{args:?}: {stderr}");
    }
}

#[test]
fn a_closed_pipe_ends_the_output_quietly() {
    let dir = tempfile::tempdir().unwrap();
    let out_dir = dir.path().to_str().unwrap().to_owned();
    let render = ["render", "--environment-suffix", "dev", "--out", &out_dir, "--local-state"];
    for args in COMMANDS.iter().copied().chain([&render[..]]) {
        // The reader is gone before the first write, as when `head -c1` has already exited.
        let (reader, writer) = std::io::pipe().unwrap();
        drop(reader);
        let out = platform_to(args, Stdio::from(writer));
        assert_eq!(out.status.code(), Some(0), "{args:?}: {}", String::from_utf8_lossy(&out.stderr));
        assert!(
            stderr_besides_the_support_window(&out).is_empty(),
            "{args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    assert!(dir.path().join("terraform/infra/main.tf.json").is_file(), "render still writes its files");
}

fn platform_in(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_platform")).args(args).current_dir(dir).output().expect("the binary runs")
}

/// The README's order in one checkout: `dev`, then `prod`, without `--out`: each in its own directory, no refusal.
#[test]
fn dev_then_prod_render_into_their_own_directories() {
    let dir = tempfile::tempdir().unwrap();
    for suffix in ["dev", "prod"] {
        let out = platform_in(dir.path(), &["render", "--environment-suffix", suffix, "--local-state"]);
        assert!(out.status.success(), "{suffix}: {}", String::from_utf8_lossy(&out.stderr));
        // Only the support-window warning of the declared version (render says it as the build does).
        let stderr = String::from_utf8_lossy(&out.stderr);
        let unexpected = stderr.lines().filter(|l| !l.is_empty() && !l.starts_with(' '));
        assert!(unexpected.into_iter().all(|l| l.starts_with("warning: versions/support-window")), "{stderr}");
        let record = fs::read_to_string(dir.path().join("out").join(suffix).join(".platform-render")).unwrap();
        assert!(record.starts_with(&format!("environment-suffix: {suffix}\n")), "{record}");
    }
    assert!(!dir.path().join("out/terraform").exists(), "nothing rendered into out/ itself");
}

/// A refused render names the directory to use before it mentions `--force`.
#[test]
fn a_refusal_names_the_directory_to_use_first() {
    let dir = tempfile::tempdir().unwrap();
    assert!(render("dev", dir.path()).status.success());
    let line = one_error_line(&render("prod", dir.path()));
    let (directory, force) = (line.find("`out/prod`").expect(&line), line.find("--force").expect(&line));
    assert!(directory < force, "{line}");
}

/// The deploy-time inputs go into the infra root's tfvars file (Terraform loads it), the backend into every root.
#[test]
fn inputs_and_backend_are_rendered_into_the_roots() {
    let dir = tempfile::tempdir().unwrap();
    let out_dir = dir.path().to_str().unwrap();
    let role = "arn:aws:iam::111122223333:role/platform-admin";
    let args = ["render", "--environment-suffix", "dev", "--out", out_dir, "--state-bucket", "tfstate-b"];
    let out =
        platform(&[&args[..], &["--cluster-admin-role-arn", role, "--public-access-cidr", "203.0.113.0/24"]].concat());
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let inputs: serde_json::Value =
        serde_json::from_slice(&fs::read(dir.path().join("terraform/infra/platform.auto.tfvars.json")).unwrap())
            .unwrap();
    assert_eq!(inputs["cluster_admin_role_arns"][0], role);
    assert_eq!(inputs["public_access_cidrs"][0], "203.0.113.0/24");
    for root in ["infra", "network", "cluster"] {
        let backend: serde_json::Value =
            serde_json::from_slice(&fs::read(dir.path().join(format!("terraform/{root}/backend.tf.json"))).unwrap())
                .unwrap();
        let s3 = &backend["terraform"]["backend"]["s3"];
        assert_eq!(s3["bucket"], "tfstate-b");
        assert!(s3["key"].as_str().unwrap().ends_with(&format!("/dev/{root}.tfstate")), "{s3}");
    }
    // Local state when asked: the backend files of the previous render go.
    let out = platform(&["render", "--environment-suffix", "dev", "--out", out_dir, "--local-state"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(!dir.path().join("terraform/infra/backend.tf.json").exists());
    assert!(!dir.path().join("terraform/infra/platform.auto.tfvars.json").exists());
}

/// `deploy --dry-run` prints the whole first deployment, the step list's commands, and writes nothing.
#[test]
fn deploy_dry_run_prints_the_first_deployment() {
    let dir = tempfile::tempdir().unwrap();
    let out = platform_in(dir.path(), &["deploy", "--environment-suffix", "dev", "--dry-run"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let text = String::from_utf8(out.stdout).unwrap();
    use platform_core::deploy::{script, steps, Sequence};
    assert_eq!(text, script("out/dev", &steps(Sequence::FirstDeployment), &[], true));
    let applies: Vec<&str> = text.lines().filter(|l| l.contains(" apply ")).collect();
    assert_eq!(applies.len(), 5, "{text}");
    assert!(applies[0].contains("terraform/archive"), "the archive first: {text}");
    assert!(fs::read_dir(dir.path()).unwrap().next().is_none(), "a dry run writes nothing");
    // `dev` destroys its archive (it is in `log_archive_destroyable_in`), last.
    let destroy = platform_in(dir.path(), &["destroy", "--environment-suffix", "dev", "--dry-run"]);
    let text = String::from_utf8(destroy.stdout).unwrap();
    let roots: Vec<&str> = text.lines().filter(|l| l.contains(" plan -destroy ")).collect();
    assert_eq!(roots.len(), 4, "{text}");
    assert!(roots[0].contains("terraform/cluster") && roots[2].contains("terraform/infra"), "{text}");
    assert!(roots[3].contains("terraform/archive"), "{text}");
    // `prod` retains it: every other root goes, and the dry run says the archive stays.
    let destroy = platform_in(dir.path(), &["destroy", "--environment-suffix", "prod", "--dry-run"]);
    let text = String::from_utf8(destroy.stdout).unwrap();
    let roots: Vec<&str> = text.lines().filter(|l| l.contains(" plan -destroy ")).collect();
    assert_eq!(roots.len(), 3, "{text}");
    assert!(!text.lines().any(|l| l.starts_with("terraform") && l.contains("terraform/archive")), "{text}");
    assert!(text.contains(platform_core::deploy::ARCHIVE_KEPT), "{text}");
}

/// Without a state bucket and without `--local-state`, `deploy` refuses before running terraform.
#[test]
fn deploy_without_a_state_decision_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let out = platform(&["deploy", "--environment-suffix", "dev", "--out", dir.path().to_str().unwrap()]);
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(stderr.lines().last().unwrap().contains("name no bucket: pass --state-bucket"), "{stderr}");
}

#[test]
fn the_state_bucket_root_is_rendered() {
    let dir = tempfile::tempdir().unwrap();
    let out = platform(&["state-bucket", "--out", dir.path().to_str().unwrap()]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let root: serde_json::Value = serde_json::from_slice(&fs::read(dir.path().join("main.tf.json")).unwrap()).unwrap();
    assert!(root["resource"]["aws_s3_bucket"]["state"].is_object());
}
