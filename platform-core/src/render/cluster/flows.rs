//! A tenant's declared flows (`allow_from`) merged per peer, in both directions: what the platform's Calico
//! policies ([`super::isolation`]) and the tenants' Kubernetes NetworkPolicies ([`super::objects`]) allow alike.

use std::collections::BTreeMap;

use crate::checked::{Source, Tenant};
use crate::render::context::Context;

/// A set of TCP ports a peer may use: single ports or ranges (`first:last` in Calico, `endPort` in a
/// NetworkPolicy).
pub type Ports = Vec<(u16, u16)>;

/// Who may send traffic into a tenant: another tenant's pods, or the load balancers (through the nodes, from
/// any address that is not a pod: instance targets, `charts`).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum Peer {
    Namespace(String),
    LoadBalancers,
}

/// Who `tenant` takes traffic from (its declared flows), with the ports of each, merged per peer.
pub(crate) fn ingress_peers(ctx: &Context, tenant: &Tenant) -> Vec<(Peer, Ports)> {
    let mut out: BTreeMap<Peer, Ports> = BTreeMap::new();
    for flow in &tenant.allow_from {
        let peer = match flow.from {
            Source::Tenant(i) => Peer::Namespace(ctx.checked.tenants()[i].namespace.clone()),
            Source::LoadBalancers => Peer::LoadBalancers,
        };
        let ports = out.entry(peer).or_default();
        ports.push(flow.ports);
        ports.sort_unstable();
        ports.dedup();
    }
    out.into_iter().collect()
}

/// The tenants `tenant` sends traffic to, and their ports: the other side of their [`ingress_peers`].
pub(crate) fn egress_peers(ctx: &Context, tenant: &Tenant) -> Vec<(Peer, Ports)> {
    let me = Peer::Namespace(tenant.namespace.clone());
    ctx.checked
        .tenants()
        .iter()
        .filter_map(|t| {
            let ports = ingress_peers(ctx, t).into_iter().find(|(p, _)| *p == me)?.1;
            Some((Peer::Namespace(t.namespace.clone()), ports))
        })
        .collect()
}
