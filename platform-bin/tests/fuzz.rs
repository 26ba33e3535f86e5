//! Hostile input, no panics: random arguments and output directories to the `platform` binary, and random
//! mutations of the customer's platform (random strings in every string field, random numbers in every number
//! field, random list lengths) fed to `check::findings` and `check_platform`, and when the checks pass, to `render` and the reports.

use std::process::{Command, Stdio};

use platform_core::model::{Policy, Statement};
use platform_core::render::{render, RenderOptions};
use platform_core::report::{cost, graph};
use platform_core::{check, check_platform, Platform};
use proptest::prelude::*;

/// A small deterministic generator driven by the proptest case, deciding which fields to mutate.
struct Mutator {
    state: u64,
    strings: Vec<String>,
    numbers: Vec<u32>,
}

impl Mutator {
    fn next(&mut self) -> u64 {
        self.state ^= self.state << 13;
        self.state ^= self.state >> 7;
        self.state ^= self.state << 17;
        self.state
    }
    fn hit(&mut self) -> bool {
        self.next().is_multiple_of(3)
    }
    fn s(&mut self, field: &mut String) {
        if self.hit() && !self.strings.is_empty() {
            let i = (self.next() % self.strings.len() as u64) as usize;
            *field = self.strings[i].clone();
        }
    }
    fn n(&mut self, field: &mut u32) {
        if self.hit() && !self.numbers.is_empty() {
            let i = (self.next() % self.numbers.len() as u64) as usize;
            *field = self.numbers[i];
        }
    }
    fn list(&mut self, field: &mut Vec<String>) {
        for item in field.iter_mut() {
            self.s(item);
        }
        match self.next() % 8 {
            0 => {
                field.pop();
            }
            1 => {
                let mut extra = String::new();
                self.s(&mut extra);
                field.push(extra);
            }
            2 => field.clear(),
            _ => {}
        }
    }
    fn map(&mut self, field: &mut std::collections::BTreeMap<String, String>) {
        let entries: Vec<(String, String)> = std::mem::take(field).into_iter().collect();
        for (mut k, mut v) in entries {
            self.s(&mut k);
            self.s(&mut v);
            field.insert(k, v);
        }
    }

    fn platform(&mut self, p: &mut Platform) {
        self.s(&mut p.name);
        self.s(&mut p.region);
        self.s(&mut p.kubernetes);
        self.list(&mut p.availability_zones);
        self.map(&mut p.tags);
        self.s(&mut p.vpc.cidr);
        self.list(&mut p.vpc.private_subnets);
        self.list(&mut p.vpc.public_subnets);
        self.s(&mut p.vpc.pod_cidr);
        self.n(&mut p.cluster.log_retention_days);
        if self.hit() {
            p.cluster.logs.pop();
        }
        for g in &mut p.node_groups {
            self.s(&mut g.name);
            self.list(&mut g.instance_types);
            self.n(&mut g.min_size);
            self.n(&mut g.desired_size);
            self.n(&mut g.max_size);
            self.n(&mut g.disk_gib);
            self.map(&mut g.labels);
            for t in &mut g.taints {
                self.s(&mut t.key);
                self.s(&mut t.value);
            }
        }
        if self.hit() {
            p.node_groups.pop();
        }
        for t in &mut p.tenants {
            self.s(&mut t.name);
            self.list(&mut t.node_groups);
            self.s(&mut t.secret_prefix);
            self.list(&mut t.cross_account_roles);
            self.s(&mut t.quota.cpu);
            self.s(&mut t.quota.memory);
            self.n(&mut t.quota.pods);
            for g in &mut t.groups {
                self.s(&mut g.group_id);
            }
        }
        if self.hit() && !p.tenants.is_empty() {
            let copy = p.tenants[0].clone();
            p.tenants.push(copy);
        }
        for a in &mut p.addons {
            if let Some(r) = a.replicas.as_mut() {
                self.n(r);
            }
            if let Some(g) = a.node_group.as_mut() {
                self.s(g);
            }
            if let Some(r) = a.resources.as_mut() {
                self.s(&mut r.cpu);
                self.s(&mut r.memory);
            }
        }
        for b in &mut p.irsa {
            self.s(&mut b.name);
            self.s(&mut b.namespace);
            self.s(&mut b.service_account);
            if let Policy::Custom(statements) = &mut b.policy {
                for Statement { actions, resources, .. } in statements.iter_mut() {
                    self.list(actions);
                    self.list(resources);
                }
            }
        }
        let id = &mut p.identity;
        self.s(&mut id.tenant_id);
        self.s(&mut id.client_id);
        self.s(&mut id.username_claim);
        self.s(&mut id.groups_claim);
        self.s(&mut id.username_prefix);
        self.s(&mut id.groups_prefix);
        for b in &mut id.cluster_roles {
            self.s(&mut b.group_id);
        }
        for z in &mut p.dns_zones {
            self.s(&mut z.name);
            self.s(&mut z.zone_id);
        }
    }
}

/// Strings that are hostile to names, CIDRs, ARNs and JSON: unicode, control characters, huge, empty.
fn hostile_string() -> impl Strategy<Value = String> {
    prop_oneof![
        any::<String>(),
        "[a-z0-9./:*-]{0,24}",
        Just(String::new()),
        Just("0.0.0.0/0".to_owned()),
        Just("10.0.0.0/33".to_owned()),
        Just("${var.x}".to_owned()),
        Just("\"};\n\u{0}".to_owned()),
        Just("x".repeat(300)),
        Just("arn:aws:iam::*:role/*".to_owned()),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    /// Checks, render and reports never panic, whatever the platform holds; a platform the checks accept renders to
    /// JSON.
    #[test]
    fn check_and_render_never_panic(
        seed in 1u64..,
        strings in prop::collection::vec(hostile_string(), 1..12),
        numbers in prop::collection::vec(prop_oneof![any::<u32>(), 0u32..10, Just(u32::MAX)], 1..8),
        suffix in prop_oneof!["[a-z0-9]{1,8}", any::<String>()],
    ) {
        let mut p = platform_tests::customer_platform();
        Mutator { state: seed, strings, numbers }.platform(&mut p);
        let findings = check::findings(&p, "2026-01-01");
        let checked = check_platform(&p, "2026-01-01");
        prop_assert_eq!(checked.is_ok(), !findings.has_errors());
        let Ok(checked) = checked else { return Ok(()) };
        let result = render(&checked, &RenderOptions { environment_suffix: suffix, account_id: Some("111122223333".into()) });
        if let Ok(artifacts) = result {
            for (path, bytes) in &artifacts.files {
                if path.ends_with(".json") {
                    prop_assert!(serde_json::from_slice::<serde_json::Value>(bytes).is_ok(), "{path} is not JSON");
                }
            }
        }
        graph::mermaid(&graph::topology(&checked));
        let _ = cost::estimate(&checked, "2026-01-01");
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    /// The binary never panics (exit 101) or dies on a signal, whatever its arguments and output directory; it
    /// succeeds exactly when the suffix is valid and the directory writable.
    #[test]
    fn the_cli_never_panics(
        suffix in prop_oneof!["[a-z0-9]{1,8}", "\\PC{0,12}", Just(String::new()), Just("-".to_owned())],
        out in "[a-zA-Z0-9 ._-]{1,16}",
        extra in prop::collection::vec(prop_oneof![Just("--help".to_owned()), Just("--out".to_owned()), "\\PC{0,8}"], 0..3),
        order in any::<bool>(),
    ) {
        let dir = tempfile::tempdir().unwrap();
        let out_path = dir.path().join(&out);
        let out_arg = out_path.to_string_lossy().into_owned();
        let mut args = vec!["render".to_owned()];
        if order {
            args.extend(["--environment-suffix".to_owned(), suffix.clone(), "--out".to_owned(), out_arg]);
        } else {
            args.extend(["--out".to_owned(), out_arg, "--environment-suffix".to_owned(), suffix.clone()]);
        }
        args.extend(extra.iter().cloned());
        let output = Command::new(env!("CARGO_BIN_EXE_platform")).args(&args).output().unwrap();
        let code = output.status.code();
        prop_assert!(code.is_some(), "killed by a signal: {args:?}");
        prop_assert!(code != Some(101), "panicked on {args:?}: {}", String::from_utf8_lossy(&output.stderr));
        if extra.is_empty() {
            let valid = platform_core::naming::suffix_error(&suffix).is_none();
            prop_assert_eq!(output.status.success(), valid, "{:?}: {}", args, String::from_utf8_lossy(&output.stderr));
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]

    /// Whatever the command, a full disk is one line and exit 1, a closed pipe a quiet exit 0: never a panic.
    #[test]
    fn output_errors_never_panic(
        command in prop::sample::select(vec!["check", "cost", "graph", "render", "--help", "--version"]),
        format in prop::sample::select(vec![None, Some("json"), Some("text"), Some("dot")]),
        full in any::<bool>(),
    ) {
        let dir = tempfile::tempdir().unwrap();
        let mut args = vec![command.to_owned()];
        if command == "render" {
            args.extend(["--environment-suffix".into(), "dev".into(), "--out".into(), dir.path().display().to_string()]);
            // With a decision on the state: without one, a note on stderr says the backend names no bucket.
            args.push("--local-state".into());
        } else if let (Some(format), false) = (format, command.starts_with('-')) {
            args.extend(["--format".into(), format.into()]);
        }
        let stdout = if full {
            Stdio::from(std::fs::File::create("/dev/full").unwrap())
        } else {
            let (reader, writer) = std::io::pipe().unwrap();
            drop(reader);
            Stdio::from(writer)
        };
        let output = Command::new(env!("CARGO_BIN_EXE_platform")).args(&args).stdout(stdout).output().unwrap();
        // Without `render`'s support-window warning of the customer's Kubernetes 1.28, and its `help:` line.
        let all = String::from_utf8_lossy(&output.stderr);
        let stderr: String = match all.split_once("warning: versions/support-window: ") {
            Some((before, after)) => {
                let rest = after.split_once('\n').and_then(|(_, r)| r.split_once('\n')).map_or("", |(_, r)| r);
                format!("{before}{rest}")
            }
            None => all.into_owned(),
        };
        if stderr.starts_with("error: invalid value") {
            // `--format dot` is only a graph format: a usage error, exit 2, before anything is written.
            prop_assert_eq!(output.status.code(), Some(2));
        } else if full {
            prop_assert_eq!(output.status.code(), Some(1), "{:?}: {}", args, stderr);
            prop_assert!(stderr.starts_with("error: cannot write to standard output") && stderr.lines().count() == 1, "{:?}: {}", args, stderr);
        } else {
            prop_assert_eq!(output.status.code(), Some(0), "{:?}: {}", args, stderr);
            prop_assert!(stderr.is_empty(), "{:?}: {}", args, stderr);
        }
    }
}
