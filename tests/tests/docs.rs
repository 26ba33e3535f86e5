//! The README documents what the code does: every rule id, every output, exactly the two set-up commands first,
//! and deploy commands that cannot lock anybody out.

use platform_core::Rule;
use platform_tests::infra;

const README: &str = include_str!("../../README.md");
const CLUSTER_STAGE: &str = include_str!("../../docs/cluster-stage.md");

/// The shell commands of a document's code blocks, continuation lines joined.
fn commands(doc: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut current = String::new();
    for line in doc.lines() {
        let line = line.split(" #").next().unwrap_or_default().trim();
        match line.strip_suffix('\\') {
            Some(head) => current.push_str(head),
            None => {
                current.push_str(line);
                out.push(std::mem::take(&mut current));
            }
        }
    }
    out
}

#[test]
fn every_rule_is_in_the_readme_table() {
    for rule in Rule::ALL {
        assert!(README.contains(&format!("| `{}` |", rule.id())), "README's rule table lacks `{rule}`");
    }
}

#[test]
fn the_readme_starts_with_the_two_commands() {
    let first: Vec<&str> = README.lines().take(4).collect();
    assert_eq!(first[0], "```sh");
    assert!(first[1].starts_with("cargo run -p platform-bin -- render --environment-suffix dev --out out"));
    assert!(first[2].starts_with("cargo test --workspace"));
    assert_eq!(first[3], "```");
}

#[test]
fn ci_runs_the_readme_test_command() {
    let ci = include_str!("../../.ci/run");
    assert!(ci.contains("cargo test --workspace"), ".ci/run must run the README's test command");
}

/// A documented `plan` or `apply` of the infra root that left out `cluster_admin_role_arns` would fail (it has no
/// default, on purpose); applying a saved plan takes no variables.
#[test]
fn every_documented_infra_plan_or_apply_passes_the_admin_roles() {
    let mut checked = 0;
    for (name, doc) in [("README.md", README), ("docs/cluster-stage.md", CLUSTER_STAGE)] {
        for command in commands(doc) {
            let words: Vec<&str> = command.split_whitespace().collect();
            let Some(at) = words.iter().position(|w| *w == "-chdir=out/terraform/infra") else { continue };
            let saved_plan = words.get(at + 2).is_some_and(|w| !w.starts_with('-'));
            if !matches!(words.get(at + 1), Some(&"plan" | &"apply")) || saved_plan {
                continue;
            }
            assert!(
                command.contains("cluster_admin_role_arns=[\"arn:"),
                "{name}: `{command}` leaves out the admin roles"
            );
            checked += 1;
        }
    }
    assert!(checked >= 3, "only {checked} infra plan/apply commands found");
}

#[test]
fn every_infra_output_is_in_the_readme() {
    for name in infra()["output"].as_object().unwrap().keys() {
        assert!(README.contains(&format!("`{name}`")), "README does not list the infra output `{name}`");
    }
}
