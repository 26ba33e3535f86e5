//! A monthly cost estimate of a platform at its minimum and maximum node counts, from the price table in
//! [`crate::catalog::prices`]. Counts of NAT gateways, addresses, endpoints, keys and alarms are those of the
//! checked model the infra root is rendered from, so the estimate prices what would be deployed. Usage-based charges (data processed,
//! log volume, requests) are listed as not included rather than guessed. Amounts are US dollars rounded to the
//! cent, line by line; totals are the sums of the rounded lines, so a report adds up.

use std::fmt;

use serde::Serialize;

use crate::catalog::kubernetes::{calendar, SupportPhase};
use crate::catalog::prices::*;
use crate::checked::{Checked, Group, Part, OS_VOLUME_GIB};
use crate::model::Platform;
use crate::model::Purchase;

/// One priced item, per month.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Line {
    pub item: String,
    /// What was counted and at which rate.
    pub detail: String,
    pub min: f64,
    pub max: f64,
    /// The same item with every node on-demand (equal to min/max for anything but spot capacity).
    pub on_demand_min: f64,
    pub on_demand_max: f64,
}

/// The estimate: lines, totals, the all-on-demand baseline, and what it leaves out.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Estimate {
    pub platform: String,
    pub region: String,
    pub prices: &'static str,
    pub lines: Vec<Line>,
    pub total_min: f64,
    pub total_max: f64,
    pub on_demand_baseline_min: f64,
    pub on_demand_baseline_max: f64,
    pub assumptions: Vec<String>,
    pub not_included: Vec<&'static str>,
}

/// The platform's region has no price table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unpriced {
    pub region: String,
}

impl fmt::Display for Unpriced {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "no prices for region `{}`: the cost estimate carries price tables for {} only",
            self.region,
            PRICED_REGIONS.join(", ")
        )
    }
}

fn line(item: impl Into<String>, detail: impl Into<String>, min: f64, max: f64) -> Line {
    Line { item: item.into(), detail: detail.into(), min, max, on_demand_min: min, on_demand_max: max }
}

/// US dollars to the cent (two decimals in JSON, no float noise such as 109.50000000000001).
fn cents(amount: f64) -> f64 {
    (amount * 100.0).round() / 100.0
}

fn monthly(per_hour: f64) -> f64 {
    per_hour * HOURS_PER_MONTH
}

/// Estimates a checked platform's monthly cost on `today` (the EKS rate depends on the version's support);
/// refuses a region without a price table rather than price it with another region's.
pub fn estimate(checked: &Checked, today: &str) -> Result<Estimate, Unpriced> {
    let p = checked.platform();
    if !PRICED_REGIONS.contains(&p.region.as_str()) {
        return Err(Unpriced { region: p.region.clone() });
    }
    let mut lines = control_plane(p, today);
    lines.extend(node_groups(checked));
    lines.push(volumes(checked));
    lines.extend(network(checked));
    let keys = checked.kms_keys() as f64;
    lines.push(line(
        "KMS keys",
        format!("{keys} keys x ${KMS_KEY_PER_MONTH:.2}"),
        keys * KMS_KEY_PER_MONTH,
        keys * KMS_KEY_PER_MONTH,
    ));
    let alarms = checked.alarms() as f64;
    let alarm_cost = alarms * ALARM_PER_MONTH;
    lines.push(line("CloudWatch alarms", format!("{alarms} alarms x ${ALARM_PER_MONTH:.2}"), alarm_cost, alarm_cost));

    for l in &mut lines {
        for amount in [&mut l.min, &mut l.max, &mut l.on_demand_min, &mut l.on_demand_max] {
            *amount = cents(*amount);
        }
    }
    let sum = |f: fn(&Line) -> f64| cents(lines.iter().map(f).sum::<f64>());
    Ok(Estimate {
        platform: p.name.clone(),
        region: p.region.clone(),
        prices: PRICES_AS_OF,
        total_min: sum(|l| l.min),
        total_max: sum(|l| l.max),
        on_demand_baseline_min: sum(|l| l.on_demand_min),
        on_demand_baseline_max: sum(|l| l.on_demand_max),
        lines,
        assumptions: vec![
            format!("{HOURS_PER_MONTH} hours per month; nodes run all month at the given count"),
            format!(
                "spot priced at {:.0}% of on-demand (no list price exists; a middle value)",
                SPOT_FRACTION_OF_ON_DEMAND * 100.0
            ),
            "a spot group diversified over several types is priced at their average".into(),
        ],
        not_included: vec![
            "NAT gateway and interface endpoint data processing ($0.045/GB and $0.01/GB)",
            "CloudWatch Logs ingestion and storage, Container Insights metrics (depend on volume)",
            "KMS, Secrets Manager and STS requests; secrets themselves (created by tenants)",
            "data transfer out of the region, load balancers created by the controller",
            "Firehose ingestion and S3/Glacier storage of the control-plane log archive (depend on log volume)",
        ],
    })
}

/// The EKS cluster at the standard rate and, on a version past standard support on `today`, the extended-support
/// surcharge: the part of the extended rate above the standard one, the fee the version's age costs.
fn control_plane(p: &Platform, today: &str) -> Vec<Line> {
    let standard = monthly(EKS_STANDARD_PER_HOUR);
    let mut lines = vec![line(
        "EKS control plane",
        format!("Kubernetes {}, ${EKS_STANDARD_PER_HOUR:.2}/h", p.kubernetes),
        standard,
        standard,
    )];
    if calendar(&p.kubernetes).is_some_and(|r| r.phase(today) != SupportPhase::Standard) {
        let surcharge = EKS_EXTENDED_PER_HOUR - EKS_STANDARD_PER_HOUR;
        lines.push(line(
            "EKS extended support surcharge",
            format!(
                "{}; ${EKS_EXTENDED_PER_HOUR:.2}/h in all, ${surcharge:.2}/h above standard",
                calendar(&p.kubernetes).map_or_else(String::new, |r| r.support_words(today))
            ),
            monthly(surcharge),
            monthly(surcharge),
        ));
    }
    lines
}

/// Every EKS managed node group (a mixed DSL group is a spot and an on-demand one) at min and max size.
fn node_groups(checked: &Checked) -> Vec<Line> {
    let mut lines = Vec::new();
    for Group { group: g, parts } in checked.node_groups() {
        let prices: Vec<f64> = g.instance_types.iter().filter_map(|t| on_demand_per_hour(t)).collect();
        let on_demand = prices.iter().sum::<f64>() / prices.len().max(1) as f64;
        for &Part { purchase, sizes } in parts {
            let rate = match purchase {
                Purchase::Spot => on_demand * SPOT_FRACTION_OF_ON_DEMAND,
                Purchase::OnDemand => on_demand,
            };
            let (min, max) = (f64::from(sizes.min), f64::from(sizes.max));
            lines.push(Line {
                item: format!("node group {} ({purchase})", g.name),
                detail: format!("{}..{} x {} at ${rate:.4}/h", sizes.min, sizes.max, g.instance_types.join("/")),
                min: min * monthly(rate),
                max: max * monthly(rate),
                on_demand_min: min * monthly(on_demand),
                on_demand_max: max * monthly(on_demand),
            });
        }
    }
    lines
}

/// The OS and data volumes of every node (gp3).
fn volumes(checked: &Checked) -> Line {
    let gib = |count: fn(&crate::model::NodeGroup) -> u32| -> f64 {
        let groups = checked.node_groups().iter().map(|g| g.group);
        groups.map(|g| f64::from(count(g)) * f64::from(OS_VOLUME_GIB + g.disk_gib)).sum()
    };
    let (min, max) = (gib(|g| g.min_size), gib(|g| g.max_size));
    line(
        "EBS volumes (gp3)",
        format!("{min}..{max} GiB x ${GP3_PER_GIB_MONTH:.2}"),
        min * GP3_PER_GIB_MONTH,
        max * GP3_PER_GIB_MONTH,
    )
}

/// NAT gateways with their public addresses (one each), and interface endpoints (one ENI per AZ each).
fn network(checked: &Checked) -> Vec<Line> {
    let network = checked.network();
    let nat = network.nat_gateways as f64;
    let addresses = nat;
    let nat_cost = monthly(nat * NAT_GATEWAY_PER_HOUR + addresses * PUBLIC_IPV4_PER_HOUR);
    let endpoint_azs = network.interface_endpoints.len() * checked.platform().availability_zones.len();
    let endpoint_cost = monthly(endpoint_azs as f64 * INTERFACE_ENDPOINT_PER_AZ_HOUR);
    vec![
        line(
            "NAT gateways",
            format!("{nat} x ${NAT_GATEWAY_PER_HOUR}/h + {addresses} public IPv4 x ${PUBLIC_IPV4_PER_HOUR}/h"),
            nat_cost,
            nat_cost,
        ),
        line(
            "interface VPC endpoints",
            format!("{endpoint_azs} endpoint-AZs x ${INTERFACE_ENDPOINT_PER_AZ_HOUR}/h"),
            endpoint_cost,
            endpoint_cost,
        ),
    ]
}

/// The estimate as a text table.
pub fn table(e: &Estimate) -> String {
    let mut out = format!(
        "ESTIMATE of the monthly cost of platform `{}` in {} ({}), in USD; not a quote\n\n",
        e.platform, e.region, e.prices
    );
    out += &format!("{:<34} {:>10} {:>10}  {}\n", "item", "at min", "at max", "how");
    for l in &e.lines {
        out += &format!("{:<34} {:>10.2} {:>10.2}  {}\n", l.item, l.min, l.max, l.detail);
    }
    out += &format!("{:<34} {:>10.2} {:>10.2}\n", "total", e.total_min, e.total_max);
    out += &format!(
        "{:<34} {:>10.2} {:>10.2}\n",
        "all on-demand baseline", e.on_demand_baseline_min, e.on_demand_baseline_max
    );
    out += &format!(
        "{:<34} {:>10.2} {:>10.2}\n",
        "saving from spot",
        e.on_demand_baseline_min - e.total_min,
        e.on_demand_baseline_max - e.total_max
    );
    out += "\nassumptions:\n";
    for a in &e.assumptions {
        out += &format!("  - {a}\n");
    }
    out += "not included:\n";
    for n in &e.not_included {
        out += &format!("  - {n}\n");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fixture::platform as fixture;
    use crate::model::NatGateways;

    /// The estimate of `p`, checked on `today`.
    fn estimate_of(p: &Platform, today: &str) -> Result<Estimate, Unpriced> {
        estimate(&crate::check_platform(p, today).expect("a valid platform"), today)
    }

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() < 1e-6
    }

    fn item<'a>(e: &'a Estimate, name: &str) -> &'a Line {
        e.lines.iter().find(|l| l.item == name).unwrap_or_else(|| panic!("no line `{name}`"))
    }

    #[test]
    fn figures_follow_the_price_table() {
        let e = estimate_of(&fixture(), "2024-06-01").unwrap();
        // 1.28 was in standard support then.
        assert!(close(item(&e, "EKS control plane").max, 0.10 * 730.0));
        assert!(!e.lines.iter().any(|l| l.item.contains("extended")));
        // critical: 3..6 m5.large on-demand.
        let critical = item(&e, "node group critical (ondemand)");
        assert!(close(critical.min, 3.0 * 0.096 * 730.0) && close(critical.max, 6.0 * 0.096 * 730.0));
        // batch: 0..20 spot over c5/c5a/c6i.large, averaged, at 35%.
        let batch = item(&e, "node group batch (spot)");
        let avg = (0.085 + 0.077 + 0.085) / 3.0;
        assert!((batch.max - 20.0 * avg * 0.35 * 730.0).abs() <= 0.005, "to the cent");
        assert!((batch.on_demand_max - 20.0 * avg * 730.0).abs() <= 0.005);
        // One NAT gateway and one address per AZ.
        assert!(close(item(&e, "NAT gateways").min, 3.0 * (0.045 + 0.005) * 730.0));
        // 12 interface endpoints in 3 AZs.
        assert!(close(item(&e, "interface VPC endpoints").min, 36.0 * 0.01 * 730.0));
        // Three platform keys and one per tenant.
        assert!(close(item(&e, "KMS keys").min, 6.0));
        let sum: f64 = e.lines.iter().map(|l| l.max).sum();
        assert!(close(e.total_max, sum));
        assert!(e.on_demand_baseline_max > e.total_max, "spot saves money");
    }

    #[test]
    fn counts_follow_the_model() {
        let base = estimate_of(&fixture(), "2024-06-01").unwrap();
        let mut p = fixture();
        let mut tenant = p.tenants[0].clone();
        tenant.name = "refunds".into();
        tenant.secret_prefix = "refunds/".into();
        // Where there is room for it (`tenancy/quota-capacity`).
        tenant.node_groups = vec!["general".into()];
        tenant.quota.cpu = "1".into();
        tenant.quota.memory = "1Gi".into();
        p.tenants.push(tenant);
        p.vpc.nat_gateways = NatGateways::Single;
        let more = estimate_of(&p, "2024-06-01").unwrap();
        // One more tenant, one more key.
        assert!(close(item(&more, "KMS keys").min - item(&base, "KMS keys").min, KMS_KEY_PER_MONTH));
        // One NAT gateway and its address instead of one per AZ.
        assert!(close(item(&more, "NAT gateways").min * 3.0, item(&base, "NAT gateways").min));
        assert_eq!(item(&more, "CloudWatch alarms"), item(&base, "CloudWatch alarms"));
    }

    #[test]
    fn extended_support_is_a_surcharge_above_the_standard_rate() {
        let e = estimate_of(&fixture(), "2026-11-25").unwrap();
        assert!(close(item(&e, "EKS control plane").min, 0.10 * 730.0));
        let surcharge = item(&e, "EKS extended support surcharge");
        assert!(close(surcharge.min, 0.50 * 730.0) && close(surcharge.max, 365.0), "{surcharge:?}");
    }

    /// The fee is charged exactly when the build and `check` warn, in their words (one judgment, one clock).
    #[test]
    fn the_surcharge_says_what_the_support_window_warning_says() {
        for r in crate::catalog::kubernetes::carried() {
            for today in ["2024-06-01", "2025-12-01", "2026-11-25", "2026-12-03", "2027-06-01"] {
                let mut p = fixture();
                p.kubernetes = r.version.into();
                let warning = crate::check::findings(&p, today)
                    .of(crate::check::Rule::SupportWindow)
                    .first()
                    .map(|f| f.message.clone());
                let e = estimate_of(&p, today).unwrap();
                let fee = e.lines.iter().find(|l| l.item == "EKS extended support surcharge");
                assert_eq!(fee.is_some(), warning.is_some(), "{} on {today}", r.version);
                if let (Some(fee), Some(warning)) = (fee, warning) {
                    assert!(fee.detail.starts_with(&warning), "{} vs {warning}", fee.detail);
                }
            }
        }
    }

    #[test]
    fn amounts_are_cents_and_add_up() {
        let e = estimate_of(&fixture(), "2026-11-25").unwrap();
        let whole_cents = |x: f64| (x * 100.0 - (x * 100.0).round()).abs() < 1e-6;
        for l in &e.lines {
            for x in [l.min, l.max, l.on_demand_min, l.on_demand_max] {
                assert!(whole_cents(x), "{} {x}", l.item);
            }
        }
        let sum: f64 = e.lines.iter().map(|l| l.max).sum();
        assert!(whole_cents(e.total_max) && (sum - e.total_max).abs() < 1e-6, "{sum} {}", e.total_max);
        // serde_json writes the shortest form that reads back: at most two decimals.
        let json = serde_json::to_value(&e).unwrap();
        let text = json["lines"][2]["max"].to_string();
        assert!(text.split('.').nth(1).is_none_or(|d| d.len() <= 2), "{text}");
    }

    #[test]
    fn a_region_without_prices_is_refused() {
        let mut p = fixture();
        p.region = "eu-west-1".into();
        p.availability_zones = vec!["eu-west-1a".into(), "eu-west-1b".into(), "eu-west-1c".into()];
        let message = estimate_of(&p, "2026-11-25").unwrap_err().to_string();
        assert!(message.contains("`eu-west-1`") && message.contains("us-east-2"), "{message}");
    }

    #[test]
    fn the_table_says_it_is_an_estimate() {
        let t = table(&estimate_of(&fixture(), "2026-11-25").unwrap());
        assert!(t.starts_with("ESTIMATE"));
        assert!(t.contains("saving from spot") && t.contains("not included:"));
    }
}
