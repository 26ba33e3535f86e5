//! ISO dates (`YYYY-MM-DD`) and day counts since 1970-01-01, for the support window (`check`) and the catalog's
//! age (`catalog`). A leaf: it imports nothing.

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

/// The day count since 1970-01-01 of an ISO date (`YYYY-MM-DD`), the inverse of [`iso_date`] (Hinnant's
/// `days_from_civil`); `None` when it does not parse.
pub fn days_since_epoch(iso: &str) -> Option<i64> {
    let mut parts = iso.splitn(3, '-').map(str::parse::<i64>);
    let (year, month, day) = (parts.next()?.ok()?, parts.next()?.ok()?, parts.next()?.ok()?);
    if !(1..=12).contains(&month) || !(1..=31).contains(&day) {
        return None;
    }
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y.rem_euclid(400);
    let doy = (153 * (if month > 2 { month - 3 } else { month + 9 }) + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    Some(era * 146_097 + doe - 719_468)
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
        for days in [0, 11_016, 19_722, 20_418, 20_512, 40_000] {
            assert_eq!(days_since_epoch(&iso_date(days)), Some(days as i64));
        }
        assert_eq!(days_since_epoch("2027-02-23").zip(days_since_epoch("2026-11-25")).map(|(a, b)| a - b), Some(90));
        assert_eq!(days_since_epoch("2026-13-01"), None);
        assert_eq!(days_since_epoch("soon"), None);
    }
}
