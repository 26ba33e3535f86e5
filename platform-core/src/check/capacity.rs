//! Capacity rules: the spot share of the non-critical capacity, and tenant quotas against the nodes behind them.

use std::collections::BTreeSet;

use super::values::ticks;
use super::{at, Finding, Findings, Fix, Rule};
use crate::catalog::instance_types::instance_type;
use crate::catalog::reserved::{self, EVICTION_HARD_MEMORY_MIB, MAX_PODS};
use crate::model::{Platform, WorkloadClass};
use crate::quantity::{cpu_millicores, memory_mib};

pub(super) fn check(p: &Platform, out: &mut Findings) {
    check_spot_share(p, out);
    check_quota_capacity(p, out);
}

/// The two resources a quota limits: index 0 CPU (millicores), 1 memory (MiB).
const KEYS: [&str; 2] = ["cpu", "memory"];

/// A quantity of resource `r` in the DSL's notation: `9`, `9580m`; `32Gi`, `6226Mi`.
fn quantity(r: usize, v: i64) -> String {
    match (r, v) {
        (0, v) if v % 1000 == 0 => format!("{}", v / 1000),
        (0, v) => format!("{v}m"),
        (_, v) if v % 1024 == 0 => format!("{}Gi", v / 1024),
        (_, v) => format!("{v}Mi"),
    }
}

/// What one node group can give tenant pods at its max size.
struct Room<'a> {
    name: &'a str,
    instance: &'static str,
    nodes: i64,
    /// Per resource: the node's size, and what is left of it after the kubelet reservation and the DaemonSets.
    size: [i64; 2],
    per_node: [i64; 2],
    /// The platform's Deployments placed on the group.
    controllers: [i64; 2],
}

impl Room<'_> {
    fn free(&self, r: usize) -> i64 {
        (self.nodes * self.per_node[r] - self.controllers[r]).max(0)
    }

    /// `` `critical`: 6 × m5.large = 12, less 6 × 500m (kubelet, DaemonSets) and 1200m of controllers ``
    fn describe(&self, r: usize) -> String {
        let reserved = self.size[r] - self.per_node[r];
        let controllers = match self.controllers[r] {
            0 => String::new(),
            c => format!(" and {} of platform controllers", quantity(r, c)),
        };
        format!(
            "`{}`: {} × {} = {}, less {} a node for the kubelet reservation and DaemonSets{controllers}",
            self.name,
            self.nodes,
            self.instance,
            quantity(r, self.nodes * self.size[r]),
            quantity(r, reserved),
        )
    }
}

/// The rooms of the node groups, by index; `None` for a group of unknown instance type
/// (`nodes/unknown-instance-type`) or of an empty size (`nodes/size-order`): those are their own errors.
fn rooms(p: &Platform) -> Vec<Option<Room<'_>>> {
    let daemonsets = reserved::per_node(p);
    let ds = [
        daemonsets.iter().map(reserved::Workload::total_cpu_m).sum::<u64>(),
        daemonsets.iter().map(reserved::Workload::total_memory_mib).sum::<u64>(),
    ];
    // The charts' controllers go to the first critical group, as the renderer places them (`Checked::critical_group`).
    let critical = p.node_groups.iter().find(|g| g.workload == WorkloadClass::Critical).map(|g| g.name.as_str());
    p.node_groups
        .iter()
        .map(|g| {
            if g.min_size > g.max_size {
                return None;
            }
            let t = instance_type(g.instance_types.first()?)?;
            let size = [u64::from(t.vcpu) * 1000, u64::from(t.memory_mib)];
            let kubelet = [
                reserved::kube_reserved_cpu_m(t.vcpu),
                reserved::kube_reserved_memory_mib(MAX_PODS) + EVICTION_HARD_MEMORY_MIB,
            ];
            let controllers = reserved::controllers(p, &g.name, critical == Some(g.name.as_str()));
            let ctl = [
                controllers.iter().map(reserved::Workload::total_cpu_m).sum::<u64>(),
                controllers.iter().map(reserved::Workload::total_memory_mib).sum::<u64>(),
            ];
            let int = |v: u64| i64::try_from(v).unwrap_or(i64::MAX);
            Some(Room {
                name: &g.name,
                instance: t.name,
                nodes: i64::from(g.max_size),
                size: size.map(int),
                per_node: [0, 1].map(|r| int(size[r]) - int(kubelet[r]) - int(ds[r])),
                controllers: ctl.map(int),
            })
        })
        .collect()
}

/// `tenancy/quota-capacity`: a quota is a promise; the nodes behind it must be able to keep it.
///
/// Each tenant's pods go to its node groups only (node selector and toleration), so for every set of node groups
/// the quotas of the tenants confined to it must fit what those groups hold at max size: the instance size less
/// Bottlerocket's `kube-reserved` and the eviction threshold, the DaemonSets on every node, and the platform's
/// controllers placed there (figures and sources: [`crate::catalog::reserved`]). Checking every such set is
/// Hall's condition, so tenants sharing groups are held together and a tenant spread over groups gets their sum.
/// Quotas that do not parse, and tenants naming unknown groups, are left to their own rules.
fn check_quota_capacity(p: &Platform, out: &mut Findings) {
    let rooms = rooms(p);
    // Masks are u32, and 2^n sets are visited: more groups than this is not a platform the DSL describes.
    if rooms.len() > 16 {
        return;
    }
    let tenants: Vec<(usize, u32, [Option<i64>; 2])> = p
        .tenants
        .iter()
        .enumerate()
        .filter_map(|(i, t)| {
            let mut mask = 0u32;
            for name in &t.node_groups {
                let j = p.node_groups.iter().position(|g| &g.name == name)?;
                rooms[j].as_ref()?;
                mask |= 1 << j;
            }
            let q = [cpu_millicores(&t.quota.cpu), memory_mib(&t.quota.memory)];
            (mask != 0).then(|| (i, mask, q.map(|v| v.and_then(|v| i64::try_from(v).ok()))))
        })
        .collect();
    let mut sets: Vec<u32> = (1..1u32 << rooms.len()).collect();
    sets.sort_by_key(|s| (s.count_ones(), *s));
    let mut reported: BTreeSet<(usize, usize)> = BTreeSet::new();
    // Sets already over, per resource: a larger set holding one is over for the same reason, so it is skipped.
    let mut over: [Vec<u32>; 2] = [Vec::new(), Vec::new()];
    for set in sets {
        let members: Vec<&(usize, u32, [Option<i64>; 2])> = tenants.iter().filter(|(_, m, _)| m & !set == 0).collect();
        // Only sets that are exactly the groups of some tenants: any other has a smaller one with the same demand.
        if members.iter().fold(0, |acc, (_, m, _)| acc | m) != set {
            continue;
        }
        let groups: Vec<&Room> =
            (0..rooms.len()).filter(|j| set & (1 << j) != 0).filter_map(|j| rooms[j].as_ref()).collect();
        for r in 0..2 {
            let capacity: i64 = groups.iter().map(|g| g.free(r)).sum();
            let demand: i64 = members.iter().filter_map(|(_, _, q)| q[r]).sum();
            if demand <= capacity || over[r].iter().any(|v| v & !set == 0) {
                continue;
            }
            over[r].push(set);
            let Some(&&(i, mask, q)) = members
                .iter()
                .filter(|(i, _, q)| q[r].is_some() && !reported.contains(&(*i, r)))
                .max_by_key(|(i, _, q)| (q[r], std::cmp::Reverse(*i)))
            else {
                continue;
            };
            reported.insert((i, r));
            out.push(quota_finding(p, &rooms, &members, &groups, (i, mask, q), r, capacity, demand));
        }
    }
}

#[allow(clippy::too_many_arguments)]
fn quota_finding(
    p: &Platform,
    rooms: &[Option<Room>],
    members: &[&(usize, u32, [Option<i64>; 2])],
    groups: &[&Room],
    (i, mask, q): (usize, u32, [Option<i64>; 2]),
    r: usize,
    capacity: i64,
    demand: i64,
) -> Finding {
    let t = &p.tenants[i];
    let key = KEYS[r];
    let value = if r == 0 { &t.quota.cpu } else { &t.quota.memory };
    let others: Vec<String> = members
        .iter()
        .filter(|(j, _, q)| *j != i && q[r].is_some())
        .map(|(j, _, _)| {
            let o = &p.tenants[*j];
            format!("`{}` (`{}`)", o.name, if r == 0 { &o.quota.cpu } else { &o.quota.memory })
        })
        .collect();
    let together =
        if others.is_empty() { String::new() } else { format!(", with {} on the same nodes,", others.join(", ")) };
    let names = ticks(groups.iter().map(|g| g.name));
    let (s, verb) = if groups.len() == 1 { ("", "s") } else { ("s", "") };
    let breakdown: Vec<String> = groups.iter().map(|g| g.describe(r)).collect();
    let shortfall = demand - capacity;
    // The tenant's own group that gains most per node, and the max size that covers the shortfall with it.
    let grow = (0..rooms.len())
        .filter(|j| mask & (1 << j) != 0)
        .filter_map(|j| rooms[j].as_ref())
        .filter(|g| g.per_node[r] > 0)
        .max_by_key(|g| g.per_node[r])
        .map(|g| {
            let needed = g.free(r) + g.controllers[r] + shortfall;
            format!("raise `max_size` of `{}` to {}", g.name, (needed + g.per_node[r] - 1) / g.per_node[r])
        });
    let room = q[r].unwrap_or(0) - shortfall;
    let help = match (room > 0, grow) {
        (true, Some(grow)) => format!("lower it to at most `{key}: \"{}\"`, or {grow}", quantity(r, room)),
        (true, None) => format!("lower it to at most `{key}: \"{}\"`", quantity(r, room)),
        (false, Some(grow)) => format!("{grow}, or place the tenant on a node group with room"),
        (false, None) => "place the tenant on a node group with room".to_owned(),
    };
    Finding::new(
        Rule::QuotaCapacity,
        at("tenants").index(i).key("quota").key(key),
        value,
        format!(
            "quota {key} `{value}` of tenant `{}`{together} exceeds the {} that node group{s} {names} hold{verb} for \
             tenants at max size ({})",
            t.name,
            quantity(r, capacity),
            breakdown.join("; "),
        ),
        help,
    )
}

/// One non-critical group's contribution: index, name, vCPU at max size, spot percent.
struct Share<'a> {
    index: usize,
    name: &'a str,
    vcpu: u64,
    spot_percent: u64,
}

/// `capacity/spot-share`: requirement 9, "spot instances for at least 50% of non-critical workload capacity".
///
/// Capacity is what the autoscaler may add: `max_size × vCPU` of each non-critical group, spot for its spot share.
/// Groups whose instance types are unknown are left out (reported by `nodes/unknown-instance-type`). The finding
/// sits on the `capacity` of the group that holds the most on-demand vCPU, and says how far to move it.
fn check_spot_share(p: &Platform, out: &mut Findings) {
    let shares: Vec<Share> = p
        .node_groups
        .iter()
        .enumerate()
        .filter(|(_, g)| g.workload != WorkloadClass::Critical)
        .filter_map(|(index, g)| {
            let vcpu = instance_type(g.instance_types.first()?)?.vcpu;
            Some(Share {
                index,
                name: &g.name,
                vcpu: u64::from(g.max_size) * u64::from(vcpu),
                spot_percent: u64::from(g.capacity.spot_percent().min(100)),
            })
        })
        .collect();
    // In vCPU × percent, so that the arithmetic stays exact.
    let total: u64 = shares.iter().map(|s| s.vcpu).sum();
    let spot: u64 = shares.iter().map(|s| s.vcpu * s.spot_percent).sum();
    if total == 0 || spot * 2 >= total * 100 {
        return;
    }
    // The group to suggest a spot share for: a general one (batch is spot only, `nodes/batch-spot-only`).
    let general = |s: &&Share| p.node_groups[s.index].workload == WorkloadClass::General;
    let Some(worst) = shares.iter().filter(general).max_by_key(|s| s.vcpu * (100 - s.spot_percent)) else { return };
    let share = spot / total; // whole percent, rounded down
    let missing = total * 50 - spot; // vCPU × percent short of 50%
                                     // Raising `worst` to `n`% adds worst.vcpu × (n - current) vCPU × percent.
    let needed = worst.spot_percent + missing.div_ceil(worst.vcpu.max(1));
    // Or adding `s` spot vCPU: spot + 100 s >= 50 (total + s), so s >= missing / 50.
    let extra_vcpu = missing.div_ceil(50);
    let path = at("node_groups").index(worst.index).key("capacity");
    let fix = (needed <= 99).then(|| Fix::set(path.clone(), format!("mixed(spot: {needed}%)")));
    let raise = match &fix {
        Some(fix) => format!("raise the spot share of `{}`: `{}`, or ", worst.name, fix.dsl()),
        None => String::new(),
    };
    let spot_vcpu = spot / 100;
    out.push(Finding::new(
        Rule::SpotShare,
        path,
        format!("spot {share}% of {total} vCPU"),
        format!(
            "spot is {share}% of the non-critical capacity ({spot_vcpu} of {total} vCPU at max size), below the required 50%"
        ),
        format!("{raise}add at least {extra_vcpu} spot vCPU (a larger maximum in the `size` of a spot group)"),
    )
    .maybe_fix(fix));
}

#[cfg(test)]
mod tests {
    use super::super::testing::*;

    fn mixed(spot_percent: u8) -> Capacity {
        Capacity::Mixed { spot_percent }
    }

    #[test]
    fn spot_share_counts_max_size_times_vcpu() {
        // general: 12 × 2 vCPU on demand; batch: 10 × 2 vCPU spot → 20 of 44 vCPU = 45%.
        let mut p = sample();
        p.node_groups[1].capacity = Capacity::OnDemand;
        p.node_groups[2].max_size = 10;
        let f = run(&p);
        let s = expect(
            &f,
            Rule::SpotShare,
            "node_groups[1].capacity",
            "spot is 45% of the non-critical capacity (20 of 44 vCPU",
        );
        // 44 × 50 - 2000 = 200 vCPU% short: general (24 vCPU) to ceil(200 / 24) = 9%, or 4 more spot vCPU.
        assert_eq!(
            s.help,
            "raise the spot share of `general`: `capacity: mixed(spot: 9%)`, or add at least 4 spot vCPU (a larger \
             maximum in the `size` of a spot group)"
        );
        p.node_groups[1].capacity = mixed(9);
        assert!(run(&p).of(Rule::SpotShare).is_empty(), "the suggested fix passes");
    }

    #[test]
    fn critical_capacity_is_not_counted() {
        let mut p = sample();
        p.node_groups[0].max_size = 1000;
        assert!(run(&p).of(Rule::SpotShare).is_empty());
    }

    /// Critical: 6 × m5.large. A node: 2000m less 70m kube-reserved and 430m of DaemonSets (kube-proxy 100m from
    /// the fixture, EBS CSI node 30m, CloudWatch agent 250m, Fluent Bit 50m) = 1500m; controllers 920m (Kyverno
    /// 500m, CoreDNS 3 × 100m, EBS CSI controller 2 × 60m): 9000m - 920m = 8080m for tenants.
    #[test]
    fn quota_capacity_counts_the_platform_reservations() {
        let mut p = sample();
        assert!(run(&p).of(Rule::QuotaCapacity).is_empty(), "cards asks 8 of 8080m");
        p.tenants[0].quota.cpu = "8100m".into();
        let f = run(&p);
        let q = expect(&f, Rule::QuotaCapacity, "tenants[0].quota.cpu", "quota cpu `8100m` of tenant `cards`");
        assert_eq!(q.value, "8100m");
        assert!(q.message.contains("exceeds the 8080m that node group `critical` holds"), "{}", q.message);
        assert!(q.message.contains("6 × m5.large = 12, less 500m a node"), "{}", q.message);
        assert!(q.message.contains("920m of platform controllers"), "{}", q.message);
        // 20m short: 7 nodes give 10500m - 920m.
        assert_eq!(q.help, "lower it to at most `cpu: \"8080m\"`, or raise `max_size` of `critical` to 7");
        assert_eq!(f.errors().count(), 1, "{f}");
        let mut lowered = p.clone();
        lowered.tenants[0].quota.cpu = "8080m".into();
        assert!(run(&lowered).of(Rule::QuotaCapacity).is_empty(), "the first fix passes");
        p.node_groups[0].max_size = 7;
        assert!(run(&p).of(Rule::QuotaCapacity).is_empty(), "the second fix passes");
    }

    #[test]
    fn daemonsets_are_taken_from_every_node() {
        // A CloudWatch agent asking 1 CPU leaves 750m a critical node: 4500m - 920m < 8 CPU.
        let mut p = sample();
        p.addons[3].resources = Some(Resources { cpu: "1".into(), memory: "128Mi".into() });
        let f = run(&p);
        expect(&f, Rule::QuotaCapacity, "tenants[0].quota.cpu", "exceeds the 3580m");
        // Batch: c5.large, 4096Mi less 1465Mi kube-reserved (110 pods), 100Mi eviction, 401Mi of DaemonSets.
        let mut p = sample();
        p.tenants[1].quota.memory = "42601Mi".into();
        let f = run(&p);
        let m = expect(&f, Rule::QuotaCapacity, "tenants[1].quota.memory", "exceeds the 42600Mi");
        assert!(m.help.starts_with("lower it to at most `memory: \"42600Mi\"`"), "{}", m.help);
    }

    #[test]
    fn tenants_sharing_groups_fit_together() {
        // cards (8) and web (1 more CPU) on critical: 9000m > 8080m, reported on the larger quota.
        let mut p = sample();
        p.tenants[2].node_groups = vec!["critical".into()];
        p.tenants[2].quota.cpu = "1".into();
        let f = run(&p);
        let q = expect(&f, Rule::QuotaCapacity, "tenants[0].quota.cpu", "with `web` (`1`) on the same nodes");
        assert!(q.help.starts_with("lower it to at most `cpu: \"7080m\"`"), "{}", q.help);
        assert_eq!(f.of(Rule::QuotaCapacity).len(), 1, "{f}");

        // settlement needs 48Gi: more than batch holds (42600Mi), but batch and general together hold 68160Mi,
        // which also has to carry web's 16Gi: 64Gi fits.
        let mut p = sample();
        p.tenants[1].quota.memory = "48Gi".into();
        expect(&run(&p), Rule::QuotaCapacity, "tenants[1].quota.memory", "`48Gi`");
        p.tenants[1].node_groups.push("general".into());
        assert!(run(&p).of(Rule::QuotaCapacity).is_empty(), "{}", run(&p));
        p.tenants[2].quota.memory = "20Gi".into();
        let f = run(&p);
        let both = expect(&f, Rule::QuotaCapacity, "tenants[1].quota.memory", "node groups `general`, `batch` hold");
        assert!(both.message.contains("with `web` (`20Gi`)"), "{}", both.message);
    }

    #[test]
    fn exactly_half_passes() {
        let mut p = sample();
        p.node_groups[1].capacity = mixed(50);
        p.node_groups[2].max_size = 0;
        p.node_groups[2].min_size = 0;
        // max_size 0 is its own error; the share is 50% of general alone.
        assert!(run(&p).of(Rule::SpotShare).is_empty());
        p.node_groups[1].capacity = mixed(49);
        expect(&run(&p), Rule::SpotShare, "node_groups[1].capacity", "49%");
    }
}
