//! The checks of a definition with syntax errors: the findings that what did parse proves.
//!
//! The macro reports syntax errors and rule findings in one compile. A block with a syntax error anywhere in it
//! is left out whole (a value that failed to parse would otherwise be a default or an empty list that the user
//! never wrote), and the findings that a left-out block could have changed are dropped: a missed finding is
//! better than a false one. When a required top-level value or block is broken, the macro runs no checks at all
//! (every rule reads the name, the region, the VPC or the cluster), so only the syntax errors are reported.

use super::{FieldPath, Finding, Findings, Rule};
use crate::naming::label;
use crate::schema::{Block, PLATFORM};

/// What a definition lost to syntax errors before the checks ran on the rest.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Gaps {
    /// Repeated blocks (`node_group`, `tenant`, `addon`, `irsa`) left out of the platform.
    pub dropped: Vec<Dropped>,
    /// Optional values left at their default because they did not parse (`encryption`, `tags`).
    pub broken: Vec<FieldPath>,
}

/// A repeated block left out of the platform.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Dropped {
    /// Its schema (`&schema::NODE_GROUP`, …).
    pub block: &'static Block,
    /// Its name, when that much parsed.
    pub name: Option<String>,
}

impl Gaps {
    /// A top-level key that is not in the schema: it may have been any repeated block (a misspelt `tenant`).
    pub fn unknown_block(&mut self) {
        let repeated = PLATFORM.keys.iter().filter_map(|k| k.block).filter(|b| b.repeated);
        self.dropped.extend(repeated.map(|block| Dropped { block, name: None }));
    }

    pub fn is_empty(&self) -> bool {
        self.dropped.is_empty() && self.broken.is_empty()
    }
}

/// What a rule reads beyond the values at its finding's path.
enum Needs {
    /// Nothing a left-out block holds: a left-out block can only hide its findings (a duplicate, an overlap).
    Own,
    /// Every block of a kind (`nodes/workload-classes` asks for a critical group among all of them).
    All(&'static Block),
    /// The block of a kind the finding's value names (`tenancy/unknown-node-group`).
    Named(&'static Block),
}

fn needs(rule: Rule) -> Needs {
    use crate::schema::{ADDON, IRSA, NODE_GROUP, TENANT};
    match rule {
        // `tenancy/quota-capacity`: a left-out tenant or addon only lowers the demand, a left-out group the room.
        Rule::WorkloadClasses | Rule::SpotShare | Rule::QuotaCapacity => Needs::All(&NODE_GROUP),
        Rule::RequiredAddons => Needs::All(&ADDON),
        Rule::ControllerRoles => Needs::All(&IRSA),
        Rule::UnknownNodeGroup => Needs::Named(&NODE_GROUP),
        Rule::PciHostNetwork => Needs::All(&NODE_GROUP),
        Rule::UnknownNamespace | Rule::FlowSource => Needs::Named(&TENANT),
        Rule::InvalidCidr
        | Rule::VpcCidrSize
        | Rule::SubnetOutsideVpc
        | Rule::SubnetsOverlap
        | Rule::SubnetPerAz
        | Rule::UnknownRegion
        | Rule::ThreeAzs
        | Rule::AzNotInRegion
        | Rule::PodCidrOverlapsVpc
        | Rule::PodCidrRange
        | Rule::RequiredEndpoints
        | Rule::FlowLogs
        | Rule::NameSyntax
        | Rule::DuplicateName
        | Rule::NameLength
        | Rule::TagSyntax
        | Rule::UnknownInstanceType
        | Rule::InstanceSizesDiffer
        | Rule::SizeOrder
        | Rule::CriticalOnDemand
        | Rule::BatchSpotOnly
        | Rule::DedicatedTaint
        | Rule::SpotPercent
        | Rule::BottlerocketOnly
        | Rule::DiskSize
        | Rule::LabelSyntax
        | Rule::EncryptionRequired
        | Rule::LogRetention
        | Rule::LogArchive
        | Rule::ArchiveRetention
        | Rule::ControlPlaneLogs
        | Rule::TenantPodSecurity
        | Rule::SecretPrefix
        | Rule::CrossAccountRole
        | Rule::Quota
        | Rule::FlowPorts
        | Rule::AzureAdId
        | Rule::OidcClaims
        | Rule::StableUsername
        | Rule::WildcardPolicy
        | Rule::ServiceAccount
        | Rule::PolicySyntax
        | Rule::AddonOption
        | Rule::DnsZone
        | Rule::KubernetesVersion
        | Rule::SupportWindow => Needs::Own,
    }
}

/// The findings of a platform checked without the blocks in `gaps`: those none of them could have caused.
pub fn partial_findings(findings: Findings, gaps: &Gaps) -> Findings {
    Findings(findings.0.into_iter().filter(|f| proven(f, gaps)).collect())
}

fn proven(f: &Finding, gaps: &Gaps) -> bool {
    let under =
        |broken: &FieldPath| std::iter::successors(Some(f.path.clone()), FieldPath::parent).any(|p| p == *broken);
    if gaps.broken.iter().any(under) {
        return false;
    }
    let dropped = |kind: &'static Block| gaps.dropped.iter().filter(move |d| d.block == kind);
    match needs(f.rule) {
        Needs::Own => true,
        Needs::All(kind) => dropped(kind).next().is_none(),
        // Names are compared in their label form, which matches at least whatever the rule matches.
        Needs::Named(kind) => !dropped(kind).any(|d| d.name.as_deref().is_none_or(|n| label(n) == label(&f.value))),
    }
}

/// Where a finding implied by another lies, relative to it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    /// In the same item (`tenants[1]`), or in an item one of the two names as related: the duplicate's twin.
    Item,
    /// Anywhere: the implied rule judges the whole platform, and counts the value the cause is about.
    Any,
}

/// Which rule's finding implies which: a finding of the second rule is not reported when one of the first lies
/// in the scope, since fixing the first as its help says changes what the second judges. Within one rule the
/// checks aggregate themselves (one finding per cause, with the count: `naming/length`,
/// `network/subnet-outside-vpc`, `nodes/size-order`).
pub const IMPLIES: &[(Rule, Rule, Scope)] = &[
    // Two tenants of one name have the same default secret prefix, `<name>/`: renaming one gives it its own.
    (Rule::DuplicateName, Rule::SecretPrefix, Scope::Item),
    // The spot share counts a batch group at the capacity it has; batch is spot only, which raises the share.
    (Rule::BatchSpotOnly, Rule::SpotShare, Scope::Any),
    // A duplicate's AWS names are the first's, whose length is reported there.
    (Rule::DuplicateName, Rule::NameLength, Scope::Item),
];

/// The root causes among `findings`: without those a finding of another rule implies ([`IMPLIES`]).
pub fn implied(findings: Findings) -> Findings {
    let items = |f: &Finding| -> Vec<FieldPath> {
        std::iter::once(&f.path).chain(&f.related).filter_map(FieldPath::item).collect()
    };
    let caused = |effect: &Finding| {
        findings.0.iter().any(|cause| {
            IMPLIES.iter().any(|&(from, to, scope)| {
                from == cause.rule
                    && to == effect.rule
                    && match scope {
                        Scope::Any => true,
                        Scope::Item => {
                            let theirs = items(cause);
                            items(effect).iter().any(|i| theirs.contains(i))
                        }
                    }
            })
        })
    };
    Findings(findings.0.iter().filter(|f| !caused(f)).cloned().collect())
}

#[cfg(test)]
mod tests {
    use super::super::testing::*;
    use super::*;
    use crate::schema::{ADDON, NODE_GROUP, TENANT};

    /// The fixture without its `index`th node group, as the macro would check it had that block not parsed.
    fn without_group(index: usize) -> (Platform, Gaps) {
        let mut p = sample();
        let g = p.node_groups.remove(index);
        (p, Gaps { dropped: vec![Dropped { block: &NODE_GROUP, name: Some(g.name) }], ..Gaps::default() })
    }

    #[test]
    fn a_reference_to_a_dropped_block_is_no_finding() {
        let (p, gaps) = without_group(0);
        let all = run(&p);
        expect(&all, Rule::UnknownNodeGroup, "tenants[0].node_groups[0]", "`critical`");
        expect(&all, Rule::WorkloadClasses, "node_groups", "critical");
        assert!(partial_findings(all, &gaps).0.is_empty());
    }

    #[test]
    fn a_reference_to_a_name_nothing_declared_is_still_reported() {
        let (mut p, gaps) = without_group(0);
        p.tenants[1].node_groups[0] = "bacth".into();
        p.tenants[1].pod_security = PodSecurity::Privileged;
        let kept = partial_findings(run(&p), &gaps);
        expect(&kept, Rule::UnknownNodeGroup, "tenants[1].node_groups[0]", "`bacth`");
        expect(&kept, Rule::TenantPodSecurity, "tenants[1].pod_security", "privileged");
        assert_eq!(kept.0.len(), 2, "{kept}");
    }

    #[test]
    fn an_unnamed_or_unknown_block_hides_every_reference_and_aggregate() {
        let mut p = sample();
        p.tenants[0].node_groups[0] = "bacth".into();
        p.irsa[0].namespace = "nowhere".into();
        p.irsa.remove(1);
        p.addons.remove(1);
        let all = run(&p);
        assert_eq!(all.0.len(), 4, "{all}");
        let unnamed = Gaps { dropped: vec![Dropped { block: &NODE_GROUP, name: None }], ..Gaps::default() };
        let kept = partial_findings(all.clone(), &unnamed);
        assert!(kept.of(Rule::UnknownNodeGroup).is_empty() && kept.0.len() == 3, "{kept}");
        let mut unknown = Gaps::default();
        unknown.unknown_block();
        assert!(partial_findings(all, &unknown).0.is_empty());
    }

    #[test]
    fn a_dropped_tenant_or_addon_hides_what_needs_it() {
        let mut p = sample();
        let t = p.tenants.remove(0);
        p.irsa[0].namespace = label(&t.name);
        p.addons.remove(0);
        let gaps = Gaps {
            dropped: vec![Dropped { block: &TENANT, name: Some(t.name) }, Dropped { block: &ADDON, name: None }],
            ..Gaps::default()
        };
        let all = run(&p);
        assert!(!all.of(Rule::UnknownNamespace).is_empty() && !all.of(Rule::RequiredAddons).is_empty(), "{all}");
        assert!(partial_findings(all, &gaps).0.is_empty());
    }

    #[test]
    fn the_implication_table_is_acyclic_and_each_entry_suppresses_something() {
        for &(from, to, _) in IMPLIES {
            assert_ne!(from, to, "within one rule the check aggregates");
            assert!(!IMPLIES.iter().any(|&(f, t, _)| f == to && t == from), "{from} and {to} imply each other");
        }
        // A duplicated tenant: one finding on the later one, not its prefix (both `cards/` by default) too.
        let mut p = sample();
        p.tenants[1].name = p.tenants[0].name.clone();
        p.tenants[1].secret_prefix = p.tenants[0].secret_prefix.clone();
        let all = run(&p);
        assert!(!all.of(Rule::SecretPrefix).is_empty(), "{all}");
        let roots = implied(all);
        assert_eq!(
            roots.0.iter().map(|f| (f.rule, f.path.as_str())).collect::<Vec<_>>(),
            [(Rule::DuplicateName, "tenants[1]")],
            "{roots}"
        );
        // A batch group on on-demand: the batch rule, not also a spot share that suggests mixed capacity.
        let mut p = sample();
        p.node_groups[2].capacity = Capacity::OnDemand;
        p.node_groups[2].max_size = 40;
        let all = run(&p);
        assert!(!all.of(Rule::SpotShare).is_empty(), "{all}");
        let roots = implied(all);
        assert_eq!(roots.0.iter().map(|f| f.rule).collect::<Vec<_>>(), [Rule::BatchSpotOnly], "{roots}");
        // A prefix nested in another tenant's, without a duplicate, is still reported.
        let mut p = sample();
        p.tenants[1].secret_prefix = format!("{}sub/", p.tenants[0].secret_prefix);
        assert!(!implied(run(&p)).of(Rule::SecretPrefix).is_empty());
    }

    #[test]
    fn findings_inside_a_broken_value_are_dropped() {
        let mut p = sample();
        p.encryption.ebs = false;
        p.vpc.flow_logs = false;
        let gaps = Gaps { broken: vec![FieldPath::root().key("encryption")], ..Gaps::default() };
        let kept = partial_findings(run(&p), &gaps);
        assert_eq!(kept.0.iter().map(|f| f.rule).collect::<Vec<_>>(), [Rule::FlowLogs], "{kept}");
    }
}
