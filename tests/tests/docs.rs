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
    assert!(first[1].starts_with("cargo run -p platform-bin -- render --environment-suffix dev "));
    assert!(first[2].starts_with("cargo test --workspace"));
    assert_eq!(first[3], "```");
}

#[test]
fn ci_runs_the_readme_test_command() {
    let ci = include_str!("../../.ci/run");
    assert!(ci.contains("cargo test --workspace"), ".ci/run must run the README's test command");
}

/// The `sh` block that follows `marker` in a document.
fn block_after<'d>(doc: &'d str, marker: &str) -> &'d str {
    let at = doc.find(marker).unwrap_or_else(|| panic!("no `{marker}`"));
    let text = &doc[at..];
    text.split("```sh\n").nth(1).and_then(|b| b.split("```").next()).expect("a sh block after the marker")
}

/// The README's and docs/cluster-stage.md's first deployment are what `platform deploy --dry-run` prints: the
/// commands cannot drift from the step list `platform deploy` runs.
#[test]
fn the_documented_first_deployment_is_the_dry_run() {
    use platform_cli::deploy::{dry_run, Kind};
    use platform_core::deploy::Sequence;
    let readme = block_after(README, "(`platform deploy --environment-suffix prod --dry-run`):");
    assert_eq!(readme, dry_run(Kind::Deploy, "out/prod", Sequence::FirstDeployment, &[], &[], true));
    let stage = block_after(CLUSTER_STAGE, "as `platform deploy --environment-suffix dev` runs it");
    assert_eq!(stage, dry_run(Kind::Deploy, "out/dev", Sequence::FirstDeployment, &[], &[], false));
}

/// Every documented `terraform` plan or apply of a rendered root is a command of the step list (for its
/// directory), so none lacks a variable or passes one the root does not declare; the inputs come from the
/// `platform deploy`/`render` commands, and every one of those in the README gives the admin roles, without which
/// nobody could administer the cluster.
#[test]
fn every_documented_terraform_command_is_a_step_list_command() {
    use platform_core::deploy::{init_command, shell, steps, Root, Sequence};
    let mut checked = 0;
    for (name, doc) in [("README.md", README), ("docs/cluster-stage.md", CLUSTER_STAGE)] {
        for command in commands(doc) {
            let words: Vec<&str> = command.split_whitespace().collect();
            let Some(dir) = words.iter().find_map(|w| w.strip_prefix("-chdir=")) else { continue };
            let Some((out, _)) = dir.split_once("/terraform/") else { continue };
            if !matches!(words.get(2), Some(&"plan" | &"apply" | &"init")) || words[0] != "terraform" {
                continue;
            }
            let known: Vec<String> = [Sequence::FirstDeployment, Sequence::Change, Sequence::Destroy]
                .into_iter()
                .flat_map(steps)
                .flat_map(|s| [shell(&s.plan_command(out)), shell(&s.apply_command(out))])
                .chain(Root::ALL.into_iter().map(|r| shell(&init_command(out, r, &[]))))
                .collect();
            assert!(known.contains(&command), "{name}: `{command}` is no command of the step list");
            checked += 1;
        }
        for command in commands(doc).iter().filter(|c| c.contains("-- deploy ") || c.contains("platform deploy ")) {
            if command.contains("--dry-run") || !command.contains("--environment-suffix") {
                continue;
            }
            assert!(
                command.contains("--cluster-admin-role-arn arn:"),
                "{name}: `{command}` leaves out the admin roles"
            );
            checked += 1;
        }
    }
    assert!(checked >= 14, "only {checked} documented commands found");
}

/// The README's own-crate `main.rs` is the example crate's file, which the workspace builds: it compiles as shown.
#[test]
fn the_readme_own_crate_example_is_the_example_crate() {
    let example = include_str!("../../examples/payments-sandbox/src/main.rs");
    assert!(
        README.contains(&format!("```rust\n{example}```\n")),
        "README's own-crate main.rs differs from the example's"
    );
    let toml = block_after_fence(README, "## Your own platform", "```toml\n");
    for krate in ["platform-cli", "platform-core", "platform-macros"] {
        let line = toml.lines().find(|l| l.starts_with(&format!("{krate} = "))).expect(krate);
        assert!(line.contains(&format!("path = \"../platform/{krate}\"")), "{line}");
        assert!(!line.contains('<'), "a placeholder: {line}");
    }
}

fn block_after_fence<'d>(doc: &'d str, marker: &str, fence: &str) -> &'d str {
    let at = doc.find(marker).unwrap_or_else(|| panic!("no `{marker}`"));
    doc[at..].split(fence).nth(1).and_then(|b| b.split("```").next()).expect("a block after the marker")
}

#[test]
fn every_infra_output_is_in_the_readme() {
    for name in infra()["output"].as_object().unwrap().keys() {
        assert!(README.contains(&format!("`{name}`")), "README does not list the infra output `{name}`");
    }
}

/// The versions the catalog pins for each component a document may name: chart versions and the app versions
/// their charts ship (the facts files derived at the tags), the autoscaler images, and the EKS addons.
fn pinned_versions() -> Vec<(&'static str, Vec<String>)> {
    use platform_core::catalog::charts::CHART_VERSIONS;
    use platform_core::catalog::kubernetes::ADDON_VERSIONS;
    let app_version = |release: &str, version: &str| {
        let path = format!("{}/upstream/charts/{release}-{version}.json", env!("CARGO_MANIFEST_DIR"));
        let facts: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
        facts["app_version"].as_str().map(str::to_owned)
    };
    let mut out: Vec<(&'static str, Vec<String>)> = Vec::new();
    let mut add = |names: &[&'static str], version: String| {
        for name in names {
            match out.iter_mut().find(|(n, _)| n == name) {
                Some((_, versions)) => versions.push(version.clone()),
                None => out.push((name, vec![version.clone()])),
            }
        }
    };
    for row in CHART_VERSIONS {
        for chart in row.charts() {
            let names: &[&'static str] = match chart.release {
                "calico" => &["calico", "Calico", "tigera-operator"],
                "kyverno" => &["kyverno", "Kyverno"],
                _ => std::slice::from_ref(&chart.release),
            };
            add(names, chart.version.to_owned());
            add(names, app_version(chart.release, chart.version).unwrap_or_else(|| chart.version.to_owned()));
        }
        add(&["cluster-autoscaler"], row.cluster_autoscaler_image.to_owned());
    }
    for a in ADDON_VERSIONS {
        add(&["coredns", "CoreDNS"], a.coredns.to_owned());
        add(&["kube-proxy"], a.kube_proxy.to_owned());
        add(&["aws-ebs-csi-driver", "EBS CSI"], a.aws_ebs_csi_driver.to_owned());
        add(&["amazon-cloudwatch-observability"], a.amazon_cloudwatch_observability.to_owned());
    }
    out
}

/// The version-looking token (`v3.28.5`, `1.13`, `v1.28.15-eksbuild.31`) at the start of `text`, if any.
fn version_at(text: &str) -> Option<&str> {
    let body = text.strip_prefix('v').unwrap_or(text);
    let end = body.find(|c: char| !(c.is_ascii_alphanumeric() || c == '.' || c == '-')).unwrap_or(body.len());
    let token = body[..end].trim_end_matches(['.', '-']);
    let numeric = token.split('-').next().unwrap_or_default();
    let parts: Vec<&str> = numeric.split('.').collect();
    let is_version =
        (2..=3).contains(&parts.len()) && parts.iter().all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()));
    is_version.then(|| &text[..text.len() - body.len() + token.len()])
}

/// Every version a document gives a pinned component: the first version token within a few characters after its
/// name (`Kyverno 1.13`, `3.3.9 (Kyverno 1.13)`, `Calico v3.28.5`), and the `--version` of a command naming it.
/// A name inside a path or repository (`projectcalico/calico`, `calico/charts`) cites a source, not a pin.
fn stated_versions<'d>(doc: &'d str, names: &[&'d str]) -> Vec<(usize, &'d str, &'d str)> {
    let mut out = Vec::new();
    for (n, line) in doc.lines().enumerate() {
        let mut last_name: Option<&str> = None;
        let mut i = 0;
        while i < line.len() {
            let rest = &line[i..];
            let before = line[..i].chars().next_back();
            let name = names.iter().copied().filter(|name| rest.starts_with(name)).max_by_key(|name| name.len());
            let bounded = |c: Option<char>| !c.is_some_and(|c| c.is_ascii_alphanumeric() || "/-_.".contains(c));
            if let Some(name) = name.filter(|name| bounded(before) && bounded(rest[name.len()..].chars().next())) {
                last_name = Some(name);
                let after = &rest[name.len()..];
                let skip = after.find(|c: char| !" (`:".contains(c)).unwrap_or(after.len());
                if skip <= 3 {
                    if let Some(v) = version_at(&after[skip..]) {
                        out.push((n + 1, name, v));
                    }
                }
                i += name.len();
                continue;
            }
            if let (Some(name), Some(flag)) = (last_name, rest.strip_prefix("--version ")) {
                if let Some(v) = version_at(flag) {
                    out.push((n + 1, name, v));
                }
            }
            i += rest.chars().next().map_or(1, char::len_utf8);
        }
    }
    out
}

/// A pin of long ago in the docs (Calico v3.27.4, Kyverno 1.11) misleads whoever deploys by hand: every version the
/// docs give a pinned component is one the catalog pins for it (whole, or its minor).
#[test]
fn versions_in_the_docs_are_the_catalogs() {
    let pins = pinned_versions();
    let names: Vec<&str> = pins.iter().map(|(n, _)| *n).collect();
    let docs = [
        ("README.md", README),
        ("docs/cluster-stage.md", CLUSTER_STAGE),
        ("docs/validation.md", include_str!("../../docs/validation.md")),
        ("docs/versions.md", include_str!("../../docs/versions.md")),
    ];
    let mut stale = Vec::new();
    let mut seen = 0;
    for (file, doc) in docs {
        for (line, name, version) in stated_versions(doc, &names) {
            seen += 1;
            let bare = version.trim_start_matches('v');
            let known = &pins.iter().find(|(n, _)| *n == name).unwrap().1;
            let pinned = known
                .iter()
                .map(|k| k.trim_start_matches('v'))
                .any(|k| k == bare || k.strip_prefix(bare).is_some_and(|rest| rest.starts_with(['.', '-'])));
            if !pinned {
                stale.push(format!("{file}:{line}: {name} {version}"));
            }
        }
    }
    assert!(seen > 5, "the scan found only {seen} stated versions: is it still reading the docs?");
    assert!(stale.is_empty(), "versions no pin of the catalog has:\n{}", stale.join("\n"));
}

#[test]
fn stated_versions_follow_the_name_or_a_version_flag_and_skip_paths() {
    let names = ["calico", "Calico", "Kyverno", "tigera-operator"];
    let doc = "A pinned Kyverno (1.11, which supports 1.25)\nprojectcalico/calico v3.20.0 guide\n\
               helm upgrade --install calico tigera-operator --repo https://x/calico/charts --version v3.27.4 \\\n\
               | 3.3.9 (Kyverno 1.13) |";
    let found: Vec<(usize, &str, &str)> = stated_versions(doc, &names);
    assert_eq!(found, [(1, "Kyverno", "1.11"), (3, "tigera-operator", "v3.27.4"), (4, "Kyverno", "1.13")]);
    assert_eq!(version_at("v1.28.15-eksbuild.31 x"), Some("v1.28.15-eksbuild.31"));
    assert_eq!(version_at("1.13)"), Some("1.13"));
    assert_eq!(version_at("10.0.0.0/16"), None);
}

/// The README's PCI section holds every row of the one mapping table: its requirement, claim and rules, as
/// `platform compliance` prints them. (That the whole section, evidence included, is the command's output for the
/// declared platform is a `.ci/run` step, as for the diagram: users edit the declared platform and keep tests green.)
#[test]
fn the_readme_pci_section_is_the_generated_mapping() {
    use platform_core::report::compliance::TABLE;
    let begin = "<!-- compliance:begin (generated: `platform compliance --environment-suffix prod`) -->\n";
    let at = README.find(begin).expect("the README's compliance:begin marker") + begin.len();
    let section = &README[at..at + README[at..].find("<!-- compliance:end -->").expect("the end marker")];
    let rows: Vec<&str> = section.lines().filter(|l| l.starts_with("| ") && !l.starts_with("| requirement")).collect();
    assert_eq!(
        rows.len(),
        TABLE.len(),
        "regenerate it with `cargo run -p platform-bin -- compliance --environment-suffix prod`"
    );
    for (line, r) in rows.iter().zip(TABLE) {
        let rules: Vec<String> = r.rules.iter().map(|rule| format!("`{}`", rule.id())).collect();
        let head = format!("| {} {} | {} | {} | ", r.id, r.title, r.claim, rules.join(", "));
        let tests: Vec<String> = r.tests.iter().map(|t| format!("`{}::{}`", t.file, t.name)).collect();
        assert!(
            line.starts_with(&head) && line.ends_with(&format!(" | {} |", tests.join(", "))),
            "{} differs: regenerate it with `cargo run -p platform-bin -- compliance --environment-suffix prod`",
            r.id
        );
    }
}
