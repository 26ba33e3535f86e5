//! Tenancy rules: node-group references, pod security, secret prefixes, cross-account roles, quotas, flows.

use std::collections::BTreeMap;

use super::values::{did_you_mean_or, is_positive_quantity, ticks};
use super::{at, FieldPath, Finding, Findings, Fix, Rule};
use crate::checked::{Addon, Flow, Source, Tenant as CheckedTenant};
use crate::model::{FlowSource, NodeGroup, Platform, PodSecurity, TaintEffect, Tenant};

/// The tenants and addons of the checked model, their node-group and flow references resolved.
pub(crate) struct Tenancy<'p> {
    pub tenants: Option<Vec<CheckedTenant<'p>>>,
    pub addons: Option<Vec<Addon<'p>>>,
}

/// The tenancy rules, and the tenants and addons they check (`None` when a reference does not resolve).
pub(super) fn check<'p>(p: &'p Platform, critical: Option<usize>, out: &mut Findings) -> Tenancy<'p> {
    let mark = out.mark();
    // Each name to the first group of that name (`naming/duplicate` refuses a second).
    let mut groups: BTreeMap<&str, usize> = BTreeMap::new();
    for (i, g) in p.node_groups.iter().enumerate() {
        groups.entry(g.name.as_str()).or_insert(i);
    }
    // Each name to the first tenant of that name, likewise.
    let mut names: BTreeMap<&str, usize> = BTreeMap::new();
    for (i, t) in p.tenants.iter().enumerate() {
        names.entry(t.name.as_str()).or_insert(i);
    }
    let mut tenants = Vec::with_capacity(p.tenants.len());
    for (i, t) in p.tenants.iter().enumerate() {
        let path = at("tenants").index(i);
        let named = check_node_groups(p, &groups, &t.name, &t.node_groups, &path, out);
        check_pod_security(&t.name, t.pod_security, &path, out);
        check_cross_account_roles(&t.cross_account_roles, &path, out);
        check_quota(t, &path, out);
        let flows = check_flows(p, &names, t, &path, out);
        check_pci(p, &groups, critical, t, &path, out);
        tenants.push(named.zip(flows).map(|(named, flows)| CheckedTenant::new(t, named, flows)));
    }
    check_secret_prefixes(p, out);
    let mut addons = Vec::with_capacity(p.addons.len());
    for (i, addon) in p.addons.iter().enumerate() {
        let group = match &addon.node_group {
            Some(group) => {
                let path = at("addons").index(i).key("node_group");
                check_reference(p, &groups, &format!("addon `{}`", addon.kind), group, path, out).map(Some)
            }
            None => Some(None),
        };
        addons.push(group.map(|group| Addon { addon, group }));
    }
    Tenancy {
        tenants: out.guarded(mark, "a tenant's node groups or flows", tenants.into_iter().collect()),
        addons: out.guarded(mark, "an addon's node group", addons.into_iter().collect()),
    }
}

/// `tenancy/unknown-node-group`: a tenant's workloads are steered (node selector and toleration) onto the node
/// groups it names, so each must exist, and a tenant needs at least one. The groups' indices, when all resolve.
fn check_node_groups(
    p: &Platform,
    declared: &BTreeMap<&str, usize>,
    tenant: &str,
    groups: &[String],
    path: &FieldPath,
    out: &mut Findings,
) -> Option<Vec<usize>> {
    if groups.is_empty() {
        out.push(Finding::new(
            Rule::UnknownNodeGroup,
            path.key("node_groups"),
            "[]",
            format!("tenant `{tenant}` names no node group, so its pods could not be scheduled"),
            format!("name one of {}", ticks(p.node_groups.iter().map(|g| &g.name))),
        ));
    }
    let who = format!("tenant `{tenant}`");
    let resolved: Vec<Option<usize>> = groups
        .iter()
        .enumerate()
        .map(|(j, group)| check_reference(p, declared, &who, group, path.key("node_groups").index(j), out))
        .collect();
    resolved.into_iter().collect()
}

/// One reference to a node group by name, from `who` (`declared`: the node groups' indices by name): its index.
fn check_reference(
    p: &Platform,
    declared: &BTreeMap<&str, usize>,
    who: &str,
    group: &str,
    path: FieldPath,
    out: &mut Findings,
) -> Option<usize> {
    if let Some(&index) = declared.get(group) {
        return Some(index);
    }
    let groups = || p.node_groups.iter().map(|g| g.name.as_str());
    // A list item (a tenant's `node_groups[0]`) or a key's value (an addon's `node_group`): both are identifiers.
    let (help, fix) =
        did_you_mean_or(&path, group, groups(), str::to_owned, || format!("name one of {}", ticks(groups())));
    out.push(
        Finding::new(
            Rule::UnknownNodeGroup,
            path,
            group,
            format!("{who} names node group `{group}`, which is not declared"),
            help,
        )
        .maybe_fix(fix),
    );
    None
}

/// `tenancy/flow-source` and `tenancy/flow-ports`: the platform's Calico policy lets a tenant's pods take traffic
/// only from its own namespace and its declared flows, so each flow names another declared tenant (or the load
/// balancers) and real TCP ports: a typo would silently open nothing, a flow from itself says nothing. The flows,
/// their sources resolved (`declared`: the tenants' indices by name), when every one is valid.
fn check_flows(
    p: &Platform,
    declared: &BTreeMap<&str, usize>,
    t: &Tenant,
    path: &FieldPath,
    out: &mut Findings,
) -> Option<Vec<Flow>> {
    let tenants = || p.tenants.iter().map(|t| t.name.as_str());
    let mut flows = Vec::with_capacity(t.allow_from.len());
    let mut valid = true;
    for (j, flow) in t.allow_from.iter().enumerate() {
        let at = path.key("allow_from").index(j);
        let source = match &flow.from {
            FlowSource::LoadBalancers => Some(Source::LoadBalancers),
            FlowSource::Tenant(from) if from == &t.name => {
                out.push(Finding::new(
                    Rule::FlowSource,
                    at.key("from"),
                    from,
                    format!("tenant `{from}` declares a flow from itself; its own namespace is always allowed"),
                    "remove this entry, or name another tenant",
                ));
                None
            }
            FlowSource::Tenant(from) => {
                let index = declared.get(from.as_str()).copied();
                if index.is_none() {
                    let others = || tenants().filter(|n| *n != t.name).chain([FlowSource::LOAD_BALANCERS]);
                    // No machine fix (the name is an entry's key, `api: 8443`, which a fix cannot rewrite yet): the
                    // help names the closest declared source, for the user to decide.
                    let help = match crate::model::did_you_mean(from, others()) {
                        Some(s) => format!("the declared source closest to `{from}` is `{s}`"),
                        None => format!("name one of {}", ticks(others())),
                    };
                    out.push(Finding::new(
                        Rule::FlowSource,
                        at.key("from"),
                        from,
                        format!("tenant `{}` takes traffic from `{from}`, which is not a declared tenant", t.name),
                        help,
                    ));
                }
                index.map(Source::Tenant)
            }
        };
        let ports = flow.ports;
        let bad = if ports.first == 0 || ports.last == 0 {
            Some("port 0 is not a port".to_owned())
        } else if ports.first > 65535 || ports.last > 65535 {
            Some("TCP ports end at 65535".to_owned())
        } else if ports.first > ports.last {
            Some(format!("the range is empty: {} > {}", ports.first, ports.last))
        } else {
            None
        };
        if let Some(why) = &bad {
            out.push(Finding::new(
                Rule::FlowPorts,
                at.key("ports"),
                ports.to_string(),
                format!("flow ports `{ports}` of tenant `{}`: {why}", t.name),
                "write a port from 1 to 65535, or a range `first..=last` with first <= last, e.g. `8080..=8081`",
            ));
        }
        match (source, bad, u16::try_from(ports.first), u16::try_from(ports.last)) {
            (Some(from), None, Ok(first), Ok(last)) => flows.push(Flow { from, ports: (first, last) }),
            _ => valid = false,
        }
    }
    valid.then_some(flows)
}

/// Whether node group `g` can host the platform's host-network controllers (the load balancer controller, Kyverno's
/// admission controller, the external-secrets webhook, the Tigera operator): they select the `workload` label of
/// `critical`, the first critical group, and tolerate exactly its taints (`render::cluster::charts`), so any group
/// of that class whose scheduling taints are all among those takes them.
pub fn hosts_controllers(critical: &NodeGroup, g: &NodeGroup) -> bool {
    g.workload == critical.workload
        && g.taints.iter().filter(|t| t.effect != TaintEffect::PreferNoSchedule).all(|t| critical.taints.contains(t))
}

/// `tenancy/pci-host-network`: a tenant in PCI scope shares no node with a platform controller on the host network.
/// Felix does not police traffic from a host to its own pods (projectcalico/calico `felix/rules/static.go`,
/// `filterOutputChain`, v3.28.5), so such a controller, or anything that takes it over, reaches every cardholder
/// pod of its node whatever the Calico policy (PCI DSS 1.3 and 1.4: only necessary traffic into the CDE).
/// (`declared`: the node groups' indices by name; `critical`: the first critical group's.)
fn check_pci(
    p: &Platform,
    declared: &BTreeMap<&str, usize>,
    critical: Option<usize>,
    t: &Tenant,
    path: &FieldPath,
    out: &mut Findings,
) {
    let Some(critical) = critical.map(|i| &p.node_groups[i]) else { return };
    if !t.pci {
        return;
    }
    for name in &t.node_groups {
        let Some(g) = declared.get(name.as_str()).map(|&i| &p.node_groups[i]) else { continue };
        if hosts_controllers(critical, g) {
            out.push(Finding::new(
                Rule::PciHostNetwork,
                path.key("pci"),
                name,
                format!(
                    "tenant `{}` is in PCI scope, but its node group `{name}` can host the platform's host-network \
                     controllers (they run on `{}`), whose traffic to pods on their own node Calico does not police",
                    t.name, critical.name
                ),
                format!(
                    "give the tenant a node group of its own with a taint the controllers do not tolerate, e.g. \
                     `labels: {{ workload: \"{}\", pci: \"true\" }}, taints: [.., pci = \"true\": NoSchedule]`",
                    critical.workload
                ),
            ));
        }
    }
}

/// `tenancy/pod-security`: tenant namespaces enforce a Pod Security Standard; `privileged` would let a tenant run
/// host-level containers next to other tenants' cardholder data (requirement 5; PCI DSS 2.2 secure configuration).
fn check_pod_security(tenant: &str, level: PodSecurity, path: &FieldPath, out: &mut Findings) {
    if level == PodSecurity::Privileged {
        out.push(
            Finding::new(
                Rule::TenantPodSecurity,
                path.key("pod_security"),
                level.to_string(),
                format!("tenant `{tenant}` asks for pod security `privileged`, which enforces nothing"),
                "write `pod_security: restricted` (or `baseline` for workloads that need it)",
            )
            .with_set("restricted"),
        );
    }
}

/// Characters a Secrets Manager secret name may contain (`CreateSecret`: alphanumerics and `/_+=.@-`).
fn is_secret_name_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || "/_+=.@-".contains(c)
}

/// `tenancy/secret-prefix`: each tenant reads secrets under its own prefix only (the external-secrets IAM policy
/// is scoped to `secret:<prefix>*`). A prefix must end with `/` (else `pay` would also match `payroll/…`), use
/// only secret-name characters, and no prefix may start another tenant's (reported on both).
fn check_secret_prefixes(p: &Platform, out: &mut Findings) {
    let mut sorted: Vec<(&str, usize)> =
        p.tenants.iter().enumerate().map(|(j, t)| (t.secret_prefix.as_str(), j)).collect();
    sorted.sort_unstable();
    for (i, t) in p.tenants.iter().enumerate() {
        let path = at("tenants").index(i).key("secret_prefix");
        let prefix = &t.secret_prefix;
        let problem = if prefix.is_empty() || prefix == "/" {
            Some(format!("tenant `{}` has an empty secret prefix, which would grant every secret", t.name))
        } else if !prefix.chars().all(is_secret_name_char) {
            Some(format!("secret prefix `{prefix}` has characters Secrets Manager names cannot contain"))
        } else if !prefix.ends_with('/') {
            Some(format!("secret prefix `{prefix}` does not end with `/`, so it also matches `{prefix}x…`"))
        } else {
            None
        };
        if let Some(message) = problem {
            let fixed: String = t.secret_prefix.chars().filter(|c| is_secret_name_char(*c)).collect();
            let fixed = if fixed.trim_matches('/').is_empty() { format!("{}/", t.name) } else { fixed };
            let fixed = if fixed.ends_with('/') { fixed } else { format!("{fixed}/") };
            out.push(
                Finding::new(Rule::SecretPrefix, path, prefix, message, format!("write `secret_prefix: {fixed:?}`"))
                    .with_set(format!("{fixed:?}")),
            );
            continue;
        }
        // The prefixes starting with this one follow it in sorted order: a binary search, then a short scan.
        let from = sorted.partition_point(|(other, _)| *other < prefix.as_str());
        let mut covered: Vec<usize> = sorted[from..]
            .iter()
            .take_while(|(other, _)| other.starts_with(prefix.as_str()))
            .map(|(_, j)| *j)
            .filter(|j| *j != i && p.tenants[*j].secret_prefix.ends_with('/'))
            .collect();
        covered.sort_unstable();
        for (j, other) in covered.into_iter().map(|j| (j, &p.tenants[j])) {
            out.push(
                Finding::new(
                    Rule::SecretPrefix,
                    path.clone(),
                    prefix,
                    format!(
                        "secret prefix `{prefix}` of tenant `{}` also covers `{}` of tenant `{}`",
                        t.name, other.secret_prefix, other.name
                    ),
                    "give every tenant a prefix of its own, e.g. its name and `/`",
                )
                .related_to(at("tenants").index(j)),
            );
        }
    }
}

/// Whether `arn` is an IAM role ARN: `arn:<partition>:iam::<12-digit account>:role/<path and name>`.
fn is_role_arn(arn: &str) -> bool {
    let parts: Vec<&str> = arn.splitn(6, ':').collect();
    let [arn_, partition, "iam", "", account, resource] = parts[..] else { return false };
    arn_ == "arn"
        && matches!(partition, "aws" | "aws-cn" | "aws-us-gov")
        && account.len() == 12
        && account.bytes().all(|b| b.is_ascii_digit())
        && resource.strip_prefix("role/").is_some_and(|name| {
            !name.is_empty() && name.chars().all(|c| c.is_ascii_alphanumeric() || "+=,.@_-/".contains(c))
        })
}

/// `tenancy/cross-account-role`: external-secrets assumes these roles to read another account's secrets, and the
/// IAM policy names them, so each must be a role ARN (`sts:AssumeRole` takes roles only), listed once.
fn check_cross_account_roles(roles: &[String], path: &FieldPath, out: &mut Findings) {
    for (j, arn) in roles.iter().enumerate() {
        let role_path = path.key("cross_account_roles").index(j);
        if !is_role_arn(arn) {
            out.push(Finding::new(
                Rule::CrossAccountRole,
                role_path,
                arn,
                format!("`{arn}` is not an IAM role ARN"),
                "use the ARN of a role in the other account, shaped `arn:aws:iam::<12-digit account id>:role/<name>`",
            ));
        } else if roles[..j].contains(arn) {
            out.push(
                Finding::new(
                    Rule::CrossAccountRole,
                    role_path.clone(),
                    arn,
                    format!("cross-account role `{arn}` is listed twice"),
                    "remove this entry from `cross_account_roles`",
                )
                .with_fix(Fix::Remove { path: role_path }),
            );
        }
    }
}

/// `tenancy/quota`: the quota becomes a ResourceQuota (`requests.cpu`, `requests.memory`, `pods`), so cpu and
/// memory are Kubernetes quantities above zero (`16`, `500m`, `32Gi`), and at least one pod is allowed.
fn check_quota(t: &crate::model::Tenant, path: &FieldPath, out: &mut Findings) {
    let q = &t.quota;
    for key in ["cpu", "memory"] {
        let value = if key == "cpu" { &q.cpu } else { &q.memory };
        if !is_positive_quantity(value) {
            // `32GB`, `32GiB`: the unit spelt with a `B`, which Kubernetes does not take; anything else is unknown.
            let fix = value
                .strip_suffix('B')
                .filter(|v| is_positive_quantity(v))
                .map(|v| Fix::set(path.key("quota").key(key), format!("{v:?}")));
            let units = "binary suffixes `Ki Mi Gi`, decimal `k M G`, `m` for milli";
            let help = match &fix {
                Some(fix) => format!("write `{}` ({units})", fix.dsl()),
                None => format!("write a Kubernetes quantity ({units})"),
            };
            out.push(
                Finding::new(
                    Rule::Quota,
                    path.key("quota").key(key),
                    value,
                    format!("quota {key} `{value}` of tenant `{}` is not a Kubernetes quantity above zero", t.name),
                    help,
                )
                .maybe_fix(fix),
            );
        }
    }
    if q.pods == 0 {
        out.push(Finding::new(
            Rule::Quota,
            path.key("quota").key("pods"),
            "0",
            format!("quota of tenant `{}` allows no pod", t.name),
            "set `pods` to the number of pods the tenant may run",
        ));
    }
}

#[cfg(test)]
mod tests {
    use super::super::testing::*;
    use super::is_role_arn;

    #[test]
    fn node_group_references() {
        let mut p = sample();
        p.tenants[0].node_groups[0] = "critcal".into();
        p.tenants[1].node_groups.clear();
        p.addons[0].node_group = Some("gpu".into());
        let f = run(&p);
        let typo = expect(&f, Rule::UnknownNodeGroup, "tenants[0].node_groups[0]", "`critcal`");
        assert_eq!(typo.help, "did you mean `critical`?");
        expect(&f, Rule::UnknownNodeGroup, "tenants[1].node_groups", "names no node group");
        let addon = expect(&f, Rule::UnknownNodeGroup, "addons[0].node_group", "addon `coredns`");
        assert!(addon.help.contains("`critical`, `general`, `batch`"), "{}", addon.help);
    }

    #[test]
    fn pod_security() {
        let mut p = sample();
        p.tenants[2].pod_security = PodSecurity::Privileged;
        p.tenants[1].pod_security = PodSecurity::Baseline;
        let f = run(&p);
        expect(&f, Rule::TenantPodSecurity, "tenants[2].pod_security", "`privileged`");
        assert_eq!(f.errors().count(), 1, "{f}");
    }

    #[test]
    fn secret_prefixes() {
        let mut p = sample();
        p.tenants[0].secret_prefix = "cards".into();
        p.tenants[1].secret_prefix = "".into();
        p.tenants[2].secret_prefix = "web key/".into();
        let f = run(&p);
        let slash = expect(&f, Rule::SecretPrefix, "tenants[0].secret_prefix", "does not end with `/`");
        assert_eq!(slash.help, "write `secret_prefix: \"cards/\"`");
        let empty = expect(&f, Rule::SecretPrefix, "tenants[1].secret_prefix", "empty");
        assert_eq!(empty.help, "write `secret_prefix: \"settlement/\"`");
        expect(&f, Rule::SecretPrefix, "tenants[2].secret_prefix", "characters");

        let mut p = sample();
        p.tenants[2].secret_prefix = "cards/web/".into();
        let f = run(&p);
        expect(&f, Rule::SecretPrefix, "tenants[0].secret_prefix", "also covers `cards/web/`");
        assert_eq!(f.errors().count(), 1, "{f}");
    }

    #[test]
    fn role_arns() {
        assert!(is_role_arn("arn:aws:iam::111122223333:role/payments-secrets-reader"));
        assert!(is_role_arn("arn:aws-us-gov:iam::111122223333:role/path/to/reader"));
        for bad in [
            "arn:aws:iam::1:role/x",
            "arn:aws:iam::111122223333:user/x",
            "arn:aws:iam::111122223333:role/",
            "arn:aws:s3:::bucket",
            "payments-secrets-reader",
            "arn:aws:iam:us-east-1:111122223333:role/x",
        ] {
            assert!(!is_role_arn(bad), "{bad}");
        }
        let mut p = sample();
        p.tenants[0].cross_account_roles.push("arn:aws:iam::111122223333:role/cards-secrets-reader".into());
        p.tenants[1].cross_account_roles.push("arn:aws:iam::111122223333:user/bob".into());
        let f = run(&p);
        expect(&f, Rule::CrossAccountRole, "tenants[0].cross_account_roles[1]", "listed twice");
        expect(&f, Rule::CrossAccountRole, "tenants[1].cross_account_roles[0]", "not an IAM role ARN");
    }

    #[test]
    fn quotas() {
        let mut p = sample();
        p.tenants[0].quota = Quota { cpu: "0".into(), memory: "32GB".into(), pods: 0 };
        let f = run(&p);
        expect(&f, Rule::Quota, "tenants[0].quota.cpu", "`0`");
        let mem = expect(&f, Rule::Quota, "tenants[0].quota.memory", "`32GB`");
        assert!(mem.help.starts_with("write `memory: \"32G\"`"), "{}", mem.help);
        expect(&f, Rule::Quota, "tenants[0].quota.pods", "no pod");
        assert_eq!(f.errors().count(), 3, "{f}");
    }

    #[test]
    fn flows() {
        use crate::model::{Flow, FlowSource, PortRange};
        let flow = |from: FlowSource, first, last| Flow { from, ports: PortRange { first, last } };
        let mut p = sample();
        let me = p.tenants[0].name.clone();
        let other = p.tenants[1].name.clone();
        p.tenants[0].allow_from =
            vec![flow(FlowSource::Tenant(other.clone()), 8080, 8081), flow(FlowSource::LoadBalancers, 443, 443)];
        assert_eq!(run(&p).errors().count(), 0, "{}", run(&p));
        p.tenants[0].allow_from = vec![
            flow(FlowSource::Tenant(format!("{other}x")), 80, 80),
            flow(FlowSource::Tenant(me.clone()), 80, 80),
            flow(FlowSource::LoadBalancers, 0, 10),
            flow(FlowSource::LoadBalancers, 80, 70000),
            flow(FlowSource::LoadBalancers, 9000, 8000),
        ];
        let f = run(&p);
        let unknown = expect(&f, Rule::FlowSource, "tenants[0].allow_from[0].from", "not a declared tenant");
        assert!(unknown.help.contains(&format!("`{other}`")), "{}", unknown.help);
        expect(&f, Rule::FlowSource, "tenants[0].allow_from[1].from", "from itself");
        expect(&f, Rule::FlowPorts, "tenants[0].allow_from[2].ports", "port 0");
        expect(&f, Rule::FlowPorts, "tenants[0].allow_from[3].ports", "65535");
        expect(&f, Rule::FlowPorts, "tenants[0].allow_from[4].ports", "9000 > 8000");
        assert_eq!(f.errors().count(), 5, "{f}");
    }

    #[test]
    fn pci_tenants_stay_off_the_controllers_nodes() {
        use crate::model::Taint;
        let mut p = sample();
        let critical = p.node_groups.iter().position(|g| g.workload == WorkloadClass::Critical).unwrap();
        let on_critical = p.tenants.iter().position(|t| t.node_groups == [p.node_groups[critical].name.clone()]);
        let i = on_critical.expect("a tenant on the critical group");
        p.tenants[i].pci = true;
        expect(&run(&p), Rule::PciHostNetwork, &format!("tenants[{i}].pci"), "can host the platform's host-network");
        // A second critical group with the same taints still takes the controllers; an extra taint keeps them off.
        let mut cde = p.node_groups[critical].clone();
        cde.name = "cde".into();
        p.node_groups.push(cde.clone());
        p.tenants[i].node_groups = vec!["cde".into()];
        assert!(!run(&p).of(Rule::PciHostNetwork).is_empty());
        let last = p.node_groups.len() - 1;
        p.node_groups[last].labels.insert("pci".into(), "true".into());
        let taint = Taint { key: "pci".into(), value: "true".into(), effect: TaintEffect::NoSchedule };
        p.node_groups[last].taints.push(taint);
        assert!(run(&p).of(Rule::PciHostNetwork).is_empty(), "{}", run(&p));
        // Not in scope: no finding anywhere.
        p.tenants[i].pci = false;
        p.tenants[i].node_groups = vec![p.node_groups[critical].name.clone()];
        assert!(run(&p).of(Rule::PciHostNetwork).is_empty());
    }
}
