//! Network rules: CIDRs, subnets per AZ, region and zones, the pod CIDR, VPC endpoints, flow logs.

use std::net::Ipv4Addr;

use ipnet::Ipv4Net;

use super::values::{did_you_mean_or, plural, quoted, ticks};
use super::{at, FieldPath, Finding, Findings, Fix, Rule};
use crate::catalog::regions::{is_zone_of, REGIONS};
use crate::checked::{interface_service, pod_pools, Network};
use crate::model::{Endpoint, Keyword, NatGateways, Platform};

/// The network rules, and the network they check, with every CIDR parsed once (`None` when a rule guarding it
/// failed).
pub(super) fn check(p: &Platform, out: &mut Findings) -> Option<Network> {
    let mark = out.mark();
    let cidrs = Cidrs::parse(p);
    check_cidr_syntax(&cidrs, out);
    check_cidr_sizes(&cidrs, out);
    check_subnets_inside_vpc(p, &cidrs, out);
    check_subnets_overlap(&cidrs, out);
    check_subnet_per_az(p, out);
    check_region(p, out);
    check_three_azs(p, out);
    check_az_in_region(p, out);
    check_pod_cidr_disjoint(p, &cidrs, out);
    check_pod_cidr_range(p, &cidrs, out);
    check_required_endpoints(p, out);
    check_flow_logs(p, out);
    out.guarded(mark, "the network", network(p, &cidrs))
}

/// The network of `p` from its parsed CIDRs: `None` when one does not parse (`network/invalid-cidr`) or the pod
/// CIDR holds no pool per AZ (`network/pod-cidr-range` bounds its size, `network/three-azs` the zones).
fn network(p: &Platform, cidrs: &Cidrs) -> Option<Network> {
    let nets = |list: &[Cidr]| list.iter().map(Cidr::net).collect::<Option<Vec<_>>>();
    let (private, public) = cidrs.subnets.split_at(p.vpc.private_subnets.len());
    let azs = p.availability_zones.len();
    let pod_cidr = cidrs.pod.net()?;
    Some(Network {
        vpc: cidrs.vpc.net()?,
        private_subnets: nets(private)?,
        public_subnets: nets(public)?,
        pod_cidr,
        pod_pools: pod_pools(pod_cidr, azs)?,
        nat_gateways: match p.vpc.nat_gateways {
            NatGateways::OnePerAz => azs,
            NatGateways::Single => 1,
        },
        interface_endpoints: p.vpc.endpoints.iter().filter_map(|e| interface_service(*e).map(|s| (*e, s))).collect(),
    })
}

/// Parses a CIDR as written; `Err` carries the help (the canonical form when only host bits are wrong).
pub fn parse_cidr(s: &str) -> Result<Ipv4Net, String> {
    match s.parse::<Ipv4Net>() {
        Ok(net) if net.to_string() == s && net.trunc() == net => Ok(net),
        Ok(net) => Err(format!("write the network address `{}`", net.trunc())),
        Err(_) => Err("write an IPv4 network as `a.b.c.d/prefix`, e.g. `10.0.0.0/16`".into()),
    }
}

/// One CIDR as written, where it is, what it is, and parsed.
struct Cidr<'p> {
    path: FieldPath,
    what: &'static str,
    value: &'p str,
    parsed: Result<Ipv4Net, String>,
}

impl<'p> Cidr<'p> {
    fn new(path: FieldPath, what: &'static str, value: &'p str) -> Self {
        Cidr { path, what, value, parsed: parse_cidr(value) }
    }

    /// The network, when it parses in canonical form; invalid ones are reported once, by [`check_cidr_syntax`].
    fn net(&self) -> Option<Ipv4Net> {
        self.parsed.as_ref().ok().copied()
    }
}

/// Every CIDR of the VPC, each parsed once for all the rules.
struct Cidrs<'p> {
    vpc: Cidr<'p>,
    /// Private first (the order of the messages).
    subnets: Vec<Cidr<'p>>,
    pod: Cidr<'p>,
}

impl<'p> Cidrs<'p> {
    fn parse(p: &'p Platform) -> Self {
        let list = |key: &str, what, values: &'p [String]| {
            let values = values.iter().enumerate();
            values.map(move |(i, s)| Cidr::new(at("vpc").key(key).index(i), what, s)).collect::<Vec<_>>()
        };
        let mut subnets = list("private_subnets", "private subnet", &p.vpc.private_subnets);
        subnets.extend(list("public_subnets", "public subnet", &p.vpc.public_subnets));
        Cidrs {
            vpc: Cidr::new(at("vpc").key("cidr"), "VPC CIDR", &p.vpc.cidr),
            subnets,
            pod: Cidr::new(at("vpc").key("pod_cidr"), "pod CIDR", &p.vpc.pod_cidr),
        }
    }

    /// The subnets that parse: path, what, value, network.
    fn parsed_subnets(&self) -> Vec<(FieldPath, &'static str, &'p str, Ipv4Net)> {
        self.subnets.iter().filter_map(|c| Some((c.path.clone(), c.what, c.value, c.net()?))).collect()
    }
}

fn overlaps(a: &Ipv4Net, b: &Ipv4Net) -> bool {
    a.contains(&b.network()) || b.contains(&a.network())
}

/// `network/invalid-cidr`: every CIDR parses as IPv4 with its host bits zero. AWS silently truncates
/// `10.0.0.1/16` to `10.0.0.0/16`, so a non-canonical CIDR usually means the author meant another network.
fn check_cidr_syntax(cidrs: &Cidrs, out: &mut Findings) {
    let all = std::iter::once(&cidrs.vpc).chain(&cidrs.subnets).chain([&cidrs.pod]);
    for Cidr { path, what, value, parsed } in all {
        if let Err(help) = parsed {
            let (message, fix) = match value.parse::<Ipv4Net>() {
                Ok(net) => (format!("{what} `{value}` has host bits set"), Some(quoted(&net.trunc().to_string()))),
                Err(_) => (format!("{what} `{value}` is not an IPv4 CIDR"), None),
            };
            let fix = fix.map(|v| Fix::set(path.clone(), v));
            let help =
                fix.as_ref().map_or_else(|| help.clone(), |fix| format!("write the network address: `{}`", fix.dsl()));
            out.push(Finding::new(Rule::InvalidCidr, path.clone(), *value, message, help).maybe_fix(fix));
        }
    }
}

/// `network/vpc-cidr-size`: AWS accepts VPC and subnet CIDRs between /16 and /28 (Amazon VPC User Guide,
/// "VPC CIDR blocks" and "Subnet CIDR blocks").
fn check_cidr_sizes(cidrs: &Cidrs, out: &mut Findings) {
    for c in std::iter::once(&cidrs.vpc).chain(&cidrs.subnets) {
        let Some(net) = c.net() else { continue };
        let (path, what, value) = (c.path.clone(), c.what, c.value);
        if (16..=28).contains(&net.prefix_len()) {
            continue;
        }
        let fixed = Ipv4Net::new(net.addr(), net.prefix_len().clamp(16, 28)).map_or(net, |n| n.trunc());
        // The same network at the nearest accepted size: a guess only for the VPC, whose subnets show its use.
        let fix = (path.as_str() == "vpc.cidr").then(|| Fix::set(path.clone(), quoted(&fixed.to_string())));
        let help = match &fix {
            Some(fix) => format!("write `{}`: AWS accepts a prefix between /16 and /28", fix.dsl()),
            None => "use a prefix between /16 and /28".to_owned(),
        };
        out.push(
            Finding::new(
                Rule::VpcCidrSize,
                path,
                value,
                format!("{what} `{value}` is a /{}, but AWS accepts /16 to /28", net.prefix_len()),
                help,
            )
            .maybe_fix(fix),
        );
    }
}

/// The first network of `prefix` inside `vpc` that overlaps none of `taken`, if one is found cheaply.
fn free_subnet(vpc: &Ipv4Net, prefix: u8, taken: &[Ipv4Net]) -> Option<Ipv4Net> {
    vpc.subnets(prefix).ok()?.take(4096).find(|c| !taken.iter().any(|t| overlaps(c, t)))
}

/// `network/subnet-outside-vpc`: a subnet must lie inside its VPC CIDR, or EC2 `CreateSubnet` fails.
///
/// When no subnet lies inside, the VPC CIDR is the mistake (one finding on it, with the count and the network
/// that holds them all); otherwise each subnet outside is, with a free range of the VPC (distinct ones).
fn check_subnets_inside_vpc(p: &Platform, cidrs: &Cidrs, out: &mut Findings) {
    let Some(vpc) = cidrs.vpc.net() else { return };
    let all = cidrs.parsed_subnets();
    let outside: Vec<_> = all.iter().filter(|s| !vpc.contains(&s.3)).collect();
    if outside.is_empty() {
        return;
    }
    if outside.len() == all.len() && all.len() > 1 {
        let nets: Vec<Ipv4Net> = all.iter().map(|s| s.3).collect();
        let pod = cidrs.pod.net();
        let fix = covering(&nets)
            .filter(|c| (16..=28).contains(&c.prefix_len()) && pod.is_none_or(|pod| !overlaps(c, &pod)))
            .map(|c| Fix::set(at("vpc").key("cidr"), quoted(&c.to_string())));
        let help = match &fix {
            Some(fix) => {
                format!("write `{}`, the network that holds them, or move every subnet into `{vpc}`", fix.dsl())
            }
            None => format!("choose a VPC CIDR that holds the subnets, or move every subnet into `{vpc}`"),
        };
        out.push(
            Finding::new(
                Rule::SubnetOutsideVpc,
                at("vpc").key("cidr"),
                &p.vpc.cidr,
                format!("none of the {} lies in the VPC CIDR `{vpc}`", plural(all.len(), "subnet")),
                help,
            )
            .maybe_fix(fix),
        );
        return;
    }
    let mut taken: Vec<Ipv4Net> = all.iter().map(|s| s.3).filter(|n| vpc.contains(n)).collect();
    for (path, what, value, net) in outside {
        let free = free_subnet(&vpc, net.prefix_len().max(vpc.prefix_len()), &taken);
        taken.extend(free);
        let fix = free.map(|free| Fix::set(path.clone(), quoted(&free.to_string())));
        let help = match &fix {
            Some(fix) => {
                format!("write `{}`, a free /{} inside `{vpc}`", fix.dsl(), net.prefix_len().max(vpc.prefix_len()))
            }
            None => format!("pick a free range inside `{vpc}` (or widen the VPC CIDR)"),
        };
        out.push(
            Finding::new(
                Rule::SubnetOutsideVpc,
                path.clone(),
                *value,
                format!("{what} `{value}` lies outside the VPC CIDR `{vpc}`"),
                help,
            )
            .maybe_fix(fix),
        );
    }
}

/// The smallest network holding every one of `nets`.
fn covering(nets: &[Ipv4Net]) -> Option<Ipv4Net> {
    let first = nets.first()?;
    (0..=first.prefix_len()).rev().find_map(|len| {
        let candidate = Ipv4Net::new(first.addr(), len).ok()?.trunc();
        nets.iter().all(|n| candidate.contains(n)).then_some(candidate)
    })
}

/// `network/subnets-overlap`: subnets of one VPC may not share addresses (EC2 rejects the second one).
/// Reported once, on the later subnet, with a free range to move it to.
fn check_subnets_overlap(cidrs: &Cidrs, out: &mut Findings) {
    let all = cidrs.parsed_subnets();
    let vpc = cidrs.vpc.net();
    let mut taken: Vec<Ipv4Net> = all.iter().map(|s| s.3).collect();
    for (i, (path, what, value, net)) in all.iter().enumerate() {
        let Some((_, other_what, other, _)) = all[..i].iter().find(|o| overlaps(net, &o.3)) else { continue };
        let others: Vec<Ipv4Net> = taken.iter().enumerate().filter(|(k, _)| *k != i).map(|(_, n)| *n).collect();
        let free = vpc.and_then(|v| free_subnet(&v, net.prefix_len().max(v.prefix_len()), &others));
        let fix = free.map(|free| {
            taken[i] = free;
            Fix::set(path.clone(), quoted(&free.to_string()))
        });
        let help = match &fix {
            Some(fix) => format!("move it to a free range: `{}`", fix.dsl()),
            None => "move one of the two to a free range of the VPC".into(),
        };
        out.push(
            Finding::new(
                Rule::SubnetsOverlap,
                path.clone(),
                *value,
                format!("{what} `{value}` overlaps {other_what} `{other}`"),
                help,
            )
            .maybe_fix(fix),
        );
    }
}

/// `network/subnet-per-az`: one private and one public subnet per availability zone, in zone order, so that
/// nodes, load balancers and NAT gateways exist in every zone (an AZ outage leaves the other two serving).
fn check_subnet_per_az(p: &Platform, out: &mut Findings) {
    let azs = p.availability_zones.len();
    for (key, list) in [("private_subnets", &p.vpc.private_subnets), ("public_subnets", &p.vpc.public_subnets)] {
        let what = key.trim_end_matches('s').replace('_', " ");
        if list.len() < azs {
            out.push(Finding::new(
                Rule::SubnetPerAz,
                at("vpc").key(key),
                list.len().to_string(),
                format!("{} {what}s for {azs} availability zones", list.len()),
                format!("declare one {what} per availability zone, in the order of `availability_zones`"),
            ));
        }
        for (i, extra) in list.iter().enumerate().skip(azs) {
            out.push(Finding::new(
                Rule::SubnetPerAz,
                at("vpc").key(key).index(i),
                extra,
                format!("{what} `{extra}` has no availability zone ({azs} are declared)"),
                "remove it: there is one subnet per availability zone".to_owned(),
            ));
        }
    }
}

/// `network/unknown-region`: the region must exist (the AWS provider and EKS reject unknown ones).
fn check_region(p: &Platform, out: &mut Findings) {
    if REGIONS.contains(&p.region.as_str()) {
        return;
    }
    let (help, fix) = did_you_mean_or(&at("region"), &p.region, REGIONS.iter().copied(), quoted, || {
        format!("use an AWS region; known: {}", ticks(REGIONS))
    });
    out.push(
        Finding::new(
            Rule::UnknownRegion,
            at("region"),
            &p.region,
            format!("`{}` is not an AWS region", p.region),
            help,
        )
        .maybe_fix(fix),
    );
}

/// `network/three-azs`: exactly three distinct zones (requirements: "across 3 availability zones"; one NAT
/// gateway and one subnet pair each). A repeated zone is reported once, on the repetition, with a zone of the
/// region not listed yet; three entries with a repetition are that one finding.
fn check_three_azs(p: &Platform, out: &mut Findings) {
    let azs = &p.availability_zones;
    let mut repeated = false;
    for (j, az) in azs.iter().enumerate() {
        let Some(i) = azs[..j].iter().position(|other| other == az) else { continue };
        repeated = true;
        let path = at("availability_zones").index(j);
        let free = ('a'..='z').map(|l| format!("{}{l}", p.region)).find(|z| !azs.contains(z));
        let fix = free.filter(|_| is_zone_of(az, &p.region)).map(|z| Fix::set(path.clone(), quoted(&z)));
        let help = match &fix {
            Some(fix) => format!("write another zone of the region, e.g. `{}`", fix.dsl()),
            None => "list three different zones of the region".to_owned(),
        };
        out.push(
            Finding::new(
                Rule::ThreeAzs,
                path,
                az,
                format!("availability zone `{az}` is listed twice (entries {} and {})", i + 1, j + 1),
                help,
            )
            .maybe_fix(fix),
        );
    }
    let mut distinct: Vec<&String> = azs.iter().collect();
    distinct.sort();
    distinct.dedup();
    if distinct.len() != 3 && !(repeated && azs.len() == 3) {
        let example = ["a", "b", "c"].map(|l| format!("{}{l}", p.region));
        out.push(Finding::new(
            Rule::ThreeAzs,
            at("availability_zones"),
            distinct.len().to_string(),
            format!("{} distinct availability zones are declared, the platform needs exactly 3", distinct.len()),
            format!("list three zones of `{}`, e.g. {}", p.region, ticks(example)),
        ));
        // (Not a fix: which zones, and which subnets go with them, is the owner's choice.)
    }
}

/// `network/az-not-in-region`: every zone belongs to the region (a subnet cannot be created in another region's
/// zone). Skipped when the region itself is unknown, which is reported once.
fn check_az_in_region(p: &Platform, out: &mut Findings) {
    if !REGIONS.contains(&p.region.as_str()) {
        return;
    }
    for (i, az) in p.availability_zones.iter().enumerate() {
        if is_zone_of(az, &p.region) {
            continue;
        }
        let letter = az.chars().last().filter(char::is_ascii_lowercase).unwrap_or('a');
        out.push(
            Finding::new(
                Rule::AzNotInRegion,
                at("availability_zones").index(i),
                az,
                format!("availability zone `{az}` is not in region `{}`", p.region),
                format!("write `{:?}`", format!("{}{letter}", p.region)),
            )
            .with_set(quoted(&format!("{}{letter}", p.region))),
        );
    }
}

/// `network/pod-cidr-overlaps-vpc`: the pod CIDR is Calico's overlay; where it overlapped the VPC, pods could not
/// reach the VPC's own addresses (nodes, endpoints, load balancers): the overlay route wins. Reported once, on the
/// pod CIDR (the VPC's subnets depend on its CIDR).
fn check_pod_cidr_disjoint(p: &Platform, cidrs: &Cidrs, out: &mut Findings) {
    let (Some(vpc), Some(pod)) = (cidrs.vpc.net(), cidrs.pod.net()) else { return };
    if !overlaps(&vpc, &pod) {
        return;
    }
    let cgnat = net(100, 64, 16);
    let fix = (!overlaps(&vpc, &cgnat)).then(|| Fix::set(at("vpc").key("pod_cidr"), quoted(&cgnat.to_string())));
    let help = match &fix {
        Some(fix) => format!("keep pods in their own range: `{}`", fix.dsl()),
        None => "keep pods in a range of their own, disjoint from the VPC CIDR".to_owned(),
    };
    out.push(
        Finding::new(
            Rule::PodCidrOverlapsVpc,
            at("vpc").key("pod_cidr"),
            &p.vpc.pod_cidr,
            format!("pod CIDR `{pod}` overlaps the VPC CIDR `{vpc}`"),
            help,
        )
        .related_to(at("vpc").key("cidr"))
        .maybe_fix(fix),
    );
}

fn net(a: u8, b: u8, prefix: u8) -> Ipv4Net {
    Ipv4Net::new(Ipv4Addr::new(a, b, 0, 0), prefix).expect("prefix <= 32")
}

/// `network/pod-cidr-range`: the pod CIDR is Calico's overlay (not part of the VPC), split into one IP pool per AZ.
///
/// - Range: a private one, RFC 1918, RFC 6598 (100.64.0.0/10) or RFC 2544 (198.18.0.0/15). Pods reach anything
///   outside the pools through the node (`natOutgoing`); a public pod CIDR would hide the real hosts it covers.
/// - Size: three per-AZ pools are cut as quarters (/n+2) and each must hold at least one Calico address block
///   (`blockSize` 26 in the operator's `Installation`, `render::cluster::charts`), so the pod CIDR is /8 to /24.
fn check_pod_cidr_range(p: &Platform, cidrs: &Cidrs, out: &mut Findings) {
    let Some(pod) = cidrs.pod.net() else { return };
    let value = p.vpc.pod_cidr.as_str();
    let path = at("vpc").key("pod_cidr");
    let allowed = [net(10, 0, 8), net(172, 16, 12), net(192, 168, 16), net(100, 64, 10), net(198, 18, 15)];
    if !allowed.iter().any(|a| a.contains(&pod)) {
        out.push(
            Finding::new(
                Rule::PodCidrRange,
                path.clone(),
                value,
                format!("pod CIDR `{pod}` is not a private range: pods could not reach the hosts it covers"),
                format!(
                    "write `pod_cidr: \"100.64.0.0/16\"` (the shared address space, used by no internet host), or \
                     another part of {}",
                    ticks(allowed)
                ),
            )
            .with_set(quoted("100.64.0.0/16")),
        );
    }
    if !(8..=24).contains(&pod.prefix_len()) {
        let fixed = Ipv4Net::new(pod.addr(), pod.prefix_len().clamp(8, 24)).map_or(pod, |n| n.trunc());
        out.push(
            Finding::new(
                Rule::PodCidrRange,
                path,
                value,
                format!(
                    "pod CIDR `{pod}` is a /{}; split into 3 per-AZ Calico pools of at least one /26 block each, it \
                     must be /8 to /24",
                    pod.prefix_len()
                ),
                format!("write `pod_cidr: {}`: a prefix between /8 and /24", quoted(&fixed.to_string())),
            )
            .with_set(quoted(&fixed.to_string())),
        );
    }
}

/// Why each required endpoint is needed: nodes sit in private subnets and should not depend on NAT for these.
const REQUIRED_ENDPOINTS: &[(Endpoint, &str)] = &[
    (Endpoint::EcrApi, "nodes pull images from ECR without NAT (requirement 3)"),
    (Endpoint::EcrDkr, "nodes pull images from ECR without NAT (requirement 3)"),
    (Endpoint::S3, "ECR stores image layers in S3; the gateway endpoint keeps pulls off NAT (requirement 3)"),
    (Endpoint::Ec2, "nodes and controllers call the EC2 API without NAT (requirement 3)"),
    (Endpoint::Sts, "IRSA pods exchange their token with STS `AssumeRoleWithWebIdentity` without NAT"),
    (Endpoint::Logs, "Container Insights and the control-plane log shipping reach CloudWatch Logs without NAT"),
    (Endpoint::Ssm, "SSM Session Manager reaches nodes without SSH or NAT (requirement 8)"),
    (Endpoint::SsmMessages, "SSM Session Manager reaches nodes without SSH or NAT (requirement 8)"),
    (Endpoint::Ec2Messages, "SSM Session Manager reaches nodes without SSH or NAT (requirement 8)"),
];

/// `network/required-endpoints`: the VPC endpoints the requirements call for are declared, each once (a second
/// interface endpoint for the same service with private DNS fails to create).
fn check_required_endpoints(p: &Platform, out: &mut Findings) {
    let endpoints = &p.vpc.endpoints;
    for (endpoint, why) in REQUIRED_ENDPOINTS {
        if !endpoints.contains(endpoint) {
            out.push(
                Finding::new(
                    Rule::RequiredEndpoints,
                    at("vpc").key("endpoints"),
                    endpoint.keyword(),
                    format!("the VPC endpoint `{endpoint}` is missing: {why}"),
                    format!("add `{endpoint}` to `endpoints`"),
                )
                .with_fix(Fix::Append { path: at("vpc").key("endpoints"), item: endpoint.keyword().to_owned() }),
            );
        }
    }
    for (j, endpoint) in endpoints.iter().enumerate() {
        let Some(i) = endpoints[..j].iter().position(|other| other == endpoint) else { continue };
        let path = at("vpc").key("endpoints").index(j);
        out.push(
            Finding::new(
                Rule::RequiredEndpoints,
                path.clone(),
                endpoint.keyword(),
                format!("VPC endpoint `{endpoint}` is listed twice (entries {} and {})", i + 1, j + 1),
                "remove this entry from `endpoints`",
            )
            .with_fix(Fix::Remove { path }),
        );
    }
}

/// `network/flow-logs`: VPC flow logs record network access to the cardholder data environment
/// (PCI DSS v4.0 requirement 10.2: audit logs capture all access to system components).
fn check_flow_logs(p: &Platform, out: &mut Findings) {
    if !p.vpc.flow_logs {
        out.push(
            Finding::new(
                Rule::FlowLogs,
                at("vpc").key("flow_logs"),
                "false",
                "VPC flow logs are switched off, but PCI DSS 10.2 requires logging network access",
                "write `flow_logs: true` (or remove the line: flow logs are on by default)",
            )
            .with_set("true"),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::super::testing::*;
    use super::*;

    #[test]
    fn cidr_parsing() {
        assert!(parse_cidr("10.0.0.0/16").is_ok());
        assert_eq!(parse_cidr("10.0.0.1/16").unwrap_err(), "write the network address `10.0.0.0/16`");
        assert!(parse_cidr("10.0.0.0").is_err());
        assert!(parse_cidr("10.0.0.0/33").is_err());
        assert!(parse_cidr("banana").is_err());
        assert!(parse_cidr("10.0.0.0/016").is_err());
    }

    #[test]
    fn invalid_and_non_canonical_cidrs() {
        let mut p = sample();
        p.vpc.private_subnets[1] = "10.0.32.1/19".into();
        p.vpc.pod_cidr = "100.64.0.0".into();
        let f = run(&p);
        let host = expect(&f, Rule::InvalidCidr, "vpc.private_subnets[1]", "`10.0.32.1/19`");
        assert!(host.help.contains("`\"10.0.32.0/19\"`"), "{}", host.help);
        expect(&f, Rule::InvalidCidr, "vpc.pod_cidr", "`100.64.0.0`");
        assert_eq!(f.errors().count(), 2, "{f}");
    }

    #[test]
    fn vpc_and_subnet_sizes() {
        let mut p = sample();
        p.vpc.cidr = "10.0.0.0/8".into();
        p.vpc.public_subnets[2] = "10.0.98.0/29".into();
        let f = run(&p);
        let vpc = expect(&f, Rule::VpcCidrSize, "vpc.cidr", "`10.0.0.0/8`");
        assert!(vpc.help.contains("`cidr: \"10.0.0.0/16\"`"), "{}", vpc.help);
        expect(&f, Rule::VpcCidrSize, "vpc.public_subnets[2]", "`10.0.98.0/29`");
    }

    #[test]
    fn subnet_outside_vpc_with_a_free_suggestion() {
        let mut p = sample();
        p.vpc.private_subnets[1] = "10.1.0.0/19".into();
        let f = run(&p);
        let found = expect(&f, Rule::SubnetOutsideVpc, "vpc.private_subnets[1]", "`10.1.0.0/19`");
        assert_eq!(found.message, "private subnet `10.1.0.0/19` lies outside the VPC CIDR `10.0.0.0/16`");
        assert_eq!(found.help, "write `\"10.0.32.0/19\"`, a free /19 inside `10.0.0.0/16`");
        assert_eq!(f.errors().count(), 1, "{f}");
    }

    #[test]
    fn overlapping_subnets_are_reported_once_on_the_later() {
        let mut p = sample();
        p.vpc.public_subnets[0] = "10.0.64.0/24".into();
        let f = run(&p);
        let b = expect(&f, Rule::SubnetsOverlap, "vpc.public_subnets[0]", "`10.0.64.0/24`");
        assert!(b.message.contains("private subnet `10.0.64.0/19`"), "{}", b.message);
        assert_eq!(f.errors().count(), 1, "{f}");
    }

    #[test]
    fn a_vpc_cidr_that_holds_no_subnet_is_one_finding_on_it() {
        let mut p = sample();
        p.vpc.cidr = "8.8.0.0/16".into();
        let f = run(&p);
        let found =
            expect(&f, Rule::SubnetOutsideVpc, "vpc.cidr", "none of the 6 subnets lies in the VPC CIDR `8.8.0.0/16`");
        assert!(found.help.starts_with("write `cidr: \"10.0.0.0/17\"`"), "{}", found.help);
        assert_eq!(f.errors().count(), 1, "{f}");
    }

    #[test]
    fn one_subnet_pair_per_az() {
        let mut p = sample();
        p.vpc.private_subnets.pop();
        p.vpc.public_subnets.push("10.0.99.0/24".into());
        let f = run(&p);
        expect(&f, Rule::SubnetPerAz, "vpc.private_subnets", "2 private subnets");
        expect(&f, Rule::SubnetPerAz, "vpc.public_subnets[3]", "`10.0.99.0/24`");
    }

    #[test]
    fn region_and_zones() {
        let mut p = sample();
        p.region = "us-east-7".into();
        let f = run(&p);
        let r = expect(&f, Rule::UnknownRegion, "region", "`us-east-7`");
        assert!(r.help.contains("did you mean"), "{}", r.help);
        assert!(f.of(Rule::AzNotInRegion).is_empty(), "no cascade from an unknown region");

        let mut p = sample();
        p.availability_zones[2] = "us-west-2c".into();
        let f = run(&p);
        let z = expect(&f, Rule::AzNotInRegion, "availability_zones[2]", "`us-west-2c`");
        assert_eq!(z.help, "write `\"us-east-2c\"`");

        let mut p = sample();
        p.availability_zones[2] = "us-east-2a".into();
        let f = run(&p);
        let twice = expect(&f, Rule::ThreeAzs, "availability_zones[2]", "`us-east-2a`");
        assert!(twice.help.contains("`\"us-east-2c\"`"), "{}", twice.help);
        assert_eq!(f.errors().count(), 1, "the repetition is the one mistake: {f}");
        p.availability_zones.pop();
        expect(&run(&p), Rule::ThreeAzs, "availability_zones", "2 distinct");
    }

    #[test]
    fn pod_cidr_rules() {
        let mut p = sample();
        p.vpc.pod_cidr = "10.0.0.0/16".into();
        let f = run(&p);
        expect(&f, Rule::PodCidrOverlapsVpc, "vpc.pod_cidr", "`10.0.0.0/16`");
        assert_eq!(f.errors().count(), 1, "{f}");

        let mut p = sample();
        p.vpc.pod_cidr = "192.168.0.0/16".into();
        assert!(run(&p).of(Rule::PodCidrRange).is_empty(), "any private block: the VPC does not hold it");

        let mut p = sample();
        p.vpc.pod_cidr = "8.8.0.0/16".into();
        expect(&run(&p), Rule::PodCidrRange, "vpc.pod_cidr", "`8.8.0.0/16`");

        let mut p = sample();
        p.vpc.pod_cidr = "100.64.0.0/25".into();
        let f = run(&p);
        let size = expect(&f, Rule::PodCidrRange, "vpc.pod_cidr", "/25");
        assert!(size.help.contains("`pod_cidr: \"100.64.0.0/24\"`"), "{}", size.help);

        let mut p = sample();
        p.vpc.pod_cidr = "198.19.0.0/16".into();
        assert!(run(&p).of(Rule::PodCidrRange).is_empty());
        p.vpc.pod_cidr = "10.1.0.0/16".into();
        assert!(run(&p).of(Rule::PodCidrRange).is_empty());
    }

    #[test]
    fn endpoints() {
        let mut p = sample();
        p.vpc.endpoints.retain(|e| *e != Endpoint::Sts);
        p.vpc.endpoints.push(Endpoint::S3);
        let f = run(&p);
        expect(&f, Rule::RequiredEndpoints, "vpc.endpoints", "`sts`");
        let twice = f.of(Rule::RequiredEndpoints).into_iter().filter(|f| f.message.contains("twice")).count();
        let s3 = expect(&f, Rule::RequiredEndpoints, &format!("vpc.endpoints[{}]", p.vpc.endpoints.len() - 1), "`s3`");
        assert!(s3.fix.is_some() && twice == 1, "{f}");
    }

    #[test]
    fn flow_logs() {
        let mut p = sample();
        p.vpc.flow_logs = false;
        expect(&run(&p), Rule::FlowLogs, "vpc.flow_logs", "PCI DSS 10.2");
    }
}
