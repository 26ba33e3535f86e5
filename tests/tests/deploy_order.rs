//! The first deployment, step by step: every apply may only install what earlier applies made ready.
//!
//! The steps are the step list `platform deploy` runs (`platform_core::deploy`), with the deploy-time inputs the
//! renderer writes into the infra root; the README's commands are that list's (`tests/tests/docs.rs`), and are
//! parsed here too. What each step
//! creates is read from the rendered root, with its `count`s evaluated for the step's variables. What each resource
//! needs at run time, and what it provides, is encoded below; a need is met by an earlier step, or within the step
//! by a resource it depends on (`depends_on` or a reference, transitively), since Terraform orders those.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::OnceLock;

use platform_core::deploy::{self, Sequence};
use platform_tests::behaviour::{self, our_releases, Entry};
use platform_tests::webhooks::{fails_closed, intercepts_create, NamespaceLabels};
use platform_tests::{artifacts, platform};
use serde_json::Value;

const README: &str = include_str!("../../README.md");

/// What a component needs before it can become healthy.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
enum Need {
    /// A CNI on the nodes: without it they stay NotReady.
    Cni,
    /// Ready nodes to run pods on.
    Nodes,
    /// Cluster DNS: pods calling AWS resolve its endpoints (and STS for IRSA) through coredns.
    Dns,
    /// Running admission webhooks (and CRDs) of the controllers that validate custom resources.
    Webhooks,
    /// The pods serving the fail-closed webhooks of this release, which intercept something the needing release
    /// creates (derived from the charts rendered at their tags: `tests/upstream/behaviour/`).
    WebhookOf(String),
}

/// One `terraform apply` of the README: the root and the variables it is given.
#[derive(Debug, Clone, PartialEq)]
struct Step {
    root: String,
    vars: BTreeMap<String, String>,
}

/// Splits a shell command into words (single and double quotes; no expansions).
fn words(line: &str) -> Vec<String> {
    let (mut out, mut word, mut quote, mut in_word) = (Vec::new(), String::new(), None, false);
    for c in line.chars() {
        match (quote, c) {
            (None, '\'' | '"') => (quote, in_word) = (Some(c), true),
            (Some(q), _) if c == q => quote = None,
            (None, '#') if !in_word => break,
            (None, c) if c.is_whitespace() => {
                if in_word {
                    out.push(std::mem::take(&mut word));
                }
                in_word = false;
            }
            _ => (word, in_word) = (word + &c.to_string(), true),
        }
    }
    if in_word {
        out.push(word);
    }
    out
}

/// The `apply` steps of the first `sh` block of a README section: a `plan -out=<file>` followed by
/// `apply <file>` is one step with the plan's variables.
fn steps(readme: &str, section: &str) -> Vec<Step> {
    let text = &readme[readme.find(section).unwrap_or_else(|| panic!("README has no `{section}`"))..];
    let block = text.split("```sh\n").nth(1).and_then(|b| b.split("```").next()).expect("a sh block");
    let commands = block.replace("\\\n", " ");
    let mut planned: BTreeMap<String, BTreeMap<String, String>> = BTreeMap::new();
    let mut out = Vec::new();
    for command in commands.lines().map(words).filter(|w| w.first().map(String::as_str) == Some("terraform")) {
        let Some(root) = command
            .iter()
            .filter_map(|w| w.strip_prefix("-chdir="))
            .find_map(|dir| dir.find("terraform/").map(|i| &dir[i..]))
        else {
            continue;
        };
        let mut vars = BTreeMap::new();
        let mut args = command.iter().skip(2);
        let sub = command.get(2).map(String::as_str);
        while let Some(a) = args.next() {
            if a == "-var" {
                let (k, v) = args.next().and_then(|kv| kv.split_once('=')).expect("-var name=value");
                vars.insert(k.to_owned(), v.to_owned());
            }
        }
        match sub {
            Some("plan") => {
                planned.insert(root.to_owned(), vars);
            }
            Some("apply") => {
                let from_plan = command.len() > 3 && !command[3].starts_with('-');
                let vars = if from_plan { planned.remove(root).expect("apply of a saved plan") } else { vars };
                out.push(Step { root: root.to_owned(), vars });
            }
            _ => {}
        }
    }
    out
}

/// The first deployment as `platform deploy` runs it: the step list, each infra step with its `-var`s and the
/// inputs the renderer writes into the infra root (the README's CIDR and role; the CIDR only when declared).
fn first_deployment() -> Vec<Step> {
    let checked = platform_core::check_platform(platform(), &platform_core::check::today()).expect("valid");
    let public = platform().cluster.endpoint == platform_core::model::EndpointAccess::PrivateAndPublic;
    let inputs = deploy::Inputs {
        public_access_cidrs: if public { vec!["203.0.113.0/24".into()] } else { vec![] },
        cluster_admin_role_arns: vec!["arn:aws:iam::111122223333:role/platform-admin".into()],
    };
    let file = deploy::inputs_file(&checked, &inputs).expect("inputs").expect("an inputs file");
    let given: BTreeMap<String, Value> = serde_json::from_slice(&file).expect("JSON");
    deploy::steps(Sequence::FirstDeployment)
        .into_iter()
        .map(|s| {
            let mut vars: BTreeMap<String, String> = BTreeMap::new();
            if s.root == deploy::Root::Infra {
                vars.extend(given.iter().map(|(k, v)| (k.clone(), v.to_string())));
            }
            let words = s.vars();
            for pair in words.chunks(2) {
                let (k, v) = pair[1].split_once('=').expect("-var name=value");
                vars.insert(k.to_owned(), v.to_owned());
            }
            Step { root: s.root.dir(), vars }
        })
        .collect()
}

/// A rendered root, parsed.
fn root(path: &str) -> Value {
    let bytes = artifacts().files.get(&format!("{path}/main.tf.json")).unwrap_or_else(|| panic!("{path} not rendered"));
    serde_json::from_slice(bytes).expect("JSON")
}

/// Every resource of a root: address → body.
fn resources(doc: &Value) -> BTreeMap<String, &Value> {
    let mut out = BTreeMap::new();
    for (ty, named) in doc["resource"].as_object().into_iter().flatten() {
        for (name, body) in named.as_object().into_iter().flatten() {
            out.insert(format!("{ty}.{name}"), body);
        }
    }
    out
}

/// Whether a resource has instances for the given variables (`count` of the form `${var.X ? 1 : 0}`, or a
/// `for_each` map filtered by `if var.X`).
fn exists(body: &Value, vars: &BTreeMap<String, String>, defaults: &BTreeMap<String, String>) -> bool {
    let gate = match (body.get("count"), body.get("for_each").and_then(Value::as_str)) {
        (Some(count), _) => {
            let count = count.as_str().expect("a count expression");
            count
                .strip_prefix("${var.")
                .and_then(|c| c.strip_suffix(" ? 1 : 0}"))
                .unwrap_or_else(|| panic!("unmodelled count `{count}`"))
        }
        (None, Some(each)) => match each.rsplit_once(" if var.") {
            Some((_, var)) => var.strip_suffix("}}").unwrap_or_else(|| panic!("unmodelled for_each `{each}`")),
            None => return true,
        },
        (None, None) => return true,
    };
    let var = gate;
    let value = vars.get(var).or_else(|| defaults.get(var)).unwrap_or_else(|| panic!("no value for `{var}`"));
    value == "true"
}

/// The strings of a JSON value, recursively.
fn strings(v: &Value, out: &mut Vec<String>) {
    match v {
        Value::String(s) => out.push(s.clone()),
        Value::Array(a) => a.iter().for_each(|x| strings(x, out)),
        Value::Object(m) => m.values().for_each(|x| strings(x, out)),
        _ => {}
    }
}

/// The resources of the same root a resource depends on, directly (`depends_on` or an interpolated reference).
fn direct_dependencies(body: &Value, addresses: &BTreeSet<String>) -> BTreeSet<String> {
    let mut texts = Vec::new();
    strings(body, &mut texts);
    let mut out = BTreeSet::new();
    for text in &texts {
        for a in addresses {
            let mut rest = text.as_str();
            while let Some(i) = rest.find(a.as_str()) {
                let before = rest[..i].chars().next_back();
                let after = rest[i + a.len()..].chars().next();
                let ident = |c: Option<char>| c.is_some_and(|c| c.is_ascii_alphanumeric() || c == '_' || c == '.');
                if !ident(before) && !after.is_some_and(|c| c.is_ascii_alphanumeric() || c == '_') {
                    out.insert(a.clone());
                }
                rest = &rest[i + a.len()..];
            }
        }
    }
    out
}

/// Whether a value holds the IRSA annotation anywhere (a pod that calls AWS).
fn calls_aws(v: &Value) -> bool {
    match v {
        Value::Object(m) => m.iter().any(|(k, x)| k == "eks.amazonaws.com/role-arn" || calls_aws(x)),
        Value::Array(a) => a.iter().any(calls_aws),
        _ => false,
    }
}

/// What a resource needs at run time (runtime knowledge, not read from the code under test).
fn needs(doc: &Value, address: &str, body: &Value) -> BTreeSet<Need> {
    let ty = address.split('.').next().unwrap();
    let mut out = BTreeSet::new();
    match ty {
        // A node reports Ready only once a CNI runs on it; EKS fails a node group whose nodes stay NotReady.
        "aws_eks_node_group" => {
            out.insert(Need::Cni);
        }
        // kube-proxy is a host-network DaemonSet (healthy with nothing to schedule); the other addons run
        // Deployments on the pod network, and those with an IRSA role call AWS.
        "aws_eks_addon" if body["addon_name"] != "kube-proxy" => {
            out.extend([Need::Nodes, Need::Cni]);
            if body.get("service_account_role_arn").is_some() {
                out.insert(Need::Dns);
            }
        }
        "helm_release" => {
            let waits = body.get("wait") != Some(&Value::Bool(false));
            if waits {
                out.extend([Need::Nodes, Need::Cni]);
                let values = body["values"][0].as_str().unwrap_or_default();
                let local = values.strip_prefix("${yamlencode(local.").and_then(|v| v.strip_suffix(")}"));
                if local.is_some_and(|l| calls_aws(&doc["locals"][l])) {
                    out.insert(Need::Dns);
                }
            }
            // A local chart holds custom resources: the controllers' CRDs and webhooks must be up.
            if body["chart"].as_str().is_some_and(|c| c.starts_with("${path.module}")) {
                out.insert(Need::Webhooks);
            }
            if let Some(release) = body["name"].as_str() {
                out.extend(webhook_needs(release).into_iter().map(Need::WebhookOf));
            }
        }
        _ => {}
    }
    out
}

/// The labels of every namespace the network and cluster roots create or label: name → labels.
fn namespace_labels() -> NamespaceLabels {
    let mut out = NamespaceLabels::new();
    for path in ["terraform/network", "terraform/cluster"] {
        let doc = root(path);
        for (ty, labels) in [("kubernetes_manifest", "/manifest/metadata/labels"), ("kubernetes_labels", "/labels")] {
            for body in doc["resource"][ty].as_object().into_iter().flat_map(|m| m.values()) {
                let manifest = body.get("manifest").unwrap_or(body);
                let is_namespace = ty == "kubernetes_labels" || manifest["kind"] == "Namespace";
                let name = manifest["metadata"]["name"].as_str();
                if let (true, Some(name), Some(l)) = (is_namespace, name, body.pointer(labels)) {
                    let l = l
                        .as_object()
                        .unwrap()
                        .iter()
                        .map(|(k, v)| (k.clone(), v.as_str().unwrap_or_default().to_owned()));
                    out.entry(name.to_owned()).or_default().extend(l);
                }
            }
        }
    }
    out
}

/// The releases whose fail-closed webhooks intercept an object `release` creates, at the declared Kubernetes
/// version: each must be serving before `release` is installed. A release's own objects are created before its
/// webhook configurations (Helm installs those last), so a release never needs itself.
fn webhook_needs(release: &str) -> BTreeSet<String> {
    static FACTS: OnceLock<(BTreeMap<String, Entry>, NamespaceLabels)> = OnceLock::new();
    let (entries, namespaces) = FACTS.get_or_init(|| {
        let kubernetes = &platform_tests::platform().kubernetes;
        let entries = our_releases(artifacts())
            .into_iter()
            .map(|(name, ours)| {
                let facts = behaviour::load(&name, &ours.chart_version).unwrap_or_else(|e| panic!("{e}"));
                let entry =
                    facts.kubernetes.get(kubernetes).unwrap_or_else(|| panic!("{name}: no facts for {kubernetes}"));
                (name, entry.clone())
            })
            .collect();
        (entries, namespace_labels())
    });
    let Some(mine) = entries.get(release) else { return BTreeSet::new() };
    entries
        .iter()
        .filter(|(other, _)| *other != release)
        .filter(|(_, theirs)| {
            theirs
                .webhooks
                .iter()
                .filter(|w| fails_closed(w))
                .any(|w| mine.objects.iter().any(|o| intercepts_create(w, o, namespaces)))
        })
        .map(|(other, _)| other.clone())
        .collect()
}

/// What a resource provides once it is healthy.
fn provides(address: &str, body: &Value) -> BTreeSet<Need> {
    let ty = address.split('.').next().unwrap();
    let chart = body["chart"].as_str().unwrap_or_default();
    // A release Terraform waits for serves its webhooks once applied.
    let waits = body.get("wait") != Some(&Value::Bool(false));
    if ty == "helm_release" && waits {
        if let Some(name) = body["name"].as_str() {
            let mut out = provides_static(chart, ty, body);
            out.insert(Need::WebhookOf(name.to_owned()));
            return out;
        }
    }
    provides_static(chart, ty, body)
}

/// What a resource provides by its kind (the CNI, nodes, DNS, the custom-resource webhooks).
fn provides_static(chart: &str, ty: &str, body: &Value) -> BTreeSet<Need> {
    match ty {
        "helm_release" if chart == "tigera-operator" => [Need::Cni].into(),
        "helm_release" if chart == "kyverno" || chart == "external-secrets" => [Need::Webhooks].into(),
        "aws_eks_node_group" => [Need::Nodes].into(),
        "aws_eks_addon" if body["addon_name"] == "coredns" => [Need::Dns].into(),
        _ => BTreeSet::new(),
    }
}

/// How a data source or resource is found by name: its `name` (a bucket's `bucket`), else its `Name` tag.
fn lookup_name(body: &Value) -> Option<String> {
    body["name"]
        .as_str()
        .or_else(|| body["bucket"].as_str())
        .or_else(|| body["tags"]["Name"].as_str())
        .map(str::to_owned)
}

/// The resource type and name a data source finds: a KMS key looked up by alias is found through the alias.
fn lookup<'a>(ty: &'a str, body: &Value) -> (&'a str, Option<String>) {
    match body["key_id"].as_str() {
        Some(alias) if ty == "aws_kms_key" && alias.starts_with("alias/") => ("aws_kms_alias", Some(alias.to_owned())),
        _ => (ty, lookup_name(body)),
    }
}

/// Checks a deployment sequence; returns every unmet need, one line each.
fn violations(sequence: &[Step]) -> Vec<String> {
    violations_of(sequence, &root)
}

/// [`violations`] of the roots `root` gives (the rendered ones, or a test's changed copy).
fn violations_of(sequence: &[Step], root: &dyn Fn(&str) -> Value) -> Vec<String> {
    let mut problems = Vec::new();
    // What exists after each root's last apply: address → body.
    let mut state: BTreeMap<String, BTreeMap<String, Value>> = BTreeMap::new();
    let rendered: BTreeSet<String> = artifacts()
        .files
        .keys()
        .filter_map(|p| p.strip_suffix("/main.tf.json").filter(|r| r.starts_with("terraform/")).map(str::to_owned))
        .collect();
    let applied: BTreeSet<String> = sequence.iter().map(|s| s.root.clone()).collect();
    for missing in rendered.difference(&applied) {
        problems.push(format!("{missing} is rendered but never applied"));
    }
    for (i, step) in sequence.iter().enumerate() {
        let label = format!("step {} ({} {:?})", i + 1, step.root, step.vars);
        let doc = root(&step.root);
        let mut defaults = BTreeMap::new();
        for (name, v) in doc["variable"].as_object().into_iter().flatten() {
            match v.get("default") {
                Some(d) => {
                    defaults.insert(name.clone(), d.to_string());
                }
                None if !step.vars.contains_key(name) => problems.push(format!("{label}: required `{name}` not given")),
                None => {}
            }
        }
        let before: Vec<(String, Value)> =
            state.values().flat_map(|r| r.iter().map(|(a, b)| (a.clone(), b.clone()))).collect();
        let ready: BTreeSet<Need> = before.iter().flat_map(|(a, b)| provides(a, b)).collect();

        // Look-ups by name read at plan time: what they find must exist before this step.
        for (ty, named) in doc["data"].as_object().into_iter().flatten() {
            let creatable = rendered.iter().any(|r| root(r)["resource"].get(ty).is_some());
            for (name, body) in named.as_object().into_iter().flatten().filter(|_| creatable) {
                let (creates, wanted) = lookup(ty, body);
                let found =
                    before.iter().any(|(a, b)| a.split('.').next() == Some(creates) && lookup_name(b) == wanted);
                if !found {
                    problems
                        .push(format!("{label}: data.{ty}.{name} looks up {wanted:?}, which no earlier step created"));
                }
            }
        }

        let all = resources(&doc);
        let created: BTreeMap<String, &Value> =
            all.into_iter().filter(|(_, b)| exists(b, &step.vars, &defaults)).collect();
        let addresses: BTreeSet<String> = created.keys().cloned().collect();
        let direct: BTreeMap<&String, BTreeSet<String>> =
            created.iter().map(|(a, b)| (a, direct_dependencies(b, &addresses))).collect();
        for (address, body) in &created {
            // Everything this resource waits for within the step, transitively.
            let mut upstream = BTreeSet::new();
            let mut queue: Vec<String> = direct[address].iter().cloned().collect();
            while let Some(a) = queue.pop() {
                if upstream.insert(a.clone()) {
                    queue.extend(direct[&a].iter().cloned());
                }
            }
            let here: BTreeSet<Need> = upstream.iter().flat_map(|a| provides(a, created[a])).collect();
            for need in needs(&doc, address, body) {
                if !ready.contains(&need) && !here.contains(&need) {
                    problems.push(format!("{label}: {address} needs {need:?}, which nothing before it provides"));
                }
            }
        }
        state.insert(step.root.clone(), created.into_iter().map(|(a, b)| (a, b.clone())).collect());
    }
    problems
}

#[test]
fn the_first_deployment_installs_each_thing_after_what_it_needs() {
    let sequence = first_deployment();
    let roots: Vec<&str> = sequence.iter().map(|s| s.root.as_str()).collect();
    assert_eq!(
        roots,
        ["terraform/archive", "terraform/infra", "terraform/network", "terraform/infra", "terraform/cluster"]
    );
    let problems = violations(&sequence);
    assert!(problems.is_empty(), "the README's deploy sequence does not converge:\n{}", problems.join("\n"));
}

/// The infra root finds the archive's bucket and key by name: applied before the archive root, its look-ups fail.
#[test]
fn infra_before_the_archive_is_rejected() {
    let without: Vec<Step> = first_deployment().into_iter().filter(|s| s.root != "terraform/archive").collect();
    let text = violations(&without).join("\n");
    assert!(text.contains("terraform/archive is rendered but never applied"), "{text}");
    assert!(text.contains("data.aws_s3_bucket.log_archive looks up"), "{text}");
    assert!(text.contains("data.aws_kms_key.log_archive looks up"), "{text}");
}

/// The order before the network root existed (infra without nodes' pod network, cluster, infra again) is caught:
/// the cluster root's controllers would wait for nodes, and with them for a CNI and DNS that are not there.
#[test]
fn the_old_order_is_rejected() {
    let infra = |ready: &str| Step {
        root: "terraform/infra".into(),
        vars: [("pod_network_ready".to_owned(), ready.to_owned()), ("public_access_cidrs".into(), "[]".into())]
            .into_iter()
            .chain([("cluster_admin_role_arns".to_owned(), "[]".to_owned())])
            .collect(),
    };
    let cluster = Step { root: "terraform/cluster".into(), vars: BTreeMap::new() };
    let problems = violations(&[infra("false"), cluster, infra("true")]);
    let text = problems.join("\n");
    assert!(text.contains("terraform/network is rendered but never applied"), "{text}");
    assert!(text.contains("helm_release.kyverno needs Nodes"), "{text}");
    assert!(text.contains("helm_release.external_dns needs Dns"), "{text}");
}

/// The README's block of the first deployment (what `deploy --dry-run` prints) applies the same roots with the same
/// `-var`s as the step list.
#[test]
fn the_readme_applies_the_step_list() {
    let readme = steps(README, "(`platform deploy --environment-suffix prod --dry-run`):");
    let list = first_deployment();
    assert_eq!(readme.len(), list.len(), "{readme:?}");
    for (r, l) in readme.iter().zip(&list) {
        assert_eq!(r.root, l.root);
        for (k, v) in &r.vars {
            assert_eq!(l.vars.get(k), Some(v), "{k} of {}", r.root);
        }
    }
}

#[test]
fn commands_are_parsed_with_their_quotes_and_saved_plans() {
    let readme = "## Deploying\n```sh\nterraform -chdir=out/terraform/infra plan -out=tfplan \\\n  \
                  -var 'a=[\"x y\"]' -var b=false   # comment\nterraform -chdir=out/terraform/infra apply tfplan\n\
                  terraform -chdir=out/terraform/cluster apply -var c=1\n```\n";
    let s = steps(readme, "## Deploying");
    assert_eq!(s.len(), 2);
    assert_eq!(s[0].vars["a"], "[\"x y\"]");
    assert_eq!(s[0].vars["b"], "false");
    assert_eq!(s[1], Step { root: "terraform/cluster".into(), vars: [("c".to_owned(), "1".to_owned())].into() });
}

/// The load balancer controller's Service webhook fails closed in every namespace, and every other chart of the
/// cluster root creates Services: derived from the charts rendered at their tags, the need holds, and a cluster root
/// that installs them side by side (as before the install plan knew webhooks) is rejected.
#[test]
fn charts_wait_for_the_fail_closed_webhooks_that_intercept_their_objects() {
    let lbc = "aws-load-balancer-controller";
    for release in ["kyverno", "cluster-autoscaler", "external-dns", "external-secrets"] {
        assert!(
            webhook_needs(release).contains(lbc),
            "{release} creates Services the load balancer controller's webhook intercepts"
        );
    }
    assert!(webhook_needs(lbc).is_empty(), "nothing the controller creates waits for another release's webhook");

    let sequence = first_deployment();
    let side_by_side = |path: &str| {
        let mut doc = root(path);
        if let Some(releases) = doc["resource"]["helm_release"].as_object_mut() {
            for body in releases.values_mut() {
                if let Some(deps) = body["depends_on"].as_array_mut() {
                    deps.retain(|d| d != "helm_release.aws_load_balancer_controller");
                }
            }
        }
        doc
    };
    let text = violations_of(&sequence, &side_by_side).join("\n");
    for release in ["kyverno", "external_dns"] {
        let want = format!("helm_release.{release} needs WebhookOf(\"{lbc}\")");
        assert!(text.contains(&want), "not caught: {want}\n{text}");
    }
}

/// The GitOps order (`manifests/helm/<release>-values.yaml`, the install command on each first line): a release
/// another one's objects need serving is installed with `--wait`, so the next command starts once its webhook
/// answers.
#[test]
fn gitops_commands_wait_for_the_webhooks_later_releases_need() {
    let files = &artifacts().files;
    let command = |release: &str| {
        let text = std::str::from_utf8(&files[&format!("manifests/helm/{release}-values.yaml")]).unwrap().to_owned();
        text.lines().next().unwrap().to_owned()
    };
    let needed: BTreeSet<String> = our_releases(artifacts()).keys().flat_map(|r| webhook_needs(r)).collect();
    assert!(!needed.is_empty());
    for release in &needed {
        assert!(command(release).ends_with(" --wait"), "{release}: {}", command(release));
    }
}
