//! Tenants and addons with their node-group references resolved, and the names a tenant's objects derive from its
//! own.

use crate::model;
use crate::naming::label;

/// A tenant of the checked platform.
#[derive(Debug, Clone, PartialEq)]
pub struct Tenant<'p> {
    /// As declared.
    pub tenant: &'p model::Tenant,
    /// Its namespace, the label form of its name (`cards_api` → `cards-api`), which its AWS names use too.
    pub namespace: String,
    /// The node groups it names: indices into [`super::Checked::node_groups`], once each, in declaration order.
    pub(crate) groups: Vec<usize>,
    /// Its declared flows (`allow_from`), in declaration order.
    pub allow_from: Vec<Flow>,
}

impl<'p> Tenant<'p> {
    pub(crate) fn new(tenant: &'p model::Tenant, mut groups: Vec<usize>, allow_from: Vec<Flow>) -> Self {
        // A set: in declaration order, once each.
        groups.sort_unstable();
        groups.dedup();
        Tenant { tenant, namespace: label(&tenant.name), groups, allow_from }
    }
}

/// A declared flow into a tenant, its source resolved.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Flow {
    pub from: Source,
    /// TCP ports `first..=last` (`tenancy/flow-ports` holds them to 1..=65535).
    pub ports: (u16, u16),
}

/// Where a flow comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    /// Another tenant's pods: an index into [`super::Checked::tenants`].
    Tenant(usize),
    /// The load balancers the aws-load-balancer-controller makes.
    LoadBalancers,
}

/// An addon of the checked platform.
#[derive(Debug, Clone, PartialEq)]
pub struct Addon<'p> {
    /// As declared.
    pub addon: &'p model::Addon,
    /// The node group it is placed on, if it names one: an index into [`super::Checked::node_groups`].
    pub(crate) group: Option<usize>,
}
