//! IRSA rules: namespaces, service accounts, the platform controllers' roles, and custom policy statements.

use std::collections::{BTreeMap, BTreeSet};

use super::values::{did_you_mean_or, is_dns_subdomain, quoted, ticks};
use super::{at, privilege, FieldPath, Finding, Findings, Fix, Rule};
use crate::catalog::namespaces::SYSTEM_NAMESPACES;
use crate::checked::Controllers;
use crate::model::{IrsaBinding, Keyword, ManagedPolicy, Platform, Policy, Statement};
use crate::naming::label;

/// The IRSA rules, and the platform controllers' bindings they check (`None` when one is missing).
pub(super) fn check<'p>(p: &'p Platform, out: &mut Findings) -> Option<Controllers<'p>> {
    let known: BTreeSet<String> = namespaces(p).into_iter().collect();
    for (i, b) in p.irsa.iter().enumerate() {
        let path = at("irsa").index(i);
        check_namespace(p, &known, b, &path, out);
        check_service_account(b, &path, out);
        if let Policy::Custom(statements) = &b.policy {
            for (j, s) in statements.iter().enumerate() {
                let path = path.key("policy").index(j);
                let reported = check_wildcard(s, &path, out);
                check_statement_syntax(s, reported, &path, out);
            }
        }
    }
    check_controller_roles(p, out)
}

/// Every namespace a binding may name: the tenants' and the system namespaces.
fn namespaces(p: &Platform) -> Vec<String> {
    let tenants = p.tenants.iter().map(|t| label(&t.name));
    tenants.chain(SYSTEM_NAMESPACES.iter().map(|n| (*n).to_owned())).collect()
}

/// `irsa/unknown-namespace`: the role's trust policy is pinned to `system:serviceaccount:<ns>:<sa>`; a namespace
/// nobody creates makes a role that nothing can assume (`known`: [`namespaces`], looked up once per platform).
fn check_namespace(p: &Platform, known: &BTreeSet<String>, b: &IrsaBinding, path: &FieldPath, out: &mut Findings) {
    if known.contains(&b.namespace) {
        return;
    }
    let known = namespaces(p);
    let (help, fix) =
        did_you_mean_or(&path.key("namespace"), &b.namespace, known.iter().map(String::as_str), quoted, || {
            format!("use a tenant's namespace or one of {}", ticks(&known))
        });
    out.push(
        Finding::new(
            Rule::UnknownNamespace,
            path.key("namespace"),
            &b.namespace,
            format!(
                "IRSA binding `{}` names namespace `{}`, which is neither a tenant's nor a system namespace",
                b.name, b.namespace
            ),
            help,
        )
        .maybe_fix(fix),
    );
}

/// `irsa/service-account`: the service account is a Kubernetes object name (DNS-1123 subdomain), and for the
/// addon-managed accounts it is the one the addon creates.
fn check_service_account(b: &IrsaBinding, path: &FieldPath, out: &mut Findings) {
    let sa = &b.service_account;
    if !is_dns_subdomain(sa) {
        let fixed = sa.to_ascii_lowercase().replace('_', "-");
        let fix = is_dns_subdomain(&fixed).then(|| Fix::set(path.key("service_account"), quoted(&fixed)));
        let help = match &fix {
            Some(fix) => format!("write `{}`", fix.dsl()),
            None => "use lowercase letters, digits, `-` and `.`".to_owned(),
        };
        out.push(
            Finding::new(
                Rule::ServiceAccount,
                path.key("service_account"),
                sa,
                format!("service account `{sa}` of IRSA binding `{}` is not a valid Kubernetes name", b.name),
                help,
            )
            .maybe_fix(fix),
        );
        return;
    }
    let addon_account = match b.policy {
        Policy::Managed(kind) => kind.addon_service_account(),
        Policy::Custom(_) => None,
    };
    if let Some((namespace, account)) = addon_account {
        if (b.namespace.as_str(), sa.as_str()) != (namespace, account) {
            let mut fixes = Vec::new();
            if b.namespace != namespace {
                fixes.push(Fix::set(path.key("namespace"), quoted(namespace)));
            }
            if sa != account {
                fixes.push(Fix::set(path.key("service_account"), quoted(account)));
            }
            let fix = if fixes.len() == 1 { fixes.remove(0) } else { Fix::All(fixes) };
            out.push(
                Finding::new(
                    Rule::ServiceAccount,
                    path.key("service_account"),
                    sa,
                    format!(
                        "IRSA binding `{}` names `{}/{sa}`, but its EKS addon runs as `{namespace}/{account}`",
                        b.name, b.namespace
                    ),
                    format!("write `{}`", fix.dsl()),
                )
                .with_fix(fix),
            );
        }
    }
}

/// Whether `action` is shaped `service:Action`: a lowercase service prefix, then letters, digits and wildcards.
fn is_action(action: &str) -> bool {
    action == "*"
        || action.split_once(':').is_some_and(|(service, name)| {
            !service.is_empty()
                && service.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
                && !name.is_empty()
                && name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'*' || b == b'?')
        })
}

/// `irsa/policy-syntax`: IAM rejects an action without its service prefix and a resource that is neither `*`
/// nor an ARN (`MalformedPolicyDocument`), and a statement needs both lists. `reported`: the action
/// `irsa/wildcard-policy` already reported (`*:*`), which is not reported twice.
fn check_statement_syntax(s: &Statement, reported: Option<usize>, path: &FieldPath, out: &mut Findings) {
    for (key, list) in [("actions", &s.actions), ("resources", &s.resources)] {
        if list.is_empty() {
            out.push(Finding::new(
                Rule::PolicySyntax,
                path.key(key),
                "[]",
                format!("a policy statement has no {key}"),
                format!("list at least one entry in `{key}`"),
            ));
        }
    }
    for (k, action) in s.actions.iter().enumerate() {
        if !is_action(action) && reported != Some(k) {
            out.push(Finding::new(
                Rule::PolicySyntax,
                path.key("actions").index(k),
                action,
                format!("action `{action}` is not shaped `service:Action`"),
                format!("prefix `{action}` with the service that defines it: `service:{action}`"),
            ));
        }
    }
    for (k, resource) in s.resources.iter().enumerate() {
        if resource != "*" && !resource.starts_with("arn:") {
            out.push(Finding::new(
                Rule::PolicySyntax,
                path.key("resources").index(k),
                resource,
                format!("resource `{resource}` is neither `*` nor an ARN"),
                "write the ARN of the resource the action is for (`arn:aws:<service>:…`), or `*`",
            ));
        }
    }
}

/// `irsa/wildcard-policy` (PCI DSS 7.2: least privilege): no statement gives a pod a whole service, or all of AWS,
/// on every resource (`*`, `arn:*`, `arn:aws:*`, `arn:aws:s3:::*` for `s3:*`), nor a privilege-escalation step
/// (`iam:PassRole`, `iam:PutRolePolicy`, … from Rhino Security Labs' published methods) on every resource of its
/// type ([`super::privilege`]). One finding per statement, on the action that does it; returns its index.
fn check_wildcard(s: &Statement, path: &FieldPath, out: &mut Findings) -> Option<usize> {
    let excess = privilege::excess(&s.actions, &s.resources)?;
    let action = &s.actions[excess.action];
    out.push(Finding::new(
        Rule::WildcardPolicy,
        path.key("actions").index(excess.action),
        action,
        excess.message,
        excess.help,
    ));
    Some(excess.action)
}

/// `irsa/controller-roles`: every platform controller runs on IRSA (requirement 6), so each managed policy has a
/// binding, once (two bindings would render two roles for one service account). The DSL implies the binding of
/// every controller no block is written for ([`IrsaBinding::with_implied`]), except when a binding of another
/// policy has taken its name: that binding is reported. A platform built without the DSL may lack one. The first
/// binding of each.
fn check_controller_roles<'p>(p: &'p Platform, out: &mut Findings) -> Option<Controllers<'p>> {
    let mark = out.mark();
    let mut first = BTreeMap::new();
    for &(_, policy) in ManagedPolicy::ALL {
        let bindings: Vec<usize> = (0..p.irsa.len()).filter(|i| p.irsa[*i].policy == Policy::Managed(policy)).collect();
        if bindings.is_empty() {
            out.push(missing_controller_role(p, policy));
        }
        for &i in bindings.iter().skip(1) {
            out.push(Finding::new(
                Rule::ControllerRoles,
                at("irsa").index(i),
                policy.keyword(),
                format!("policy `{policy}` is already bound by `{}`", p.irsa[bindings[0]].name),
                "remove this binding: one controller, one role",
            ));
        }
        if let Some(&i) = bindings.first() {
            first.insert(policy, &p.irsa[i]);
        }
    }
    out.guarded(mark, "a controller's binding", Controllers::new(|policy| first.get(&policy).copied()))
}

/// The finding for a controller without a binding: on the binding that took the implied one's name, or (a
/// platform built without the DSL) on the list, with the implied binding as the block to add.
fn missing_controller_role(p: &Platform, policy: ManagedPolicy) -> Finding {
    let implied = policy.implied_binding();
    let block = format!(
        "irsa {} {{ namespace: {}, service_account: {}, policy: {policy} }}",
        implied.name,
        quoted(&implied.namespace),
        quoted(&implied.service_account)
    );
    match p.irsa.iter().position(|b| b.name == implied.name) {
        Some(i) => Finding::new(
            Rule::ControllerRoles,
            at("irsa").index(i),
            &implied.name,
            format!(
                "IRSA binding `{}` takes the name of the binding the platform implies for controller `{policy}`, \
                 and no binding uses policy `{policy}`",
                implied.name
            ),
            format!("rename this binding: the platform then implies `{block}`"),
        ),
        None => Finding::new(
            Rule::ControllerRoles,
            at("irsa"),
            policy.keyword(),
            format!("no IRSA binding uses policy `{policy}`, but the platform runs that controller"),
            format!("add `{block}`"),
        )
        .with_fix(Fix::Block { text: block }),
    }
}

#[cfg(test)]
mod tests {
    use super::super::testing::*;
    use super::is_action;

    fn custom(actions: &[&str], resources: &[&str]) -> IrsaBinding {
        IrsaBinding {
            name: "app".into(),
            namespace: "cards".into(),
            service_account: "app".into(),
            policy: Policy::Custom(vec![Statement {
                actions: actions.iter().map(|s| (*s).into()).collect(),
                resources: resources.iter().map(|s| (*s).into()).collect(),
            }]),
        }
    }

    #[test]
    fn namespaces() {
        let mut p = sample();
        p.irsa[3].namespace = "externalsecrets".into();
        p.irsa.push(custom(&["s3:GetObject"], &["arn:aws:s3:::b/*"]));
        p.irsa[6].namespace = "web".into();
        let f = run(&p);
        let typo = expect(&f, Rule::UnknownNamespace, "irsa[3].namespace", "`externalsecrets`");
        assert_eq!(typo.help, "did you mean `namespace: \"external-secrets\"`?");
        assert_eq!(f.errors().count(), 1, "a tenant namespace is fine: {f}");
    }

    #[test]
    fn service_accounts() {
        let mut p = sample();
        p.irsa[0].service_account = "Cluster_Autoscaler".into();
        p.irsa[4].service_account = "ebs-csi".into();
        let f = run(&p);
        let bad = expect(&f, Rule::ServiceAccount, "irsa[0].service_account", "not a valid Kubernetes name");
        assert_eq!(bad.help, "write `service_account: \"cluster-autoscaler\"`");
        let fixed = expect(&f, Rule::ServiceAccount, "irsa[4].service_account", "`kube-system/ebs-csi-controller-sa`");
        assert!(fixed.help.contains("`service_account: \"ebs-csi-controller-sa\"`"));
    }

    #[test]
    fn wildcards() {
        let mut p = sample();
        p.irsa.push(custom(&["s3:GetObject", "*"], &["*"]));
        p.irsa.push(custom(&["*:*"], &["arn:aws:s3:::b"]));
        p.irsa[7].name = "app2".into();
        let f = run(&p);
        expect(&f, Rule::WildcardPolicy, "irsa[6].policy[0].actions[1]", "every AWS permission");
        assert_eq!(f.of(Rule::WildcardPolicy).len(), 1, "`*:*` on one ARN is not `*` on `*`: {f}");
    }

    /// What used to pass: everything on `arn:*`, a whole service on `*` or on all its ARNs, an escalation step on
    /// every role; each statement reported once, `*:*` not also as a syntax error.
    #[test]
    fn everything_by_another_name_is_reported_once() {
        let cases: &[(&[&str], &[&str], usize)] = &[
            (&["*"], &["arn:*"], 0),
            (&["*"], &["arn:aws:*"], 0),
            (&["s3:GetObject", "iam:*"], &["*"], 1),
            (&["s3:*"], &["*"], 0),
            (&["s3:*"], &["arn:aws:s3:::bucket/*", "arn:aws:s3:::*"], 0),
            (&["*:*", "*"], &["*"], 0),
            (&["iam:PassRole"], &["arn:aws:iam::*:role/*"], 0),
            (&["sts:GetCallerIdentity", "iam:Attach*"], &["*"], 1),
        ];
        for &(actions, resources, at) in cases {
            let mut p = sample();
            p.irsa.push(custom(actions, resources));
            let f = run(&p);
            expect(&f, Rule::WildcardPolicy, &format!("irsa[6].policy[0].actions[{at}]"), "on resource");
            assert_eq!(f.errors().count(), 1, "{actions:?} on {resources:?}: {f}");
        }
        let mut p = sample();
        p.irsa
            .push(custom(&["s3:*", "iam:PassRole"], &["arn:aws:s3:::bucket/*", "arn:aws:iam::111122223333:role/app"]));
        assert!(run(&p).0.is_empty(), "a service on one bucket, one role passed: {}", run(&p));
    }

    #[test]
    fn statement_syntax() {
        assert!(is_action("s3:GetObject") && is_action("ec2:Describe*") && is_action("*"));
        assert!(
            !is_action("GetObject") && !is_action("S3:GetObject") && !is_action("s3:") && !is_action("s3:Get Object")
        );
        let mut p = sample();
        p.irsa.push(custom(&["GetObject"], &["bucket"]));
        p.irsa.push(custom(&[], &[]));
        p.irsa[7].name = "app2".into();
        let f = run(&p);
        expect(&f, Rule::PolicySyntax, "irsa[6].policy[0].actions[0]", "`GetObject`");
        expect(&f, Rule::PolicySyntax, "irsa[6].policy[0].resources[0]", "`bucket`");
        expect(&f, Rule::PolicySyntax, "irsa[7].policy[0].actions", "no actions");
        expect(&f, Rule::PolicySyntax, "irsa[7].policy[0].resources", "no resources");
    }

    /// A platform that writes no binding has each controller's implied one, the binding the customer's definition
    /// wrote out before (`platform-bin/src/platform.rs`), and it passes every rule.
    #[test]
    fn controller_roles_are_implied() {
        let implied = IrsaBinding::with_implied(Vec::new());
        let spelled: Vec<(&str, &str, &str)> =
            implied.iter().map(|b| (b.name.as_str(), b.namespace.as_str(), b.service_account.as_str())).collect();
        assert_eq!(
            spelled,
            [
                ("cluster_autoscaler", "kube-system", "cluster-autoscaler"),
                ("aws_load_balancer_controller", "kube-system", "aws-load-balancer-controller"),
                ("external_dns", "external-dns", "external-dns"),
                ("external_secrets", "external-secrets", "external-secrets"),
                ("ebs_csi", "kube-system", "ebs-csi-controller-sa"),
                ("cloudwatch_observability", "amazon-cloudwatch", "cloudwatch-agent"),
            ]
        );
        let policies: Vec<Policy> = ManagedPolicy::ALL.iter().map(|(_, kind)| Policy::Managed(*kind)).collect();
        assert_eq!(implied.iter().map(|b| b.policy.clone()).collect::<Vec<_>>(), policies);
        let mut p = sample();
        p.irsa = implied;
        assert!(run(&p).0.is_empty(), "{}", run(&p));
    }

    /// A written binding with a controller's policy is that controller's, under the name and account it gives;
    /// the other controllers keep their implied ones, after the written bindings.
    #[test]
    fn a_written_binding_replaces_the_implied_one() {
        let dns = IrsaBinding {
            name: "dns".into(),
            namespace: "external-dns".into(),
            service_account: "dns-controller".into(),
            policy: Policy::Managed(ManagedPolicy::ExternalDns),
        };
        let app = custom(&["s3:GetObject"], &["arn:aws:s3:::b/*"]);
        let all = IrsaBinding::with_implied(vec![dns.clone(), app.clone()]);
        assert_eq!(all[..2], [dns, app]);
        let implied: Vec<&str> = all[2..].iter().map(|b| b.name.as_str()).collect();
        assert_eq!(
            implied,
            [
                "cluster_autoscaler",
                "aws_load_balancer_controller",
                "external_secrets",
                "ebs_csi",
                "cloudwatch_observability"
            ]
        );
        let mut p = sample();
        p.irsa = all;
        assert!(run(&p).0.is_empty(), "{}", run(&p));
    }

    #[test]
    fn controller_roles() {
        // Two written bindings of one controller: the second is refused.
        let mut dns = sample().irsa[2].clone();
        dns.name = "dns".into();
        let written = vec![sample().irsa[2].clone(), dns];
        let mut p = sample();
        p.irsa = IrsaBinding::with_implied(written);
        let f = run(&p);
        let twice = expect(&f, Rule::ControllerRoles, "irsa[1]", "already bound by `external_dns`");
        assert_eq!(twice.help, "remove this binding: one controller, one role");
        assert_eq!(f.errors().count(), 1, "{f}");

        // A binding of another policy under a controller's name: the controller has none, and that binding is
        // reported.
        let mut p = sample();
        p.irsa = IrsaBinding::with_implied(vec![IrsaBinding {
            name: "external_dns".into(),
            ..custom(&["s3:GetObject"], &["arn:aws:s3:::b/*"])
        }]);
        let f = run(&p);
        let taken = expect(&f, Rule::ControllerRoles, "irsa[0]", "takes the name of the binding the platform implies");
        assert!(taken.help.starts_with("rename this binding"), "{}", taken.help);
        assert_eq!(f.errors().count(), 1, "{f}");

        // Built without the DSL: a controller may lack its binding.
        let mut p = sample();
        p.irsa.remove(2);
        p.irsa[0].policy = Policy::Managed(ManagedPolicy::AwsLoadBalancerController);
        let f = run(&p);
        let missing = expect(&f, Rule::ControllerRoles, "irsa", "`external_dns`");
        assert_eq!(
            missing.help,
            "add `irsa external_dns { namespace: \"external-dns\", service_account: \"external-dns\", policy: external_dns }`"
        );
        expect(&f, Rule::ControllerRoles, "irsa[0]", "for controller `cluster_autoscaler`");
        expect(&f, Rule::ControllerRoles, "irsa[1]", "already bound by `cluster_autoscaler`");
    }
}
