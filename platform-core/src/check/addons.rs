//! Addon rules: the required EKS managed addons, once each, with overrides their configuration schema has.

use super::values::is_positive_quantity;
use super::{at, FieldPath, Finding, Findings, Fix, Rule};
use crate::model::{Addon, AddonKind, Keyword, Platform};

pub(super) fn check(p: &Platform, out: &mut Findings) {
    check_required(p, out);
    for (i, addon) in p.addons.iter().enumerate() {
        check_options(addon, &at("addons").index(i), out);
    }
}

/// `addons/required`: CoreDNS, kube-proxy, the EBS CSI driver (requirement 3) and CloudWatch observability
/// (Container Insights, requirement 8) are managed addons, each declared once (EKS allows one addon per name).
fn check_required(p: &Platform, out: &mut Findings) {
    for &(_, kind) in AddonKind::ALL {
        let declared: Vec<usize> = (0..p.addons.len()).filter(|i| p.addons[*i].kind == kind).collect();
        if declared.is_empty() {
            let fix = Fix::Block { text: format!("addon {kind} {{}}") };
            out.push(
                Finding::new(
                    Rule::RequiredAddons,
                    at("addons"),
                    kind.keyword(),
                    format!("managed addon `{kind}` is not declared, but the platform needs it"),
                    format!("add `{}`", fix.dsl()),
                )
                .with_fix(fix),
            );
        }
        for &i in declared.iter().skip(1) {
            out.push(Finding::new(
                Rule::RequiredAddons,
                at("addons").index(i),
                kind.keyword(),
                format!("managed addon `{kind}` is declared twice"),
                "merge the two declarations: EKS installs one addon per name",
            ));
        }
    }
}

/// `addons/unsupported-option`: overrides become the addon's `configuration_values`, which EKS validates against
/// the addon's schema at apply time (`aws eks describe-addon-configuration`). kube-proxy and the CloudWatch agent
/// are DaemonSets (one pod per node: no `replicas`, no node placement); replicas are at least 1; resources are
/// Kubernetes quantities.
fn check_options(addon: &Addon, path: &FieldPath, out: &mut Findings) {
    let daemonset = matches!(addon.kind, AddonKind::KubeProxy | AddonKind::AmazonCloudwatchObservability);
    let kind = addon.kind;
    if let Some(replicas) = addon.replicas {
        if daemonset {
            out.push(
                Finding::new(
                    Rule::AddonOption,
                    path.key("replicas"),
                    replicas.to_string(),
                    format!("addon `{kind}` runs one pod per node (a DaemonSet), so `replicas` does not apply"),
                    "remove `replicas`",
                )
                .with_fix(Fix::Remove { path: path.key("replicas") }),
            );
        } else if replicas == 0 {
            out.push(
                Finding::new(
                    Rule::AddonOption,
                    path.key("replicas"),
                    "0",
                    format!("`replicas: 0` would stop addon `{kind}`"),
                    "write `replicas: 2` or more, one per failure domain you want to survive",
                )
                .with_set("2"),
            );
        }
    }
    if let (true, Some(group)) = (daemonset, &addon.node_group) {
        out.push(
            Finding::new(
                Rule::AddonOption,
                path.key("node_group"),
                group,
                format!(
                    "addon `{kind}` runs on every node (a DaemonSet), so it cannot be placed on node group `{group}`"
                ),
                "remove `node_group`",
            )
            .with_fix(Fix::Remove { path: path.key("node_group") }),
        );
    }
    if let Some(resources) = &addon.resources {
        for (key, value, example) in [("cpu", &resources.cpu, "100m"), ("memory", &resources.memory, "128Mi")] {
            if !is_positive_quantity(value) {
                out.push(
                    Finding::new(
                        Rule::AddonOption,
                        path.key("resources").key(key),
                        value,
                        format!("{key} `{value}` of addon `{kind}` is not a Kubernetes quantity above zero"),
                        format!("write a quantity such as `{key}: \"{example}\"`"),
                    )
                    .with_set(format!("{example:?}")),
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::testing::*;

    #[test]
    fn required_once_each() {
        let mut p = sample();
        p.addons.remove(2);
        p.addons.push(p.addons[0].clone());
        let f = run(&p);
        let missing = expect(&f, Rule::RequiredAddons, "addons", "`aws_ebs_csi_driver`");
        assert_eq!(missing.help, "add `addon aws_ebs_csi_driver {}`");
        expect(&f, Rule::RequiredAddons, "addons[3]", "`coredns` is declared twice");
        assert_eq!(f.errors().count(), 2, "{f}");
    }

    #[test]
    fn options() {
        let mut p = sample();
        p.addons[1].replicas = Some(2);
        p.addons[3].node_group = Some("critical".into());
        p.addons[0].replicas = Some(0);
        p.addons[0].resources = Some(Resources { cpu: "0.1cores".into(), memory: "128Mi".into() });
        let f = run(&p);
        expect(&f, Rule::AddonOption, "addons[1].replicas", "DaemonSet");
        expect(&f, Rule::AddonOption, "addons[3].node_group", "DaemonSet");
        expect(&f, Rule::AddonOption, "addons[0].replicas", "`replicas: 0`");
        expect(&f, Rule::AddonOption, "addons[0].resources.cpu", "`0.1cores`");
        assert_eq!(f.errors().count(), 4, "{f}");
    }
}
