//! `manifests/`: the platform's objects as YAML for GitOps, one file per concern plus `kustomization.yaml`, and
//! `manifests/helm/<release>-values.yaml` with the exact chart, version and values the Terraform root installs.
//!
//! Apply order for GitOps, the Terraform roots' order: after the first infra apply (no nodes), the namespaces file
//! and Calico (the network root's part); after the second (nodes, coredns), the load balancer controller with
//! `--wait` (its Service webhook fails closed, see [`crate::install`]), the other charts, then
//! `kubectl apply -k manifests/` (the custom resources need the Calico, Kyverno and external-secrets CRDs). Each chart's
//! install command is the first line of its values file. Objects the charts create (the Calico `Installation`, the controllers' service accounts,
//! the autoscaler's priority-expander ConfigMap) are in the values, never duplicated here: a second owner would
//! make `helm install` fail on an existing object.

use serde_json::json;

use super::charts::{releases, Release};
use super::objects::{self, Concern, Object};
use super::{yaml, Target};
use crate::install;
use crate::render::context::Context;

const HEADER: &str = "Rendered by `platform render`; edit the platform definition, not this file.";

/// The first line of a values file: the command that installs the release with it; `--wait` where later
/// releases need its pods serving ([`install::waited_for`]: the webhook every Service passes through).
pub fn install_command(r: &Release, wait: bool) -> String {
    format!(
        "helm upgrade --install {} {} --repo {} --version {} --namespace {} --values {}{}",
        r.chart.release,
        r.chart.chart,
        r.chart.repository,
        r.chart.version,
        r.namespace,
        values_file(r),
        if wait { " --wait" } else { "" }
    )
}

/// `<release>-values.yaml`
pub fn values_file(r: &Release) -> String {
    format!("{}-values.yaml", r.chart.release)
}

/// The `manifests/` tree (`custom`: [`super::policies::documents`]).
pub(crate) fn render(ctx: &Context, account_id: &str, custom: &[(Concern, String)]) -> Vec<(String, Vec<u8>)> {
    let target = Target::Manifests { account_id };
    let all = objects::objects(ctx, target);
    let mut files = Vec::new();
    let mut listed = Vec::new();
    for &concern in Concern::ALL {
        let text = if let Some((_, documents)) = custom.iter().find(|(c, _)| *c == concern) {
            let header =
                [HEADER, "Custom resources: apply after the Calico, Kyverno and external-secrets charts (their CRDs)."];
            yaml::to_yaml_documents(&header, []) + documents
        } else {
            let mut values = all.iter().filter(|o| o.concern == concern).map(Object::to_value).peekable();
            if values.peek().is_none() {
                continue;
            }
            yaml::to_yaml_documents(&[HEADER], values)
        };
        files.push((format!("manifests/{}", concern.file()), text));
        listed.push(concern.file());
    }
    let kustomization = json!({
        "apiVersion": "kustomize.config.k8s.io/v1beta1",
        "kind": "Kustomization",
        "resources": listed,
    });
    files.push(("manifests/kustomization.yaml".to_owned(), yaml::to_yaml_file(&[HEADER], &kustomization)));
    let plan = install::releases(ctx.checked);
    let waited: Vec<&str> = install::waited_for(&plan).collect();
    for r in releases(ctx, target) {
        let command = install_command(&r, waited.contains(&r.chart.release));
        let text = yaml::to_yaml_file(&[&command, HEADER], &r.values);
        files.push((format!("manifests/helm/{}", values_file(&r)), text));
    }
    files.into_iter().map(|(p, t)| (p, t.into_bytes())).collect()
}
