//! Syntax of the value kinds several checks share: GUIDs, Kubernetes quantities, DNS names, label keys.
//!
//! Hand-written instead of a regex dependency: each grammar is a few lines and is unit-tested here.

/// Whether `s` is a GUID (`8-4-4-4-12` hex digits), the form of Azure AD (Entra ID) tenant, client and object ids.
pub(crate) fn is_guid(s: &str) -> bool {
    let groups: Vec<&str> = s.split('-').collect();
    groups.len() == 5
        && groups
            .iter()
            .zip([8, 4, 4, 4, 12])
            .all(|(g, len)| g.len() == len && g.bytes().all(|b| b.is_ascii_hexdigit()))
}

/// Whether `s` is a Kubernetes quantity greater than zero (`16`, `500m`, `32Gi`, `0.5`).
pub(crate) fn is_positive_quantity(s: &str) -> bool {
    crate::quantity::is_positive(s)
}

/// Whether `s` is a DNS-1123 subdomain: dot-separated DNS-1123 labels, 253 characters at most
/// (Kubernetes object names such as service accounts).
pub(crate) fn is_dns_subdomain(s: &str) -> bool {
    s.len() <= 253 && s.split('.').all(crate::naming::is_dns_label)
}

/// Whether `s` is a valid Kubernetes label (or taint) value: empty, or up to 63 alphanumerics, `-`, `_`, `.`,
/// starting and ending alphanumeric.
pub(crate) fn is_label_value(s: &str) -> bool {
    let b = s.as_bytes();
    b.is_empty()
        || (b.len() <= 63
            && b.iter().all(|c| c.is_ascii_alphanumeric() || matches!(c, b'-' | b'_' | b'.'))
            && b[0].is_ascii_alphanumeric()
            && b[b.len() - 1].is_ascii_alphanumeric())
}

/// Whether `s` is a valid Kubernetes label (or taint) key: an optional DNS-subdomain prefix and `/`, then a
/// non-empty name with the syntax of a label value.
pub(crate) fn is_label_key(s: &str) -> bool {
    let (prefix, name) = match s.split_once('/') {
        Some((prefix, name)) => (Some(prefix), name),
        None => (None, s),
    };
    !name.is_empty() && is_label_value(name) && prefix.is_none_or(|p| !p.is_empty() && is_dns_subdomain(p))
}

/// Whether `s` is a DSL identifier whose label form is a DNS-1123 label: `[a-z][a-z0-9_]*`, not ending in `_`,
/// at most 63 characters.
pub(crate) fn is_name(s: &str) -> bool {
    s.as_bytes().first().is_some_and(u8::is_ascii_lowercase)
        && s.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
        && crate::naming::is_dns_label(&crate::naming::label(s))
}

/// The closest valid identifier to `s` (`Payments-Team` → `payments_team`), if there is one.
pub(crate) fn suggest_name(s: &str) -> Option<String> {
    let mapped: String =
        s.chars().map(|c| if c.is_ascii_alphanumeric() { c.to_ascii_lowercase() } else { '_' }).collect();
    let trimmed = mapped.trim_start_matches(|c: char| !c.is_ascii_lowercase()).trim_end_matches('_');
    let mut out: String = trimmed.chars().take(63).collect();
    while out.ends_with('_') {
        out.pop();
    }
    is_name(&out).then_some(out)
}

/// The help for a name that is not one of `candidates`: "did you mean `x`?" when one is close (a typo), else
/// `otherwise` (usually the list to choose from); the suggestion as a fix, its value written by `dsl`.
pub(crate) fn did_you_mean_or<'a>(
    path: &super::FieldPath,
    found: &str,
    candidates: impl IntoIterator<Item = &'a str>,
    dsl: impl FnOnce(&str) -> String,
    otherwise: impl FnOnce() -> String,
) -> (String, Option<super::Fix>) {
    match crate::model::did_you_mean(found, candidates) {
        Some(s) => {
            let fix = super::Fix::set(path.clone(), dsl(s));
            (format!("did you mean `{}`?", fix.dsl()), Some(fix))
        }
        None => (otherwise(), None),
    }
}

/// A string as a DSL literal: `"us-east-2"`.
pub(crate) fn quoted(s: &str) -> String {
    format!("{s:?}")
}

/// `` `a`, `b`, `c` ``: a list of values for a message.
pub(crate) fn ticks<T: std::fmt::Display>(items: impl IntoIterator<Item = T>) -> String {
    items.into_iter().map(|i| format!("`{i}`")).collect::<Vec<_>>().join(", ")
}

/// `1 character`, `2 characters`.
pub(crate) fn plural(n: usize, noun: &str) -> String {
    if n == 1 {
        format!("{n} {noun}")
    } else {
        format!("{n} {noun}s")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn guids() {
        assert!(is_guid("6f1c2a9e-3b7d-4c1e-9a2f-1d4e5b6c7a80"));
        assert!(is_guid("6F1C2A9E-3B7D-4C1E-9A2F-1D4E5B6C7A80"));
        assert!(!is_guid("6f1c2a9e3b7d4c1e9a2f1d4e5b6c7a80"));
        assert!(!is_guid("6f1c2a9e-3b7d-4c1e-9a2f-1d4e5b6c7a8g"));
        assert!(!is_guid("<aad-group-id>"));
        assert!(!is_guid(""));
    }

    #[test]
    fn quantities() {
        for ok in ["16", "500m", "32Gi", "0.5", "1.5Gi", "128Mi", "2k", "1E"] {
            assert!(is_positive_quantity(ok), "{ok}");
        }
        for bad in ["", "0", "0m", "-1", "1.2.3", "16 cores", "32GB", "Gi", "1gi", ".", "1e3"] {
            assert!(!is_positive_quantity(bad), "{bad}");
        }
    }

    #[test]
    fn labels_and_subdomains() {
        assert!(is_label_key("workload"));
        assert!(is_label_key("node.kubernetes.io/lifecycle"));
        assert!(!is_label_key("/workload"));
        assert!(!is_label_key("Node.io/x"));
        assert!(!is_label_key("a/b/c"));
        assert!(is_label_value(""));
        assert!(is_label_value("critical"));
        assert!(!is_label_value("-critical"));
        assert!(is_dns_subdomain("ebs-csi-controller-sa"));
        assert!(is_dns_subdomain("a.b-c"));
        assert!(!is_dns_subdomain("Cluster_Autoscaler"));
        assert!(!is_dns_subdomain(""));
    }

    #[test]
    fn names_and_suggestions() {
        assert!(is_name("external_dns"));
        assert!(is_name("a1"));
        assert!(!is_name("1a"));
        assert!(!is_name("a_"));
        assert!(!is_name("Payments"));
        assert!(!is_name(&"a".repeat(64)));
        assert_eq!(suggest_name("Payments-Team").as_deref(), Some("payments_team"));
        assert_eq!(suggest_name("9lives_").as_deref(), Some("lives"));
        assert_eq!(suggest_name("--"), None);
    }
}
