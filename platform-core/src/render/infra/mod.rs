//! The infra stage: one Terraform root on the aws provider alone (VPC, KMS, logs, EKS, nodes, IAM, addons…).
//!
//! Modules render in dependency order into one [`Document`]; they refer to each other's resources through the
//! well-known addresses in [`refs`], never through formatted strings.

pub(crate) mod addons;
pub(crate) mod archive;
mod bootstrap;
mod cluster;
mod encryption;
mod iam;
mod identity;
mod irsa;
mod logs;
pub(crate) mod network;
pub(crate) mod nodes;
mod observability;
mod outputs;
pub(crate) mod providers;
pub mod refs;
mod secrets;
mod ssm;

use super::tf_json::Document;
use super::RenderOptions;
use crate::checked::Checked;
use crate::render::context::Context;

/// Renders the infra root of a checked platform.
pub fn render(checked: &Checked, options: &RenderOptions) -> Document {
    let ctx = Context::new(checked, &options.environment_suffix);
    let mut doc = Document::default();
    providers::render(&ctx, &mut doc);
    network::render(&ctx, &mut doc);
    encryption::render(&ctx, &mut doc);
    logs::render(&ctx, &mut doc);
    archive::render(&ctx, &mut doc);
    cluster::render(&ctx, &mut doc);
    bootstrap::render(&ctx, &mut doc);
    nodes::render(&ctx, &mut doc);
    irsa::render(&ctx, &mut doc);
    addons::render(&ctx, &mut doc);
    identity::render(&ctx, &mut doc);
    secrets::render(&ctx, &mut doc);
    ssm::render(&ctx, &mut doc);
    observability::render(&ctx, &mut doc);
    outputs::render(&ctx, &mut doc);
    doc
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::NatGateways;

    /// The counts the cost estimate reads off the checked model are what the infra root renders.
    #[test]
    fn the_model_counts_what_renders() {
        let mut single = crate::fixture::platform();
        single.vpc.nat_gateways = NatGateways::Single;
        single.tenants.truncate(1);
        for p in [crate::fixture::platform(), single] {
            let checked = crate::check_platform(&p, "2024-06-01").unwrap();
            let doc = render(&checked, &RenderOptions { environment_suffix: "dev".into(), account_id: None });
            let count = |t: &str| doc.resources(t).count();
            let network = checked.network();
            assert_eq!(count("aws_nat_gateway"), network.nat_gateways);
            assert_eq!(count("aws_eip"), network.nat_gateways);
            let endpoint_azs: usize = doc
                .resources("aws_vpc_endpoint")
                .filter(|e| e["vpc_endpoint_type"] == "Interface")
                .map(|e| e["subnet_ids"].as_array().map_or(0, Vec::len))
                .sum();
            assert_eq!(endpoint_azs, network.interface_endpoints.len() * p.availability_zones.len());
            assert_eq!(count("aws_kms_key"), checked.kms_keys());
            assert_eq!(count("aws_cloudwatch_metric_alarm"), checked.alarms());
            assert_eq!(count("aws_kinesis_firehose_delivery_stream"), checked.archived_log_groups());
            let parts: usize = checked.node_groups().iter().map(|g| g.parts.len()).sum();
            assert_eq!(count("aws_eks_node_group"), parts);
        }
    }
}
