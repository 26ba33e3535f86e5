//! `terraform init` + `terraform validate` on the rendered infra root, offline, against the real hashicorp/aws
//! provider schema (5.100.0, installed on the test machines as a filesystem mirror; see
//! `platform_tests::terraform` for how it is found).

use platform_tests::artifacts;
use platform_tests::terraform::{skip_or_require_terraform, Workdir};

#[test]
fn the_infra_root_validates_against_the_real_aws_provider() {
    if skip_or_require_terraform() {
        return;
    }
    let main = artifacts().files.get("terraform/infra/main.tf.json").expect("the infra root is rendered");
    let work = Workdir::new("validate-infra", &[("main.tf.json", main)]);
    work.init();
    let diagnostics = work.validate();
    assert!(
        diagnostics.is_empty(),
        "terraform validate: {} diagnostic(s):\n{}",
        diagnostics.len(),
        diagnostics.join("\n")
    );
}
