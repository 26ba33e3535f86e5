//! `terraform plan` of the rendered infra root with fake credentials, offline.
//!
//! The harness copies the rendered root into a working directory and writes a test-only
//! `zz_test_override.tf.json` beside the copy (fake keys, skip flags, and STS and EKS endpoints on a loopback fake
//! so `data.aws_caller_identity` and `data.aws_eks_clusters` resolve: a new account); the rendered root itself never
//! carries any of it. The documented first deployment's two infra steps are planned as `platform deploy` runs them,
//! with the inputs file `platform render` writes (one admin role ARN, and the public allowlist where the endpoint is
//! public): with `pod_network_ready=true` every resource block of the root has at least one instance, so the plan
//! must create exactly the resources the root declares (data sources excluded): no more, no fewer. With
//! `pod_network_ready=false` (the first apply of a new environment) it must create exactly those not gated on it.
//!
//! The refusals of the deploy-time inputs are planned against the rendered `variable` blocks alone: Terraform
//! decides them by the variables' own validation rules (which refer to nothing else: a rule that did would not plan
//! there), so that root refuses and accepts exactly what the whole root does, without a provider (milliseconds
//! instead of a full plan each).

use platform_core::deploy::{inputs_file, steps, Inputs, Root, Sequence};
use platform_core::model::EndpointAccess;
use platform_core::render::{render, RenderOptions};
use platform_tests::terraform::{
    fake_aws_override, resource_addresses, skip_or_require_terraform, Workdir, OVERRIDE_FILE,
};
use platform_tests::{fake_sts, infra};
use serde_json::Value;

/// A working copy of `files` with fake credentials and the loopback fake (STS, EKS), initialised.
fn infra_workdir(name: &str, files: &[(&str, &[u8])]) -> Workdir {
    let sts = fake_sts::start();
    let mut over = fake_aws_override(None);
    over["provider"]["aws"]["endpoints"] = serde_json::json!([{ "sts": sts, "eks": sts, "kms": sts, "s3": sts }]);
    over["provider"]["aws"]["s3_use_path_style"] = Value::Bool(true);
    let over = serde_json::to_vec_pretty(&over).unwrap();
    let work = Workdir::new(name, &[files, &[(OVERRIDE_FILE, &over)]].concat());
    work.init();
    work
}

/// A working directory holding the rendered infra root's `variable` blocks and nothing else (no provider, no
/// init needed).
fn variables_workdir(name: &str) -> Workdir {
    let variables = serde_json::json!({ "variable": infra()["variable"] });
    Workdir::new(name, &[("main.tf.json", &serde_json::to_vec_pretty(&variables).unwrap())])
}

/// The resource addresses a plan creates (`count`/`for_each` instances folded into their resource), from the
/// `planned_change` messages of `terraform plan -json` (Terraform's machine-readable UI: one JSON object per line);
/// every change must be a `create`. Data sources read at apply time are left out.
fn created(plan_json_lines: &[u8]) -> Vec<String> {
    let mut planned: Vec<String> = String::from_utf8_lossy(plan_json_lines)
        .lines()
        .map(|line| serde_json::from_str::<Value>(line).expect("terraform plan -json prints JSON lines"))
        .filter(|m| m["type"] == "planned_change")
        .filter_map(|m| {
            let address = m["change"]["resource"]["addr"].as_str().expect("a planned change has an address");
            if address.starts_with("data.") {
                return None;
            }
            assert_eq!(m["change"]["action"], "create", "{address} is planned as {}", m["change"]["action"]);
            Some(address.split_once('[').map_or(address, |(resource, _)| resource).to_owned())
        })
        .collect();
    planned.sort();
    planned.dedup();
    planned
}

/// Rendered resources whose `count` is `var.pod_network_ready ? 1 : 0`, or whose `for_each` map is empty unless
/// `var.pod_network_ready`.
fn gated(doc: &Value) -> Vec<String> {
    resource_addresses(doc)
        .into_iter()
        .filter(|a| {
            let (ty, name) = a.split_once('.').unwrap();
            let body = &doc["resource"][ty][name];
            body["count"] == "${var.pod_network_ready ? 1 : 0}"
                || body["for_each"].as_str().is_some_and(|e| e.ends_with(" if var.pod_network_ready}}"))
        })
        .collect()
}

/// Plans the documented first deployment's infra steps of the declared platform with `endpoint` and asserts what
/// each creates (see the module's doc); returns how many resources are rendered, and how many the first step plans.
fn plans_every_rendered_resource(endpoint: EndpointAccess) -> (usize, usize) {
    let mut platform = platform_tests::platform().clone();
    platform.cluster.endpoint = endpoint;
    let checked = platform_core::check_platform(&platform, &platform_core::check::today()).expect("valid");
    let options = RenderOptions { environment_suffix: platform_tests::SUFFIX.into(), account_id: None };
    let artifacts = render(&checked, &options).expect("renders");
    let public = endpoint == EndpointAccess::PrivateAndPublic;
    let inputs = Inputs {
        public_access_cidrs: if public { vec!["203.0.113.0/24".into()] } else { Vec::new() },
        // One break-glass role (with a path, which access entries accept), so the `for_each` access entries plan
        // one instance each.
        cluster_admin_role_arns: vec!["arn:aws:iam::123456789012:role/ops/break-glass".into()],
    };
    let file = inputs_file(&checked, &inputs).expect("inputs").expect("an inputs file");
    let main = &artifacts.files["terraform/infra/main.tf.json"];
    let name = format!("plan-infra-{}", if public { "public" } else { "private" });
    let work = infra_workdir(&name, &[("main.tf.json", main), ("platform.auto.tfvars.json", &file)]);

    let root: Value = serde_json::from_slice(main).expect("the infra root is JSON");
    let rendered = resource_addresses(&root);
    // The first apply of a new environment: everything but the node groups and the addons that run pods.
    let gated = gated(&root);
    assert!(gated.iter().any(|a| a.starts_with("aws_eks_node_group.")), "node groups are not gated: {gated:?}");
    let first: Vec<String> = rendered.iter().filter(|a| !gated.contains(a)).cloned().collect();

    let infra_steps: Vec<_> = steps(Sequence::FirstDeployment).into_iter().filter(|s| s.root == Root::Infra).collect();
    assert_eq!(infra_steps.iter().map(|s| s.pod_network_ready).collect::<Vec<_>>(), [Some(false), Some(true)]);
    for step in infra_steps {
        let argv = step.plan_command("out");
        assert_eq!(argv[..2], ["terraform".to_owned(), "-chdir=out/terraform/infra".to_owned()]);
        let args: Vec<&str> = argv[2..].iter().map(String::as_str).chain(["-json"]).collect();
        let planned = created(&work.run_ok(&args).stdout);
        if step.pod_network_ready == Some(true) {
            assert_eq!(planned, rendered, "{name}: planned resources differ from the rendered ones");
        } else {
            assert_eq!(planned, first, "{name}: pod_network_ready=false plans other resources than the ungated ones");
        }
    }
    (rendered.len(), first.len())
}

/// The declared platform (a public endpoint, its allowlist in the inputs file).
#[test]
fn the_infra_root_plans_every_rendered_resource() {
    if skip_or_require_terraform() {
        return;
    }
    let (rendered, first) = plans_every_rendered_resource(EndpointAccess::PrivateAndPublic);
    let summary = format!(
        "terraform plan (fake credentials): infra planned all {rendered} rendered resources ({first} with pod_network_ready=false)\n"
    );
    print!("{summary}");
    let counts = platform_tests::terraform::target_dir().join("ci").join("counts");
    if std::fs::create_dir_all(&counts).is_ok() {
        let _ = std::fs::write(counts.join("terraform-plan.txt"), summary);
    }
}

/// With `endpoint: private` the root declares no `public_access_cidrs`, and neither the inputs file nor any
/// command passes it (Terraform would refuse "Value for undeclared variable").
#[test]
fn the_private_endpoint_infra_root_plans_every_rendered_resource_too() {
    if skip_or_require_terraform() {
        return;
    }
    plans_every_rendered_resource(EndpointAccess::Private);
}

/// The allowlist of the public API endpoint, as `terraform plan` enforces it: whatever opens the endpoint to
/// the internet is refused by the variable's validation, a narrow public block is accepted.
#[test]
fn the_public_endpoint_allowlist_refuses_the_internet() {
    if skip_or_require_terraform() {
        return;
    }
    let work = variables_workdir("plan-allowlist");
    let plan = |cidrs: &[String]| {
        let var = format!("public_access_cidrs={}", serde_json::to_string(cidrs).unwrap());
        let admins = "cluster_admin_role_arns=[\"arn:aws:iam::111122223333:role/platform-admin\"]";
        let args = ["plan", "-input=false", "-no-color", "-lock=false", "-refresh=false", "-var", &var, "-var", admins];
        work.run(&[&args[..], &["-var", "pod_network_ready=true"]].concat())
    };

    // Each case with a part of the message of the rule that must refuse it.
    let forty_one: Vec<String> = (0..41).map(|i| format!("198.51.{i}.0/24")).collect();
    let refused: [(&str, Vec<String>, &str); 6] = [
        ("the two halves of the internet", vec!["0.0.0.0/1".into(), "128.0.0.0/1".into()], "/16 or narrower"),
        ("a /8", vec!["203.0.113.0/24".into(), "52.0.0.0/8".into()], "/16 or narrower"),
        ("41 entries", forty_one, "more than 40 entries"),
        ("a private network", vec!["10.20.0.0/16".into()], "never reaches the endpoint"),
        ("loopback", vec!["127.0.0.1/32".into()], "never reaches the endpoint"),
        ("host bits set", vec!["203.0.113.7/24".into()], "canonical form"),
    ];
    // Side by side: none of them writes to the working directory.
    let outputs: Vec<_> = std::thread::scope(|scope| {
        let runs: Vec<_> = refused.iter().map(|(_, cidrs, _)| scope.spawn(|| plan(cidrs))).collect();
        runs.into_iter().map(|run| run.join().expect("terraform ran")).collect()
    });
    for ((case, cidrs, rule), out) in refused.iter().zip(outputs) {
        // Terraform wraps the message to the terminal width.
        let stderr = String::from_utf8_lossy(&out.stderr).split_whitespace().collect::<Vec<_>>().join(" ");
        assert!(!out.status.success(), "{case}: {cidrs:?} was accepted");
        assert!(
            stderr.contains("Invalid value for variable") && stderr.contains(rule),
            "{case}: not refused by the rule `{rule}`:\n{stderr}"
        );
    }

    let out = plan(&["203.0.113.0/24".into(), "192.0.2.8/29".into()]);
    assert!(out.status.success(), "a /24 and a /29 are refused:\n{}", String::from_utf8_lossy(&out.stderr));
}

/// Nobody is locked out: the cluster grants its creator nothing, so a plan without admin roles, or with ones EKS
/// access entries cannot take, stops with one message saying what to pass (a role ARN with a path plans: see
/// the test above).
#[test]
fn the_infra_root_refuses_to_plan_without_usable_admin_roles() {
    if skip_or_require_terraform() {
        return;
    }
    let work = variables_workdir("plan-admin-roles");
    let plan = |admins: Option<&str>| {
        let mut args = vec!["plan", "-input=false", "-no-color", "-lock=false", "-refresh=false"];
        args.extend(["-var", "public_access_cidrs=[\"203.0.113.0/24\"]", "-var", "pod_network_ready=true"]);
        let var = admins.map(|a| format!("cluster_admin_role_arns={a}"));
        if let Some(var) = &var {
            args.extend(["-var", var.as_str()]);
        }
        let out = work.run(&args);
        (
            out.status.success(),
            format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr)),
        )
    };
    let refused = [
        (None, "No value for required variable"),
        (Some("[]"), "Give at least one IAM role ARN"),
        (Some("[\"arn:aws:sts::123456789012:assumed-role/platform-admin/alice\"]"), "pass the role ARN"),
        (Some("[\"arn:aws:iam::123456789012:user/alice\"]"), "must be an IAM role ARN"),
        (
            Some("[\"arn:aws:iam::123456789012:role/aws-service-role/eks.amazonaws.com/AWSServiceRoleForAmazonEKS\"]"),
            "Service-linked",
        ),
    ];
    for (admins, message) in refused {
        let (ok, output) = plan(admins);
        assert!(!ok, "plan with cluster_admin_role_arns = {admins:?} succeeded");
        assert!(output.contains(message), "plan with {admins:?} does not say `{message}`:\n{output}");
        assert_eq!(output.matches("Invalid value for variable").count(), usize::from(admins.is_some()), "{output}");
    }
}
