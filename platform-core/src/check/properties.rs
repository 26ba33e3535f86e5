//! Property tests of the checks whose input spaces are large: CIDR arithmetic, naming, and what IRSA policy
//! statements grant.

use ipnet::Ipv4Net;
use proptest::prelude::*;

use super::testing::*;
use super::{checked_names, findings};
use crate::naming::{suffix_error, MAX_SUFFIX_LEN};

/// A canonical IPv4 network with a prefix between /8 and /30.
fn network() -> impl Strategy<Value = Ipv4Net> {
    (any::<u32>(), 8u8..=30).prop_map(|(addr, prefix)| Ipv4Net::new(addr.into(), prefix).unwrap().trunc())
}

/// The address range of a network as integers: the overlap oracle, independent of `ipnet`'s `contains`.
fn range(n: &Ipv4Net) -> (u32, u32) {
    (u32::from(n.network()), u32::from(n.broadcast()))
}

fn network_findings(p: &Platform) -> Vec<Finding> {
    let network = [
        Rule::InvalidCidr,
        Rule::VpcCidrSize,
        Rule::SubnetOutsideVpc,
        Rule::SubnetsOverlap,
        Rule::SubnetPerAz,
        Rule::PodCidrOverlapsVpc,
        Rule::PodCidrRange,
    ];
    run(p).0.into_iter().filter(|f| network.contains(&f.rule)).collect()
}

proptest! {
    /// Any VPC from /16 to /20 inside 10.0.0.0/8, cut into six equal subnets from /19 to /28, passes every
    /// network rule: the checks accept every well-formed layout, not only the sample's.
    #[test]
    fn well_formed_layouts_pass(second in any::<u8>(), vpc_prefix in 16u8..=20, extra in 3u8..=8, skip in 0usize..8) {
        let vpc = Ipv4Net::new([10, second, 0, 0].into(), vpc_prefix).unwrap().trunc();
        let subnet_prefix = (vpc_prefix + extra).min(28);
        let cut: Vec<String> = vpc.subnets(subnet_prefix).unwrap().skip(skip).take(6).map(|n| n.to_string()).collect();
        prop_assume!(cut.len() == 6);
        let mut p = sample();
        p.vpc.cidr = vpc.to_string();
        p.vpc.private_subnets = cut[..3].to_vec();
        p.vpc.public_subnets = cut[3..].to_vec();
        prop_assert!(network_findings(&p).is_empty(), "{:?}", network_findings(&p));
    }

    /// Two public subnets are reported as overlapping exactly when their address ranges intersect.
    #[test]
    fn overlap_matches_address_ranges(a in 0u32..65_536, a_prefix in 16u8..=28, b in 0u32..65_536, b_prefix in 16u8..=28) {
        let net = |offset: u32, prefix| Ipv4Net::new((u32::from_be_bytes([10, 1, 0, 0]) + offset).into(), prefix).unwrap().trunc();
        let (x, y) = (net(a, a_prefix), net(b, b_prefix));
        prop_assume!(x != y);
        let mut p = sample();
        p.vpc.cidr = "10.1.0.0/16".into();
        p.vpc.private_subnets = vec!["10.1.0.0/28".into(), "10.1.0.16/28".into(), "10.1.0.32/28".into()];
        prop_assume!(p.vpc.private_subnets.iter().all(|s| {
            let s: Ipv4Net = s.parse().unwrap();
            let ((s0, s1), (x0, x1), (y0, y1)) = (range(&s), range(&x), range(&y));
            (x1 < s0 || x0 > s1) && (y1 < s0 || y0 > s1)
        }));
        p.vpc.public_subnets = vec![x.to_string(), y.to_string(), "10.1.0.48/28".into()];
        prop_assume!(![x, y].iter().any(|n| { let (n0, n1) = range(n); n0 <= u32::from_be_bytes([10, 1, 0, 63]) && n1 >= u32::from_be_bytes([10, 1, 0, 48]) }));
        let ((x0, x1), (y0, y1)) = (range(&x), range(&y));
        let intersect = x0 <= y1 && y0 <= x1;
        let f = run(&p);
        let reported = f.of(Rule::SubnetsOverlap);
        prop_assert_eq!(!reported.is_empty(), intersect, "{} {} {}", x, y, f);
        if intersect {
            prop_assert_eq!(reported.len(), 2, "reported on both: {}", f);
        }
    }

    /// Any text in a CIDR field is either accepted in canonical form or reported once as `network/invalid-cidr`;
    /// no input panics.
    #[test]
    fn any_cidr_text_is_parsed_or_reported(text in "\\PC{0,20}|[0-9./]{1,20}|(10|100|172|192)\\.[0-9]{1,3}\\.[0-9]{1,3}\\.[0-9]{1,3}/[0-9]{1,2}") {
        let mut p = sample();
        p.vpc.pod_cidr = text.clone();
        let f = run(&p);
        let canonical = text.parse::<Ipv4Net>().is_ok_and(|n| n.trunc() == n && n.to_string() == text);
        prop_assert_eq!(f.of(Rule::InvalidCidr).len(), usize::from(!canonical), "{}", f);
    }

    /// Random networks never panic any check, wherever they are put.
    #[test]
    fn random_networks_never_panic(vpc in network(), subnets in prop::collection::vec(network(), 0..8), pod in network()) {
        let mut p = sample();
        p.vpc.cidr = vpc.to_string();
        p.vpc.private_subnets = subnets.iter().take(4).map(Ipv4Net::to_string).collect();
        p.vpc.public_subnets = subnets.iter().skip(4).map(Ipv4Net::to_string).collect();
        p.vpc.pod_cidr = pod.to_string();
        let _ = run(&p);
    }

    /// Any text as a tenant name: `naming/syntax` fires exactly when it is not a lowercase identifier, and its
    /// suggestion (when given) is itself a valid name.
    #[test]
    fn any_name_is_accepted_or_explained(name in "\\PC{0,70}|[a-z][a-z0-9_]{0,70}|[A-Za-z0-9_-]{1,20}") {
        let mut p = sample();
        p.tenants[2].name = name.clone();
        let f = run(&p);
        let syntax = f.of(Rule::NameSyntax);
        prop_assert_eq!(syntax.is_empty(), super::values::is_name(&name), "{}", f);
        for s in syntax {
            if let Some(suggested) = s.help.strip_prefix("write `").and_then(|h| h.split('`').next()) {
                prop_assert!(super::values::is_name(suggested), "{}", s.help);
            }
        }
    }

    /// A definition without `naming/length` errors fits every AWS limit with every suffix the CLI accepts; and
    /// with one, some suffix really overflows (the rule is neither too strict nor too lax).
    #[test]
    fn length_check_is_exact(len in 1usize..60, suffix in "[a-z0-9]{1,8}") {
        prop_assume!(suffix_error(&suffix).is_none());
        let mut p = sample();
        p.irsa[0].name = "a".repeat(len);
        let too_long = !findings(&p, BEFORE_EOL).of(Rule::NameLength).is_empty();
        let fits = |s: &str| checked_names(&p, s).iter().all(|(_, kind, name)| name.len() <= kind.max_len());
        if too_long {
            prop_assert!(!fits(&"x".repeat(MAX_SUFFIX_LEN)));
        } else {
            prop_assert!(fits(&suffix));
        }
    }
}

/// Concrete actions that are no privilege-escalation step: never reported, whatever the resources.
const ORDINARY: &[&str] = &[
    "s3:GetObject",
    "s3:PutObject",
    "ec2:DescribeInstances",
    "ec2:RunInstances",
    "sts:AssumeRole",
    "kms:Decrypt",
    "dynamodb:PutItem",
    "iam:GetRole",
    "secretsmanager:GetSecretValue",
];

/// An action: a wildcard of some breadth, an ordinary one, an escalation step, or a generated one.
fn action() -> impl Strategy<Value = String> {
    prop_oneof![
        prop::sample::select(vec!["*", "*:*", "s3:*", "iam:*", "ec2:*", "iam:Put*", "iam:Pass*", "lambda:Update*"])
            .prop_map(String::from),
        prop::sample::select(ORDINARY).prop_map(String::from),
        prop::sample::select(crate::check::privilege::escalation_steps().map(|(s, _)| s).collect::<Vec<_>>())
            .prop_map(String::from),
        "[a-z0-9]{1,8}:[A-Za-z*?]{1,12}",
    ]
}

/// A resource: unscoped in some spelling, scoped, or generated.
fn resource() -> impl Strategy<Value = String> {
    prop_oneof![
        prop::sample::select(vec![
            "*",
            "arn:*",
            "arn:aws:*",
            "arn:aws:*:*:*:*",
            "arn:aws:s3:::*",
            "arn:aws:iam::*:role/*",
            "arn:aws:s3:::bucket/*",
            "arn:aws:iam::111122223333:role/app",
            "arn:aws:kms:us-east-2:111122223333:key/1234",
        ])
        .prop_map(String::from),
        "arn:aws[a-z-]{0,4}:[a-z0-9*]{0,6}:[a-z0-9-*]{0,9}:[0-9*]{0,12}:[a-z/*:]{0,12}",
    ]
}

fn statement() -> impl Strategy<Value = Statement> {
    (prop::collection::vec(action(), 1..4), prop::collection::vec(resource(), 1..4))
        .prop_map(|(actions, resources)| Statement { actions, resources })
}

fn with_policy(statements: Vec<Statement>) -> Platform {
    let mut p = sample();
    p.irsa.push(IrsaBinding {
        name: "app".into(),
        namespace: "cards".into(),
        service_account: "app".into(),
        policy: Policy::Custom(statements),
    });
    p
}

fn wildcard_paths(p: &Platform) -> Vec<String> {
    run(p).of(Rule::WildcardPolicy).iter().map(|f| f.path.as_str().to_owned()).collect()
}

proptest! {
    /// One finding per statement at most, on one of its actions, and never a syntax finding on the same token.
    #[test]
    fn each_statement_is_reported_once_at_most(statements in prop::collection::vec(statement(), 1..4)) {
        let p = with_policy(statements.clone());
        let f = run(&p);
        for (j, _) in statements.iter().enumerate() {
            let prefix = format!("irsa[6].policy[{j}].actions[");
            let wide: Vec<&str> = f.of(Rule::WildcardPolicy).iter().map(|f| f.path.as_str()).filter(|p| p.starts_with(&prefix)).collect();
            prop_assert!(wide.len() <= 1, "{:?}: {}", statements[j], f);
            for at in wide {
                prop_assert!(f.of(Rule::PolicySyntax).iter().all(|s| s.path.as_str() != at), "{}", f);
            }
        }
        prop_assert!(f.of(Rule::WildcardPolicy).len() <= statements.len());
    }

    /// Granting more never passes: a reported statement stays reported with another action or resource added.
    #[test]
    fn wider_statements_stay_reported(s in statement(), extra_action in action(), extra_resource in resource()) {
        prop_assume!(!wildcard_paths(&with_policy(vec![s.clone()])).is_empty());
        let mut wider = s.clone();
        wider.actions.push(extra_action);
        prop_assert!(!wildcard_paths(&with_policy(vec![wider.clone()])).is_empty(), "{:?}", wider);
        wider.resources.insert(0, extra_resource);
        prop_assert!(!wildcard_paths(&with_policy(vec![wider.clone()])).is_empty(), "{:?}", wider);
    }

    /// Every action on `*`, however spelled among its actions, is reported; concrete ordinary actions never are.
    #[test]
    fn everything_is_reported_and_ordinary_actions_are_not(
        s in statement(),
        ordinary in prop::collection::vec(prop::sample::select(ORDINARY), 1..4),
        all in prop::sample::select(vec!["*", "*:*", "**"]),
    ) {
        let mut everything = s.clone();
        everything.actions.push(all.to_owned());
        everything.resources.push("*".into());
        prop_assert_eq!(wildcard_paths(&with_policy(vec![everything.clone()])).len(), 1, "{:?}", everything);
        let narrow = Statement { actions: ordinary.iter().map(|a| (*a).to_owned()).collect(), resources: s.resources };
        prop_assert!(wildcard_paths(&with_policy(vec![narrow.clone()])).is_empty(), "{:?}", narrow);
    }

    /// Every published escalation step on `*` is reported, in any letter case and behind a trailing wildcard.
    #[test]
    fn escalation_steps_on_every_resource_are_reported(
        step in prop::sample::select(crate::check::privilege::escalation_steps().map(|(s, _)| s).collect::<Vec<_>>()),
        cut in 1usize..30,
        upper in any::<bool>(),
    ) {
        let (service, name) = step.split_once(':').unwrap();
        let name = if upper { name.to_ascii_uppercase() } else { name.to_ascii_lowercase() };
        let prefix = format!("{service}:{}*", &name[..cut.min(name.len())]);
        for spelled in [format!("{service}:{name}"), prefix] {
            let p = with_policy(vec![Statement { actions: vec![spelled.clone()], resources: vec!["*".into()] }]);
            prop_assert_eq!(wildcard_paths(&p), vec!["irsa[6].policy[0].actions[0]".to_owned()], "{}", spelled);
        }
    }
}
