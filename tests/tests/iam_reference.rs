//! Every controller's IRSA role grants every action of its upstream reference IAM policy at the version each
//! carried Kubernetes version pins (`tests/upstream/iam/<controller>-<version>.json`, written by
//! `scripts/upstream-facts/iam.sh`). Actions count as granted by the role's inline policy (the infra root's
//! `aws_iam_policy_document`, wildcards included) or by an attached AWS managed policy the upstream names; a
//! narrower resource or an extra condition is ours to add. Every action we grant beyond the reference is in
//! [`EXTRAS`] with its reason.

use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;

use platform_core::catalog::charts::chart_versions;
use platform_core::catalog::kubernetes::{addon_versions, carried};
use platform_core::model::{ManagedPolicy, Policy};
use platform_core::naming::ident;
use platform_tests::{conformance, json_in, platform, policy_statements, render_for, resources, strs};
use serde_json::Value;

/// Actions (or `managed:<AWS managed policy>`) a controller's role is granted beyond every reference it is checked
/// against: (controller, action as rendered, why). A test fails on an extra not listed and on an entry no carried
/// version needs.
const EXTRAS: &[(&str, &str, &str)] = &[
    ("aws-ebs-csi-driver", "kms:ListGrants", EKS_GUIDE_KEY_POLICY),
    ("aws-ebs-csi-driver", "kms:RevokeGrant", EKS_GUIDE_KEY_POLICY),
    ("aws-ebs-csi-driver", "kms:Encrypt", EKS_GUIDE_KEY_POLICY),
    ("aws-ebs-csi-driver", "kms:ReEncrypt*", EKS_GUIDE_KEY_POLICY),
    ("aws-ebs-csi-driver", "kms:DescribeKey", EKS_GUIDE_KEY_POLICY),
];

/// The driver's own docs grant three KMS actions; the EKS add-on's guide grants these too.
const EKS_GUIDE_KEY_POLICY: &str = "the policy for customer managed keys of the EKS user guide \
    (awsdocs/amazon-eks-user-guide latest/ug/storage/ebs-csi.adoc), which the role follows on tagged keys";

/// The controllers checked against no reference, and why.
const NO_REFERENCE: &[(ManagedPolicy, &str)] = &[(
    ManagedPolicy::ExternalSecrets,
    "the controller's own role is granted nothing (tenants' SecretStores use their own roles; tests/tests/infra.rs)",
)];

/// The AWS managed policy the EBS CSI driver's `docs/example-iam-policy.json` is the example of, by the pairing its
/// `docs/install.md` states at the older pinned tag (facts `managed_policies_named`); at later tags the file is
/// kept beside the V2 example the docs name instead, and stands for the managed policy's actions.
const EBS_MANAGED_EXAMPLE: &str = "docs/example-iam-policy.json";

/// Which facts file one role is checked against.
fn reference_of(kind: ManagedPolicy, kubernetes: &str) -> Option<(&'static str, String)> {
    let charts = chart_versions(kubernetes).expect("carried versions have chart pins");
    let addons = addon_versions(kubernetes).expect("carried versions have addon pins");
    let app_version = |chart: platform_core::catalog::charts::Chart| {
        let facts = conformance::facts(chart.release, chart.version).unwrap_or_else(|e| panic!("{e}"));
        facts["app_version"].as_str().expect("chart facts carry the app version").to_owned()
    };
    let addon = |v: &str| v.split("-eksbuild").next().unwrap_or(v).to_owned();
    Some(match kind {
        ManagedPolicy::ClusterAutoscaler => ("cluster-autoscaler", charts.cluster_autoscaler_image.to_owned()),
        ManagedPolicy::AwsLoadBalancerController => {
            ("aws-load-balancer-controller", app_version(charts.aws_load_balancer_controller))
        }
        ManagedPolicy::ExternalDns => ("external-dns", app_version(charts.external_dns)),
        ManagedPolicy::EbsCsi => ("aws-ebs-csi-driver", addon(addons.aws_ebs_csi_driver)),
        ManagedPolicy::CloudwatchObservability => {
            ("amazon-cloudwatch-observability", addon(addons.amazon_cloudwatch_observability))
        }
        ManagedPolicy::ExternalSecrets => return None,
    })
}

fn facts_file(controller: &str, version: &str) -> String {
    format!("tests/upstream/iam/{controller}-{version}.json")
}

/// The reference facts, or the one line naming the missing file and the command that writes it.
fn iam_facts(controller: &str, version: &str) -> Result<Value, String> {
    let file = facts_file(controller, version);
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..").join(&file);
    let text = std::fs::read_to_string(&path).map_err(|_| {
        format!(
            "missing IAM reference `{file}`: add `{controller} {version} <owner/name> <tag>` to \
             tests/upstream/iam/pins.txt and run `scripts/upstream-facts/iam.sh MIRRORS_DIR {controller} {version}`"
        )
    })?;
    serde_json::from_str(&text).map_err(|e| format!("`{file}` is not JSON: {e}"))
}

/// IAM action patterns match case-insensitively, `*` any run and `?` one character.
fn glob(pattern: &str, action: &str) -> bool {
    fn go(p: &[u8], a: &[u8]) -> bool {
        match (p.first(), a.first()) {
            (None, None) => true,
            (Some(b'*'), _) => go(&p[1..], a) || (!a.is_empty() && go(p, &a[1..])),
            (Some(b'?'), Some(_)) => go(&p[1..], &a[1..]),
            (Some(x), Some(y)) if x.eq_ignore_ascii_case(y) => go(&p[1..], &a[1..]),
            _ => false,
        }
    }
    go(pattern.as_bytes(), action.as_bytes())
}

/// The actions of the `Allow` statements of some facts policies (a `Deny` or `NotAction` would need more than a
/// subset check).
fn allowed(policies: &[&Value]) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    for p in policies {
        for s in p["statements"].as_array().expect("statements") {
            assert_eq!(s["effect"], "Allow", "{}: a non-Allow reference statement", p["path"]);
            assert!(s.get("not_actions").is_none(), "{}: a NotAction reference statement", p["path"]);
            out.extend(strs(&s["actions"]).into_iter().map(str::to_owned));
        }
    }
    out
}

/// What one version of a controller requires, from its facts.
#[derive(Debug, Default)]
struct Reference {
    /// Source (`repository@tag:path`) of every required action.
    actions: BTreeMap<String, String>,
    /// AWS managed policies the role must attach.
    managed: BTreeSet<String>,
    /// Actions an attached AWS managed policy stands for.
    managed_actions: BTreeMap<String, BTreeSet<String>>,
}

fn policies(facts: &Value, keep: impl Fn(&Value) -> bool) -> Vec<&Value> {
    facts["policies"].as_array().map(|a| a.iter().filter(|p| keep(p)).collect()).unwrap_or_default()
}

fn reference(facts: &Value, ebs_pairings: &BTreeMap<String, String>) -> Reference {
    let source = |p: &Value| {
        format!(
            "{}@{}:{}",
            facts["repository"].as_str().unwrap(),
            facts["tag"].as_str().unwrap(),
            p["path"].as_str().unwrap()
        )
    };
    let mut r = Reference::default();
    let required: Vec<&Value> = match facts["controller"].as_str().unwrap() {
        // The example(s) install.md names at this tag, and its KMS statement for encrypted volumes; an attached
        // managed policy stands for the example it is the managed version of.
        "aws-ebs-csi-driver" => {
            let named: BTreeSet<&str> = facts["managed_policies_named"]
                .as_array()
                .unwrap()
                .iter()
                .filter_map(|n| n["example"].as_str())
                .collect();
            for (managed, example) in ebs_pairings {
                if let Some(p) =
                    policies(facts, |p| p["path"] == example.as_str() && p.get("heading").is_none()).first()
                {
                    r.managed_actions.insert(managed.clone(), allowed(&[p]));
                }
            }
            policies(facts, |p| {
                p["heading"] == "kms" || (p.get("heading").is_none() && named.contains(p["path"].as_str().unwrap()))
            })
        }
        "amazon-cloudwatch-observability" => {
            r.managed.extend(strs(&facts["managed_policies"]).into_iter().map(str::to_owned));
            vec![]
        }
        _ => policies(facts, |_| true),
    };
    for p in required {
        for a in allowed(&[p]) {
            r.actions.entry(a).or_insert_with(|| source(p));
        }
    }
    r
}

/// What one role is granted in the infra root: its inline actions and its AWS managed policies.
fn granted(doc: &Value, binding: &str) -> (BTreeSet<String>, BTreeSet<String>) {
    let key = format!("irsa_{}", ident(binding));
    let mut inline = BTreeSet::new();
    if let Some(p) = doc["resource"]["aws_iam_role_policy"].get(&key) {
        for s in policy_statements(doc, p["policy"].as_str().unwrap()) {
            assert_eq!(s["effect"], "Allow", "{key}: the platform writes Allow statements only");
            inline.extend(strs(&s["actions"]).into_iter().map(str::to_owned));
        }
    }
    let role = format!("${{aws_iam_role.{key}.name}}");
    let managed = resources(doc, "aws_iam_role_policy_attachment")
        .into_iter()
        .filter(|(_, a)| a["role"] == role.as_str())
        .map(|(_, a)| {
            let arn = a["policy_arn"].as_str().unwrap();
            arn.split_once(":iam::aws:policy/")
                .unwrap_or_else(|| panic!("{key}: `{arn}` is not AWS managed"))
                .1
                .to_owned()
        })
        .collect();
    (inline, managed)
}

/// The missing actions and managed policies, and the extras, of one role against its reference.
fn compare(r: &Reference, inline: &BTreeSet<String>, managed: &BTreeSet<String>) -> (Vec<String>, Vec<String>) {
    let mut covering: Vec<&str> = inline.iter().map(String::as_str).collect();
    for m in managed {
        covering.extend(r.managed_actions.get(m).into_iter().flatten().map(String::as_str));
    }
    let mut missing: Vec<String> = r
        .actions
        .iter()
        .filter(|(a, _)| !covering.iter().any(|g| glob(g, a)))
        .map(|(a, source)| format!("{a} ({source})"))
        .collect();
    missing.extend(r.managed.difference(managed).map(|m| format!("managed:{m}")));
    let mut extras: Vec<String> = inline.iter().filter(|g| !r.actions.keys().any(|a| glob(g, a))).cloned().collect();
    extras.extend(
        managed
            .iter()
            .filter(|m| !r.managed.contains(*m) && !r.managed_actions.contains_key(*m))
            .map(|m| format!("managed:{m}")),
    );
    (missing, extras)
}

/// The pairings (AWS managed policy → example file) the EBS CSI driver's docs state at any pinned tag.
fn ebs_pairings(all: &[Value]) -> BTreeMap<String, String> {
    all.iter()
        .filter(|f| f["controller"] == "aws-ebs-csi-driver")
        .flat_map(|f| f["managed_policies_named"].as_array().cloned().unwrap_or_default())
        .filter(|n| n["example"] == EBS_MANAGED_EXAMPLE)
        .map(|n| (n["managed_policy"].as_str().unwrap().to_owned(), EBS_MANAGED_EXAMPLE.to_owned()))
        .collect()
}

struct Checked {
    /// `<controller> <version>: <action> (<source>)` → the Kubernetes versions that pin it.
    missing: BTreeMap<String, Vec<String>>,
    /// (controller, action) of every extra, with where it was found.
    extras: BTreeMap<(String, String), Vec<String>>,
    /// The bindings checked, and those with a managed policy that no reference exempts.
    checked: BTreeSet<String>,
    expected: BTreeSet<String>,
}

fn check_all() -> Checked {
    let kinds: Vec<(String, ManagedPolicy)> = platform()
        .irsa
        .iter()
        .filter_map(|b| match &b.policy {
            Policy::Managed(kind) => Some((b.name.clone(), *kind)),
            Policy::Custom(_) => None,
        })
        .collect();
    let mut wanted = Vec::new();
    let mut missing_files = BTreeSet::new();
    for k in carried() {
        for (binding, kind) in &kinds {
            let Some((controller, version)) = reference_of(*kind, k.version) else {
                assert!(NO_REFERENCE.iter().any(|(exempt, _)| exempt == kind), "no reference for {kind:?}");
                continue;
            };
            match iam_facts(controller, &version) {
                Ok(f) => wanted.push((k.version, binding.clone(), f)),
                Err(e) => {
                    missing_files.insert(e);
                }
            }
        }
    }
    assert!(missing_files.is_empty(), "{}", missing_files.into_iter().collect::<Vec<_>>().join("\n"));
    let facts: Vec<Value> = wanted.iter().map(|(_, _, f)| f.clone()).collect();
    let pairings = ebs_pairings(&facts);
    assert!(!pairings.is_empty(), "no pinned EBS CSI driver tag names the managed policy of {EBS_MANAGED_EXAMPLE}");

    let expected = kinds
        .iter()
        .filter(|(_, kind)| !NO_REFERENCE.iter().any(|(exempt, _)| exempt == kind))
        .map(|(b, _)| b.clone())
        .collect();
    let mut out = Checked { missing: BTreeMap::new(), extras: BTreeMap::new(), checked: BTreeSet::new(), expected };
    let mut docs: BTreeMap<&str, Value> = BTreeMap::new();
    for (kubernetes, binding, f) in &wanted {
        let doc =
            docs.entry(kubernetes).or_insert_with(|| json_in(&render_for(kubernetes), "terraform/infra/main.tf.json"));
        let (controller, version) = (f["controller"].as_str().unwrap(), f["version"].as_str().unwrap());
        let (inline, managed) = granted(doc, binding);
        let (missing, extras) = compare(&reference(f, &pairings), &inline, &managed);
        for m in missing {
            out.missing.entry(format!("{controller} {version}: {m}")).or_default().push(kubernetes.to_string());
        }
        let at = format!("Kubernetes {kubernetes}: {controller} {version}");
        for e in extras {
            out.extras.entry((controller.to_owned(), e)).or_default().push(at.clone());
        }
        out.checked.insert(binding.clone());
    }
    out
}

#[test]
fn every_controller_role_grants_its_upstream_reference_and_lists_its_extras() {
    let c = check_all();
    assert!(!c.checked.is_empty());
    assert_eq!(c.checked, c.expected, "IRSA bindings checked against a reference");
    let missing: Vec<String> = c
        .missing
        .iter()
        .map(|(m, kubernetes)| format!("{m}, pinned for Kubernetes {}", kubernetes.join(", ")))
        .collect();
    assert!(missing.is_empty(), "actions of the upstream reference policies the roles lack:\n{}", missing.join("\n"));
    let listed: BTreeSet<(String, String)> = EXTRAS.iter().map(|(c, a, _)| (c.to_string(), a.to_string())).collect();
    let unlisted: Vec<String> = c
        .extras
        .iter()
        .filter(|(k, _)| !listed.contains(*k))
        .map(|((controller, action), at)| format!("{controller}: {action} (first at {})", at[0]))
        .collect();
    assert!(unlisted.is_empty(), "actions granted beyond the reference, not in EXTRAS:\n{}", unlisted.join("\n"));
    let stale: Vec<String> =
        listed.iter().filter(|k| !c.extras.contains_key(*k)).map(|(c, a)| format!("{c}: {a}")).collect();
    assert!(stale.is_empty(), "EXTRAS entries no carried version grants beyond its reference:\n{}", stale.join("\n"));
    assert!(EXTRAS.iter().all(|(_, _, why)| !why.is_empty()));
}

#[test]
fn every_iam_facts_file_is_pinned_and_records_its_source() {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../tests/upstream/iam");
    let pins = std::fs::read_to_string(dir.join("pins.txt")).expect("tests/upstream/iam/pins.txt");
    let pinned: BTreeSet<String> = pins
        .lines()
        .filter(|l| !l.trim().is_empty() && !l.starts_with('#'))
        .map(|l| {
            let cols: Vec<&str> = l.split_whitespace().collect();
            format!("{}-{}.json", cols[0], cols[1])
        })
        .collect();
    let files: BTreeSet<String> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .filter(|n| n.ends_with(".json"))
        .collect();
    assert_eq!(files, pinned, "facts files and tests/upstream/iam/pins.txt differ");
    for name in files {
        let f: Value = serde_json::from_str(&std::fs::read_to_string(dir.join(&name)).unwrap()).unwrap();
        for key in ["repository", "tag", "commit", "controller", "version"] {
            assert!(f[key].as_str().is_some_and(|s| !s.is_empty()), "{name}: no `{key}`");
        }
        assert_eq!(f["commit"].as_str().unwrap().len(), 40, "{name}: commit");
        assert!(
            f["policies"].as_array().is_some_and(|p| p.iter().all(|p| p["path"].is_string()))
                || f["managed_policies"].is_array()
        );
    }
}

// The checker fails on planted errors -----------------------------------------------------------------------------

fn set(actions: &[&str]) -> BTreeSet<String> {
    actions.iter().map(|a| a.to_string()).collect()
}

#[test]
fn a_missing_action_an_extra_and_a_missing_attachment_are_reported() {
    let mut r = Reference::default();
    r.actions.insert("ec2:DescribeVpcs".into(), "src".into());
    r.actions.insert("kms:GenerateDataKeyWithoutPlaintext".into(), "src".into());
    r.managed.insert("CloudWatchAgentServerPolicy".into());
    r.managed_actions.insert("service-role/AmazonEBSCSIDriverPolicy".into(), set(&["ec2:AttachVolume"]));
    r.actions.insert("ec2:AttachVolume".into(), "src".into());
    let managed = set(&["CloudWatchAgentServerPolicy", "service-role/AmazonEBSCSIDriverPolicy"]);

    // A wildcard covers, case-insensitively; nothing extra.
    let (missing, extras) = compare(&r, &set(&["ec2:describevpcs", "kms:GenerateDataKey*"]), &managed);
    assert_eq!((missing, extras), (vec![], vec![]));

    let (missing, extras) = compare(&r, &set(&["kms:GenerateDataKey*", "ec2:DeleteVpc"]), &set(&["ReadOnlyAccess"]));
    assert_eq!(missing, ["ec2:AttachVolume (src)", "ec2:DescribeVpcs (src)", "managed:CloudWatchAgentServerPolicy"]);
    assert_eq!(extras, ["ec2:DeleteVpc", "managed:ReadOnlyAccess"]);
}

#[test]
fn a_missing_facts_file_is_one_line_naming_it_and_its_command() {
    let e = iam_facts("external-dns", "0.0.0-missing").unwrap_err();
    assert!(!e.contains('\n'), "{e}");
    assert!(e.contains(&facts_file("external-dns", "0.0.0-missing")), "{e}");
    assert!(e.contains("scripts/upstream-facts/iam.sh MIRRORS_DIR external-dns 0.0.0-missing"), "{e}");
}
