//! The upgrade path of a platform from its declared Kubernetes version to a newer one the catalog carries: one
//! step per minor version, each derived from the catalog rows of its two versions (addon pins, chart pins and
//! their documented Kubernetes ranges, the SecretStore API) and the platform's install plan ([`crate::install`]:
//! which Helm release goes in which root, after which others).
//!
//! The order of a step follows the Amazon EKS User Guide, "Update existing cluster to new Kubernetes version"
//! (awsdocs/amazon-eks-user-guide, latest/ug/clusters/update-cluster.adoc): the control plane moves one minor
//! version at a time; the nodes run the control plane's minor before it moves (step 1); a controller whose version
//! does not support the new minor is updated before the control plane (step 2, the Load Balancer Controller
//! example); after it come the nodes, the Cluster Autoscaler image of the new minor and the add-ons (step 4).
//! On this platform the infra root holds the control plane, the managed node groups (their `version` is the
//! cluster's, so they roll to the new Bottlerocket AMI in the same apply, after it) and the managed addons (which
//! depend on the node groups); the network root holds Calico alone (applied whole, before or after the control
//! plane); the cluster root holds the other charts and, after them, the custom resources.

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;

use crate::catalog::charts::{chart_versions, supports, Chart, ChartVersions, CHART_VERSIONS};
use crate::catalog::kubernetes::{
    addon_versions, calendar, carried, newest_in_standard_support, release, AddonVersions, EKS_CALENDAR,
};
use crate::catalog::version::minor;
use crate::catalog::AS_OF;
use crate::check::ticks;
use crate::checked::{Checked, MAX_UNAVAILABLE_PERCENT};
use crate::deploy::{shell, step_of, Root as DeployRoot, Sequence};
use crate::install::{self, Root};
use crate::model::AddonKind;
use crate::naming::ident;

/// The whole path.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct UpgradePath {
    pub platform: String,
    pub from: &'static str,
    pub to: &'static str,
    /// The day the catalog's facts were checked ([`AS_OF`]): the plan is as good as they are.
    pub catalog_as_of: &'static str,
    /// The newest version in EKS standard support on the day of the plan, per the catalog's calendar.
    pub newest_in_standard_support: Option<&'static str>,
    pub steps: Vec<Step>,
}

/// One minor version.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Step {
    pub from: &'static str,
    pub to: &'static str,
    /// Managed addons whose pinned version changes.
    pub addons: Vec<Change>,
    /// Charts (and the cluster-autoscaler image) whose pinned version changes.
    pub charts: Vec<ChartChange>,
    /// API versions the rendered custom resources move to.
    pub api_moves: Vec<ApiMove>,
    /// The managed node groups, which roll to the AMI of the new version.
    pub node_groups: Vec<String>,
    /// What to apply, in order.
    pub order: Vec<Phase>,
}

/// A pinned version that changes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Change {
    pub name: &'static str,
    pub from: &'static str,
    pub to: &'static str,
}

/// When a chart moves relative to the control plane.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Timing {
    /// Its current pin is not documented for the new minor, the new pin is documented for the old one.
    BeforeControlPlane,
    /// Its current pin is documented for the new minor.
    AfterControlPlane,
    /// Neither pin is documented for both minors: after the control plane (the new pin needs it), and the old pin
    /// runs outside its documented range until the cluster root is applied.
    AfterControlPlaneNoOverlap,
}

/// A chart (or the autoscaler image) whose pin changes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ChartChange {
    /// The Helm release (`calico`, `kyverno`, …) or `cluster-autoscaler image`.
    pub name: String,
    /// The Helm release that carries it.
    pub release: &'static str,
    pub from: &'static str,
    pub to: &'static str,
    pub timing: Timing,
}

/// Custom resources of one kind moving to another API version.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ApiMove {
    pub kind: &'static str,
    pub from: &'static str,
    pub to: &'static str,
    /// The pinned external-secrets chart version whose CRD serves both; `None`: the objects are re-created.
    pub served_by: Option<&'static str>,
}

/// Which Terraform root a phase applies.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Stage {
    Infra,
    /// The network root: Calico alone.
    Network,
    Cluster,
}

/// One apply: the command and what it does, in order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Phase {
    pub stage: Stage,
    pub command: String,
    pub actions: Vec<String>,
}

/// What a platform installs that a step touches.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Installed {
    pub addons: Vec<AddonKind>,
    /// `critical (ondemand)`: one per managed node group.
    pub node_groups: Vec<String>,
    /// Helm release name → the Helm releases it depends on in the cluster root (what `-target` also applies).
    pub helm_dependencies: BTreeMap<String, Vec<String>>,
    /// Helm releases of the network root (applied on their own, before the node groups exist).
    pub network_releases: BTreeSet<String>,
}

/// The catalog rows of one version.
#[derive(Debug, Clone, Copy)]
pub struct Pins<'a> {
    pub addons: &'a AddonVersions,
    pub charts: &'a ChartVersions,
}

/// What the platform installs, read off its definition and its install plan ([`crate::install`]).
pub fn installed(checked: &Checked) -> Installed {
    let plan = install::releases(checked);
    let in_root = |root| plan.iter().filter(move |r| r.root == root);
    Installed {
        addons: checked.addons().iter().map(|a| a.addon.kind).collect(),
        node_groups: checked
            .node_groups()
            .iter()
            .flat_map(|g| g.parts.iter().map(|part| format!("{} ({})", g.group.name, part.purchase)))
            .collect(),
        helm_dependencies: in_root(Root::Cluster)
            .map(|r| (r.name.to_owned(), r.depends_on.iter().map(|d| (*d).to_owned()).collect()))
            .collect(),
        network_releases: in_root(Root::Network).map(|r| r.name.to_owned()).collect(),
    }
}

/// The upgrade path of a checked platform to `to`, planned on `today` (ISO date). An error is one sentence naming
/// the versions the catalog carries.
/// The commands name the roots under `out`, the environment's render directory (`out/<suffix>`).
pub fn upgrade_path(checked: &Checked, to: &str, today: &str, out: &str) -> Result<UpgradePath, String> {
    let p = checked.platform();
    let carried_list = || ticks(carried().map(|r| r.version));
    let (Some(target), Some(current)) = (release(to), calendar(&p.kubernetes)) else {
        return Err(format!(
            "`--to {to}`: not a Kubernetes version the catalog carries; it carries {}",
            carried_list()
        ));
    };
    if minor(target.version) <= minor(current.version) {
        return Err(format!(
            "`--to {to}`: the platform already declares Kubernetes `{}`; name a newer version the catalog carries: {}",
            current.version,
            carried_list()
        ));
    }
    let pins = |version: &str| Some(Pins { addons: addon_versions(version)?, charts: chart_versions(version)? });
    let path: Vec<&str> = EKS_CALENDAR
        .iter()
        .map(|r| r.version)
        .skip_while(|v| *v != current.version)
        .take_while(|v| minor(v) <= minor(target.version))
        .collect();
    let installed = installed(checked);
    let mut steps = Vec::new();
    for pair in path.windows(2) {
        let (Some(from), Some(to_pins)) = (pins(pair[0]), pins(pair[1])) else {
            let missing = if pins(pair[0]).is_none() { pair[0] } else { pair[1] };
            return Err(format!(
                "`--to {to}`: the catalog carries no pins for Kubernetes `{missing}` on the way, and EKS upgrades one \
                 minor version at a time; it carries {}",
                carried_list()
            ));
        };
        steps.push(step(from, to_pins, &installed, out));
    }
    Ok(UpgradePath {
        platform: p.name.clone(),
        from: current.version,
        to: target.version,
        catalog_as_of: AS_OF,
        newest_in_standard_support: newest_in_standard_support(today).map(|r| r.version),
        steps,
    })
}

/// Whether `chart` is documented for Kubernetes `k` (an undocumented range counts as not documented).
fn runs_on(chart: &Chart, k: &str) -> bool {
    supports(chart, k) == Some(true)
}

fn timing(old_on_new: bool, new_on_old: bool) -> Timing {
    match (old_on_new, new_on_old) {
        (true, _) => Timing::AfterControlPlane,
        (false, true) => Timing::BeforeControlPlane,
        (false, false) => Timing::AfterControlPlaneNoOverlap,
    }
}

/// One step from the rows of two consecutive minor versions.
pub fn step(from: Pins, to: Pins, installed: &Installed, out: &str) -> Step {
    let (k0, k1) = (from.addons.kubernetes, to.addons.kubernetes);
    let addons: Vec<Change> = installed
        .addons
        .iter()
        .filter(|kind| from.addons.of(**kind) != to.addons.of(**kind))
        .map(|kind| Change { name: kind.eks_name(), from: from.addons.of(*kind), to: to.addons.of(*kind) })
        .collect();

    let mut charts: Vec<ChartChange> = from
        .charts
        .charts()
        .into_iter()
        .zip(to.charts.charts())
        .filter(|(a, b)| a.version != b.version)
        .map(|(a, b)| ChartChange {
            name: a.release.to_owned(),
            release: a.release,
            from: a.version,
            to: b.version,
            timing: timing(runs_on(a, k1), runs_on(b, k0)),
        })
        .collect();
    let (image_from, image_to) = (from.charts.cluster_autoscaler_image, to.charts.cluster_autoscaler_image);
    if image_from != image_to {
        // The image's minor is the cluster's (autoscaler README): each tag runs on its own minor only.
        let on = |tag: &str, k: &str| minor(tag) == minor(k);
        charts.push(ChartChange {
            name: "cluster-autoscaler image".into(),
            release: from.charts.cluster_autoscaler.release,
            from: image_from,
            to: image_to,
            timing: timing(on(image_from, k1), on(image_to, k0)),
        });
    }

    let mut api_moves = Vec::new();
    if from.charts.secret_store_api != to.charts.secret_store_api {
        let (old, new) = (from.charts.secret_store_api, to.charts.secret_store_api);
        let served_by = [to.charts, from.charts]
            .into_iter()
            .chain(CHART_VERSIONS)
            .find(|c| c.secret_store_served.contains(&old) && c.secret_store_served.contains(&new))
            .map(|c| c.external_secrets.version);
        api_moves.push(ApiMove { kind: "SecretStore", from: old, to: new, served_by });
    }

    let order = order((k0, k1), &addons, &charts, &api_moves, to.charts, installed, out);
    Step { from: k0, to: k1, addons, charts, api_moves, node_groups: installed.node_groups.clone(), order }
}

fn order(
    (k0, k1): (&str, &str),
    addons: &[Change],
    charts: &[ChartChange],
    api_moves: &[ApiMove],
    to: &ChartVersions,
    installed: &Installed,
    out: &str,
) -> Vec<Phase> {
    let mut phases = Vec::new();
    // The commands of the step list `platform deploy` runs for a later change.
    let command = |root| shell(&step_of(Sequence::Change, root).direct_apply_command(out));
    // The network root holds Calico alone: it is applied whole, before or after the control plane.
    let (network, charts): (Vec<&ChartChange>, Vec<&ChartChange>) =
        charts.iter().partition(|c| installed.network_releases.contains(c.release));
    let network_phase = |changes: Vec<&ChartChange>| Phase {
        stage: Stage::Network,
        command: command(DeployRoot::Network),
        actions: changes.iter().map(|c| chart_action(c, k0, k1)).collect(),
    };
    let (network_before, network_after): (Vec<&ChartChange>, Vec<&ChartChange>) =
        network.into_iter().partition(|c| c.timing == Timing::BeforeControlPlane);
    if !network_before.is_empty() {
        phases.push(network_phase(network_before));
    }
    let before: BTreeSet<&str> =
        charts.iter().filter(|c| c.timing == Timing::BeforeControlPlane).map(|c| c.release).collect();
    // `-target` also applies what the targets depend on.
    let pulled: BTreeSet<&str> = before
        .iter()
        .flat_map(|t| installed.helm_dependencies.get(*t).into_iter().flatten())
        .map(String::as_str)
        .filter(|d| !before.contains(d))
        .collect();
    let (early, after): (Vec<&ChartChange>, Vec<&ChartChange>) =
        charts.into_iter().partition(|c| before.contains(c.release) || pulled.contains(c.release));
    if !before.is_empty() {
        let actions = early
            .iter()
            .map(|c| {
                if c.timing == Timing::BeforeControlPlane {
                    chart_action(c, k0, k1)
                } else if runs_on_old(c, to, k0) {
                    format!("{} {} → {}: -target applies it too (a dependency)", c.name, c.from, c.to)
                } else {
                    format!(
                        "{} {} → {}: -target applies it too (a dependency), although {} is not documented for {k0}",
                        c.name, c.from, c.to, c.to
                    )
                }
            })
            .collect();
        let flags: Vec<String> = before.iter().map(|t| format!("-target=helm_release.{}", ident(t))).collect();
        phases.push(Phase {
            stage: Stage::Cluster,
            command: format!("{} {}", command(DeployRoot::Cluster), flags.join(" ")),
            actions,
        });
    }

    let mut infra = vec![
        format!("control plane {k0} → {k1}"),
        format!(
            "managed node groups roll to the Bottlerocket AMI of {k1}, at most {MAX_UNAVAILABLE_PERCENT}% of a group at \
             a time: {}",
            installed.node_groups.join(", ")
        ),
    ];
    infra.extend(
        addons.iter().map(|a| format!("managed addon {} {} → {} (after the node groups)", a.name, a.from, a.to)),
    );
    phases.push(Phase { stage: Stage::Infra, command: command(DeployRoot::Infra), actions: infra });

    if !network_after.is_empty() {
        phases.push(network_phase(network_after));
    }

    let mut cluster: Vec<String> = after.iter().map(|c| chart_action(c, k0, k1)).collect();
    for m in api_moves {
        cluster.push(match m.served_by {
            Some(v) if v == to.external_secrets.version => format!(
                "{}s {} → {}: the apply upgrades external-secrets to {v}, which serves both, before it re-applies \
                 them (platform-policies depends on the charts)",
                m.kind, m.from, m.to
            ),
            Some(v) => format!(
                "{}s {} → {}: external-secrets {} does not serve {}, so before this apply re-apply them at {} while \
                 external-secrets {v} (serves both) is installed",
                m.kind, m.from, m.to, to.external_secrets.version, m.from, m.to
            ),
            None => format!(
                "{}s {} → {}: no pinned external-secrets chart serves both, so the objects are re-created: delete them \
                 before this apply (ExternalSecrets stop refreshing, the Secrets they wrote stay); the apply upgrades \
                 external-secrets to {} and creates them at {}",
                m.kind, m.from, m.to, to.external_secrets.version, m.to
            ),
        });
    }
    if !cluster.is_empty() {
        phases.push(Phase { stage: Stage::Cluster, command: command(DeployRoot::Cluster), actions: cluster });
    }
    phases
}

/// What a phase says of one chart change, by its timing.
fn chart_action(c: &ChartChange, k0: &str, k1: &str) -> String {
    match c.timing {
        Timing::BeforeControlPlane => {
            format!("{} {} → {}: {} is not documented for {k1}, {} is for {k0}", c.name, c.from, c.to, c.from, c.to)
        }
        Timing::AfterControlPlaneNoOverlap => format!(
            "{} {} → {}: no pinned version is documented for both {k0} and {k1}; keep the time since the infra apply \
             short",
            c.name, c.from, c.to
        ),
        Timing::AfterControlPlane => format!("{} {} → {}", c.name, c.from, c.to),
    }
}

/// Whether a chart's new pin is documented for the old minor (for a chart pulled in by `-target`).
fn runs_on_old(c: &ChartChange, to: &ChartVersions, k0: &str) -> bool {
    to.charts().into_iter().find(|ch| ch.release == c.release && ch.version == c.to).is_some_and(|ch| runs_on(ch, k0))
}

/// The path as text.
pub fn text(u: &UpgradePath) -> String {
    let mut out = format!(
        "Upgrade path of platform `{}`: Kubernetes {} → {}, one minor version per step (EKS upgrades the control \
         plane one minor version at a time).\nBased on the platform catalog as of {}",
        u.platform, u.from, u.to, u.catalog_as_of
    );
    match u.newest_in_standard_support {
        Some(v) => out += &format!("; newest version in EKS standard support today per its calendar: {v}.\n"),
        None => out += "; its calendar has no version in EKS standard support today.\n",
    }
    out += "Each step: set `kubernetes` to the step's version in the definition, build, render the environment with \
            the flags of its deployment (its inputs go into the infra root's platform.auto.tfvars.json), then apply \
            in the order given (`platform deploy` runs the last three applies). Start a step only once the previous \
            one is applied (the nodes run the control plane's version).\n";
    for (i, s) in u.steps.iter().enumerate() {
        out += &format!("\nStep {}: {} → {}\n", i + 1, s.from, s.to);
        let changes = |items: Vec<String>| if items.is_empty() { "none".to_owned() } else { items.join(", ") };
        out += &format!(
            "  managed addons: {}\n",
            changes(s.addons.iter().map(|a| format!("{} {} → {}", a.name, a.from, a.to)).collect())
        );
        out += &format!(
            "  charts: {}\n",
            changes(s.charts.iter().map(|c| format!("{} {} → {}", c.name, c.from, c.to)).collect())
        );
        out += &format!(
            "  API versions: {}\n",
            changes(s.api_moves.iter().map(|m| format!("{} {} → {}", m.kind, m.from, m.to)).collect())
        );
        for (j, phase) in s.order.iter().enumerate() {
            let root = match phase.stage {
                Stage::Infra => "infra root",
                Stage::Network => "network root",
                Stage::Cluster => "cluster root",
            };
            let infra = s.order.iter().position(|p| p.stage == Stage::Infra);
            let when = if infra.is_some_and(|i| j < i) { ", before the control plane" } else { "" };
            out += &format!("  {}. {root}{when}: {}\n", j + 1, phase.command);
            for a in &phase.actions {
                out += &format!("     - {a}\n");
            }
        }
    }
    out += "\nOrder: Amazon EKS User Guide, \"Update existing cluster to new Kubernetes version\".\n";
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::charts::CHART_SUPPORT;
    use crate::catalog::kubernetes::ADDON_VERSIONS;
    use crate::fixture::platform as fixture;

    const TODAY: &str = "2026-11-25";

    fn checked(p: &crate::model::Platform) -> Checked<'_> {
        crate::check_platform(p, TODAY).expect("a valid platform")
    }

    #[test]
    fn refuses_versions_it_cannot_plan_naming_the_carried_ones() {
        let p = fixture();
        let carried = ticks(carried().map(|r| r.version));
        for to in [p.kubernetes.as_str(), "1.27", "1.99", "latest", ""] {
            let e = upgrade_path(&checked(&p), to, TODAY, "out").expect_err(to);
            assert!(e.starts_with(&format!("`--to {to}`: ")) && e.ends_with(&carried), "{e}");
            assert!(!e.contains('\n'), "one line: {e}");
        }
    }

    /// The real catalog, to its newest carried version: one step per minor, every changed pin in its step and in
    /// exactly one phase of its order. On a catalog that carries only the declared version, the refusal.
    #[test]
    fn the_path_to_the_newest_carried_version_covers_every_changed_pin() {
        let p = fixture();
        let newest = carried().last().expect("a carried version").version;
        let Ok(path) = upgrade_path(&checked(&p), newest, TODAY, "out") else {
            assert_eq!(newest, p.kubernetes, "only the declared version may be refused");
            return;
        };
        let (m0, m1) = (minor(&p.kubernetes).unwrap(), minor(newest).unwrap());
        assert_eq!(path.steps.len() as u32, m1.1 - m0.1, "one step per minor");
        assert_eq!((path.from, path.to, path.catalog_as_of), (p.kubernetes.as_str(), newest, AS_OF));
        for (s, next) in path.steps.iter().zip(path.steps.iter().skip(1)) {
            assert_eq!(s.to, next.from);
        }
        for s in &path.steps {
            assert_eq!(minor(s.to).unwrap(), (minor(s.from).unwrap().0, minor(s.from).unwrap().1 + 1));
            let (a0, a1) = (addon_versions(s.from).unwrap(), addon_versions(s.to).unwrap());
            for a in &p.addons {
                let listed = s.addons.iter().any(|c| c.name == a.kind.eks_name() && c.to == a1.of(a.kind));
                assert_eq!(listed, a0.of(a.kind) != a1.of(a.kind), "{} in {} → {}", a.kind.eks_name(), s.from, s.to);
            }
            let (c0, c1) = (chart_versions(s.from).unwrap(), chart_versions(s.to).unwrap());
            for (a, b) in c0.charts().into_iter().zip(c1.charts()) {
                let listed = s.charts.iter().any(|c| c.name == a.release && c.from == a.version && c.to == b.version);
                assert_eq!(listed, a.version != b.version, "{} in {} → {}", a.release, s.from, s.to);
            }
            let image = c0.cluster_autoscaler_image != c1.cluster_autoscaler_image;
            assert_eq!(s.charts.iter().any(|c| c.to == c1.cluster_autoscaler_image), image);
            assert_eq!(s.api_moves.len(), usize::from(c0.secret_store_api != c1.secret_store_api));
            let actions: Vec<&String> = s.order.iter().flat_map(|p| &p.actions).collect();
            for c in &s.charts {
                let head = format!("{} {} → {}", c.name, c.from, c.to);
                assert_eq!(actions.iter().filter(|a| a.starts_with(&head)).count(), 1, "{head} applied once");
            }
            assert_eq!(s.order.iter().filter(|p| p.stage == Stage::Infra).count(), 1);
        }
        assert!(text(&path).contains(&format!("as of {AS_OF}")));
    }

    fn chart_at(base: Chart, version: &'static str) -> Chart {
        Chart { version, ..base }
    }

    /// Two synthetic rows: the 1.28 pins with a kyverno the catalog has no range for, and a 1.29 row moving
    /// kyverno to a pin documented for 1.28 (so it must precede the control plane), Calico to an undocumented pin
    /// (its current one is documented for 1.29: after), external-secrets, the autoscaler image, coredns and an API
    /// version.
    fn rows(served_from: &'static [&'static str], served_to: &'static [&'static str]) -> [ChartVersions; 2] {
        let base = CHART_VERSIONS[0];
        let documented = |chart: &str| CHART_SUPPORT.iter().find(|s| s.chart == chart).unwrap().version;
        let from = ChartVersions {
            kubernetes: "1.28",
            kyverno: chart_at(base.kyverno, "0.0.1"),
            secret_store_api: "example.io/v1beta1",
            secret_store_served: served_from,
            ..base
        };
        let to = ChartVersions {
            kubernetes: "1.29",
            kyverno: chart_at(base.kyverno, documented("kyverno")),
            calico: chart_at(base.calico, "v9.9.9"),
            cluster_autoscaler_image: "v1.29.0",
            external_secrets: chart_at(base.external_secrets, "0.16.2"),
            secret_store_api: "example.io/v1",
            secret_store_served: served_to,
            ..base
        };
        [from, to]
    }

    fn synthetic_step(served_from: &'static [&'static str], served_to: &'static [&'static str]) -> Step {
        let [c0, c1] = rows(served_from, served_to);
        let a0 = ADDON_VERSIONS[0];
        let a1 =
            AddonVersions { kubernetes: "1.29", coredns: "v1.11.1-eksbuild.1", kube_proxy: "v1.29.0-eksbuild.1", ..a0 };
        step(
            Pins { addons: &a0, charts: &c0 },
            Pins { addons: &a1, charts: &c1 },
            &installed(&checked(&fixture())),
            "out",
        )
    }

    const BOTH: &[&str] = &["example.io/v1beta1", "example.io/v1"];
    const OLD: &[&str] = &["example.io/v1beta1"];
    const NEW: &[&str] = &["example.io/v1"];

    #[test]
    fn a_step_lists_the_changes_and_orders_them_around_the_control_plane() {
        let s = synthetic_step(OLD, BOTH);
        assert_eq!((s.from, s.to), ("1.28", "1.29"));
        assert_eq!(s.addons.iter().map(|a| a.name).collect::<Vec<_>>(), ["coredns", "kube-proxy"]);
        let timing = |name: &str| s.charts.iter().find(|c| c.name == name).map(|c| c.timing);
        assert_eq!(timing("kyverno"), Some(Timing::BeforeControlPlane));
        assert_eq!(timing("calico"), Some(Timing::AfterControlPlane));
        assert_eq!(timing("cluster-autoscaler image"), Some(Timing::AfterControlPlaneNoOverlap));
        assert_eq!(timing("external-secrets"), Some(Timing::AfterControlPlane));
        assert_eq!(s.charts.len(), 4, "unchanged charts are not listed: {:?}", s.charts);
        assert_eq!(s.api_moves, [ApiMove { kind: "SecretStore", from: OLD[0], to: NEW[0], served_by: Some("0.16.2") }]);

        let stages: Vec<Stage> = s.order.iter().map(|p| p.stage).collect();
        assert_eq!(stages, [Stage::Cluster, Stage::Infra, Stage::Network, Stage::Cluster]);
        let [before, infra, network, after] = &s.order[..] else { unreachable!() };
        assert!(before.command.ends_with("cluster apply -target=helm_release.kyverno"), "{}", before.command);
        let base = CHART_VERSIONS[0];
        let documented_kyverno = CHART_SUPPORT.iter().find(|s| s.chart == "kyverno").unwrap().version;
        let kyverno_move = format!("kyverno 0.0.1 → {documented_kyverno}: 0.0.1 is not documented for 1.29");
        assert!(before.actions.iter().any(|a| a.starts_with(&kyverno_move)), "{before:?}");
        // Calico is the network root's: applied on its own after the control plane (its current pin is documented
        // for 1.29), not pulled in by the cluster root's `-target`.
        assert!(!before.actions.iter().chain(&after.actions).any(|a| a.starts_with("calico")), "{s:?}");
        assert_eq!(network.command, "terraform -chdir=out/terraform/network apply");
        assert_eq!(network.actions, [format!("calico {} → v9.9.9", base.calico.version)]);
        assert_eq!(infra.actions[0], "control plane 1.28 → 1.29");
        assert!(infra.actions[1].contains("critical (ondemand), general (spot), general (ondemand), batch (spot)"));
        assert!(infra.actions[2].starts_with("managed addon coredns v1.10.1-eksbuild.38 → v1.11.1-eksbuild.1"));
        assert_eq!(after.actions[0], format!("external-secrets {} → 0.16.2", base.external_secrets.version));
        let image_move =
            format!("cluster-autoscaler image {} → v1.29.0: no pinned version", base.cluster_autoscaler_image);
        assert!(after.actions[1].starts_with(&image_move), "{after:?}");
        assert!(after.actions[2].contains("upgrades external-secrets to 0.16.2, which serves both"), "{after:?}");
    }

    #[test]
    fn an_api_move_names_the_chart_serving_both_or_re_creates_the_objects() {
        let s = synthetic_step(BOTH, NEW);
        let current = CHART_VERSIONS[0].external_secrets.version;
        assert_eq!(s.api_moves[0].served_by, Some(current));
        let last = s.order.last().unwrap().actions.last().unwrap();
        let expected = format!("before this apply re-apply them at example.io/v1 while external-secrets {current}");
        assert!(last.contains(&expected), "{last}");

        let s = synthetic_step(OLD, NEW);
        assert_eq!(s.api_moves[0].served_by, None);
        let last = s.order.last().unwrap().actions.last().unwrap();
        assert!(last.contains("re-created: delete them before this apply"), "{last}");
    }

    #[test]
    fn the_text_says_its_basis_and_the_order() {
        let step = synthetic_step(OLD, BOTH);
        let path = UpgradePath {
            platform: "fintech".into(),
            from: "1.28",
            to: "1.29",
            catalog_as_of: AS_OF,
            newest_in_standard_support: Some("1.35"),
            steps: vec![step],
        };
        let t = text(&path);
        assert!(t.starts_with("Upgrade path of platform `fintech`: Kubernetes 1.28 → 1.29"), "{t}");
        assert!(t.contains(&format!("as of {AS_OF}; newest version in EKS standard support today")), "{t}");
        let at = |needle: &str| t.find(needle).unwrap_or_else(|| panic!("{needle:?} in\n{t}"));
        let before =
            at("1. cluster root, before the control plane: terraform -chdir=out/terraform/cluster apply -target");
        let infra = at("2. infra root: terraform -chdir=out/terraform/infra apply");
        let network = at("3. network root: terraform -chdir=out/terraform/network apply\n");
        let after = at("4. cluster root: terraform -chdir=out/terraform/cluster apply\n");
        assert!(before < infra && infra < network && network < after, "{t}");
        assert!(t.contains("  API versions: SecretStore example.io/v1beta1 → example.io/v1\n"), "{t}");
    }
}
