//! Node-group rules: instance types, sizes, purchase options per workload class, taints, OS, disks, labels.

use super::values::{did_you_mean_or, is_label_key, is_label_value, quoted, ticks};
use super::{at, FieldPath, Finding, Findings, Fix, Rule};
use crate::catalog::instance_types::{instance_type, INSTANCE_TYPES};
use crate::checked::{parts, Group};
use crate::model::{Capacity, Keyword, NodeGroup, NodeOs, Platform, TaintEffect, WorkloadClass};

/// The node groups of the checked model: each with its managed node groups (`None` for a group that breaks a
/// rule: its sizes or spot share may not split), and the one the platform controllers run on.
pub(crate) struct NodeGroups<'p> {
    pub groups: Option<Vec<Group<'p>>>,
    /// The first critical group (`nodes/workload-classes` requires one).
    pub critical: Option<usize>,
}

/// The node-group rules, and the node groups they check.
pub(super) fn check<'p>(p: &'p Platform, out: &mut Findings) -> NodeGroups<'p> {
    let mark = out.mark();
    let mut groups = Vec::with_capacity(p.node_groups.len());
    for (i, g) in p.node_groups.iter().enumerate() {
        let path = at("node_groups").index(i);
        let own = out.mark();
        check_instance_types(g, &path, out);
        check_instance_sizes(g, &path, out);
        check_size_order(g, &path, out);
        check_critical_on_demand(g, &path, out);
        check_batch_spot_only(g, &path, out);
        check_dedicated_taint(g, &path, out);
        check_spot_percent(g, &path, out);
        check_bottlerocket(g, &path, out);
        check_disk_size(g, &path, out);
        check_labels(g, &path, out);
        // Split only a group its rules accept (a spot share above 100% would not split).
        groups.push((!out.erred_since(own)).then(|| Group { group: g, parts: parts(g) }));
    }
    check_workload_classes(p, out);
    let critical = p.node_groups.iter().position(|g| g.workload == WorkloadClass::Critical);
    NodeGroups {
        groups: groups.into_iter().collect(),
        critical: out.guarded(mark, "the critical node group", critical),
    }
}

/// `nodes/unknown-instance-type`: the platform must know a type's vCPU and memory (for the identical-size and
/// spot-share rules, and the max-pods setting), and a group needs at least one type.
fn check_instance_types(g: &NodeGroup, path: &FieldPath, out: &mut Findings) {
    if g.instance_types.is_empty() {
        out.push(Finding::new(
            Rule::UnknownInstanceType,
            path.key("instance_types"),
            "[]",
            format!("node group `{}` has no instance type", g.name),
            "list at least one, e.g. `instance_types: [\"m5.large\"]`",
        ));
    }
    for (j, name) in g.instance_types.iter().enumerate() {
        if instance_type(name).is_some() {
            continue;
        }
        let types = || INSTANCE_TYPES.iter().map(|t| t.name);
        let at_path = path.key("instance_types").index(j);
        let (help, fix) = did_you_mean_or(&at_path, name, types(), quoted, || format!("use one of {}", ticks(types())));
        out.push(
            Finding::new(
                Rule::UnknownInstanceType,
                at_path,
                name,
                format!("instance type `{name}` is not one the platform knows the size of"),
                help,
            )
            .maybe_fix(fix),
        );
    }
}

/// `nodes/instance-sizes-differ`: cluster-autoscaler builds its scale-up template from one instance type of the
/// group and assumes every node of the group has that capacity; a smaller type makes pods it planned for
/// unschedulable (cluster-autoscaler FAQ, "mixed instance policies"). Each type that differs from the first known
/// one is reported (not the first one too: one mistake, one finding).
fn check_instance_sizes(g: &NodeGroup, path: &FieldPath, out: &mut Findings) {
    let known: Vec<_> =
        g.instance_types.iter().enumerate().filter_map(|(j, n)| Some((j, n, instance_type(n)?))).collect();
    let Some(&(_, first_name, first)) = known.first() else { return };
    let size = |t: &crate::catalog::instance_types::InstanceType| {
        format!("{} vCPU, {} GiB", t.vcpu, f64::from(t.memory_mib) / 1024.0)
    };
    let differ: Vec<_> =
        known.iter().filter(|(_, _, t)| (t.vcpu, t.memory_mib) != (first.vcpu, first.memory_mib)).collect();
    for (j, name, t) in &differ {
        let at = path.key("instance_types").index(*j);
        out.push(
            Finding::new(
                Rule::InstanceSizesDiffer,
                at.clone(),
                *name,
                format!("instance type `{name}` ({}) differs in size from `{first_name}` ({})", size(t), size(first)),
                format!(
                    "remove `{name}` from `instance_types` (or move it to a group of its own): cluster-autoscaler \
                     assumes every node of a group is alike"
                ),
            )
            .with_fix(Fix::Remove { path: at }),
        );
    }
}

/// `nodes/size-order`: EKS requires `min <= desired <= max` and `max >= 1` (`CreateNodegroup` scaling config).
/// One finding per mistake, on the value to change: an inverted `size` range on the range (its `desired`, by
/// default its minimum, follows it), a `desired` outside the range on `desired`.
fn check_size_order(g: &NodeGroup, path: &FieldPath, out: &mut Findings) {
    let (min, desired, max) = (g.min_size, g.desired_size, g.max_size);
    let range = |min: u32, max: u32| format!("{min}..={max}");
    if min > max {
        let fix = Fix::set(path.key("min_size"), range(max, min));
        out.push(
            Finding::new(
                Rule::SizeOrder,
                path.key("min_size"),
                range(min, max),
                format!(
                    "`size: {}` of node group `{}` is empty: its minimum is above its maximum",
                    range(min, max),
                    g.name
                ),
                format!("write `{}`: a size is `min..=max`", fix.dsl()),
            )
            .with_fix(fix),
        );
        return;
    }
    if desired < min || desired > max {
        let (side, bound, widened) =
            if desired < min { ("below", min, range(desired, max)) } else { ("above", max, range(min, desired)) };
        let fix = Fix::set(path.key("desired_size"), bound.to_string());
        out.push(
            Finding::new(
                Rule::SizeOrder,
                path.key("desired_size"),
                desired.to_string(),
                format!("`desired: {desired}` of node group `{}` is {side} its `size: {}`", g.name, range(min, max)),
                format!("write `{}`, or widen the range to `size: {widened}`", fix.dsl()),
            )
            .with_fix(fix),
        );
    }
    if max == 0 {
        let fix = Fix::set(path.key("max_size"), range(0, 1));
        out.push(
            Finding::new(
                Rule::SizeOrder,
                path.key("max_size"),
                "0",
                format!("node group `{}` has a maximum size of `0`, but EKS needs at least one node", g.name),
                format!("write `{}` or more (a minimum of `0` lets the autoscaler scale the group to zero)", fix.dsl()),
            )
            .with_fix(fix),
        );
    }
}

/// `nodes/critical-on-demand`: transaction processing must not lose nodes to spot interruptions (requirement 2:
/// "critical workloads node group: on-demand").
fn check_critical_on_demand(g: &NodeGroup, path: &FieldPath, out: &mut Findings) {
    if g.workload == WorkloadClass::Critical && g.capacity != Capacity::OnDemand {
        out.push(
            Finding::new(
                Rule::CriticalOnDemand,
                path.key("capacity"),
                g.capacity.to_string(),
                format!(
                    "critical node group `{}` uses `{}` capacity, which spot interruptions can take away",
                    g.name, g.capacity
                ),
                "write `capacity: on_demand`",
            )
            .with_set("on_demand"),
        );
    }
}

/// `nodes/batch-spot-only`: reconciliation batch jobs are the cost-sensitive, interruptible workload
/// (requirement 2: "batch processing node group: spot-only").
fn check_batch_spot_only(g: &NodeGroup, path: &FieldPath, out: &mut Findings) {
    if g.workload == WorkloadClass::Batch && g.capacity != Capacity::Spot {
        out.push(
            Finding::new(
                Rule::BatchSpotOnly,
                path.key("capacity"),
                g.capacity.to_string(),
                format!("batch node group `{}` uses `{}` capacity, but batch runs on spot only", g.name, g.capacity),
                "write `capacity: spot`",
            )
            .with_set("spot"),
        );
    }
}

/// `nodes/dedicated-taint`: critical and batch nodes are reserved for their workloads. A `NoSchedule` taint keeps
/// other pods off, and a label with the same key and value lets the reserved pods select the nodes (a toleration
/// alone does not steer a pod there). Missing taint: reported on the group; taint without its label: on the taint.
fn check_dedicated_taint(g: &NodeGroup, path: &FieldPath, out: &mut Findings) {
    if g.workload == WorkloadClass::General {
        return;
    }
    let class = g.workload.keyword();
    // The label that selects the nodes, unless the group has it.
    let label = |key: &str, value: &str| {
        (g.labels.get(key).map(String::as_str) != Some(value))
            .then(|| Fix::set(path.key("labels").key(key), quoted(value)))
    };
    let no_schedule: Vec<_> =
        g.taints.iter().enumerate().filter(|(_, t)| t.effect == TaintEffect::NoSchedule).collect();
    if no_schedule.is_empty() {
        let (at_path, value, message, fix) = match g.taints.iter().position(|t| t.effect != TaintEffect::NoSchedule) {
            Some(j) => {
                let t = &g.taints[j];
                let shown = format!("{}={}:{}", t.key, t.value, t.effect);
                let message =
                    format!("taint `{shown}` of {class} node group `{}` does not have the effect `NoSchedule`", g.name);
                let taint =
                    Fix::set(path.key("taints").index(j), format!("{} = {}: NoSchedule", t.key, quoted(&t.value)));
                (path.key("taints").index(j), shown, message, [Some(taint), label(&t.key, &t.value)])
            }
            None => {
                let message = format!("{class} node group `{}` has no `NoSchedule` taint", g.name);
                let taint = Fix::set(path.key("taints"), format!("[workload = {}: NoSchedule]", quoted(class)));
                (path.clone(), g.name.clone(), message, [Some(taint), label("workload", class)])
            }
        };
        let mut fixes: Vec<Fix> = fix.into_iter().flatten().collect();
        let fix = if fixes.len() == 1 { fixes.remove(0) } else { Fix::All(fixes) };
        out.push(
            Finding::new(Rule::DedicatedTaint, at_path, value, message, format!("write `{}`", fix.dsl())).with_fix(fix),
        );
    }
    for (j, t) in no_schedule {
        if g.labels.get(&t.key) == Some(&t.value) {
            continue;
        }
        let shown = format!("{}={}:{}", t.key, t.value, t.effect);
        let fix = label(&t.key, &t.value).expect("the label is missing");
        out.push(
            Finding::new(
                Rule::DedicatedTaint,
                path.key("taints").index(j),
                &shown,
                format!(
                    "taint `{shown}` of node group `{}` has no label `{}: \"{}\"` to select its nodes",
                    g.name, t.key, t.value
                ),
                format!("add `{}` to the group's `labels`", fix.dsl()),
            )
            .with_fix(fix),
        );
    }
}

/// `nodes/spot-percent`: a mixed group is part spot and part on-demand; 0% or 100% is a plain purchase option,
/// written as such so that the rendered node groups and the capacity rules see it.
fn check_spot_percent(g: &NodeGroup, path: &FieldPath, out: &mut Findings) {
    let Capacity::Mixed { spot_percent } = g.capacity else { return };
    if (1..=99).contains(&spot_percent) {
        return;
    }
    // 0% and 100% say what was meant; above 100% it is not known.
    let fix = match spot_percent {
        0 => Some(Fix::set(path.key("capacity"), "on_demand")),
        100 => Some(Fix::set(path.key("capacity"), "spot")),
        _ => None,
    };
    let help = match &fix {
        Some(fix) => format!("write `{}`, or a spot share between 1% and 99%", fix.dsl()),
        None => "choose a spot share between 1% and 99% (`capacity: mixed(spot: N%)`)".to_owned(),
    };
    out.push(
        Finding::new(
            Rule::SpotPercent,
            path.key("capacity"),
            g.capacity.to_string(),
            format!("mixed capacity of node group `{}` has a spot share of {spot_percent}%, outside 1% to 99%", g.name),
            help,
        )
        .maybe_fix(fix),
    );
}

/// `nodes/bottlerocket-only`: the requirements put every node group on Bottlerocket (requirement 2): an immutable,
/// minimal OS with SELinux enforcing and no SSH or package manager, reached only through SSM.
fn check_bottlerocket(g: &NodeGroup, path: &FieldPath, out: &mut Findings) {
    if g.os == NodeOs::Bottlerocket {
        return;
    }
    out.push(
        Finding::new(
            Rule::BottlerocketOnly,
            path.key("os"),
            g.os.keyword(),
            format!("node group `{}` runs `{}`, but every node group must run Bottlerocket", g.name, g.os),
            "write `os: bottlerocket`: an immutable, minimal OS with SELinux enforcing, required for all node groups",
        )
        .with_set("bottlerocket"),
    );
}

/// `nodes/disk-size`: the data volume holds container images and ephemeral storage; below 20 GiB nodes hit image
/// garbage collection and disk-pressure evictions. EBS gp3 volumes are at most 16 TiB.
fn check_disk_size(g: &NodeGroup, path: &FieldPath, out: &mut Findings) {
    if (20..=16_384).contains(&g.disk_gib) {
        return;
    }
    let (message, help, fix) = if g.disk_gib < 20 {
        (
            format!("node group `{}` has a {} GiB data volume, below the 20 GiB minimum", g.name, g.disk_gib),
            "write `disk_gib: 50`, the default (20 is the minimum)",
            "50",
        )
    } else {
        (
            format!(
                "node group `{}` has a {} GiB data volume, above the 16384 GiB EBS gp3 maximum",
                g.name, g.disk_gib
            ),
            "write `disk_gib: 16384` or less",
            "16384",
        )
    };
    out.push(Finding::new(Rule::DiskSize, path.key("disk_gib"), g.disk_gib.to_string(), message, help).with_set(fix));
}

/// `nodes/label-syntax`: labels and taints are Kubernetes label keys and values; EKS rejects the node group
/// otherwise (Kubernetes "Labels and Selectors", syntax and character set).
fn check_labels(g: &NodeGroup, path: &FieldPath, out: &mut Findings) {
    let help =
        "keys are `[prefix/]name`, names and values up to 63 letters, digits, `-`, `_`, `.`, alphanumeric at both ends";
    for (key, value) in &g.labels {
        let bad = if !is_label_key(key) {
            Some(("key", key))
        } else if !is_label_value(value) {
            Some(("value", value))
        } else {
            None
        };
        if let Some((what, bad)) = bad {
            out.push(Finding::new(
                Rule::LabelSyntax,
                path.key("labels").key(key),
                bad,
                format!("label {what} `{bad}` of node group `{}` is not a valid Kubernetes label {what}", g.name),
                help,
            ));
        }
    }
    for (j, t) in g.taints.iter().enumerate() {
        let bad = if !is_label_key(&t.key) {
            Some(("key", &t.key))
        } else if !is_label_value(&t.value) {
            Some(("value", &t.value))
        } else {
            None
        };
        if let Some((what, bad)) = bad {
            out.push(Finding::new(
                Rule::LabelSyntax,
                path.key("taints").index(j),
                bad,
                format!("taint {what} `{bad}` of node group `{}` is not a valid Kubernetes label {what}", g.name),
                help,
            ));
        }
    }
}

/// `nodes/workload-classes`: the requirements name three node groups, critical, general and batch; tenants and
/// the autoscaler priority expander rely on all three existing.
fn check_workload_classes(p: &Platform, out: &mut Findings) {
    for (_, class) in WorkloadClass::ALL {
        if p.node_groups.iter().any(|g| g.workload == *class) {
            continue;
        }
        out.push(Finding::new(
            Rule::WorkloadClasses,
            at("node_groups"),
            class.keyword(),
            format!("there is no node group with `workload: {class}`"),
            format!("declare a node group with `workload: {class}` (a group named `{class}` has it by default)"),
        ));
    }
}

#[cfg(test)]
mod tests {
    use super::super::testing::*;

    #[test]
    fn unknown_instance_types_with_a_suggestion() {
        let mut p = sample();
        p.node_groups[2].instance_types[1] = "c5a.lage".into();
        let f = run(&p);
        let t = expect(&f, Rule::UnknownInstanceType, "node_groups[2].instance_types[1]", "`c5a.lage`");
        assert_eq!(t.help, "did you mean `\"c5a.large\"`?");
        assert_eq!(f.errors().count(), 1, "an unknown type does not also trip the size rules: {f}");
    }

    #[test]
    fn instance_sizes_differ_on_the_differing_type() {
        let mut p = sample();
        p.node_groups[1].instance_types[1] = "t3.large".into();
        let f = run(&p);
        let a = expect(&f, Rule::InstanceSizesDiffer, "node_groups[1].instance_types[1]", "`t3.large` (2 vCPU, 8 GiB)");
        assert!(a.message.contains("`t3.medium` (2 vCPU, 4 GiB)"), "{}", a.message);
        assert_eq!(f.errors().count(), 1, "{f}");
    }

    #[test]
    fn size_order() {
        let mut p = sample();
        p.node_groups[0].desired_size = 2;
        let f = run(&p);
        let d = expect(
            &f,
            Rule::SizeOrder,
            "node_groups[0].desired_size",
            "`desired: 2` of node group `critical` is below its `size: 3..=6`",
        );
        assert_eq!(d.help, "write `desired: 3`, or widen the range to `size: 2..=6`");
        assert_eq!(f.errors().count(), 1, "one mistake, one finding: {f}");

        // An inverted range, with the desired size at its minimum by default: one finding, on the range.
        let mut p = sample();
        (p.node_groups[1].min_size, p.node_groups[1].desired_size, p.node_groups[1].max_size) = (6, 6, 3);
        let f = run(&p);
        let r =
            expect(&f, Rule::SizeOrder, "node_groups[1].min_size", "`size: 6..=3` of node group `general` is empty");
        assert_eq!(r.help, "write `size: 3..=6`: a size is `min..=max`");
        assert_eq!(f.errors().count(), 1, "{f}");

        let mut p = sample();
        p.node_groups[2].max_size = 0;
        let f = run(&p);
        let z = expect(&f, Rule::SizeOrder, "node_groups[2].max_size", "a maximum size of `0`");
        assert!(z.help.starts_with("write `size: 0..=1`"), "{}", z.help);
    }

    #[test]
    fn purchase_options_per_class() {
        let mut p = sample();
        p.node_groups[0].capacity = Capacity::Mixed { spot_percent: 20 };
        p.node_groups[2].capacity = Capacity::OnDemand;
        let f = run(&p);
        let c = expect(&f, Rule::CriticalOnDemand, "node_groups[0].capacity", "`mixed(spot: 20%)`");
        assert_eq!(c.help, "write `capacity: on_demand`");
        let b = expect(&f, Rule::BatchSpotOnly, "node_groups[2].capacity", "`on_demand`");
        assert_eq!(b.help, "write `capacity: spot`");
    }

    #[test]
    fn dedicated_taints() {
        let mut p = sample();
        p.node_groups[2].taints.clear();
        expect(&run(&p), Rule::DedicatedTaint, "node_groups[2]", "no `NoSchedule` taint");

        let mut p = sample();
        p.node_groups[0].labels.clear();
        let f = run(&p);
        let t = expect(&f, Rule::DedicatedTaint, "node_groups[0].taints[0]", "`workload=critical:NoSchedule`");
        assert_eq!(t.help, "add `workload: \"critical\"` to the group's `labels`");

        let mut p = sample();
        p.node_groups[0].taints[0].effect = TaintEffect::PreferNoSchedule;
        expect(&run(&p), Rule::DedicatedTaint, "node_groups[0].taints[0]", "`workload=critical:PreferNoSchedule`");
    }

    #[test]
    fn spot_percent() {
        let mut p = sample();
        p.node_groups[1].capacity = Capacity::Mixed { spot_percent: 0 };
        let f = run(&p);
        let s = expect(&f, Rule::SpotPercent, "node_groups[1].capacity", "0%");
        assert!(s.help.contains("`capacity: on_demand`"));
    }

    #[test]
    fn bottlerocket_only() {
        let mut p = sample();
        p.node_groups[1].os = NodeOs::AmazonLinux2;
        let f = run(&p);
        let o = expect(&f, Rule::BottlerocketOnly, "node_groups[1].os", "`amazon_linux_2`");
        assert!(o.help.starts_with("write `os: bottlerocket`"));
        assert!(o.help.contains("SELinux"));
    }

    #[test]
    fn disk_size() {
        let mut p = sample();
        p.node_groups[0].disk_gib = 10;
        p.node_groups[1].disk_gib = 20_000;
        let f = run(&p);
        expect(&f, Rule::DiskSize, "node_groups[0].disk_gib", "10 GiB");
        expect(&f, Rule::DiskSize, "node_groups[1].disk_gib", "20000 GiB");
    }

    #[test]
    fn label_syntax() {
        let mut p = sample();
        p.node_groups[1].labels.insert("tier".into(), "front end".into());
        p.node_groups[1].taints.push(Taint { key: "-x".into(), value: "y".into(), effect: TaintEffect::NoExecute });
        let f = run(&p);
        expect(&f, Rule::LabelSyntax, "node_groups[1].labels.tier", "`front end`");
        expect(&f, Rule::LabelSyntax, "node_groups[1].taints[0]", "`-x`");
    }

    #[test]
    fn every_workload_class() {
        let mut p = sample();
        p.node_groups[2].workload = WorkloadClass::General;
        p.node_groups[2].taints.clear();
        p.tenants[1].node_groups = vec!["general".into()];
        // Sized to share `general` with `web` (`tenancy/quota-capacity`).
        p.tenants[1].quota = Quota { cpu: "8".into(), memory: "8Gi".into(), pods: 150 };
        let f = run(&p);
        expect(&f, Rule::WorkloadClasses, "node_groups", "`workload: batch`");
        assert_eq!(f.errors().count(), 1, "{f}");
    }
}
