//! The EKS managed node groups of the DSL's node groups: a `mixed` group becomes a spot and an on-demand managed
//! node group (`…-spot-…`, `…-ondemand-…`; the cluster-autoscaler priority expander prefers `-spot-`), the others
//! one. Sizes split by [`split_mixed`]: the spot part is rounded up, so spot is never less than the requested
//! share.

use crate::model::{Capacity, NodeGroup, Purchase};

/// Bottlerocket OS volume (`/dev/xvda`) of every node, GiB: the image is ~1 GiB; 4 leaves room for updates.
pub const OS_VOLUME_GIB: u32 = 4;
/// Rolling updates replace at most a third of a managed node group at a time.
pub const MAX_UNAVAILABLE_PERCENT: u32 = 33;

/// Min, desired and max of one managed node group.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Sizes {
    pub min: u32,
    pub desired: u32,
    pub max: u32,
}

/// One EKS managed node group of a DSL node group.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Part {
    pub purchase: Purchase,
    pub sizes: Sizes,
}

/// A DSL node group with its managed node groups.
#[derive(Debug, Clone, PartialEq)]
pub struct Group<'p> {
    pub group: &'p NodeGroup,
    pub parts: Vec<Part>,
}

/// Splits a mixed group's sizes into (spot, on-demand): spot gets `ceil(size × percent / 100)` of each size, the
/// rest is on-demand. `None` for a part whose maximum is 0 (EKS requires max ≥ 1). A share above 100% counts as
/// 100% (`nodes/spot-percent` refuses it); any size splits, the largest too: the pass splits every group its own
/// rules accept, whatever the rest of the platform breaks.
pub fn split_mixed(sizes: Sizes, spot_percent: u8) -> (Option<Sizes>, Option<Sizes>) {
    let percent = u64::from(spot_percent.min(100));
    // At most `v`, so it fits.
    let spot = |v: u32| u32::try_from((u64::from(v) * percent).div_ceil(100)).unwrap_or(v);
    let s = Sizes { min: spot(sizes.min), desired: spot(sizes.desired), max: spot(sizes.max) };
    let o = Sizes { min: sizes.min - s.min, desired: sizes.desired - s.desired, max: sizes.max - s.max };
    ((s.max > 0).then_some(s), (o.max > 0).then_some(o))
}

/// The managed node groups of a DSL node group, spot first.
pub fn parts(group: &NodeGroup) -> Vec<Part> {
    let sizes = Sizes { min: group.min_size, desired: group.desired_size, max: group.max_size };
    let part = |purchase| move |sizes| Part { purchase, sizes };
    match group.capacity {
        Capacity::OnDemand => vec![part(Purchase::OnDemand)(sizes)],
        Capacity::Spot => vec![part(Purchase::Spot)(sizes)],
        Capacity::Mixed { spot_percent } => {
            let (spot, on_demand) = split_mixed(sizes, spot_percent);
            spot.map(part(Purchase::Spot)).into_iter().chain(on_demand.map(part(Purchase::OnDemand))).collect()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mixed_sizes_round_spot_up() {
        let (spot, od) = split_mixed(Sizes { min: 2, desired: 3, max: 12 }, 60);
        assert_eq!(spot, Some(Sizes { min: 2, desired: 2, max: 8 }));
        assert_eq!(od, Some(Sizes { min: 0, desired: 1, max: 4 }));
        let (spot, od) = split_mixed(Sizes { min: 0, desired: 0, max: 1 }, 50);
        assert_eq!(spot, Some(Sizes { min: 0, desired: 0, max: 1 }));
        assert_eq!(od, None);
        let (spot, od) = split_mixed(Sizes { min: 0, desired: u32::MAX, max: u32::MAX }, 99);
        assert_eq!((spot.unwrap().max, od.unwrap().max), (4_252_017_623, 42_949_672), "no overflow");
        assert_eq!(split_mixed(Sizes { min: 1, desired: 1, max: 1 }, 200).1, None, "at most all of it");
    }

    #[test]
    fn a_mixed_group_splits_into_spot_then_on_demand() {
        let mut g = crate::fixture::platform().node_groups[1].clone();
        g.capacity = Capacity::Mixed { spot_percent: 60 };
        (g.min_size, g.desired_size, g.max_size) = (2, 3, 12);
        let purchases: Vec<(Purchase, u32)> = parts(&g).iter().map(|p| (p.purchase, p.sizes.max)).collect();
        assert_eq!(purchases, [(Purchase::Spot, 8), (Purchase::OnDemand, 4)]);
        g.capacity = Capacity::Spot;
        assert_eq!(parts(&g), [Part { purchase: Purchase::Spot, sizes: Sizes { min: 2, desired: 3, max: 12 } }]);
    }

    #[test]
    fn purchases_are_spelled_for_names_and_for_eks() {
        assert_eq!((Purchase::Spot.name(), Purchase::Spot.capacity_type()), ("spot", "SPOT"));
        assert_eq!(
            (Purchase::OnDemand.to_string(), Purchase::OnDemand.capacity_type()),
            ("ondemand".into(), "ON_DEMAND")
        );
    }
}
