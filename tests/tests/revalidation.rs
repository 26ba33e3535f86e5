//! A platform built without the macro goes through the same checks before anything is rendered: the renderers
//! take only a `Checked` platform, which `check_platform` makes after running them.

use platform_core::model::{Capacity, WorkloadClass};
use platform_core::render::{RenderError, RenderOptions};
use platform_core::Rule;
use platform_tests::{check_and_render as render, platform};

fn options() -> RenderOptions {
    RenderOptions { environment_suffix: "dev".to_owned(), account_id: None }
}

#[test]
fn a_broken_platform_is_refused_with_every_error() {
    let mut platform = platform().clone();
    platform.vpc.cidr = "10.0.0.1/16".into();
    platform.encryption.secrets = false;
    let critical = platform.node_groups.iter_mut().find(|g| g.workload == WorkloadClass::Critical).unwrap();
    critical.capacity = Capacity::Spot;
    let Err(RenderError::Invalid(findings)) = render(&platform, &options()) else {
        panic!("a platform with broken rules must not render")
    };
    let rules: Vec<Rule> = findings.errors().map(|f| f.rule).collect();
    assert_eq!(rules, [Rule::InvalidCidr, Rule::CriticalOnDemand, Rule::EncryptionRequired], "{findings}");
    // The message lists the errors only (the findings also hold today's warnings, if any).
    let message = RenderError::Invalid(findings).to_string();
    assert!(message.starts_with("the platform breaks 3 rule(s):\nnetwork/invalid-cidr: "), "{message}");
    assert!(!message.contains("versions/support-window"), "{message}");
}

#[test]
fn warnings_do_not_stop_a_render() {
    // 1.28 is past EKS extended support today: a warning, so the declared platform still renders.
    assert!(render(platform(), &options()).is_ok());
}
