//! A platform grown to many tenants, for the scale benchmark (the customer's definition grown, in platform-bin)
//! and the linear-size tests.
//!
//! [`scaled_platform`] adds [`EXTRA_NODE_GROUPS`] general node groups (mixed capacity, so the spot share stays
//! above the rule's floor) to a valid platform, and tenants until there are `tenants`, each with its own
//! namespace, secret prefix, Azure AD groups and quota, spread over the node groups. The result passes every
//! check when the base does.

use crate::model::{
    Capacity, Flow, FlowSource, GroupBinding, NodeGroup, PodSecurity, PortRange, Quota, Tenant, TenantRole,
    WorkloadClass,
};
use crate::Platform;

/// Node groups added to the customer's three.
pub const EXTRA_NODE_GROUPS: usize = 20;

/// A GUID unique per (`kind`, `n`), in Azure AD's 8-4-4-4-12 form.
fn guid(kind: u16, n: usize) -> String {
    format!("{:08x}-{kind:04x}-4000-8000-{n:012x}", 0x5ca1_ab1e_u32)
}

/// `base` with [`EXTRA_NODE_GROUPS`] more node groups and `tenants` tenants in all (the base's own first; fewer
/// than it declares keeps that many of them).
pub fn scaled_platform(base: &Platform, tenants: usize) -> Platform {
    let mut p = base.clone();
    let general = p.node_groups.iter().find(|g| g.workload == WorkloadClass::General).expect("a general group").clone();
    for i in 0..EXTRA_NODE_GROUPS {
        let name = format!("pool{i:02}");
        let labels = [("workload".to_owned(), "general".to_owned()), ("pool".to_owned(), name.clone())].into();
        p.node_groups.push(NodeGroup {
            name,
            capacity: Capacity::Mixed { spot_percent: 60 },
            min_size: 0,
            desired_size: 1,
            max_size: 10,
            labels,
            ..general.clone()
        });
    }
    p.tenants.truncate(tenants);
    let groups: Vec<String> = p.node_groups.iter().map(|g| g.name.clone()).collect();
    let first = p.tenants.len();
    for n in first..tenants {
        let name = format!("tenant{n:04}");
        // Some flows: every third tenant takes 8080-8081 from the one before it, every fifth the load balancers.
        let mut allow_from = Vec::new();
        if n % 3 == 1 && n > first {
            let from = FlowSource::Tenant(format!("tenant{:04}", n - 1));
            allow_from.push(Flow { from, ports: PortRange { first: 8080, last: 8081 } });
        }
        if n % 5 == 0 {
            allow_from.push(Flow { from: FlowSource::LoadBalancers, ports: PortRange { first: 8443, last: 8443 } });
        }
        p.tenants.push(Tenant {
            node_groups: vec![groups[n % groups.len()].clone()],
            pod_security: if n % 4 == 0 { PodSecurity::Baseline } else { PodSecurity::Restricted },
            groups: vec![
                GroupBinding { role: TenantRole::Admin, group_id: guid(1, n) },
                GroupBinding { role: TenantRole::Developer, group_id: guid(2, n) },
            ],
            secret_prefix: format!("{name}/"),
            cross_account_roles: vec![],
            quota: Quota { cpu: "8".into(), memory: "16Gi".into(), pods: 100 },
            allow_from,
            pci: false,
            name,
        });
    }
    p
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check;

    #[test]
    fn a_scaled_platform_passes_every_check() {
        for n in [0, 2, 3, 50] {
            let base = crate::fixture::platform();
            let p = scaled_platform(&base, n);
            assert_eq!(p.tenants.len(), n);
            assert_eq!(p.node_groups.len(), base.node_groups.len() + EXTRA_NODE_GROUPS);
            let f = check::findings(&p, "2024-06-01");
            assert!(f.0.is_empty(), "{n} tenants:\n{f}");
        }
    }
}
