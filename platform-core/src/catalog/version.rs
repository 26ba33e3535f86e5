//! Kubernetes version strings. A leaf of the catalog: the tables of Kubernetes releases and of chart versions both
//! read it.

/// `(major, minor)` of a version such as `1.28` (or `1.28.5`), for ordering: `1.9` comes before `1.28`.
pub fn minor(version: &str) -> Option<(u32, u32)> {
    let mut parts = version.trim_start_matches('v').split('.');
    Some((parts.next()?.parse().ok()?, parts.next()?.parse().ok()?))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn minors_order_numerically() {
        assert_eq!(minor("1.28"), Some((1, 28)));
        assert_eq!(minor("v1.28.5"), Some((1, 28)));
        assert!(minor("1.9") < minor("1.28"));
        assert_eq!(minor("1"), None);
        assert_eq!(minor("one.two"), None);
    }
}
