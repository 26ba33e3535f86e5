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
        Rule::WorkloadClasses | Rule::SpotShare => Needs::All(&NODE_GROUP),
        Rule::RequiredAddons => Needs::All(&ADDON),
        Rule::ControllerRoles => Needs::All(&IRSA),
        Rule::UnknownNodeGroup => Needs::Named(&NODE_GROUP),
        Rule::UnknownNamespace => Needs::Named(&TENANT),
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
    fn findings_inside_a_broken_value_are_dropped() {
        let mut p = sample();
        p.encryption.ebs = false;
        p.vpc.flow_logs = false;
        let gaps = Gaps { broken: vec![FieldPath::root().key("encryption")], ..Gaps::default() };
        let kept = partial_findings(run(&p), &gaps);
        assert_eq!(kept.0.iter().map(|f| f.rule).collect::<Vec<_>>(), [Rule::FlowLogs], "{kept}");
    }
}
