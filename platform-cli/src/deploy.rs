//! `platform deploy`, `plan` and `destroy`: the real `terraform` driven through the rendered roots in the order of
//! [`platform_core::deploy`], with a plan summary and a confirmation before each apply, progress and elapsed time
//! per step, and a resume that reads where the environment stands from the infra root's state.
//!
//! Terraform's own output (and its errors, whole) goes straight to the terminal; this module adds one `==>` line
//! per step on stderr, and stops at the first failed step with what to do next.

use std::io::{self, BufRead, Write};
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Instant;

use platform_core::deploy::{
    destroy_steps, init_command, next_steps, observe, shell, steps_of, Observed, Root, Sequence, Step, ARCHIVE_KEPT,
    BACKEND_FILE, PLAN_FILE,
};
use serde_json::Value;

/// Which command.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Deploy,
    Plan,
    Destroy,
}

impl Kind {
    fn name(self) -> &'static str {
        match self {
            Kind::Deploy => "deploy",
            Kind::Plan => "plan",
            Kind::Destroy => "destroy",
        }
    }
}

/// How to run.
#[derive(Debug, Clone)]
pub struct Run<'a> {
    pub kind: Kind,
    /// The render directory.
    pub out: &'a Path,
    pub only: &'a [Root],
    pub backend_config: &'a [String],
    pub auto_approve: bool,
    /// The environment keeps its audit log archive: `destroy` leaves the archive root.
    pub archive_retained: bool,
    /// The command line to run again after a failure (for the message).
    pub again: String,
}

/// Progress and questions go to stderr, so that stdout stays terraform's.
fn say(line: &str) {
    let _ = writeln!(io::stderr(), "{line}");
}

/// Runs a terraform command with the terminal; its output and errors pass through whole.
fn terraform(argv: &[String]) -> Result<(), String> {
    say(&format!("$ {}", shell(argv)));
    let status = Command::new(&argv[0])
        .args(&argv[1..])
        .stdin(Stdio::inherit())
        .status()
        .map_err(|e| format!("cannot run `{}`: {e} (is Terraform >= 1.11 on PATH?)", argv[0]))?;
    match status.code() {
        Some(0) => Ok(()),
        Some(code) => Err(format!("terraform exited with {code}")),
        None => Err("terraform was killed by a signal".into()),
    }
}

/// Runs a terraform command for its standard output (stderr passes through).
fn terraform_output(argv: &[String]) -> Result<(bool, String), String> {
    let output = Command::new(&argv[0])
        .args(&argv[1..])
        .stderr(Stdio::piped())
        .output()
        .map_err(|e| format!("cannot run `{}`: {e} (is Terraform >= 1.11 on PATH?)", argv[0]))?;
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    Ok((output.status.success(), String::from_utf8_lossy(&output.stdout).into_owned() + &stderr))
}

/// `terraform state list` of a root: its resource addresses (none before the first apply).
fn state_list(out: &str, root: Root) -> Result<Vec<String>, String> {
    let argv = vec!["terraform".into(), format!("-chdir={out}/{}", root.dir()), "state".into(), "list".into()];
    let (ok, text) = terraform_output(&argv)?;
    if !ok {
        // A root whose state was never written: Terraform says so and exits 1.
        if text.contains("No state file was found") {
            return Ok(Vec::new());
        }
        return Err(format!("`{}` failed:\n{}", shell(&argv), text.trim_end()));
    }
    Ok(text.lines().map(str::trim).filter(|l| !l.is_empty()).map(str::to_owned).collect())
}

/// What a saved plan does, counted from `terraform show -json`: `(summary line, addresses destroyed or replaced)`.
pub fn summary(plan: &Value) -> (String, Vec<String>, bool) {
    let (mut add, mut change, mut destroy, mut replace) = (0, 0, 0, 0);
    let mut gone = Vec::new();
    for rc in plan["resource_changes"].as_array().into_iter().flatten() {
        let actions: Vec<&str> =
            rc["change"]["actions"].as_array().into_iter().flatten().filter_map(Value::as_str).collect();
        let address = rc["address"].as_str().unwrap_or_default().to_owned();
        match actions.as_slice() {
            ["create"] => add += 1,
            ["update"] => change += 1,
            ["delete"] => {
                destroy += 1;
                gone.push(address);
            }
            [_, _] => {
                replace += 1;
                gone.push(format!("{address} (replaced)"));
            }
            _ => {}
        }
    }
    let changes = add + change + destroy + replace > 0;
    let line = format!("plan: {add} to add, {change} to change, {destroy} to destroy, {replace} to replace");
    (line, gone, changes)
}

/// Asks before an apply; only `yes` goes on (as `terraform apply` asks).
fn confirm(question: &str) -> Result<bool, String> {
    let _ = write!(io::stderr(), "{question} Only 'yes' is accepted: ");
    let _ = io::stderr().flush();
    let mut answer = String::new();
    io::stdin().lock().read_line(&mut answer).map_err(|e| format!("cannot read the answer: {e}"))?;
    Ok(answer.trim() == "yes")
}

/// Whether the rendered backend is S3 without a bucket (a partial configuration) and none is given.
fn missing_bucket(out: &Path, backend_config: &[String]) -> bool {
    let Ok(text) = std::fs::read_to_string(out.join(Root::Infra.dir()).join(BACKEND_FILE)) else { return false };
    let Ok(doc) = serde_json::from_str::<Value>(&text) else { return false };
    let s3 = &doc["terraform"]["backend"]["s3"];
    s3.is_object()
        && s3.get("bucket").is_none()
        && !backend_config.iter().any(|c| c.starts_with("bucket=") || !c.contains('='))
}

/// Runs the command; `Err` is the last line to print (terraform's own errors are already on the terminal).
pub fn run(r: &Run) -> Result<(), String> {
    let out = r.out.to_string_lossy().into_owned();
    if missing_bucket(r.out, r.backend_config) {
        return Err(
            "the roots keep their state in S3 but name no bucket: pass --state-bucket (create one per account \
                    with `platform state-bucket`), --backend-config bucket=<name>, or --local-state to keep the state \
                    on this machine"
                .into(),
        );
    }
    let started = Instant::now();
    // The infra root is always initialised: its state says where the environment stands.
    let mut roots: Vec<Root> =
        Root::ALL.into_iter().filter(|root| r.only.is_empty() || r.only.contains(root)).collect();
    if !roots.contains(&Root::Infra) {
        roots.insert(0, Root::Infra);
    }
    for root in &roots {
        say(&format!("==> init {}", root.name()));
        terraform(&init_command(&out, *root, r.backend_config))
            .map_err(|e| format!("init of the {} root failed ({e}); nothing was applied", root.name()))?;
    }
    let infra_state = state_list(&out, Root::Infra)?;
    let observed = observe(&infra_state);
    let plan: Vec<Step> = match r.kind {
        Kind::Destroy => {
            let mut todo = Vec::new();
            if r.archive_retained && (r.only.is_empty() || r.only.contains(&Root::Archive)) {
                say(&format!("==> {ARCHIVE_KEPT}"));
            }
            for step in destroy_steps(r.archive_retained) {
                if !(r.only.is_empty() || r.only.contains(&step.root)) {
                    continue;
                }
                let empty = if step.root == Root::Infra {
                    infra_state.is_empty()
                } else {
                    state_list(&out, step.root)?.is_empty()
                };
                if empty {
                    say(&format!("==> {}: nothing in its state, nothing to destroy", step.root.name()));
                } else {
                    todo.push(step);
                }
            }
            todo
        }
        Kind::Deploy | Kind::Plan => {
            let mut todo: Vec<Step> =
                next_steps(observed).into_iter().filter(|s| r.only.is_empty() || r.only.contains(&s.root)).collect();
            if r.kind == Kind::Plan && observed != Observed::Complete {
                // Later steps read what the first one creates (the archive bucket, the cluster, by name): they
                // cannot be planned yet.
                todo.truncate(1);
            }
            todo
        }
    };
    say(&format!(
        "==> {}: {}; {} step(s): {}",
        r.kind.name(),
        match observed {
            Observed::NoCluster => "no cluster yet (first deployment)",
            Observed::ClusterWithoutNodeGroups => "a cluster without node groups (resuming the first deployment)",
            Observed::Complete => "a cluster with node groups",
        },
        plan.len(),
        plan.iter().map(Step::label).collect::<Vec<_>>().join(", ")
    ));
    let total = plan.len();
    for (i, step) in plan.iter().enumerate() {
        let at = Instant::now();
        let head = format!("step {}/{total} ({})", i + 1, step.label());
        say(&format!("\n==> {head}: {}", step.what));
        let fail = |e: String| {
            format!(
                "{head} failed after {:.0} s: {e}; its output is above. Fix the cause and run `{}` again: it reads \
                 where the environment stands and resumes from there",
                at.elapsed().as_secs_f64(),
                r.again
            )
        };
        terraform(&step.plan_command(&out)).map_err(fail)?;
        let show = vec![
            "terraform".into(),
            format!("-chdir={out}/{}", step.root.dir()),
            "show".into(),
            "-json".into(),
            PLAN_FILE.into(),
        ];
        let (ok, json) = terraform_output(&show).map_err(fail)?;
        let plan: Value = if ok { serde_json::from_str(&json).map_err(|e| fail(e.to_string()))? } else { Value::Null };
        let (line, gone, changes) = summary(&plan);
        say(&format!("==> {head}: {line}"));
        // What goes matters most; the plan above lists everything (a whole destroy would repeat it here).
        const LISTED: usize = 30;
        for address in gone.iter().take(LISTED) {
            say(&format!("    - {address}"));
        }
        if gone.len() > LISTED {
            say(&format!("    … and {} more (the plan above lists them)", gone.len() - LISTED));
        }
        if !changes {
            say(&format!("==> {head}: no changes ({:.0} s)", at.elapsed().as_secs_f64()));
            continue;
        }
        if r.kind == Kind::Plan {
            say(&format!("==> {head}: planned ({:.0} s)", at.elapsed().as_secs_f64()));
            continue;
        }
        if !r.auto_approve && !confirm(&format!("Apply {head}?"))? {
            return Err(format!("{head} not applied (not confirmed); nothing after it ran"));
        }
        terraform(&step.apply_command(&out)).map_err(fail)?;
        say(&format!("==> {head}: applied in {:.0} s", at.elapsed().as_secs_f64()));
    }
    say(&format!("\n==> {} done in {:.0} s", r.kind.name(), started.elapsed().as_secs_f64()));
    Ok(())
}

/// What `--dry-run` prints: the terraform commands of the sequence.
pub fn dry_run(
    kind: Kind,
    out: &str,
    sequence: Sequence,
    only: &[Root],
    backend_config: &[String],
    archive_retained: bool,
) -> String {
    if kind == Kind::Destroy {
        let todo: Vec<Step> =
            destroy_steps(archive_retained).into_iter().filter(|s| only.is_empty() || only.contains(&s.root)).collect();
        let mut text = platform_core::deploy::script(out, &todo, backend_config, true);
        if archive_retained && (only.is_empty() || only.contains(&Root::Archive)) {
            text += &format!("\n# {ARCHIVE_KEPT}\n");
        }
        return text;
    }
    let mut todo = steps_of(sequence, only);
    if kind == Kind::Plan && sequence == Sequence::FirstDeployment {
        todo.truncate(1);
    }
    platform_core::deploy::script(out, &todo, backend_config, kind != Kind::Plan)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn the_summary_counts_and_names_what_goes() {
        let plan = json!({ "resource_changes": [
            { "address": "a.x", "change": { "actions": ["create"] } },
            { "address": "a.y", "change": { "actions": ["delete"] } },
            { "address": "a.z", "change": { "actions": ["delete", "create"] } },
            { "address": "a.w", "change": { "actions": ["no-op"] } },
            { "address": "a.v", "change": { "actions": ["update"] } },
        ]});
        let (line, gone, changes) = summary(&plan);
        assert_eq!(line, "plan: 1 to add, 1 to change, 1 to destroy, 1 to replace");
        assert_eq!(gone, ["a.y", "a.z (replaced)"]);
        assert!(changes);
        assert!(!summary(&json!({ "resource_changes": [] })).2);
    }
}
