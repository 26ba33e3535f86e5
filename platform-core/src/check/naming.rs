//! Naming rules: identifier syntax, uniqueness, AWS length limits once the suffix is added, and tags.

use std::collections::{BTreeMap, BTreeSet};

use super::values::{is_name, plural, suggest_name};
use super::{at, FieldPath, Finding, Findings, Fix, Rule};
use crate::catalog::namespaces::SYSTEM_NAMESPACES;
use crate::model::{Capacity, Platform, Purchase};
use crate::naming::{
    archive_source, kms_key, label, tenant_secrets_component, NameKind, Names, ServiceRole, MAX_SUFFIX_LEN,
    TENANT_SECRETS_SERVICE_ACCOUNT,
};

pub(super) fn check(p: &Platform, out: &mut Findings) {
    check_name_syntax(p, out);
    check_unique_names(p, out);
    check_tenant_namespaces(p, out);
    check_tenant_secrets_names(p, out);
    check_name_lengths(p, out);
    check_tags(p, out);
}

/// Every named thing of the DSL: its path, what it is, and its name.
fn named(p: &Platform) -> Vec<(FieldPath, &'static str, &str)> {
    let mut all = vec![(at("name"), "platform", p.name.as_str())];
    all.extend(
        p.node_groups.iter().enumerate().map(|(i, g)| (at("node_groups").index(i), "node group", g.name.as_str())),
    );
    all.extend(p.tenants.iter().enumerate().map(|(i, t)| (at("tenants").index(i), "tenant", t.name.as_str())));
    all.extend(p.irsa.iter().enumerate().map(|(i, b)| (at("irsa").index(i), "IRSA binding", b.name.as_str())));
    all
}

/// `naming/syntax`: names are lowercase identifiers (`[a-z][a-z0-9_]*`) whose label form (`_` → `-`) is a
/// DNS-1123 label, because they become parts of AWS names, Kubernetes namespaces and label values.
fn check_name_syntax(p: &Platform, out: &mut Findings) {
    for (path, what, name) in named(p) {
        if is_name(name) {
            continue;
        }
        // The platform's name is a string (`name: "fintech"`), the others the identifier after the block's kind.
        let fix = suggest_name(name)
            .map(|s| Fix::set(path.clone(), if path.as_str() == "name" { format!("{s:?}") } else { s }));
        let help = match &fix {
            Some(fix) => format!("write `{}`: lowercase letters, digits and `_`, starting with a letter", fix.dsl()),
            None => "use lowercase letters, digits and `_`, starting with a letter".to_owned(),
        };
        let why = if name.len() > 63 { "is longer than 63 characters" } else { "is not a lowercase identifier" };
        out.push(
            Finding::new(Rule::NameSyntax, path, name, format!("{what} name `{name}` {why}"), help).maybe_fix(fix),
        );
    }
}

/// `naming/duplicate`: names are unique within their kind, since each becomes one AWS resource name (a second
/// `CreateNodegroup` or `CreateRole` with the same name fails). Reported once, on the later declaration (as
/// rustc reports a name defined twice), naming the first.
fn check_unique_names(p: &Platform, out: &mut Findings) {
    let all = named(p);
    let mut first: BTreeMap<(&str, &str), usize> = BTreeMap::new();
    for (i, (path, what, name)) in all.iter().enumerate() {
        let Some(&j) = first.get(&(*what, *name)) else {
            first.insert((what, name), i);
            continue;
        };
        out.push(
            Finding::new(
                Rule::DuplicateName,
                path.clone(),
                *name,
                format!("{what} name `{name}` is already used by `{}`", all[j].0),
                format!("rename this {what}, or remove it if it repeats `{}`", all[j].0),
            )
            .related_to(all[j].0.clone()),
        );
    }
}

/// `naming/duplicate`: a tenant's namespace (its label) may not be a system namespace: the platform would hand
/// the tenant's RBAC and quota over `kube-system` or a controller's namespace.
fn check_tenant_namespaces(p: &Platform, out: &mut Findings) {
    for (i, tenant) in p.tenants.iter().enumerate() {
        let namespace = label(&tenant.name);
        if SYSTEM_NAMESPACES.contains(&namespace.as_str()) {
            out.push(Finding::new(
                Rule::DuplicateName,
                at("tenants").index(i),
                &tenant.name,
                format!("tenant `{}` would take the system namespace `{namespace}`", tenant.name),
                format!("rename the tenant, e.g. `{}_team`", tenant.name),
            ));
        }
    }
}

/// `naming/duplicate`: each tenant owns an IAM role `role-<platform>-secrets-<tenant>-<suffix>` and a service
/// account `secret-store` in its namespace (its SecretStores' identity). An IRSA binding named `secrets_<tenant>`
/// would get the same role name (a second `CreateRole` fails), and a binding's service account `secret-store` in
/// a tenant namespace would be a second object of that name with another role.
fn check_tenant_secrets_names(p: &Platform, out: &mut Findings) {
    let mut roles: BTreeMap<String, &str> = BTreeMap::new();
    for t in &p.tenants {
        roles.entry(tenant_secrets_component(&t.name)).or_insert(&t.name);
    }
    let namespaces: BTreeSet<String> = p.tenants.iter().map(|t| label(&t.name)).collect();
    for (i, b) in p.irsa.iter().enumerate() {
        let path = at("irsa").index(i);
        if let Some(tenant) = roles.get(&label(&b.name)) {
            out.push(Finding::new(
                Rule::DuplicateName,
                path.clone(),
                &b.name,
                format!("IRSA binding `{}` would take the IAM role name of tenant `{tenant}`'s SecretStores", b.name),
                format!("rename the binding, e.g. `{}_irsa`", b.name),
            ));
        }
        let tenant_namespace = namespaces.contains(&b.namespace);
        if tenant_namespace && b.service_account == TENANT_SECRETS_SERVICE_ACCOUNT {
            out.push(Finding::new(
                Rule::DuplicateName,
                path.key("service_account"),
                &b.service_account,
                format!(
                    "service account `{TENANT_SECRETS_SERVICE_ACCOUNT}` in tenant namespace `{}` is the one the \
                     tenant's SecretStores use",
                    b.namespace
                ),
                "choose another service account name",
            ));
        }
    }
}

/// The account id the log archive bucket's name is measured with: every account id has 12 digits.
pub const CHECKED_ACCOUNT_ID: &str = "123456789012";

/// Every length-limited AWS name the renderers emit, with the path of the DSL name it is made from (the
/// platform's name for the platform's own resources, the implied IRSA bindings' among them), for an environment
/// `suffix`. Each name comes from the
/// [`Names`] method its renderer calls; the log archive bucket with [`CHECKED_ACCOUNT_ID`]. Names a platform may
/// not emit (flow logs off, both purchase options of a mixed group) are included: each is at most as long as one
/// it does emit. Names that fail `naming/syntax` are left out.
pub fn checked_names(p: &Platform, suffix: &str) -> Vec<(FieldPath, NameKind, String)> {
    if !is_name(&p.name) {
        return Vec::new();
    }
    let names = Names::new(&p.name, suffix);
    let platform = |kind, name| (at("name"), kind, name);
    let mut all = vec![
        platform(NameKind::EksCluster, names.cluster()),
        platform(NameKind::IamRole, names.cluster_role()),
        platform(NameKind::IamPolicy, names.cluster_secrets_key_policy()),
        platform(NameKind::IamRole, names.node_role()),
        platform(NameKind::IamPolicy, names.node_ssm_sessions_policy()),
        platform(NameKind::IamPolicy, names.ssm_sessions_policy()),
        platform(NameKind::SsmDocument, names.ssm_sessions_document()),
        platform(NameKind::SecurityGroup, names.endpoints_security_group()),
        platform(NameKind::S3Bucket, names.log_archive_bucket(CHECKED_ACCOUNT_ID)),
    ];
    for role in ServiceRole::ALL {
        all.push(platform(NameKind::IamRole, names.service_role(role)));
        all.push(platform(NameKind::IamPolicy, names.service_role_policy(role)));
    }
    all.extend(kms_key::ALL.map(|key| platform(NameKind::KmsAlias, names.kms_alias(key))));
    all.extend(archive_source::ALL.map(|source| platform(NameKind::FirehoseStream, names.log_archive_stream(source))));
    for (i, g) in p.node_groups.iter().enumerate().filter(|(_, g)| is_name(&g.name)) {
        let path = at("node_groups").index(i);
        // The purchase options the group is split into; a mixed one has both.
        let purchases: &[Purchase] = match g.capacity {
            Capacity::Spot => &[Purchase::Spot],
            Capacity::OnDemand => &[Purchase::OnDemand],
            Capacity::Mixed { .. } => &[Purchase::OnDemand, Purchase::Spot],
        };
        for &purchase in purchases {
            all.push((path.clone(), NameKind::NodeGroup, names.node_group(&g.name, purchase)));
        }
        all.push((path, NameKind::LaunchTemplate, names.launch_template(&g.name)));
    }
    for (i, b) in p.irsa.iter().enumerate().filter(|(_, b)| is_name(&b.name)) {
        // An implied binding's names are the platform's: nobody wrote a name to shorten (a block written exactly
        // as the implied one is measured alike).
        let path = if b.is_implied() { at("name") } else { at("irsa").index(i) };
        all.push((path.clone(), NameKind::IamRole, names.irsa_role(&b.name)));
        all.push((path, NameKind::IamPolicy, names.irsa_policy(&b.name)));
    }
    for (i, t) in p.tenants.iter().enumerate().filter(|(_, t)| is_name(&t.name)) {
        all.push((at("tenants").index(i), NameKind::KmsAlias, names.tenant_key_alias(&t.name)));
        all.push((at("tenants").index(i), NameKind::IamRole, names.tenant_secrets_role(&t.name)));
        all.push((at("tenants").index(i), NameKind::IamPolicy, names.tenant_secrets_policy(&t.name)));
    }
    all
}

/// `naming/length`: every AWS name stays within its service's limit (IAM role 64, node group 63, …) even with the
/// longest environment suffix the CLI accepts, so a deploy cannot fail on a name after the build passed.
///
/// One finding per DSL name, on its longest overrun, with how many kinds of AWS name it makes too long (the names
/// of one kind made from one DSL name differ only in fixed text: the longest stands for them). Every AWS name
/// starts with the platform name: a name is reported only if it is still too long once the platform name is
/// shortened as its own finding asks (a long platform name is one mistake, not one per node group).
fn check_name_lengths(p: &Platform, out: &mut Findings) {
    let suffix = "x".repeat(MAX_SUFFIX_LEN);
    let mut over: BTreeMap<FieldPath, Vec<(NameKind, String, usize)>> = BTreeMap::new();
    for (path, kind, name) in checked_names(p, &suffix) {
        if name.len() > kind.max_len() {
            let by = name.len() - kind.max_len();
            let names = over.entry(path).or_default();
            match names.iter_mut().find(|n| n.0 == kind) {
                Some(longest) if longest.2 < by => *longest = (kind, name, by),
                Some(_) => {}
                None => names.push((kind, name, by)),
            }
        }
    }
    let platform_cut = over.get(&at("name")).map_or(0, |names| names.iter().map(|n| n.2).max().unwrap_or(0));
    for (path, mut names) in over {
        let is_platform = path.as_str() == "name";
        if !is_platform {
            names.retain(|n| n.2 > platform_cut);
        }
        names.sort_by_key(|n| std::cmp::Reverse(n.2));
        let Some((kind, name, by)) = names.first() else { continue };
        let (len, max) = (name.len(), kind.max_len());
        let token = if is_platform { "the platform name" } else { "this name" };
        let others = match names.len() - 1 {
            0 => String::new(),
            n => format!(" (and {} more)", plural(n, "AWS name")),
        };
        let cut = by - if is_platform { 0 } else { platform_cut };
        out.push(Finding::new(
            Rule::NameLength,
            path,
            name,
            format!(
                "{} `{name}` would be {len} characters with a {MAX_SUFFIX_LEN}-character environment suffix, \
                 over the limit of {max}{others}",
                kind.what()
            ),
            format!("shorten {token} by at least {}", plural(cut, "character")),
        ));
    }
}

/// `naming/tag`: cost-allocation tags are put on every resource, so one bad tag fails every `Create*` call.
/// AWS tag rules: key 1–128 and value 0–256 characters of letters, digits, spaces and `_ . : / = + - @`; the
/// `aws:` key prefix is reserved (AWS General Reference, "Tagging AWS resources", tag naming limits).
fn check_tags(p: &Platform, out: &mut Findings) {
    let allowed = |s: &str| s.chars().all(|c| c.is_alphanumeric() || c == ' ' || "_.:/=+-@".contains(c));
    for (key, value) in &p.tags {
        let path = at("tags").key(key);
        let problem = if key.is_empty() || key.chars().count() > 128 || !allowed(key) {
            Some((
                key.as_str(),
                format!("tag key `{key}` is not 1 to 128 letters, digits, spaces or `_ . : / = + - @`"),
            ))
        } else if key.to_ascii_lowercase().starts_with("aws:") {
            Some((key.as_str(), format!("tag key `{key}` uses the prefix `aws:`, which AWS reserves")))
        } else if value.chars().count() > 256 || !allowed(value) {
            Some((
                value.as_str(),
                format!("value `{value}` of tag `{key}` is not up to 256 letters, digits, spaces or `_ . : / = + - @`"),
            ))
        } else {
            None
        };
        if let Some((bad, message)) = problem {
            out.push(Finding::new(
                Rule::TagSyntax,
                path,
                bad,
                message,
                "rename the tag: up to 128 letters, digits, spaces or `_ . : / = + - @`, not starting with `aws:`",
            ));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::testing::*;
    use crate::naming::{label, MAX_SUFFIX_LEN, TENANT_SECRETS_SERVICE_ACCOUNT};

    #[test]
    fn syntax() {
        let mut p = sample();
        p.node_groups[1].name = "General-Purpose".into();
        p.tenants[2].name = "web_".into();
        let f = run(&p);
        let g = expect(&f, Rule::NameSyntax, "node_groups[1]", "`General-Purpose`");
        assert!(g.help.contains("`node_group general_purpose`"), "{}", g.help);
        expect(&f, Rule::NameSyntax, "tenants[2]", "`web_`");
    }

    #[test]
    fn duplicates_are_reported_once() {
        let mut p = sample();
        p.irsa[1].name = "cluster_autoscaler".into();
        let f = run(&p);
        let a = expect(&f, Rule::DuplicateName, "irsa[1]", "`cluster_autoscaler` is already used by `irsa[0]`");
        assert_eq!(a.related.iter().map(|r| r.as_str()).collect::<Vec<_>>(), ["irsa[0]"]);
        assert_eq!(f.of(Rule::DuplicateName).len(), 1, "once, on the later one: {f}");
    }

    #[test]
    fn tenants_cannot_take_system_namespaces() {
        let mut p = sample();
        p.tenants[2].name = "kube_system".into();
        expect(&run(&p), Rule::DuplicateName, "tenants[2]", "`kube-system`");
    }

    #[test]
    fn bindings_cannot_take_a_tenants_secrets_role_or_account() {
        let mut p = sample();
        p.irsa[0].name = format!("secrets_{}", p.tenants[1].name);
        p.irsa[1].namespace = label(&p.tenants[0].name);
        p.irsa[1].service_account = TENANT_SECRETS_SERVICE_ACCOUNT.into();
        let f = run(&p);
        expect(&f, Rule::DuplicateName, "irsa[0]", "SecretStores");
        expect(&f, Rule::DuplicateName, "irsa[1].service_account", "`secret-store`");
    }

    #[test]
    fn a_tenants_secrets_role_fits_with_the_longest_suffix() {
        let mut p = sample();
        // role-<platform>-secrets-<tenant>-xxxxxxxx: the characters around the tenant's label.
        let around = format!("role-{}-secrets--", p.name).len() + MAX_SUFFIX_LEN;
        p.tenants[2].name = "a".repeat(64 - around);
        assert!(run(&p).of(Rule::NameLength).is_empty());
        p.tenants[2].name = "a".repeat(64 - around + 1);
        let f = run(&p);
        let long = expect(&f, Rule::NameLength, "tenants[2]", "65 characters");
        assert!(long.message.contains(&format!("IAM role name `role-{}-secrets-aaa", p.name)), "{}", long.message);
    }

    #[test]
    fn lengths_use_the_longest_suffix() {
        let mut p = sample();
        // role-<platform>-<binding>-xxxxxxxx: the characters around the binding's label.
        let around = format!("role-{}--", p.name).len() + MAX_SUFFIX_LEN;
        p.irsa[0].name = "a".repeat(64 - around);
        assert!(run(&p).of(Rule::NameLength).is_empty());
        p.irsa[0].name = "a".repeat(64 - around + 1);
        let f = run(&p);
        let long = expect(&f, Rule::NameLength, "irsa[0]", "65 characters");
        assert!(long.message.contains(&format!("IAM role name `role-{}-aaa", p.name)), "{}", long.message);
        assert!(long.message.contains("limit of 64"));
        assert_eq!(long.help, "shorten this name by at least 1 character");

        let mut p = sample();
        p.node_groups[0].name = "critical_transaction_processing_nodes_x".into();
        expect(&run(&p), Rule::NameLength, "node_groups[0]", "EKS node group name");
    }

    /// An implied binding's AWS names count as the platform's: a name too long with the platform name is the
    /// platform name's finding, since the user wrote no binding name to shorten. A binding written under another
    /// name is its own.
    #[test]
    fn implied_bindings_are_measured_with_the_platform_name() {
        let mut p = sample();
        // role-<platform>-aws-load-balancer-controller-xxxxxxxx: 65 characters with a 22-character platform name.
        p.name = "a".repeat(22);
        let f = run(&p);
        let long = expect(&f, Rule::NameLength, "name", "aws-load-balancer-controller");
        assert_eq!(long.help, "shorten the platform name by at least 1 character");
        assert_eq!(f.0.len(), 1, "{f}");
        p.irsa[1].name = "lb_controller".into();
        assert!(run(&p).0.is_empty(), "{}", run(&p));
        for len in 1..=63 {
            p.irsa = IrsaBinding::with_implied(Vec::new());
            p.name = "a".repeat(len);
            let f = run(&p);
            assert!(f.of(Rule::NameLength).iter().all(|f| f.path.as_str() == "name"), "{len}: {f}");
        }
    }

    #[test]
    fn tags() {
        let mut p = sample();
        p.tags.insert("aws:cost".into(), "x".into());
        p.tags.insert("team".into(), "a\"b".into());
        let f = run(&p);
        expect(&f, Rule::TagSyntax, "tags.aws:cost", "`aws:`");
        expect(&f, Rule::TagSyntax, "tags.team", "`a\"b`");
    }
}
