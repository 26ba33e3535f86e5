//! A platform built without the macro goes through the same checks before anything is rendered.

use platform_core::render::{render, RenderError, RenderOptions};
use platform_core::sample::customer_platform;
use platform_core::Rule;

fn options() -> RenderOptions {
    RenderOptions { environment_suffix: "dev".to_owned(), account_id: None }
}

#[test]
fn a_broken_platform_is_refused_with_every_error() {
    let mut platform = customer_platform();
    platform.vpc.cidr = "10.0.0.1/16".into();
    platform.encryption.secrets = false;
    platform.node_groups[0].capacity = platform_core::model::Capacity::Spot;
    let Err(RenderError::Invalid(findings)) = render(&platform, &options()) else {
        panic!("a platform with broken rules must not render")
    };
    let rules: Vec<Rule> = findings.0.iter().map(|f| f.rule).collect();
    assert_eq!(rules, [Rule::InvalidCidr, Rule::CriticalOnDemand, Rule::EncryptionRequired], "{findings}");
    let message = RenderError::Invalid(findings).to_string();
    assert!(message.starts_with("the platform breaks 3 rule(s):\nnetwork/invalid-cidr: "), "{message}");
}

#[test]
fn warnings_do_not_stop_a_render() {
    // 1.28 is past EKS extended support today: a warning, so the customer's platform still renders.
    assert!(render(&customer_platform(), &options()).is_ok());
}
