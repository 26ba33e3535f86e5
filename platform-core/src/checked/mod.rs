//! A platform that passed every check, with what the renderers and reports derive from it computed once: parsed
//! CIDRs, node-group and flow references resolved, each tenant's namespace, the managed node groups of each DSL
//! node group, the controllers' IRSA bindings, and the catalog rows of the declared Kubernetes version.
//!
//! [`check_platform`] is the only way to get one, so a renderer or report that takes a [`Checked`] cannot see a
//! platform that breaks a rule, and never re-validates. The checks build its parts as they go
//! (`check::pass`); this module only assembles them.

mod controllers;
mod network;
mod nodes;
mod tenants;

pub use controllers::Controllers;
pub use network::{interface_service, pod_pools, Network};
pub use nodes::{parts, split_mixed, Group, Part, Sizes, MAX_UNAVAILABLE_PERCENT, OS_VOLUME_GIB};
pub use tenants::{Addon, Flow, Source, Tenant};

#[cfg(feature = "render")]
use crate::alarms::{ALARMS, ARCHIVE_ALARMS};
use crate::catalog::charts::ChartVersions;
use crate::catalog::kubernetes::AddonVersions;
use crate::check::{self, Findings, NodeGroups, Parts, Tenancy};
use crate::model::{IrsaBinding, ManagedPolicy, Platform};

/// The KMS keys every platform has (Kubernetes secrets, logs, EBS); each tenant has one more.
pub const PLATFORM_KMS_KEYS: usize = 3;

/// The Container Insights log groups the CloudWatch observability addon writes, by their last name segment
/// (`/aws/containerinsights/<cluster>/<kind>`; the chart's Fluent Bit and agent configuration at the pinned tags,
/// tests/upstream/addons/).
pub const CONTAINER_INSIGHTS: [&str; 4] = ["application", "dataplane", "host", "performance"];

/// A checked platform and its derived values.
#[derive(Debug, Clone)]
pub struct Checked<'p> {
    platform: &'p Platform,
    warnings: Findings,
    network: Network,
    node_groups: Vec<Group<'p>>,
    /// Index into `node_groups`.
    critical: usize,
    tenants: Vec<Tenant<'p>>,
    addons: Vec<Addon<'p>>,
    controllers: Controllers<'p>,
    addon_versions: &'static AddonVersions,
    chart_versions: &'static ChartVersions,
}

/// Runs every check on `platform` on `today` (ISO date, see [`check::findings`]): `Err` with every finding when one
/// is an error; otherwise the checked platform, built by the same pass, its warnings in [`Checked::warnings`].
pub fn check_platform<'p>(platform: &'p Platform, today: &str) -> Result<Checked<'p>, Findings> {
    let (findings, parts) = check::pass(platform, today);
    // Root causes only, as the macro reports them (a cause is an error whenever what it implies is).
    let findings = check::implied(findings);
    if findings.has_errors() {
        return Err(findings);
    }
    let Parts {
        network: Some(network),
        node_groups: NodeGroups { groups: Some(node_groups), critical: Some(critical) },
        tenancy: Tenancy { tenants: Some(tenants), addons: Some(addons) },
        controllers: Some(controllers),
        pins: Some((addon_versions, chart_versions)),
    } = parts
    else {
        // A part is missing only when a rule it needs failed (`Findings::guarded` asserts it where it is built):
        // refuse rather than render from less than the whole platform.
        return Err(findings);
    };
    Ok(Checked {
        platform,
        warnings: findings,
        network,
        node_groups,
        critical,
        tenants,
        addons,
        controllers,
        addon_versions,
        chart_versions,
    })
}

impl<'p> Checked<'p> {
    /// The declaration, for the values the checks derive nothing from (region, name, version, zones, cluster,
    /// encryption and identity settings, tags, DNS zones, IRSA bindings): the network, node groups, tenants, addons
    /// and controllers are read through the checked model.
    pub fn platform(&self) -> &'p Platform {
        self.platform
    }

    /// The warnings of the checks (errors refuse the platform).
    pub fn warnings(&self) -> &Findings {
        &self.warnings
    }

    pub fn network(&self) -> &Network {
        &self.network
    }

    /// Every DSL node group with its managed node groups, in declaration order.
    pub fn node_groups(&self) -> &[Group<'p>] {
        &self.node_groups
    }

    /// Every tenant, in declaration order.
    pub fn tenants(&self) -> &[Tenant<'p>] {
        &self.tenants
    }

    /// The node groups `tenant` names, once each, in declaration order.
    pub fn tenant_groups<'a>(&'a self, tenant: &'a Tenant<'p>) -> impl Iterator<Item = &'a Group<'p>> + 'a {
        tenant.groups.iter().map(|i| &self.node_groups[*i])
    }

    /// Every addon, in declaration order.
    pub fn addons(&self) -> &[Addon<'p>] {
        &self.addons
    }

    /// The node group `addon` is placed on, if it names one.
    pub fn addon_group(&self, addon: &Addon<'p>) -> Option<&Group<'p>> {
        addon.group.map(|i| &self.node_groups[i])
    }

    /// The node group platform controllers run on: the (first) critical one.
    pub fn critical_group(&self) -> &Group<'p> {
        &self.node_groups[self.critical]
    }

    /// The IRSA binding of the platform controller with managed policy `kind` (`irsa/controller-roles` requires
    /// exactly one).
    pub fn controller(&self, kind: ManagedPolicy) -> &'p IrsaBinding {
        self.controllers.get(kind)
    }

    /// The pinned addon versions of the declared Kubernetes version.
    pub fn addon_versions(&self) -> &'static AddonVersions {
        self.addon_versions
    }

    /// The pinned charts of the declared Kubernetes version.
    pub fn chart_versions(&self) -> &'static ChartVersions {
        self.chart_versions
    }

    /// Every KMS key the platform has.
    pub fn kms_keys(&self) -> usize {
        PLATFORM_KMS_KEYS + self.tenants.len()
    }

    /// The audit log groups archived to S3, one Firehose stream each: the control plane's, Session Manager's,
    /// when on, the VPC flow logs, and the Container Insights groups of the CloudWatch observability addon.
    pub fn archived_log_groups(&self) -> usize {
        let insights = if self.has_container_insights() { CONTAINER_INSIGHTS.len() } else { 0 };
        2 + usize::from(self.platform.vpc.flow_logs) + insights
    }

    /// Whether the platform installs the CloudWatch observability addon, which writes the Container Insights groups.
    pub fn has_container_insights(&self) -> bool {
        self.addons.iter().any(|a| a.addon.kind == crate::model::AddonKind::AmazonCloudwatchObservability)
    }

    /// Every CloudWatch alarm the platform has: the cluster's and those of each archive stream.
    #[cfg(feature = "render")]
    pub fn alarms(&self) -> usize {
        ALARMS.len() + ARCHIVE_ALARMS.len() * self.archived_log_groups()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check::Rule;
    use crate::fixture::platform as fixture;
    use crate::model::{Keyword, NatGateways, Policy, Purchase, WorkloadClass};

    const TODAY: &str = "2024-06-01";

    #[test]
    fn every_controller_resolves_to_its_binding() {
        let p = fixture();
        let c = check_platform(&p, TODAY).unwrap();
        for &(_, kind) in ManagedPolicy::ALL {
            assert_eq!(c.controller(kind).policy, Policy::Managed(kind));
        }
    }

    #[test]
    fn a_platform_with_errors_is_refused_with_its_findings() {
        let mut p = fixture();
        p.vpc.pod_cidr = "100.64.0.1/16".into();
        p.tenants[0].node_groups[0] = "critcal".into();
        let findings = check_platform(&p, TODAY).expect_err("two broken rules");
        let rules: Vec<Rule> = findings.errors().map(|f| f.rule).collect();
        assert_eq!(rules, [Rule::InvalidCidr, Rule::UnknownNodeGroup], "{findings}");
    }

    #[test]
    fn warnings_are_carried_on_a_checked_platform() {
        let p = fixture();
        assert!(check_platform(&p, TODAY).unwrap().warnings().0.is_empty());
        let late = check_platform(&p, "2030-01-01").expect("a warning does not refuse");
        assert!(!late.warnings().0.is_empty() && late.warnings().0.iter().all(|f| f.rule == Rule::SupportWindow));
    }

    #[test]
    fn references_resolve_to_the_named_groups() {
        let mut p = fixture();
        let names = |groups: Vec<&Group>| -> Vec<String> { groups.iter().map(|g| g.group.name.clone()).collect() };
        p.tenants[0].node_groups = vec!["batch".into(), "critical".into(), "batch".into()];
        let c = check_platform(&p, TODAY).unwrap();
        let tenant = &c.tenants()[0];
        assert_eq!(names(c.tenant_groups(tenant).collect()), ["critical", "batch"], "a set, in declaration order");
        assert_eq!(tenant.namespace, crate::naming::label(&p.tenants[0].name));
        for addon in c.addons() {
            let declared = &addon.addon.node_group;
            assert_eq!(c.addon_group(addon).map(|g| &g.group.name), declared.as_ref(), "{}", addon.addon.kind);
        }
        assert_eq!(c.critical_group().group.workload, WorkloadClass::Critical);
        assert_eq!(c.network().pod_pools.len(), p.availability_zones.len());
        assert_eq!(c.addon_versions().kubernetes, p.kubernetes);
        assert_eq!(c.chart_versions().kubernetes, p.kubernetes);
    }

    #[test]
    fn flows_resolve_to_their_source_tenants() {
        use crate::model::{Flow as Declared, FlowSource, PortRange};
        let mut p = fixture();
        let from = |source| Declared { from: source, ports: PortRange { first: 8443, last: 8443 } };
        let source = p.tenants[1].name.clone();
        p.tenants[0].allow_from = vec![from(FlowSource::Tenant(source)), from(FlowSource::LoadBalancers)];
        let c = check_platform(&p, TODAY).unwrap();
        let flows: Vec<Flow> = c.tenants()[0].allow_from.clone();
        let ports = (8443, 8443);
        assert_eq!(flows, [Flow { from: Source::Tenant(1), ports }, Flow { from: Source::LoadBalancers, ports }]);
    }

    #[test]
    fn nat_gateways_follow_the_mode() {
        let mut p = fixture();
        p.vpc.nat_gateways = NatGateways::OnePerAz;
        assert_eq!(check_platform(&p, TODAY).unwrap().network().nat_gateways, 3);
        p.vpc.nat_gateways = NatGateways::Single;
        assert_eq!(check_platform(&p, TODAY).unwrap().network().nat_gateways, 1);
    }

    #[test]
    fn a_mixed_group_has_a_spot_and_an_on_demand_part() {
        let p = fixture();
        let c = check_platform(&p, TODAY).unwrap();
        let general = c.node_groups().iter().find(|g| g.group.workload == WorkloadClass::General).unwrap();
        let crate::model::Capacity::Mixed { .. } = general.group.capacity else { panic!("the fixture's is mixed") };
        let purchases: Vec<Purchase> = general.parts.iter().map(|p| p.purchase).collect();
        assert_eq!(purchases, [Purchase::Spot, Purchase::OnDemand]);
        let max: u32 = general.parts.iter().map(|p| p.sizes.max).sum();
        assert_eq!(max, general.group.max_size, "the parts add up to the group");
    }
}
