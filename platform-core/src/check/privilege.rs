//! What an IAM statement grants, for `irsa/wildcard-policy`: whether its actions cover a whole service (or all
//! of AWS) on every resource that service has, or a privilege-escalation action on every resource it applies to.
//!
//! Matching follows the IAM User Guide: action names match case-insensitively with `*` (any run of characters)
//! and `?` (one character) ("IAM JSON policy elements: Action"); in a resource ARN a wildcard works within its
//! colon-separated segment, except that a `*` ending a segment that ends the ARN also matches the segments after
//! it ("IAM JSON policy elements: Resource", "Using wildcards in resource ARNs"): `arn:*` and `arn:aws:*` match
//! every resource.

use crate::catalog::escalation::{EscalationMethod, ESCALATION_METHODS};

/// Whether `pattern` (with `*` and `?`) matches all of `text`, ASCII case-insensitively when `fold` holds.
pub(crate) fn glob(pattern: &str, text: &str, fold: bool) -> bool {
    let eq = |a: u8, b: u8| if fold { a.eq_ignore_ascii_case(&b) } else { a == b };
    let (p, t) = (pattern.as_bytes(), text.as_bytes());
    // Iterative matching with one backtrack point (the last `*`), linear in practice.
    let (mut i, mut j, mut star, mut mark) = (0, 0, None, 0);
    while j < t.len() {
        if i < p.len() && (p[i] == b'?' || (p[i] != b'*' && eq(p[i], t[j]))) {
            i += 1;
            j += 1;
        } else if i < p.len() && p[i] == b'*' {
            star = Some(i);
            mark = j;
            i += 1;
        } else if let Some(s) = star {
            i = s + 1;
            mark += 1;
            j = mark;
        } else {
            return false;
        }
    }
    p[i..].iter().all(|&c| c == b'*')
}

/// What a whole-service action grants: every action of every service (`*`, `*:*`), or of one (`iam:*`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Breadth<'a> {
    Everything,
    Service(&'a str),
}

/// The breadth of an action that allows every action of its service: `*`, `*:*`, `<service>:*` (the name all
/// `*`); `None` for anything narrower (`s3:Get*`).
pub(crate) fn whole_service(action: &str) -> Option<Breadth<'_>> {
    let all = |s: &str| !s.is_empty() && s.bytes().all(|b| b == b'*');
    if all(action) {
        return Some(Breadth::Everything);
    }
    let (service, name) = action.split_once(':')?;
    match (all(service), all(name)) {
        (true, true) => Some(Breadth::Everything),
        (false, true) => Some(Breadth::Service(service)),
        _ => None,
    }
}

/// The five segments after `arn:` (partition, service, region, account, resource), a trailing `*` of the last one
/// written standing for all that follow (`None` for the segments it swallows); `None` when the ARN is cut short
/// without such a `*`.
fn segments(resource: &str) -> Option<[Option<&str>; 5]> {
    let rest = resource.strip_prefix("arn:")?;
    let parts: Vec<&str> = rest.splitn(5, ':').collect();
    if parts.len() < 5 && !parts.last().is_some_and(|p| p.ends_with('*')) {
        return None;
    }
    let mut out = [None; 5];
    for (i, part) in parts.iter().enumerate() {
        out[i] = Some(*part);
    }
    Some(out)
}

/// Whether a segment matches whatever is there: only wildcards, or swallowed by an earlier `*`.
fn any(segment: Option<&str>) -> bool {
    segment.is_none_or(|s| !s.is_empty() && s.bytes().all(|b| b == b'*'))
}

/// Whether `resource` matches every resource of `service` (of every service for `None`): `*`, or an ARN whose
/// service segment is a wildcard or the service itself and whose resource segment is a wildcard (region and
/// account do not narrow a pod's reach: it runs in one account).
pub(crate) fn unscoped(resource: &str, service: Option<&str>) -> bool {
    if resource == "*" {
        return true;
    }
    let Some([_, svc, _, _, res]) = segments(resource) else { return false };
    let service_covered = any(svc) || (service.is_some() && svc == service);
    // The resource segment may hold `/` and `:` between wildcards only (`*/*` is every object of every bucket).
    let every = res.is_none_or(|r| r.contains('*') && r.bytes().all(|b| matches!(b, b'*' | b'/' | b':')));
    service_covered && every
}

/// Whether `resource` matches every resource of one type of `service`: unscoped, or `<type>/…` / `<type>:…` with
/// only wildcards after the type (`arn:aws:iam::*:role/*` is every role, the reach of `iam:PassRole`).
fn every_of_a_type(resource: &str, service: &str) -> bool {
    if unscoped(resource, Some(service)) {
        return true;
    }
    let Some([_, Some(svc), _, _, Some(res)]) = segments(resource) else { return false };
    let Some(at) = res.find(['/', ':']) else { return false };
    let (kind, rest) = (&res[..at], &res[at + 1..]);
    svc == service
        && !kind.is_empty()
        && kind.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
        && !rest.is_empty()
        && rest.bytes().all(|b| b == b'*')
}

/// The step of a method that changes who may do what: its `iam:` actions, or its only action when it has none
/// (`lambda:UpdateFunctionCode`). With it on every resource, the method's other actions (running an instance,
/// assuming a role) are ordinary.
pub(crate) fn escalation_steps() -> impl Iterator<Item = (&'static str, &'static EscalationMethod)> {
    ESCALATION_METHODS.iter().flat_map(|m| {
        let iam: Vec<&'static str> = m.actions.iter().copied().filter(|a| a.starts_with("iam:")).collect();
        let steps = if iam.is_empty() { m.actions.to_vec() } else { iam };
        steps.into_iter().map(move |a| (a, m))
    })
}

/// Why a statement grants too much, reported once, at the action that does it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Excess {
    /// Index of the action in the statement.
    pub action: usize,
    pub message: String,
    pub help: &'static str,
}

const NARROW_ACTIONS: &str = "list the actions the workload calls (e.g. `s3:GetObject`) and the ARNs it calls them on";
const NARROW_RESOURCES: &str = "name the ARNs the workload needs it on (e.g. one role's ARN), or remove the action";

/// The first action of a statement that, on one of its resources, covers a whole service (or all of AWS) on every
/// resource, or else a privilege-escalation step on every resource of its type; `None` for a scoped statement.
pub(crate) fn excess(actions: &[String], resources: &[String]) -> Option<Excess> {
    for (k, action) in actions.iter().enumerate() {
        let Some(breadth) = whole_service(action) else { continue };
        let service = match breadth {
            Breadth::Everything => None,
            Breadth::Service(s) => Some(s),
        };
        if let Some(r) = resources.iter().find(|r| unscoped(r, service)) {
            let what = match breadth {
                Breadth::Everything => "every AWS permission".to_owned(),
                Breadth::Service(s) => format!("every `{s}` permission"),
            };
            let message = format!("action `{action}` on resource `{r}` grants {what}");
            return Some(Excess { action: k, message, help: NARROW_ACTIONS });
        }
    }
    for (k, action) in actions.iter().enumerate() {
        for (step, method) in escalation_steps() {
            if !glob(action, step, true) {
                continue;
            }
            let service = step.split(':').next().unwrap_or_default();
            if let Some(r) = resources.iter().find(|r| every_of_a_type(r, service)) {
                let what =
                    if action.eq_ignore_ascii_case(step) { "is".to_owned() } else { format!("allows `{step}`,") };
                let message = format!(
                    "action `{action}` on resource `{r}` {what} a privilege escalation step (Rhino Security Labs' \
                     method `{}`)",
                    method.name
                );
                return Some(Excess { action: k, message, help: NARROW_RESOURCES });
            }
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn strings(v: &[&str]) -> Vec<String> {
        v.iter().map(|s| (*s).to_owned()).collect()
    }

    fn flagged(actions: &[&str], resources: &[&str]) -> Option<Excess> {
        excess(&strings(actions), &strings(resources))
    }

    #[test]
    fn globs() {
        assert!(glob("iam:Put*", "iam:PutRolePolicy", true));
        assert!(glob("IAM:passrole", "iam:PassRole", true));
        assert!(glob("iam:?assRole", "iam:PassRole", true));
        assert!(glob("*", "anything", true) && glob("**", "", true));
        assert!(!glob("iam:Put*", "iam:PassRole", true));
        assert!(!glob("s3:*", "iam:PassRole", true));
        assert!(glob("a*b*c", "axxbyyc", false) && !glob("a*b*c", "axxbyy", false));
    }

    #[test]
    fn whole_services() {
        assert_eq!(whole_service("*"), Some(Breadth::Everything));
        assert_eq!(whole_service("*:*"), Some(Breadth::Everything));
        assert_eq!(whole_service("iam:*"), Some(Breadth::Service("iam")));
        assert_eq!(whole_service("s3:Get*"), None);
        assert_eq!(whole_service("s3:GetObject"), None);
    }

    #[test]
    fn unscoped_resources() {
        for r in ["*", "arn:*", "arn:aws:*", "arn:*:*:*:*:*", "arn:aws:*:us-east-1:111122223333:*"] {
            assert!(unscoped(r, None), "{r}");
            assert!(unscoped(r, Some("s3")), "{r}");
        }
        assert!(unscoped("arn:aws:s3:::*", Some("s3")) && !unscoped("arn:aws:s3:::*", None));
        assert!(unscoped("arn:aws:s3:*", Some("s3")) && unscoped("arn:aws:s3:::*/*", Some("s3")));
        for r in ["arn:aws:s3:::bucket/*", "arn:aws:s3:::bucket", "arn:aws:iam::*:role/app", "arn:aws", "bucket"] {
            assert!(!unscoped(r, Some("s3")) && !unscoped(r, None), "{r}");
        }
        assert!(every_of_a_type("arn:aws:iam::*:role/*", "iam"));
        assert!(!every_of_a_type("arn:aws:iam::*:role/app-*", "iam"));
        assert!(!every_of_a_type("arn:aws:iam::*:role/*", "lambda"));
    }

    #[test]
    fn what_the_rule_reports() {
        // Everything, wherever it hides.
        assert!(flagged(&["*"], &["arn:*"]).unwrap().message.contains("every AWS permission"));
        assert!(flagged(&["*:*"], &["*"]).is_some());
        // A whole service on all of it.
        assert_eq!(flagged(&["s3:GetObject", "iam:*"], &["*"]).unwrap().action, 1);
        assert!(flagged(&["s3:*"], &["arn:aws:s3:::*"]).unwrap().message.contains("every `s3` permission"));
        assert!(flagged(&["s3:*"], &["arn:aws:s3:::bucket/*"]).is_none());
        // Escalation steps on every resource of their type.
        let pass = flagged(&["iam:PassRole"], &["arn:aws:iam::*:role/*"]).unwrap();
        assert!(pass.message.contains("`iam:PassRole`") && pass.message.contains("Rhino Security Labs"), "{pass:?}");
        let put = flagged(&["iam:Put*"], &["*"]).unwrap();
        assert!(put.message.contains("allows `iam:Put") && put.help.contains("ARNs"), "{put:?}");
        assert!(flagged(&["lambda:UpdateFunctionCode"], &["*"]).is_some());
        assert!(flagged(&["iam:PassRole"], &["arn:aws:iam::111122223333:role/app"]).is_none());
        // Ordinary actions on `*` (many have no resource-level permissions) are not this rule's.
        assert!(flagged(&["ec2:DescribeInstances", "sts:GetCallerIdentity"], &["*"]).is_none());
    }

    #[test]
    fn every_step_is_from_the_published_list() {
        let steps: Vec<&str> = escalation_steps().map(|(s, _)| s).collect();
        assert!(steps.contains(&"iam:PassRole") && steps.contains(&"iam:CreateAccessKey"), "{steps:?}");
        assert!(steps.contains(&"glue:UpdateDevEndpoint") && !steps.contains(&"ec2:RunInstances"), "{steps:?}");
    }
}
