//! Facts about AWS and Kubernetes the checks and renderers rely on, one table per concern.
//! Each table names its source; [`AS_OF`] is the day they were last checked, together.

pub mod chart_pods;
pub mod chart_requests;
pub mod charts;
pub mod escalation;
pub mod instance_types;
pub mod kubernetes;
pub mod namespaces;
pub mod prices;
pub mod regions;
pub mod reserved;
pub mod version;

use crate::dates::days_since_epoch;

/// The day the catalog's facts (EKS calendar, addon and chart pins, their documented ranges) were last checked
/// at their sources. Update it with every review of the tables.
pub const AS_OF: &str = "2026-11-25";

/// How long the facts are trusted: EKS ships a Kubernetes minor version about every four months and addon builds
/// more often, so a quarter-old catalog may miss a version or a pin.
pub const FRESH_FOR_DAYS: i64 = 90;

/// A warning when [`AS_OF`] is more than [`FRESH_FOR_DAYS`] before `today` (ISO date).
pub fn staleness(today: &str) -> Option<String> {
    let age = days_since_epoch(today)? - days_since_epoch(AS_OF)?;
    (age > FRESH_FOR_DAYS).then(|| {
        format!(
            "the platform catalog (EKS calendar, addon and chart pins) was last checked on {AS_OF}, {age} days ago \
             (more than {FRESH_FOR_DAYS}): versions, pins and support dates may be out of date; review the tables in \
             platform-core/src/catalog/"
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dates::iso_date;

    fn days_after_as_of(days: i64) -> String {
        iso_date((days_since_epoch(AS_OF).unwrap() + days) as u64)
    }

    #[test]
    fn the_catalog_goes_stale_after_90_days() {
        assert_eq!(staleness(AS_OF), None);
        assert_eq!(staleness(&days_after_as_of(90)), None);
        let warning = staleness(&days_after_as_of(91)).expect("stale at 91 days");
        assert!(warning.contains(&format!("last checked on {AS_OF}, 91 days ago")), "{warning}");
    }
}
