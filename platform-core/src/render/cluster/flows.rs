//! A tenant's declared flows (`allow_from`) merged per peer, in both directions: what the platform's Calico
//! policies ([`super::isolation`]) and the tenants' Kubernetes NetworkPolicies ([`super::objects`]) allow alike.

use std::collections::BTreeMap;

use crate::model::{FlowSource, PortRange, Tenant};
use crate::naming::label;
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

fn ports_of(range: PortRange) -> (u16, u16) {
    // `tenancy/flow-ports` holds them to 1..=65535.
    (u16::try_from(range.first).unwrap_or(u16::MAX), u16::try_from(range.last).unwrap_or(u16::MAX))
}

/// Who `tenant` takes traffic from (its declared flows), with the ports of each, merged per peer.
pub(crate) fn ingress_peers(tenant: &Tenant) -> Vec<(Peer, Ports)> {
    let mut out: BTreeMap<Peer, Ports> = BTreeMap::new();
    for flow in &tenant.allow_from {
        let peer = match &flow.from {
            FlowSource::Tenant(t) => Peer::Namespace(label(t)),
            FlowSource::LoadBalancers => Peer::LoadBalancers,
        };
        let ports = out.entry(peer).or_default();
        ports.push(ports_of(flow.ports));
        ports.sort_unstable();
        ports.dedup();
    }
    out.into_iter().collect()
}

/// The tenants `tenant` sends traffic to, and their ports: the other side of their [`ingress_peers`].
pub(crate) fn egress_peers(ctx: &Context, tenant: &Tenant) -> Vec<(Peer, Ports)> {
    let me = Peer::Namespace(label(&tenant.name));
    ctx.platform
        .tenants
        .iter()
        .filter_map(|t| {
            let ports = ingress_peers(t).into_iter().find(|(p, _)| *p == me)?.1;
            Some((Peer::Namespace(label(&t.name)), ports))
        })
        .collect()
}
