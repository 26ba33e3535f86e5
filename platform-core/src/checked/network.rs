//! The VPC's addresses, parsed, and what the network holds that is counted (NAT gateways, interface endpoints).
//!
//! Pod pools: the pod CIDR is Calico's alone (the VPC does not hold it), split into four equal blocks; the first
//! three become one Calico IP pool per AZ, the fourth is left free for growth.

use ipnet::Ipv4Net;

use crate::model::Endpoint;

/// The VPC as the renderers and reports use it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Network {
    pub vpc: Ipv4Net,
    /// One per AZ, in the order of `availability_zones`.
    pub private_subnets: Vec<Ipv4Net>,
    pub public_subnets: Vec<Ipv4Net>,
    pub pod_cidr: Ipv4Net,
    /// The pod CIDR's per-AZ blocks: Calico's IP pools.
    pub pod_pools: Vec<Ipv4Net>,
    /// One NAT gateway (and its public address) per AZ, or one in the first AZ.
    pub nat_gateways: usize,
    /// The endpoints reached through an interface endpoint (one ENI per AZ), with their AWS service.
    pub interface_endpoints: Vec<(Endpoint, &'static str)>,
}

/// The pod CIDR split into equal per-AZ blocks (prefix + 2, so four; the first `azs` are used); `None` when the
/// split does not fit.
pub fn pod_pools(pod_cidr: Ipv4Net, azs: usize) -> Option<Vec<Ipv4Net>> {
    let blocks: Vec<Ipv4Net> = pod_cidr.subnets(pod_cidr.prefix_len().checked_add(2)?).ok()?.take(azs).collect();
    (blocks.len() == azs).then_some(blocks)
}

/// The AWS service an interface endpoint reaches (`com.amazonaws.<region>.<service>`); `None` for S3, which
/// gets a (free) gateway endpoint instead.
pub fn interface_service(endpoint: Endpoint) -> Option<&'static str> {
    Some(match endpoint {
        Endpoint::S3 => return None,
        Endpoint::EcrApi => "ecr.api",
        Endpoint::EcrDkr => "ecr.dkr",
        Endpoint::Ec2 => "ec2",
        Endpoint::Sts => "sts",
        Endpoint::Logs => "logs",
        Endpoint::Ssm => "ssm",
        Endpoint::SsmMessages => "ssmmessages",
        Endpoint::Ec2Messages => "ec2messages",
        Endpoint::Kms => "kms",
        Endpoint::SecretsManager => "secretsmanager",
        Endpoint::ElasticLoadBalancing => "elasticloadbalancing",
        Endpoint::Autoscaling => "autoscaling",
        Endpoint::Monitoring => "monitoring",
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_pod_cidr_splits_into_equal_per_az_blocks() {
        let blocks: Vec<String> =
            pod_pools("100.64.0.0/16".parse().unwrap(), 3).unwrap().iter().map(|b| b.to_string()).collect();
        assert_eq!(blocks, ["100.64.0.0/18", "100.64.64.0/18", "100.64.128.0/18"]);
        assert_eq!(pod_pools("100.64.0.0/31".parse().unwrap(), 3), None);
        assert_eq!(pod_pools("100.64.0.0/16".parse().unwrap(), 5), None, "four blocks at most");
    }

    #[test]
    fn endpoint_services() {
        assert_eq!(interface_service(Endpoint::EcrApi), Some("ecr.api"));
        assert_eq!(interface_service(Endpoint::EcrDkr), Some("ecr.dkr"));
        assert_eq!(interface_service(Endpoint::S3), None);
    }
}
