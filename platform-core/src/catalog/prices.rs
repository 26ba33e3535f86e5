//! Monthly-cost inputs for us-east-2, in US dollars: the one price table of `platform cost`.
//!
//! Source: the AWS public price pages (EC2 On-Demand Linux, Amazon EKS, Amazon VPC/NAT gateway and
//! PrivateLink, Amazon EBS, AWS KMS, Amazon CloudWatch, public IPv4 addresses) for US East (Ohio), as published
//! in 2025 (these prices had not changed in years); not re-read online from here. Spot has no list price: it is
//! modelled as a fixed fraction of on-demand, an assumption stated in the report.

/// The regions this table prices. `platform cost` refuses any other: EC2, NAT and endpoint prices differ by
/// region, and a second region's table is only worth carrying from the same dated sources.
pub const PRICED_REGIONS: &[&str] = &["us-east-2"];

/// The date the table reflects, printed with every estimate.
pub const PRICES_AS_OF: &str = "2025 list prices";
/// Hours in the billing month AWS uses for monthly figures.
pub const HOURS_PER_MONTH: f64 = 730.0;

/// EKS cluster, standard support, per hour.
pub const EKS_STANDARD_PER_HOUR: f64 = 0.10;
/// EKS cluster on a version in extended support, per hour, in total: the standard rate plus a $0.50 surcharge
/// (AWS Containers Blog, "Amazon EKS extended support for Kubernetes versions pricing", 2024: $0.60 per cluster
/// per hour from the April 2024 billing cycle; standard support unchanged at $0.10).
pub const EKS_EXTENDED_PER_HOUR: f64 = 0.60;
/// NAT gateway, per hour (data processing, $0.045/GB, depends on traffic and is not estimated).
pub const NAT_GATEWAY_PER_HOUR: f64 = 0.045;
/// Public IPv4 address (each NAT gateway's Elastic IP), per hour.
pub const PUBLIC_IPV4_PER_HOUR: f64 = 0.005;
/// Interface VPC endpoint, per AZ, per hour (data processing, $0.01/GB, not estimated).
pub const INTERFACE_ENDPOINT_PER_AZ_HOUR: f64 = 0.01;
/// EBS gp3 storage, per GiB-month (baseline IOPS and throughput are included).
pub const GP3_PER_GIB_MONTH: f64 = 0.08;
/// Customer managed KMS key, per month (requests, $0.03 per 10,000, not estimated).
pub const KMS_KEY_PER_MONTH: f64 = 1.00;
/// CloudWatch standard-resolution metric alarm, per month.
pub const ALARM_PER_MONTH: f64 = 0.10;
/// Spot price as a fraction of on-demand: an assumption (AWS advertises savings of up to 90%; 65% off is a
/// middle value for these general-purpose families). Change it here.
pub const SPOT_FRACTION_OF_ON_DEMAND: f64 = 0.35;

/// On-demand Linux price per hour of each instance type of [`super::instance_types::INSTANCE_TYPES`].
pub const ON_DEMAND_PER_HOUR: &[(&str, f64)] = &[
    ("t3.medium", 0.0416),
    ("t3a.medium", 0.0376),
    ("t3.large", 0.0832),
    ("t3a.large", 0.0752),
    ("t3.xlarge", 0.1664),
    ("t3a.xlarge", 0.1504),
    ("m5.large", 0.096),
    ("m5a.large", 0.086),
    ("m5d.large", 0.113),
    ("m6i.large", 0.096),
    ("m6a.large", 0.0864),
    ("m7i.large", 0.1008),
    ("m5.xlarge", 0.192),
    ("m5a.xlarge", 0.172),
    ("m6i.xlarge", 0.192),
    ("m6a.xlarge", 0.1728),
    ("m7i.xlarge", 0.2016),
    ("m5.2xlarge", 0.384),
    ("m6i.2xlarge", 0.384),
    ("c5.large", 0.085),
    ("c5a.large", 0.077),
    ("c6i.large", 0.085),
    ("c6a.large", 0.0765),
    ("c7i.large", 0.08925),
    ("c5.xlarge", 0.17),
    ("c5a.xlarge", 0.154),
    ("c6i.xlarge", 0.17),
    ("c6a.xlarge", 0.153),
    ("r5.large", 0.126),
    ("r5a.large", 0.113),
    ("r6i.large", 0.126),
    ("r6a.large", 0.1134),
];

/// The on-demand price per hour of an instance type.
pub fn on_demand_per_hour(instance_type: &str) -> Option<f64> {
    ON_DEMAND_PER_HOUR.iter().find(|(name, _)| *name == instance_type).map(|(_, price)| *price)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::instance_types::INSTANCE_TYPES;

    #[test]
    fn every_instance_type_has_a_price() {
        for t in INSTANCE_TYPES {
            assert!(on_demand_per_hour(t.name).is_some_and(|p| p > 0.0), "no price for {}", t.name);
        }
        assert_eq!(ON_DEMAND_PER_HOUR.len(), INSTANCE_TYPES.len(), "no price for an unknown type");
    }
}
