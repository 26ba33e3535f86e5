//! Property tests of the checks whose input spaces are large: CIDR arithmetic and naming.

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
