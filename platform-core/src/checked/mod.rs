//! A platform that passed every check, with what the renderers and reports derive from it computed once: parsed
//! CIDRs, node-group references resolved, the managed node groups of each DSL node group, and the catalog rows of
//! the declared Kubernetes version.
//!
//! [`check_platform`] is the only way to get one, so a renderer or report that takes a [`Checked`] cannot see a
//! platform that breaks a rule, and never re-validates.

mod network;
mod nodes;

pub use network::{interface_service, pod_subnets, Network};
pub use nodes::{parts, split_mixed, Group, Part, Sizes, MAX_UNAVAILABLE_PERCENT, OS_VOLUME_GIB};

#[cfg(feature = "render")]
use crate::alarms::{ALARMS, ARCHIVE_ALARMS};
use crate::catalog::charts::{chart_versions, ChartVersions};
use crate::catalog::kubernetes::{addon_versions, AddonVersions};
use crate::check::{self, Findings};
use crate::model::{IrsaBinding, Keyword, ManagedPolicy, Platform, Policy, WorkloadClass};

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
    /// Per tenant: indices into `node_groups`.
    tenant_groups: Vec<Vec<usize>>,
    /// Per addon: index into `node_groups`.
    addon_groups: Vec<Option<usize>>,
    critical: usize,
    /// Per managed policy, in declaration order (`ManagedPolicy::ALL`, indexed by `kind as usize`): the binding of
    /// the controller it is for.
    controllers: Vec<&'p IrsaBinding>,
    addon_versions: &'static AddonVersions,
    chart_versions: &'static ChartVersions,
}

/// Runs every check on `platform` on `today` (ISO date, see [`check::findings`]): `Err` with every finding when one
/// is an error; otherwise the checked platform, its warnings in [`Checked::warnings`].
pub fn check_platform<'p>(platform: &'p Platform, today: &str) -> Result<Checked<'p>, Findings> {
    let findings = check::findings(platform, today);
    if findings.has_errors() {
        return Err(findings);
    }
    Ok(Checked::derive(platform, findings)
        .expect("every derived value is guarded by a rule, and a platform without errors passed them all"))
}

impl<'p> Checked<'p> {
    fn derive(platform: &'p Platform, warnings: Findings) -> Option<Self> {
        let node_groups: Vec<Group> =
            platform.node_groups.iter().map(|group| Group { group, parts: parts(group) }).collect();
        let index = |name: &str| platform.node_groups.iter().position(|g| g.name == name);
        let tenant_groups = platform
            .tenants
            .iter()
            .map(|t| {
                let named: Vec<usize> = t.node_groups.iter().map(|n| index(n)).collect::<Option<_>>()?;
                // A set: in declaration order, once each.
                Some((0..node_groups.len()).filter(|i| named.contains(i)).collect())
            })
            .collect::<Option<_>>()?;
        let addon_groups = platform
            .addons
            .iter()
            .map(|a| match &a.node_group {
                Some(name) => index(name).map(Some),
                None => Some(None),
            })
            .collect::<Option<_>>()?;
        let controllers = ManagedPolicy::ALL
            .iter()
            .map(|&(_, kind)| platform.irsa.iter().find(|b| b.policy == Policy::Managed(kind)))
            .collect::<Option<_>>()?;
        Some(Checked {
            platform,
            controllers,
            warnings,
            network: Network::new(platform)?,
            critical: platform.node_groups.iter().position(|g| g.workload == WorkloadClass::Critical)?,
            node_groups,
            tenant_groups,
            addon_groups,
            addon_versions: addon_versions(&platform.kubernetes)?,
            chart_versions: chart_versions(&platform.kubernetes)?,
        })
    }

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

    /// The node groups the tenant at `index` in `tenants` names, in declaration order.
    pub fn tenant_groups(&self, index: usize) -> impl Iterator<Item = &Group<'p>> {
        self.tenant_groups[index].iter().map(|i| &self.node_groups[*i])
    }

    /// The node group the addon at `index` in `addons` is placed on, if it names one.
    pub fn addon_group(&self, index: usize) -> Option<&Group<'p>> {
        self.addon_groups[index].map(|i| &self.node_groups[i])
    }

    /// The node group platform controllers run on: the (first) critical one.
    pub fn critical_group(&self) -> &Group<'p> {
        &self.node_groups[self.critical]
    }

    /// The IRSA binding of the platform controller with managed policy `kind` (`irsa/controller-roles` requires
    /// exactly one).
    pub fn controller(&self, kind: ManagedPolicy) -> &'p IrsaBinding {
        self.controllers[kind as usize]
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
        PLATFORM_KMS_KEYS + self.platform.tenants.len()
    }

    /// The audit log groups archived to S3, one Firehose stream each: the control plane's, Session Manager's,
    /// when on, the VPC flow logs, and the Container Insights groups of the CloudWatch observability addon.
    pub fn archived_log_groups(&self) -> usize {
        let insights = if self.has_container_insights() { CONTAINER_INSIGHTS.len() } else { 0 };
        2 + usize::from(self.platform.vpc.flow_logs) + insights
    }

    /// Whether the platform installs the CloudWatch observability addon, which writes the Container Insights groups.
    pub fn has_container_insights(&self) -> bool {
        self.platform.addons.iter().any(|a| a.kind == crate::model::AddonKind::AmazonCloudwatchObservability)
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
    use crate::model::Purchase;

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
        assert_eq!(names(c.tenant_groups(0).collect()), ["critical", "batch"], "a set, in declaration order");
        for (i, addon) in p.addons.iter().enumerate() {
            assert_eq!(c.addon_group(i).map(|g| &g.group.name), addon.node_group.as_ref(), "{}", addon.kind);
        }
        assert_eq!(c.critical_group().group.workload, WorkloadClass::Critical);
        assert_eq!(c.network().pod_subnets.len(), p.availability_zones.len());
        assert_eq!(c.addon_versions().kubernetes, p.kubernetes);
        assert_eq!(c.chart_versions().kubernetes, p.kubernetes);
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
