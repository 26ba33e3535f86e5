//! The invariants of a platform, as plain functions over the model.
//!
//! One module per concern; each `check_*` function documents its rule and why, and pushes every violation it
//! finds (never only the first). [`findings`] runs them all. The macro maps each finding's
//! [`FieldPath`] to the span of the token it came from; the renderers refuse a platform with errors.
//!
//! Conventions: a message is one sentence starting lowercase with values in backticks; `help` names the token
//! to write where possible (as a [`Fix`] when one change removes the finding); one mistake is one finding, on
//! the value to change (a duplicate on the later one, a conflict on the value that moves); a value that fails to parse is
//! reported once (by its syntax rule) and skipped by the rules that need it parsed, so one mistake does not
//! cascade into several findings.

mod addons;
mod capacity;
mod dns;
mod encryption;
mod field_path;
mod finding;
mod identity;
mod irsa;
mod naming;
mod network;
mod nodes;
mod partial;
mod privilege;
mod rule;
mod tenancy;
mod values;
mod versions;

#[cfg(test)]
mod properties;

pub use field_path::FieldPath;
pub use finding::{Finding, Findings, Fix};
pub use naming::{checked_names, CHECKED_ACCOUNT_ID};
pub use network::parse_cidr;
pub use partial::{implied, partial_findings, Dropped, Gaps, IMPLIES};
pub use rule::{Rule, Severity};
pub use tenancy::hosts_controllers;
#[cfg(feature = "render")] // for the reports' messages
pub(crate) use values::ticks;

pub(crate) use nodes::NodeGroups;
pub(crate) use tenancy::Tenancy;
pub(crate) use versions::Pins;

use crate::checked::{Controllers, Network};
use crate::model::Platform;

/// Runs every check on `platform` and returns all findings, errors and warnings ([`crate::check_platform`] hands
/// on a checked platform when none is an error).
///
/// `today` (ISO date) decides the support-window warning: the macro and the CLI pass [`today`], so that a build,
/// `platform check`, `render`, `cost` and `versions` judge a version alike on one day.
pub fn findings(platform: &Platform, today: &str) -> Findings {
    pass(platform, today).0
}

/// What one pass of the checks builds of the checked model, concern by concern. A part is `None` only when a rule
/// it needs reported an error (as serde's `Container::from_ast` returns what it could build while its context
/// collects the errors); [`crate::check_platform`] assembles them when there is none.
pub(crate) struct Parts<'p> {
    pub network: Option<Network>,
    pub node_groups: NodeGroups<'p>,
    pub tenancy: Tenancy<'p>,
    pub controllers: Option<Controllers<'p>>,
    pub pins: Option<Pins>,
}

/// Runs every check on `platform`, once: all findings, and the parts of the checked model the checks built.
pub(crate) fn pass<'p>(platform: &'p Platform, today: &str) -> (Findings, Parts<'p>) {
    let mut findings = Findings::default();
    let out = &mut findings;
    let network = network::check(platform, out);
    naming::check(platform, out);
    let node_groups = nodes::check(platform, out);
    capacity::check(platform, out);
    encryption::check(platform, out);
    let tenancy = tenancy::check(platform, node_groups.critical, out);
    identity::check(platform, out);
    let controllers = irsa::check(platform, out);
    addons::check(platform, out);
    dns::check(platform, out);
    let pins = versions::check(platform, today, out);
    (findings, Parts { network, node_groups, tenancy, controllers, pins })
}

/// The path of a top-level field: `at("vpc").key("cidr")` is `vpc.cidr`.
fn at(key: &str) -> FieldPath {
    FieldPath::root().key(key)
}

pub use crate::dates::{days_since_epoch, iso_date};

/// The day (UTC, `YYYY-MM-DD`) the support window is judged on, by the build and by every command: the day
/// `SOURCE_DATE_EPOCH` names when it is set (the reproducible-builds convention: a build then expands the same
/// way on any day), else the clock's.
pub fn today() -> String {
    let clock = || std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_secs());
    let pinned = std::env::var("SOURCE_DATE_EPOCH").ok().and_then(|s| s.trim().parse::<u64>().ok());
    iso_date(pinned.unwrap_or_else(clock) / 86_400)
}

/// Helpers for the unit tests of every check module.
#[cfg(test)]
mod testing {
    pub(crate) use super::{Finding, Findings, Rule, Severity};
    pub(crate) use crate::model::*;

    /// A date inside 1.28's standard support, so that the fixture has no finding at all.
    pub(crate) const BEFORE_EOL: &str = "2024-06-01";

    /// The tests' own platform ([`crate::fixture`]), valid under every rule.
    pub(crate) fn sample() -> Platform {
        crate::fixture::platform()
    }

    pub(crate) fn run(p: &Platform) -> Findings {
        super::findings(p, BEFORE_EOL)
    }

    /// Messages start lowercase (rustc's convention) unless their first word is an acronym or a proper noun.
    pub(crate) fn starts_lowercase(message: &str) -> bool {
        let first = message.split([' ', '`']).next().unwrap_or_default();
        message.starts_with(|c: char| !c.is_uppercase())
            || first.chars().skip(1).any(char::is_uppercase)
            || ["Azure", "Kubernetes", "Bottlerocket", "Route"].contains(&first)
    }

    /// The finding of `rule` at `path` whose message contains `needle`; fails with every finding otherwise.
    #[track_caller]
    pub(crate) fn expect<'a>(findings: &'a Findings, rule: Rule, path: &str, needle: &str) -> &'a Finding {
        let found = findings.0.iter().find(|f| f.rule == rule && f.path.as_str() == path && f.message.contains(needle));
        let Some(found) = found else {
            panic!(
                "no `{rule}` finding at `{path}` mentioning {needle:?}; findings:\n{findings}\npaths: {:?}",
                findings.0.iter().map(|f| (f.rule.id(), f.path.as_str())).collect::<Vec<_>>()
            )
        };
        assert!(starts_lowercase(&found.message), "message starts lowercase: {}", found.message);
        assert!(!found.help.is_empty(), "help is set: {found:?}");
        found
    }
}

#[cfg(test)]
mod tests {
    use super::testing::*;
    use super::*;

    #[test]
    fn the_fixture_has_no_errors() {
        let f = findings(&sample(), "2030-01-01");
        assert!(!f.has_errors(), "{f}");
        assert!(f.0.iter().all(|f| f.rule == Rule::SupportWindow), "{f}");
        assert!(run(&sample()).0.is_empty(), "{}", run(&sample()));
    }

    /// One broken platform per rule: every rule of [`Rule::ALL`] is produced by some check.
    fn broken_platforms() -> Vec<(Rule, Platform, &'static str)> {
        let mut cases: Vec<(Rule, Platform, &'static str)> = Vec::new();
        let mut case = |rule: Rule, today: &'static str, edit: &dyn Fn(&mut Platform)| {
            let mut p = sample();
            edit(&mut p);
            cases.push((rule, p, today));
        };
        let t = BEFORE_EOL;
        case(Rule::InvalidCidr, t, &|p| p.vpc.cidr = "10.0.0.1/16".into());
        case(Rule::VpcCidrSize, t, &|p| p.vpc.cidr = "10.0.0.0/12".into());
        case(Rule::SubnetOutsideVpc, t, &|p| p.vpc.public_subnets[0] = "10.9.0.0/24".into());
        case(Rule::SubnetsOverlap, t, &|p| p.vpc.public_subnets[0] = "10.0.97.0/24".into());
        case(Rule::SubnetPerAz, t, &|p| p.vpc.public_subnets.truncate(2));
        case(Rule::UnknownRegion, t, &|p| p.region = "us-central-1".into());
        case(Rule::ThreeAzs, t, &|p| p.availability_zones.truncate(2));
        case(Rule::AzNotInRegion, t, &|p| p.availability_zones[0] = "eu-west-1a".into());
        case(Rule::PodCidrOverlapsVpc, t, &|p| p.vpc.pod_cidr = "10.0.0.0/16".into());
        case(Rule::PodCidrRange, t, &|p| p.vpc.pod_cidr = "100.64.0.0/28".into());
        case(Rule::RequiredEndpoints, t, &|p| p.vpc.endpoints.clear());
        case(Rule::FlowLogs, t, &|p| p.vpc.flow_logs = false);
        case(Rule::NameSyntax, t, &|p| p.name = "FinTech".into());
        case(Rule::DuplicateName, t, &|p| p.tenants[1].name = "cards".into());
        case(Rule::NameLength, t, &|p| p.irsa[0].name = "cluster_autoscaler_for_the_payments_platform_x".into());
        case(Rule::TagSyntax, t, &|p| {
            p.tags.insert("aws:owner".into(), "x".into());
        });
        case(Rule::UnknownInstanceType, t, &|p| p.node_groups[0].instance_types[0] = "m5.lrage".into());
        case(Rule::InstanceSizesDiffer, t, &|p| p.node_groups[1].instance_types[1] = "t3.large".into());
        case(Rule::SizeOrder, t, &|p| p.node_groups[0].desired_size = 9);
        case(Rule::CriticalOnDemand, t, &|p| p.node_groups[0].capacity = Capacity::Spot);
        case(Rule::BatchSpotOnly, t, &|p| p.node_groups[2].capacity = Capacity::Mixed { spot_percent: 90 });
        case(Rule::DedicatedTaint, t, &|p| p.node_groups[0].taints.clear());
        case(Rule::SpotPercent, t, &|p| p.node_groups[1].capacity = Capacity::Mixed { spot_percent: 100 });
        case(Rule::BottlerocketOnly, t, &|p| p.node_groups[1].os = NodeOs::AmazonLinux2023);
        case(Rule::WorkloadClasses, t, &|p| {
            p.node_groups.remove(1);
        });
        case(Rule::DiskSize, t, &|p| p.node_groups[1].disk_gib = 8);
        case(Rule::LabelSyntax, t, &|p| {
            p.node_groups[1].labels.insert("team/".into(), "x".into());
        });
        case(Rule::SpotShare, t, &|p| {
            p.node_groups[1].capacity = Capacity::OnDemand;
            p.node_groups[2].max_size = 10;
        });
        case(Rule::EncryptionRequired, t, &|p| p.encryption.ebs = false);
        case(Rule::LogRetention, t, &|p| p.cluster.log_retention_days = 30);
        case(Rule::LogArchive, t, &|p| p.cluster.log_archive_days = 0);
        case(Rule::ArchiveRetention, t, &|p| p.cluster.log_archive_destroyable_in.push("prod".into()));
        case(Rule::ControlPlaneLogs, t, &|p| p.cluster.logs.retain(|l| *l != LogType::Audit));
        case(Rule::UnknownNodeGroup, t, &|p| p.tenants[0].node_groups[0] = "critcal".into());
        case(Rule::TenantPodSecurity, t, &|p| p.tenants[0].pod_security = PodSecurity::Privileged);
        case(Rule::SecretPrefix, t, &|p| p.tenants[0].secret_prefix = "cards".into());
        case(Rule::CrossAccountRole, t, &|p| p.tenants[0].cross_account_roles[0] = "arn:aws:iam::1:role/x".into());
        case(Rule::Quota, t, &|p| p.tenants[0].quota.memory = "32GB".into());
        case(Rule::FlowSource, t, &|p| {
            let from = crate::model::FlowSource::Tenant("nobody".into());
            p.tenants[0]
                .allow_from
                .push(crate::model::Flow { from, ports: crate::model::PortRange { first: 1, last: 1 } })
        });
        case(Rule::FlowPorts, t, &|p| {
            let from = crate::model::FlowSource::LoadBalancers;
            p.tenants[0]
                .allow_from
                .push(crate::model::Flow { from, ports: crate::model::PortRange { first: 9, last: 8 } })
        });
        case(Rule::PciHostNetwork, t, &|p| p.tenants[0].pci = true);
        case(Rule::QuotaCapacity, t, &|p| p.tenants[0].quota.cpu = "16".into());
        case(Rule::AzureAdId, t, &|p| p.identity.tenant_id = "contoso.onmicrosoft.com".into());
        case(Rule::OidcClaims, t, &|p| p.identity.groups_prefix = "system:".into());
        case(Rule::StableUsername, t, &|p| p.identity.username_claim = "email".into());
        case(Rule::UnknownNamespace, t, &|p| p.irsa[3].namespace = "externalsecrets".into());
        case(Rule::WildcardPolicy, t, &|p| {
            p.irsa.push(IrsaBinding {
                name: "app".into(),
                namespace: "cards".into(),
                service_account: "app".into(),
                policy: Policy::Custom(vec![Statement { actions: vec!["*".into()], resources: vec!["*".into()] }]),
            });
        });
        case(Rule::ControllerRoles, t, &|p| {
            p.irsa.remove(0);
        });
        case(Rule::ServiceAccount, t, &|p| p.irsa[0].service_account = "Cluster_Autoscaler".into());
        case(Rule::PolicySyntax, t, &|p| {
            p.irsa.push(IrsaBinding {
                name: "app".into(),
                namespace: "cards".into(),
                service_account: "app".into(),
                policy: Policy::Custom(vec![Statement {
                    actions: vec!["GetObject".into()],
                    resources: vec!["arn:aws:s3:::bucket/*".into()],
                }]),
            });
        });
        case(Rule::RequiredAddons, t, &|p| {
            p.addons.remove(0);
        });
        case(Rule::AddonOption, t, &|p| p.addons[1].replicas = Some(2));
        case(Rule::DnsZone, t, &|p| p.dns_zones[0].zone_id = "z123".into());
        case(Rule::KubernetesVersion, t, &|p| p.kubernetes = "1.27".into());
        case(Rule::SupportWindow, "2025-01-01", &|_| ());
        cases
    }

    #[test]
    fn every_rule_is_produced_by_a_broken_platform() {
        let cases = broken_platforms();
        for (rule, platform, today) in &cases {
            let f = findings(platform, today);
            assert!(!f.of(*rule).is_empty(), "`{rule}` not produced; findings:\n{f}");
            let expected = if *rule == Rule::SupportWindow { Severity::Warning } else { Severity::Error };
            assert!(f.of(*rule).iter().all(|f| f.severity == expected), "{f}");
        }
        for rule in Rule::ALL {
            assert!(cases.iter().any(|(r, ..)| r == rule), "no broken platform for `{rule}`");
        }
    }

    /// Every broken platform keeps an error after `implied`, which is what `check_platform` refuses on (and a part
    /// the pass left out without an error would trip `Findings::guarded`); the fixture gets every part.
    #[test]
    fn the_checked_model_is_built_exactly_when_no_rule_fails() {
        for (rule, platform, today) in broken_platforms() {
            let (findings, _) = pass(&platform, today);
            assert_eq!(implied(findings).has_errors(), rule != Rule::SupportWindow, "`{rule}`");
        }
        let p = sample();
        let (findings, parts) = pass(&p, BEFORE_EOL);
        assert!(findings.0.is_empty(), "{findings}");
        assert!(parts.network.is_some() && parts.controllers.is_some() && parts.pins.is_some());
        assert!(parts.node_groups.groups.is_some() && parts.node_groups.critical.is_some());
        assert!(parts.tenancy.tenants.is_some() && parts.tenancy.addons.is_some());
    }

    #[test]
    fn every_finding_follows_the_message_conventions() {
        for (_, platform, today) in broken_platforms() {
            for f in findings(&platform, today).0 {
                assert!(starts_lowercase(&f.message), "{f}");
                assert!(!f.message.ends_with('.'), "one sentence without a final period: {f}");
                assert!(!f.help.is_empty() && !f.value.is_empty(), "{f:?}");
                assert!(!f.path.as_str().is_empty(), "every finding points somewhere: {f:?}");
            }
        }
    }

    /// Checks and parser share the schema's field names: every path a check reports is one the parser records
    /// (a renamed model field or DSL key fails here).
    #[test]
    fn every_finding_path_is_a_schema_key() {
        for (_, platform, today) in broken_platforms() {
            for f in findings(&platform, today).0 {
                assert!(crate::schema::key_at(f.path.as_str()).is_some(), "`{}` is no key of the schema: {f}", f.path);
            }
        }
    }

    #[test]
    fn all_violations_are_collected() {
        let mut p = sample();
        p.vpc.flow_logs = false;
        p.encryption.secrets = false;
        p.encryption.logs = false;
        p.node_groups[0].os = NodeOs::Ubuntu;
        p.node_groups[2].os = NodeOs::Windows;
        let f = run(&p);
        assert_eq!(f.errors().count(), 5, "{f}");
    }
}
