//! The deployment of an environment as data: which root, in which order, with which `pod_network_ready`, and the
//! exact `terraform` commands of each step. `platform deploy|plan|destroy` run these steps, `--dry-run` prints
//! them, the README's deploy commands are tested against them, `tests/tests/deploy_order.rs` proves their order
//! against the rendered roots, and `platform upgrade-path` takes its infra command from here.
//!
//! Why this order: [`crate::render::infra::bootstrap`] (Calico before node groups, controllers after coredns).
//! The deploy-time inputs of the infra root are not repeated on every command: the renderer writes them into the
//! root's [`INPUTS_FILE`], which Terraform loads by itself, and only the variables the root declares
//! (`public_access_cidrs` only with `endpoint: private_and_public`). State is remote from the first apply: the
//! renderer writes an S3 backend into every root ([`backend`]) unless local state is asked for.

use serde::Serialize;
use serde_json::{json, Value};

use crate::checked::Checked;
use crate::model::EndpointAccess;
use crate::naming::label;
/// The variable the first deployment steps through (`render::infra::bootstrap`).
pub use crate::render::infra::refs::POD_NETWORK_READY;
use crate::render::infra::refs::{ADMIN_ROLES, PUBLIC_ACCESS_CIDRS};

/// The file of the infra root holding the deploy-time inputs (`*.auto.tfvars.json`: Terraform loads it).
pub const INPUTS_FILE: &str = "terraform/infra/platform.auto.tfvars.json";

/// The file of each root holding its backend (`terraform.backend`).
pub const BACKEND_FILE: &str = "backend.tf.json";

/// The saved plan of a step, inside its root.
pub const PLAN_FILE: &str = "tfplan";

/// S3 native locking (`use_lockfile`) is generally available from Terraform 1.11 (experimental in 1.10).
pub const TERRAFORM_FOR_LOCKFILE: &str = ">= 1.11";

/// The render directory of an environment when `--out` is not given: one directory per environment, so that a
/// second environment never lands on the first one's roots and state.
pub fn default_out(suffix: &str) -> String {
    format!("out/{suffix}")
}

/// A Terraform root of the platform.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Root {
    /// The audit log archive (`render::infra::archive`): applied first, kept by `destroy` where retained.
    Archive,
    Infra,
    Network,
    Cluster,
}

impl Root {
    pub const ALL: [Root; 4] = [Root::Archive, Root::Infra, Root::Network, Root::Cluster];

    pub fn name(self) -> &'static str {
        match self {
            Root::Archive => "archive",
            Root::Infra => "infra",
            Root::Network => "network",
            Root::Cluster => "cluster",
        }
    }

    /// The root's directory inside the render directory.
    pub fn dir(self) -> String {
        format!("terraform/{}", self.name())
    }

    pub fn parse(name: &str) -> Option<Root> {
        Root::ALL.into_iter().find(|r| r.name() == name)
    }
}

/// Which sequence of steps.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Sequence {
    /// A new environment: infra without nodes, network, infra with nodes, cluster.
    FirstDeployment,
    /// An environment whose cluster has node groups: one apply per root in order.
    Change,
    /// Every root destroyed, in the reverse order (the archive last, and only where it is destroyable:
    /// [`destroy_steps`]).
    Destroy,
}

/// One `terraform apply` (or destroy) of one root.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Step {
    pub root: Root,
    pub destroy: bool,
    /// `-var pod_network_ready=…` (infra steps only).
    pub pod_network_ready: Option<bool>,
    /// What the step does.
    pub what: &'static str,
}

impl Step {
    fn apply(root: Root, pod_network_ready: Option<bool>, what: &'static str) -> Step {
        Step { root, destroy: false, pod_network_ready, what }
    }

    /// `infra (pod_network_ready=false)`, `network`, `cluster destroy`.
    pub fn label(&self) -> String {
        let mut out = self.root.name().to_owned();
        if let Some(ready) = self.pod_network_ready {
            out += &format!(" ({POD_NETWORK_READY}={ready})");
        }
        if self.destroy {
            out += " destroy";
        }
        out
    }

    /// The `-var` arguments of the step (the other inputs are in [`INPUTS_FILE`]).
    pub fn vars(&self) -> Vec<String> {
        self.pod_network_ready.map(|r| vec!["-var".to_owned(), format!("{POD_NETWORK_READY}={r}")]).unwrap_or_default()
    }

    /// `terraform -chdir=<out>/<root> plan [-destroy] -input=false -out=tfplan <vars>`.
    pub fn plan_command(&self, out: &str) -> Vec<String> {
        let mut argv = terraform(out, self.root, "plan");
        if self.destroy {
            argv.push("-destroy".into());
        }
        argv.extend(["-input=false".to_owned(), format!("-out={PLAN_FILE}")]);
        argv.extend(self.vars());
        argv
    }

    /// `terraform -chdir=<out>/<root> apply <vars>`: plan and apply in one, Terraform asking before it applies (the
    /// form `platform upgrade-path` prints for a person at a terminal).
    pub fn direct_apply_command(&self, out: &str) -> Vec<String> {
        let mut argv = terraform(out, self.root, if self.destroy { "destroy" } else { "apply" });
        argv.extend(self.vars());
        argv
    }

    /// `terraform -chdir=<out>/<root> apply -input=false tfplan`: applies exactly the plan shown.
    pub fn apply_command(&self, out: &str) -> Vec<String> {
        let mut argv = terraform(out, self.root, "apply");
        argv.extend(["-input=false".to_owned(), PLAN_FILE.to_owned()]);
        argv
    }
}

/// `terraform -chdir=<out>/terraform/<root> <sub>`.
fn terraform(out: &str, root: Root, sub: &str) -> Vec<String> {
    vec!["terraform".into(), format!("-chdir={}/{}", out.trim_end_matches('/'), root.dir()), sub.into()]
}

/// `terraform -chdir=<out>/<root> init -input=false [-backend-config=…]`.
pub fn init_command(out: &str, root: Root, backend_config: &[String]) -> Vec<String> {
    let mut argv = terraform(out, root, "init");
    argv.push("-input=false".into());
    argv.extend(backend_config.iter().map(|c| format!("-backend-config={c}")));
    argv
}

/// The step of `sequence` that applies `root` (the last one, for the first deployment's infra root).
pub fn step_of(sequence: Sequence, root: Root) -> Step {
    steps(sequence).into_iter().rev().find(|s| s.root == root).expect("every sequence touches every root")
}

/// The steps of a sequence, in order.
pub fn steps(sequence: Sequence) -> Vec<Step> {
    let infra = |ready, what| Step::apply(Root::Infra, Some(ready), what);
    // Before infra: the infra root looks the bucket and its key up by name.
    let archive = Step::apply(Root::Archive, None, "the audit log archive: its S3 bucket and KMS key");
    let network = Step::apply(Root::Network, None, "Calico (the Tigera operator and its Installation)");
    let cluster = Step::apply(
        Root::Cluster,
        None,
        "inside the cluster: namespaces, policies, RBAC, Kyverno and the controllers, tenants",
    );
    match sequence {
        Sequence::FirstDeployment => vec![
            archive.clone(),
            infra(false, "AWS without nodes: VPC, KMS, logs, EKS with kube-proxy, IAM/IRSA roles, identity provider"),
            Step {
                what: "Calico (the Tigera operator and its Installation); its pods start when the nodes come",
                ..network
            },
            infra(true, "AWS with nodes: the node groups (ACTIVE once calico-node runs), coredns, EBS CSI, CloudWatch"),
            cluster,
        ],
        Sequence::Change => {
            vec![archive, infra(true, "AWS: control plane, node groups, managed addons"), network, cluster]
        }
        Sequence::Destroy => vec![
            Step { destroy: true, ..cluster },
            Step { destroy: true, what: "Calico (its uninstall hook runs on the nodes)", ..network },
            Step { destroy: true, ..infra(true, "AWS: everything else") },
            Step { destroy: true, ..archive },
        ],
    }
}

/// What `destroy` says of a retained archive it leaves in place.
pub const ARCHIVE_KEPT: &str = "archive: kept, the environment retains its audit log archive (it is not in \
                                `log_archive_destroyable_in`; Object Lock holds each log for `log_archive_days`); \
                                the README's \"Removing a retained archive\" says how it goes once that has passed";

/// The destroy steps of an environment: every root, the archive only where it is not retained.
pub fn destroy_steps(archive_retained: bool) -> Vec<Step> {
    steps(Sequence::Destroy).into_iter().filter(|s| !(archive_retained && s.root == Root::Archive)).collect()
}

/// Where an environment stands, read from the infra root's state (`terraform state list`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Observed {
    /// No EKS cluster in the state: a new environment (or one whose first apply stopped before the cluster).
    NoCluster,
    /// The cluster but no managed node group: the first apply ran; Calico and the node groups are still to come.
    ClusterWithoutNodeGroups,
    /// Node groups exist: every later change is one apply per root.
    Complete,
}

/// Reads [`Observed`] off the addresses `terraform state list` prints for the infra root.
pub fn observe<S: AsRef<str>>(infra_state: &[S]) -> Observed {
    let has = |ty: &str| infra_state.iter().any(|a| a.as_ref().split('.').next() == Some(ty));
    match (has("aws_eks_cluster"), has("aws_eks_node_group")) {
        (_, true) => Observed::Complete,
        (true, false) => Observed::ClusterWithoutNodeGroups,
        (false, false) => Observed::NoCluster,
    }
}

/// The steps `platform deploy` runs next from where the environment stands. A cluster without node groups
/// re-plans the first infra apply (no changes when it completed; it finishes one that stopped midway, e.g. before
/// the access entries the next roots authenticate with), then resumes: never `pod_network_ready=true` before
/// Calico, never `false` once node groups exist.
pub fn next_steps(observed: Observed) -> Vec<Step> {
    match observed {
        Observed::NoCluster | Observed::ClusterWithoutNodeGroups => steps(Sequence::FirstDeployment),
        Observed::Complete => steps(Sequence::Change),
    }
}

/// Quotes a word for a POSIX shell when it needs it.
pub fn shell_word(word: &str) -> String {
    let plain = !word.is_empty() && word.bytes().all(|b| b.is_ascii_alphanumeric() || b"-_=./:@,+".contains(&b));
    if plain {
        word.to_owned()
    } else {
        format!("'{}'", word.replace('\'', r"'\''"))
    }
}

/// A command line as a shell would take it.
pub fn shell(argv: &[String]) -> String {
    argv.iter().map(|w| shell_word(w)).collect::<Vec<_>>().join(" ")
}

/// The steps of a sequence that touch the given roots (all when `only` is empty).
pub fn steps_of(sequence: Sequence, only: &[Root]) -> Vec<Step> {
    steps(sequence).into_iter().filter(|s| only.is_empty() || only.contains(&s.root)).collect()
}

/// The exact terraform commands of some steps, as `platform deploy --dry-run` prints them: the `init` of every
/// root they touch, then per step a comment, the saved plan and (when `apply`) its apply.
pub fn script(out: &str, steps: &[Step], backend_config: &[String], apply: bool) -> String {
    let mut roots: Vec<Root> = steps.iter().map(|s| s.root).collect();
    roots.sort();
    roots.dedup();
    let mut text = String::new();
    for root in roots {
        text += &shell(&init_command(out, root, backend_config));
        text += "\n";
    }
    for (i, step) in steps.iter().enumerate() {
        text += &format!("\n# {}. {}: {}\n", i + 1, step.label(), step.what);
        text += &shell(&step.plan_command(out));
        text += "\n";
        if apply {
            text += &shell(&step.apply_command(out));
            text += "\n";
        }
    }
    text
}

/// Deploy-time inputs of the infra root, as the command line gives them.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Inputs {
    pub public_access_cidrs: Vec<String>,
    pub cluster_admin_role_arns: Vec<String>,
}

/// The infra root's [`INPUTS_FILE`] for these inputs: only the variables the root declares, none when nothing is
/// given (Terraform then asks for the required ones, or `-input=false` fails naming them). A CIDR given for a
/// platform without a public endpoint is refused: the root has no such variable.
pub fn inputs_file(checked: &Checked, inputs: &Inputs) -> Result<Option<Vec<u8>>, String> {
    let public = checked.platform().cluster.endpoint == EndpointAccess::PrivateAndPublic;
    if !public && !inputs.public_access_cidrs.is_empty() {
        return Err("--public-access-cidr: the platform declares `endpoint: private`, so there is no public API \
                    endpoint to open; leave it out"
            .into());
    }
    let mut vars = serde_json::Map::new();
    if !inputs.public_access_cidrs.is_empty() {
        vars.insert(PUBLIC_ACCESS_CIDRS.into(), json!(inputs.public_access_cidrs));
    }
    if !inputs.cluster_admin_role_arns.is_empty() {
        vars.insert(ADMIN_ROLES.into(), json!(inputs.cluster_admin_role_arns));
    }
    if vars.is_empty() {
        return Ok(None);
    }
    Ok(Some((serde_json::to_string_pretty(&Value::Object(vars)).expect("JSON") + "\n").into_bytes()))
}

/// Where the roots keep their state.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum State {
    /// S3, encrypted, locked with a lock file next to the state (`use_lockfile`). Without a bucket the backend is
    /// partial: `terraform init -backend-config=bucket=<name>` completes it.
    S3 { bucket: Option<String>, region: Option<String>, kms_key: Option<String> },
    /// State on this machine (asked for with `--local-state`): no backend block.
    Local,
}

/// The state key of a root of an environment: `<platform>/<suffix>/<root>.tfstate`.
pub fn state_key(platform: &str, suffix: &str, root: Root) -> String {
    format!("{}/{suffix}/{}.tfstate", label(platform), root.name())
}

/// The `backend.tf.json` of every root, by path (none for local state).
pub fn backend(checked: &Checked, suffix: &str, state: &State) -> Vec<(String, Vec<u8>)> {
    let State::S3 { bucket, region, kms_key } = state else { return Vec::new() };
    let p = checked.platform();
    Root::ALL
        .into_iter()
        .map(|root| {
            let mut s3 = json!({
                "key": state_key(&p.name, suffix, root),
                "region": region.clone().unwrap_or_else(|| p.region.clone()),
                "encrypt": true,
                "use_lockfile": true,
            });
            if let Some(bucket) = bucket {
                s3["bucket"] = json!(bucket);
            }
            s3["kms_key_id"] = json!(kms_key.clone().unwrap_or_else(|| format!("alias/{}", state_key_alias(&p.name))));
            let doc = json!({ "terraform": { "required_version": TERRAFORM_FOR_LOCKFILE, "backend": { "s3": s3 } } });
            let path = format!("{}/{BACKEND_FILE}", root.dir());
            (path, (serde_json::to_string_pretty(&doc).expect("JSON") + "\n").into_bytes())
        })
        .collect()
}

/// The alias of the state bucket's KMS key ([`crate::render::state`]), without `alias/`.
pub fn state_key_alias(platform: &str) -> String {
    format!("kms-{}-tfstate", label(platform))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_first_deployment_interleaves_the_roots() {
        let s = steps(Sequence::FirstDeployment);
        let labels: Vec<String> = s.iter().map(Step::label).collect();
        assert_eq!(
            labels,
            ["archive", "infra (pod_network_ready=false)", "network", "infra (pod_network_ready=true)", "cluster"]
        );
        let d: Vec<String> = steps(Sequence::Destroy).iter().map(Step::label).collect();
        assert_eq!(
            d,
            ["cluster destroy", "network destroy", "infra (pod_network_ready=true) destroy", "archive destroy"]
        );
    }

    /// The archive is applied before every other root and, where retained, never destroyed.
    #[test]
    fn the_archive_comes_first_and_stays_where_retained() {
        for sequence in [Sequence::FirstDeployment, Sequence::Change] {
            assert_eq!(steps(sequence)[0].root, Root::Archive, "{sequence:?}");
        }
        let kept: Vec<Root> = destroy_steps(true).iter().map(|s| s.root).collect();
        assert_eq!(kept, [Root::Cluster, Root::Network, Root::Infra]);
        let gone = destroy_steps(false);
        assert_eq!(gone.last().map(|s| (s.root, s.destroy)), Some((Root::Archive, true)), "destroyed last");
    }

    /// The next step from the observed state: never `pod_network_ready=true` before Calico, never `false` once
    /// node groups exist.
    #[test]
    fn the_next_steps_follow_the_observed_state() {
        let cluster = ["data.aws_eks_clusters.existing", "aws_eks_cluster.main", "aws_vpc.main"];
        let nodes = ["aws_eks_cluster.main", "aws_eks_node_group.general_spot", "aws_eks_addon.coredns[0]"];
        assert_eq!(observe::<&str>(&[]), Observed::NoCluster);
        assert_eq!(observe(&["aws_vpc.main", "aws_eks_clusters.x"]), Observed::NoCluster);
        assert_eq!(observe(&cluster), Observed::ClusterWithoutNodeGroups);
        assert_eq!(observe(&nodes), Observed::Complete);
        for (observed, first_ready) in [(Observed::NoCluster, false), (Observed::ClusterWithoutNodeGroups, false)] {
            let s = next_steps(observed);
            assert_eq!(s[1].pod_network_ready, Some(first_ready));
            assert_eq!(s[2].root, Root::Network, "Calico before the node groups");
        }
        let s = next_steps(Observed::Complete);
        assert!(s.iter().all(|s| s.pod_network_ready != Some(false)), "{s:?}");
        assert_eq!(s.iter().map(|s| s.root).collect::<Vec<_>>(), Root::ALL);
    }

    #[test]
    fn the_script_inits_then_plans_and_applies_each_step() {
        let text = script("out/dev", &steps(Sequence::FirstDeployment), &[], true);
        let lines: Vec<&str> = text.lines().filter(|l| l.starts_with("terraform")).collect();
        assert_eq!(lines.len(), 4 + 2 * 5);
        assert_eq!(lines[0], "terraform -chdir=out/dev/terraform/archive init -input=false");
        assert_eq!(lines[4], "terraform -chdir=out/dev/terraform/archive plan -input=false -out=tfplan");
        assert_eq!(
            lines[6],
            "terraform -chdir=out/dev/terraform/infra plan -input=false -out=tfplan -var pod_network_ready=false"
        );
        assert_eq!(lines[7], "terraform -chdir=out/dev/terraform/infra apply -input=false tfplan");
        let only = script("out/dev", &steps_of(Sequence::FirstDeployment, &[Root::Infra]), &["bucket=b".into()], true);
        assert_eq!(only.lines().filter(|l| l.contains(" apply ")).count(), 2);
        assert!(
            only.starts_with("terraform -chdir=out/dev/terraform/infra init -input=false -backend-config=bucket=b\n")
        );
    }

    #[test]
    fn shell_words_are_quoted_when_needed() {
        assert_eq!(shell_word("-var"), "-var");
        assert_eq!(shell_word("a b"), "'a b'");
        assert_eq!(shell_word("it's"), r"'it'\''s'");
        assert_eq!(shell_word(""), "''");
    }

    #[test]
    fn inputs_are_the_declared_variables_only() {
        let p = crate::fixture::platform();
        let mut private = p.clone();
        private.cluster.endpoint = EndpointAccess::Private;
        let inputs = Inputs {
            public_access_cidrs: vec!["203.0.113.0/24".into()],
            cluster_admin_role_arns: vec!["arn:aws:iam::111122223333:role/admin".into()],
        };
        let public = crate::check_platform(&p, "2024-06-01").unwrap();
        let file: Value = serde_json::from_slice(&inputs_file(&public, &inputs).unwrap().unwrap()).unwrap();
        assert_eq!(file[PUBLIC_ACCESS_CIDRS][0], "203.0.113.0/24");
        let private = crate::check_platform(&private, "2024-06-01").unwrap();
        assert!(inputs_file(&private, &inputs).unwrap_err().contains("endpoint: private"));
        let roles = Inputs { public_access_cidrs: vec![], ..inputs };
        let file: Value = serde_json::from_slice(&inputs_file(&private, &roles).unwrap().unwrap()).unwrap();
        assert_eq!(file.as_object().unwrap().keys().collect::<Vec<_>>(), [ADMIN_ROLES]);
        assert_eq!(inputs_file(&private, &Inputs::default()).unwrap(), None);
    }

    #[test]
    fn every_root_gets_an_encrypted_locked_backend_with_its_own_key() {
        let p = crate::fixture::platform();
        let checked = crate::check_platform(&p, "2024-06-01").unwrap();
        let state = State::S3 { bucket: Some("b".into()), region: None, kms_key: None };
        let files = backend(&checked, "dev", &state);
        assert_eq!(files.len(), 4);
        let mut keys = Vec::new();
        for (path, bytes) in &files {
            assert!(path.ends_with("/backend.tf.json"), "{path}");
            let doc: Value = serde_json::from_slice(bytes).unwrap();
            let s3 = &doc["terraform"]["backend"]["s3"];
            assert_eq!((s3["encrypt"].as_bool(), s3["use_lockfile"].as_bool()), (Some(true), Some(true)));
            assert_eq!(s3["region"], p.region.as_str());
            keys.push(s3["key"].as_str().unwrap().to_owned());
        }
        keys.dedup();
        assert_eq!(keys.len(), 4, "a key per root: {keys:?}");
        assert!(backend(&checked, "dev", &State::Local).is_empty());
    }
}
