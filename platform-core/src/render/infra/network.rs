//! The VPC: private (node) and public subnets in each AZ, internet and NAT gateways, routes, the S3 gateway
//! endpoint and interface endpoints (one security group: HTTPS from the VPC CIDR only), flow logs to a
//! KMS-encrypted log group, and the default security group stripped of every rule.
//!
//! Nothing here holds pod addresses: the pod CIDR is Calico's VXLAN overlay (one IP pool per AZ, cluster stage),
//! and pod traffic leaves a node with the node's address (`natOutgoing`), so the VPC, its route tables and the
//! endpoints' security group only ever see node subnets.

use serde_json::json;

use super::iam::{self, Statement};
use super::refs;
use crate::model::Endpoint;
use crate::naming::ServiceRole;
use crate::render::context::Context;
use crate::render::tf_json::{Document, Ref};

fn name_tag(name: String) -> serde_json::Value {
    json!({ "Name": name })
}

pub(super) fn render(ctx: &Context, doc: &mut Document) {
    let p = ctx.platform;
    let network = ctx.checked.network();
    let n = &ctx.names;
    let vpc = doc.resource(
        "aws_vpc",
        "main",
        json!({
            "cidr_block": network.vpc.to_string(),
            "enable_dns_support": true,
            "enable_dns_hostnames": true,
            "tags": name_tag(n.name("vpc", "")),
        }),
    );
    assert_eq!(vpc, refs::vpc());

    // Nothing may use the default security group: strip its rules (Terraform removes them on adoption).
    doc.resource(
        "aws_default_security_group",
        "main",
        json!({ "vpc_id": vpc.attr("id"), "tags": name_tag(n.name("secgroup", "default-locked")) }),
    );

    let igw = doc.resource(
        "aws_internet_gateway",
        "main",
        json!({ "vpc_id": vpc.attr("id"), "tags": name_tag(n.name("igw", "")) }),
    );

    for (i, az) in p.availability_zones.iter().enumerate() {
        let zone = az.trim_start_matches(p.region.as_str());
        doc.resource(
            "aws_subnet",
            &format!("private_{i}"),
            json!({
                "vpc_id": vpc.attr("id"),
                "cidr_block": network.private_subnets[i].to_string(),
                "availability_zone": az,
                "map_public_ip_on_launch": false,
                "tags": {
                    "Name": n.name("subnet", &format!("private-{zone}")),
                    "kubernetes.io/role/internal-elb": "1",
                },
            }),
        );
        doc.resource(
            "aws_subnet",
            &format!("public_{i}"),
            json!({
                "vpc_id": vpc.attr("id"),
                "cidr_block": network.public_subnets[i].to_string(),
                "availability_zone": az,
                "map_public_ip_on_launch": false,
                "tags": { "Name": n.name("subnet", &format!("public-{zone}")), "kubernetes.io/role/elb": "1" },
            }),
        );
    }

    // Public route table: the internet gateway.
    let public_rt = doc.resource(
        "aws_route_table",
        "public",
        json!({ "vpc_id": vpc.attr("id"), "tags": name_tag(n.name("rtb", "public")) }),
    );
    doc.resource(
        "aws_route",
        "public_internet",
        json!({ "route_table_id": public_rt.attr("id"), "destination_cidr_block": "0.0.0.0/0", "gateway_id": igw.attr("id") }),
    );

    // NAT gateways: one per AZ, or one in the first AZ.
    let nats: Vec<Ref> = (0..ctx.checked.network().nat_gateways)
        .map(|i| {
            let zone = p.availability_zones[i].trim_start_matches(p.region.as_str());
            let eip = doc.resource(
                "aws_eip",
                &format!("nat_{i}"),
                json!({ "domain": "vpc", "tags": name_tag(n.name("eip", &format!("nat-{zone}"))), "depends_on": [igw.address()] }),
            );
            doc.resource(
                "aws_nat_gateway",
                &format!("az_{i}"),
                json!({
                    "allocation_id": eip.attr("id"),
                    "subnet_id": refs::public_subnet(i).attr("id"),
                    "tags": name_tag(n.name("nat", zone)),
                    "depends_on": [igw.address()],
                }),
            )
        })
        .collect();

    let mut private_rts = Vec::new();
    for (i, az) in p.availability_zones.iter().enumerate() {
        let zone = az.trim_start_matches(p.region.as_str());
        doc.resource(
            "aws_route_table_association",
            &format!("public_{i}"),
            json!({ "subnet_id": refs::public_subnet(i).attr("id"), "route_table_id": public_rt.attr("id") }),
        );
        let rt = doc.resource(
            "aws_route_table",
            &format!("private_{i}"),
            json!({ "vpc_id": vpc.attr("id"), "tags": name_tag(n.name("rtb", &format!("private-{zone}"))) }),
        );
        let nat = &nats[i.min(nats.len() - 1)];
        doc.resource(
            "aws_route",
            &format!("private_{i}_nat"),
            json!({ "route_table_id": rt.attr("id"), "destination_cidr_block": "0.0.0.0/0", "nat_gateway_id": nat.attr("id") }),
        );
        doc.resource(
            "aws_route_table_association",
            &format!("private_{i}"),
            json!({ "subnet_id": refs::private_subnet(i).attr("id"), "route_table_id": rt.attr("id") }),
        );
        private_rts.push(rt);
    }

    render_endpoints(ctx, doc, &vpc, &private_rts);
    if p.vpc.flow_logs {
        render_flow_logs(ctx, doc, &vpc);
    }
}

fn render_endpoints(ctx: &Context, doc: &mut Document, vpc: &Ref, private_rts: &[Ref]) {
    let p = ctx.platform;
    let n = &ctx.names;
    let region = &p.region;
    if p.vpc.endpoints.contains(&Endpoint::S3) {
        let rts: Vec<_> = private_rts.iter().map(|rt| rt.attr("id")).collect();
        doc.resource(
            "aws_vpc_endpoint",
            "s3",
            json!({
                "vpc_id": vpc.attr("id"),
                "service_name": format!("com.amazonaws.{region}.s3"),
                "vpc_endpoint_type": "Gateway",
                "route_table_ids": rts,
                "tags": name_tag(n.name("vpce", "s3")),
            }),
        );
    }
    let interfaces = &ctx.checked.network().interface_endpoints;
    if interfaces.is_empty() {
        return;
    }
    let sg = doc.resource(
        "aws_security_group",
        "endpoints",
        json!({
            "name": n.endpoints_security_group(),
            "description": "Interface VPC endpoints: HTTPS from the VPC CIDR only",
            "vpc_id": vpc.attr("id"),
            "tags": name_tag(n.endpoints_security_group()),
        }),
    );
    // Pods reach the endpoints from their node's address (`natOutgoing`), so the VPC CIDR covers them.
    doc.resource(
        "aws_vpc_security_group_ingress_rule",
        "endpoints_https_vpc",
        json!({
            "security_group_id": sg.attr("id"),
            "description": "HTTPS from the vpc CIDR",
            "ip_protocol": "tcp",
            "from_port": 443,
            "to_port": 443,
            "cidr_ipv4": ctx.checked.network().vpc.to_string(),
            "tags": name_tag(n.name("sgr", "endpoints-https-vpc")),
        }),
    );
    let subnets: Vec<_> = (0..p.availability_zones.len()).map(|i| refs::private_subnet(i).attr("id")).collect();
    for (endpoint, service) in interfaces {
        let key = endpoint.to_string();
        doc.resource(
            "aws_vpc_endpoint",
            &key,
            json!({
                "vpc_id": vpc.attr("id"),
                "service_name": format!("com.amazonaws.{region}.{service}"),
                "vpc_endpoint_type": "Interface",
                "private_dns_enabled": true,
                "subnet_ids": subnets,
                "security_group_ids": [sg.attr("id")],
                "tags": name_tag(n.name("vpce", &key)),
            }),
        );
    }
}

fn render_flow_logs(ctx: &Context, doc: &mut Document, vpc: &Ref) {
    let n = &ctx.names;
    let group = doc.resource_at(
        &refs::flow_log_group(),
        json!({
            "name": format!("/aws/vpc/flow-logs/{}", n.name("vpc", "")),
            "retention_in_days": ctx.platform.cluster.log_retention_days,
            "kms_key_id": refs::logs_key().attr("arn"),
        }),
    );
    let role = iam::service_role(
        ctx,
        doc,
        "flow_logs",
        ServiceRole::FlowLogs,
        "VPC flow logs delivery to their CloudWatch log group",
        Statement::allow("TrustVpcFlowLogs")
            .actions(&["sts:AssumeRole"])
            .principal("Service", &[iam::service("vpc-flow-logs")])
            .condition("StringEquals", "aws:SourceAccount", &[iam::account()])
            .condition("ArnLike", "aws:SourceArn", &[iam::arn(ctx, "ec2", "vpc-flow-log/*")]),
        &[
            Statement::allow("WriteFlowLogs")
                .actions(&["logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogStreams"])
                .resources(&[group.attr("arn").to_string(), format!("{}:*", group.attr("arn"))]),
            // DescribeLogGroups has no resource-level permissions (IAM matches it against `*` only; a log-group
            // ARN makes the statement match nothing), so it alone is granted on `*`: it lists names, nothing else.
            Statement::allow("DescribeLogGroups").actions(&["logs:DescribeLogGroups"]).resources(&["*"]),
        ],
    );
    doc.resource(
        "aws_flow_log",
        "vpc",
        json!({
            "vpc_id": vpc.attr("id"),
            "traffic_type": "ALL",
            "log_destination_type": "cloud-watch-logs",
            "log_destination": group.attr("arn"),
            "iam_role_arn": role.attr("arn"),
            "max_aggregation_interval": 60,
            "tags": name_tag(n.name("flowlog", "vpc")),
        }),
    );
}
