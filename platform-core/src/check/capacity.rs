//! Capacity rule: the spot share of the non-critical capacity.

use super::{at, Finding, Findings, Fix, Rule};
use crate::catalog::instance_types::instance_type;
use crate::model::{Platform, WorkloadClass};

pub(super) fn check(p: &Platform, out: &mut Findings) {
    check_spot_share(p, out);
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
