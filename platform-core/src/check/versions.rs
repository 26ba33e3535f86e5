//! Version rules: a Kubernetes version the renderer carries pinned versions for, inside EKS support.

use super::values::ticks;
use super::{at, Finding, Findings, Fix, Rule};
use crate::catalog::charts::{chart_versions, ChartVersions};
use crate::catalog::kubernetes::{
    addon_versions, carried, newest_in_standard_support, release, AddonVersions, SupportPhase,
};
use crate::model::{did_you_mean, Platform};

/// The pinned addon and chart versions of one Kubernetes version: the catalog rows the platform renders with.
pub(crate) type Pins = (&'static AddonVersions, &'static ChartVersions);

/// The version rules, and the pins of the declared version (`None` when the catalog carries none).
pub(super) fn check(p: &Platform, today: &str, out: &mut Findings) -> Option<Pins> {
    let mark = out.mark();
    let pins = addon_versions(&p.kubernetes).zip(chart_versions(&p.kubernetes));
    check_support(p, today, out);
    out.guarded(mark, "the pinned versions", pins)
}

/// `versions/kubernetes` and `versions/support-window`.
fn check_support(p: &Platform, today: &str, out: &mut Findings) {
    let version = &p.kubernetes;
    let Some(current) = release(version) else {
        let supported = carried().map(|r| r.version);
        let fix = did_you_mean(version, supported.clone()).map(|s| Fix::set(at("kubernetes"), format!("{s:?}")));
        let help = match &fix {
            Some(fix) => format!("did you mean `{}`? Supported: {}", fix.dsl(), ticks(supported)),
            None => format!("choose one of {}", ticks(supported)),
        };
        out.push(
            Finding::new(
                Rule::KubernetesVersion,
                at("kubernetes"),
                version,
                format!("Kubernetes `{version}` is not a version the platform carries addon and chart versions for"),
                help,
            )
            .maybe_fix(fix),
        );
        return;
    };
    if current.phase(today) == SupportPhase::Standard {
        return;
    }
    let newer = carried().rev().find(|r| r.version != current.version && today <= r.standard_support_end);
    let help = match (newer, newest_in_standard_support(today)) {
        // Not a fix: EKS upgrades one minor version at a time, so the next step is the owner's plan.
        (Some(r), _) => format!("upgrade one minor version at a time, towards `{}`", r.version),
        (None, Some(newest)) => format!(
            "EKS supports up to {} (standard support until {}), but the platform catalog carries no pinned addon and \
             chart versions for a supported version yet: plan the upgrade with the platform team",
            newest.version, newest.standard_support_end
        ),
        (None, None) => "plan the upgrade with the platform team".to_owned(),
    };
    out.push(Finding::new(Rule::SupportWindow, at("kubernetes"), version, current.support_words(today), help));
}

#[cfg(test)]
mod tests {
    use super::super::testing::*;

    #[test]
    fn unknown_versions() {
        let mut p = sample();
        p.kubernetes = "1.27".into();
        let f = run(&p);
        let e = expect(&f, Rule::KubernetesVersion, "kubernetes", "`1.27`");
        assert!(e.help.contains("`1.28`"), "{}", e.help);
    }

    #[test]
    fn support_window_warns_by_date() {
        let p = sample();
        assert!(super::super::findings(&p, "2024-11-26").0.is_empty());
        let f = super::super::findings(&p, "2024-11-27");
        let w = expect(&f, Rule::SupportWindow, "kubernetes", "left EKS standard support on 2024-11-26");
        assert!(w.message.contains("until 2025-11-26, clusters pay the extended-support fee"), "{}", w.message);
        assert!(w.message.ends_with("(on 2024-11-27, by the EKS calendar of 2026-11-25)"), "{}", w.message);
        assert_eq!(w.severity, Severity::Warning);
        let f = super::super::findings(&p, "2026-11-25");
        expect(&f, Rule::SupportWindow, "kubernetes", "extended support on 2025-11-26: EKS no longer creates");
        // A calendar older than its freshness says so.
        let f = super::super::findings(&p, "2027-06-01");
        expect(&f, Rule::SupportWindow, "kubernetes", "by the EKS calendar of 2026-11-25, 188 days old: review");
        assert!(!f.has_errors());
    }
}
