//! `manifests/`: the platform's objects as YAML for GitOps, one file per concern plus `kustomization.yaml`, and
//! `manifests/helm/<release>-values.yaml` with the exact chart, version and values the Terraform root installs.
//!
//! Apply order for GitOps, the Terraform roots' order: after the first infra apply (no nodes), the namespaces file
//! and Calico (the network root's part); after the second (nodes, coredns), the other charts, then
//! `kubectl apply -k manifests/` (the custom resources need the Kyverno and external-secrets CRDs). Each chart's
//! install command is the first line of its values file. Objects the charts create (the Calico `Installation`, the controllers' service accounts,
//! the autoscaler's priority-expander ConfigMap) are in the values, never duplicated here: a second owner would
//! make `helm install` fail on an existing object.

use serde_json::{json, Value};

use super::charts::{releases, Release};
use super::objects::{self, Concern};
use super::{policies, yaml, Context, Target};

const HEADER: &str = "Rendered by `platform render`; edit the platform definition, not this file.";

/// The first line of a values file: the command that installs the release with it.
pub fn install_command(r: &Release) -> String {
    format!(
        "helm upgrade --install {} {} --repo {} --version {} --namespace {} --values {}",
        r.chart.release,
        r.chart.chart,
        r.chart.repository,
        r.chart.version,
        r.namespace,
        values_file(r)
    )
}

/// `<release>-values.yaml`
pub fn values_file(r: &Release) -> String {
    format!("{}-values.yaml", r.chart.release)
}

pub(crate) fn render(ctx: &Context, account_id: &str) -> Vec<(String, Vec<u8>)> {
    let target = Target::Manifests { account_id };
    let mut all = objects::objects(ctx, target);
    all.extend(policies::objects(ctx));
    let mut files = Vec::new();
    let mut listed = Vec::new();
    for &concern in Concern::ALL {
        let values: Vec<Value> = all.iter().filter(|o| o.concern == concern).map(|o| o.value.clone()).collect();
        if values.is_empty() {
            continue;
        }
        let mut header = vec![HEADER];
        if concern.is_custom() {
            header.push("Custom resources: apply after the Kyverno and external-secrets charts (their CRDs).");
        }
        files.push((format!("manifests/{}", concern.file()), yaml::to_yaml_documents(&header, &values)));
        listed.push(concern.file());
    }
    let kustomization = json!({
        "apiVersion": "kustomize.config.k8s.io/v1beta1",
        "kind": "Kustomization",
        "resources": listed,
    });
    files.push(("manifests/kustomization.yaml".to_owned(), yaml::to_yaml_file(&[HEADER], &kustomization)));
    for r in releases(ctx, target) {
        let command = install_command(&r);
        let text = yaml::to_yaml_file(&[&command, HEADER], &r.values);
        files.push((format!("manifests/helm/{}", values_file(&r)), text));
    }
    files.into_iter().map(|(p, t)| (p, t.into_bytes())).collect()
}
