//! The README documents what the code does: every rule id, and exactly the two set-up commands first.

use platform_core::Rule;

const README: &str = include_str!("../../README.md");

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
