//! `terraform plan` of the rendered infra root with fake credentials, offline.
//!
//! The harness copies the rendered root into a working directory and writes a test-only
//! `zz_test_override.tf.json` beside the copy (fake keys, skip flags, and STS and EKS endpoints on a loopback fake
//! so `data.aws_caller_identity` and `data.aws_eks_clusters` resolve: a new account); the rendered root itself never carries any of it. With one admin role ARN
//! given and `pod_network_ready=true`, every resource block of the root has exactly one instance, so the plan must
//! create exactly the resources the root declares (data sources excluded): no more, no fewer. With
//! `pod_network_ready=false` (the first apply of a new environment) it must create exactly those not gated on it.

use platform_tests::terraform::{
    fake_aws_override, resource_addresses, skip_or_require_terraform, Workdir, OVERRIDE_FILE,
};
use platform_tests::{artifacts, fake_sts, infra};
use serde_json::Value;

/// The resource addresses a plan creates (`count`/`for_each` instances folded into their resource); every change
/// must be a `create`.
fn created(plan: &Value) -> Vec<String> {
    let mut planned: Vec<String> = plan["resource_changes"]
        .as_array()
        .expect("resource_changes")
        .iter()
        .filter(|c| c["mode"] == "managed")
        .map(|c| {
            let actions: Vec<&str> =
                c["change"]["actions"].as_array().unwrap().iter().filter_map(Value::as_str).collect();
            assert_eq!(actions, ["create"], "{} is planned as {actions:?}", c["address"]);
            let address = c["address"].as_str().unwrap();
            address.split_once('[').map_or(address, |(resource, _)| resource).to_owned()
        })
        .collect();
    planned.sort();
    planned
}

/// Rendered resources whose `count` is `var.pod_network_ready ? 1 : 0`.
fn gated(doc: &Value) -> Vec<String> {
    resource_addresses(doc)
        .into_iter()
        .filter(|a| {
            let (ty, name) = a.split_once('.').unwrap();
            doc["resource"][ty][name]["count"] == "${var.pod_network_ready ? 1 : 0}"
        })
        .collect()
}

#[test]
fn the_infra_root_plans_every_rendered_resource() {
    if skip_or_require_terraform() {
        return;
    }
    let sts = fake_sts::start();
    let mut over = fake_aws_override(None);
    over["provider"]["aws"]["endpoints"] = serde_json::json!([{ "sts": sts, "eks": sts }]);
    let over = serde_json::to_vec_pretty(&over).unwrap();
    let main = artifacts().files.get("terraform/infra/main.tf.json").expect("the infra root is rendered");
    let work = Workdir::new("plan-infra", &[("main.tf.json", main), (OVERRIDE_FILE, &over)]);
    work.init();
    let plan = |pod_network_ready: bool| -> Value {
        let ready = format!("pod_network_ready={pod_network_ready}");
        work.run_ok(&[
            "plan",
            "-input=false",
            "-no-color",
            "-lock=false",
            "-refresh=false",
            "-var",
            "public_access_cidrs=[\"203.0.113.0/24\"]",
            // One break-glass role, so the `for_each` access entries plan one instance each.
            "-var",
            "cluster_admin_role_arns=[\"arn:aws:iam::123456789012:role/break-glass\"]",
            "-var",
            &ready,
            "-out=plan.bin",
        ]);
        let show = work.run_ok(&["show", "-json", "plan.bin"]);
        std::fs::write(work.dir.join(format!("plan-{ready}.json")), &show.stdout).expect("keep the plan JSON");
        serde_json::from_slice(&show.stdout).expect("terraform show -json prints JSON")
    };

    let rendered = resource_addresses(&infra());
    let planned = created(&plan(true));
    assert_eq!(planned, rendered, "planned resources differ from the rendered ones");

    // The first apply of a new environment: everything but the node groups and the addons that run pods.
    let gated = gated(&infra());
    assert!(gated.iter().any(|a| a.starts_with("aws_eks_node_group.")), "node groups are not gated: {gated:?}");
    let first: Vec<String> = rendered.iter().filter(|a| !gated.contains(a)).cloned().collect();
    assert_eq!(created(&plan(false)), first, "pod_network_ready=false plans other resources than the ungated ones");

    let summary = format!(
        "terraform plan (fake credentials): infra planned {} of {} rendered resources ({} with pod_network_ready=false)\n",
        planned.len(),
        rendered.len(),
        first.len()
    );
    print!("{summary}");
    let counts = platform_tests::terraform::target_dir().join("ci").join("counts");
    if std::fs::create_dir_all(&counts).is_ok() {
        let _ = std::fs::write(counts.join("terraform-plan.txt"), summary);
    }
}
