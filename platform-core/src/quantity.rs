//! Kubernetes resource quantities (apimachinery `resource.Quantity`, Kubernetes API reference "Quantity"):
//! `<number><suffix>`, decimal SI (`n u m k M G T P E`) or binary (`Ki … Ei`). One grammar for the rules that
//! validate quotas and resources and for the capacity rule that adds them up; exact (integer) arithmetic, so
//! `100m` is 100 millicores, not 101.

/// Each suffix as the rational factor `numerator / denominator`.
const SUFFIXES: &[(&str, u128, u128)] = &[
    ("", 1, 1),
    ("n", 1, 1_000_000_000),
    ("u", 1, 1_000_000),
    ("m", 1, 1_000),
    ("k", 1_000, 1),
    ("M", 1_000_000, 1),
    ("G", 1_000_000_000, 1),
    ("T", 1_000_000_000_000, 1),
    ("P", 1_000_000_000_000_000, 1),
    ("E", 1_000_000_000_000_000_000, 1),
    ("Ki", 1 << 10, 1),
    ("Mi", 1 << 20, 1),
    ("Gi", 1 << 30, 1),
    ("Ti", 1 << 40, 1),
    ("Pi", 1 << 50, 1),
    ("Ei", 1 << 60, 1),
];

/// `s` as the exact fraction `numerator / denominator`, if it is a quantity: digits with an optional decimal part,
/// then one suffix. Signs and exponents are valid Kubernetes but meaningless for requests and quotas.
fn fraction(s: &str) -> Option<(u128, u128)> {
    let end = s.find(|c: char| !(c.is_ascii_digit() || c == '.')).unwrap_or(s.len());
    let (number, suffix) = s.split_at(end);
    let (&(_, num, den), (whole, frac)) =
        (SUFFIXES.iter().find(|(x, _, _)| *x == suffix)?, number.split_once('.').unwrap_or((number, "")));
    if whole.len() + frac.len() == 0 || frac.contains('.') || whole.len() + frac.len() > 30 {
        return None;
    }
    let mantissa: u128 = format!("{whole}{frac}").parse().ok()?;
    let scale = 10u128.checked_pow(u32::try_from(frac.len()).ok()?)?;
    Some((mantissa.checked_mul(num)?, scale.checked_mul(den)?))
}

/// Whether `s` is a quantity greater than zero (`16`, `500m`, `32Gi`, `0.5`).
pub fn is_positive(s: &str) -> bool {
    fraction(s).is_some_and(|(n, _)| n > 0)
}

/// `numerator × unit / denominator`, rounded up; `None` past `u64`.
fn ceil_in(s: &str, unit_num: u128, unit_den: u128) -> Option<u64> {
    let (n, d) = fraction(s)?;
    let (n, d) = (n.checked_mul(unit_num)?, d.checked_mul(unit_den)?);
    u64::try_from(n.div_ceil(d)).ok()
}

/// A CPU quantity in millicores, rounded up (`2` → 2000, `500m` → 500, `1.5` → 1500).
pub fn cpu_millicores(s: &str) -> Option<u64> {
    ceil_in(s, 1_000, 1)
}

/// A memory quantity in MiB, rounded up (`32Gi` → 32768, `1G` → 954, `1048576` → 1).
pub fn memory_mib(s: &str) -> Option<u64> {
    ceil_in(s, 1, 1 << 20)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quantities() {
        assert_eq!(cpu_millicores("16"), Some(16_000));
        assert_eq!(cpu_millicores("500m"), Some(500));
        assert_eq!(cpu_millicores("100m"), Some(100));
        assert_eq!(cpu_millicores("1.5"), Some(1500));
        assert_eq!(cpu_millicores("x"), None);
        assert_eq!(memory_mib("32Gi"), Some(32_768));
        assert_eq!(memory_mib("128Mi"), Some(128));
        assert_eq!(memory_mib("1G"), Some(954));
        assert_eq!(memory_mib("1048576"), Some(1));
        assert_eq!(memory_mib("2Pi"), Some(2 << 30));
        assert_eq!(memory_mib("32GB"), None);
        for ok in ["16", "500m", "32Gi", "0.5", "1.", ".5", "1Ei"] {
            assert!(is_positive(ok), "{ok}");
        }
        for bad in ["", "0", "0.0", "-1", "1.2.3", "32GB", "1e3", "m", "."] {
            assert!(!is_positive(bad), "{bad}");
        }
    }
}
