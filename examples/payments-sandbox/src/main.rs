//! A payments sandbox declared in its own crate: one tenant, a single NAT gateway, in
//! eu-west-1. `cargo run -p payments-sandbox -- render --environment-suffix dev --local-state` renders it into
//! `out/dev/`; every other `platform` command works the same.

use std::process::ExitCode;

use platform_macros::platform;

fn main() -> ExitCode {
    platform_cli::main(&platform! {
        name: "sandbox",
        region: "eu-west-1",
        kubernetes: "1.36",
        availability_zones: ["eu-west-1a", "eu-west-1b", "eu-west-1c"],
        tags: { "cost-center": "payments-sandbox", owner: "payments-team" },
        dns_zones: { "sandbox.example.com": "Z04SANDBOX0EXAMPLE0001" },

        vpc {
            cidr: "10.42.0.0/20",
            private_subnets: ["10.42.0.0/22", "10.42.4.0/22", "10.42.8.0/22"],
            public_subnets: ["10.42.12.0/26", "10.42.12.64/26", "10.42.12.128/26"],
            pod_cidr: "100.64.0.0/18",
            // A sandbox: one NAT gateway is cheaper, and an AZ outage may cut its egress.
            nat_gateways: single,
            endpoints: [ecr_api, ecr_dkr, s3, ec2, sts, logs, ssm, ssmmessages, ec2messages],
        }

        cluster {
            // The public endpoint is limited to the `public_access_cidrs` Terraform variable.
            endpoint: private_and_public,
            logs: [audit, authenticator, scheduler],
            log_retention_days: 90,
            log_archive_destroyable_in: ["dev", "ci"],
        }

        node_group critical {
            instance_types: ["m6i.large"],
            capacity: on_demand,
            size: 2..=3,
            labels: { workload: "critical" },
            taints: [workload = "critical": NoSchedule],
        }
        node_group general {
            instance_types: ["t3.medium", "t3a.medium"],
            capacity: mixed(spot: 50%),
            size: 1..=4,
            labels: { workload: "general" },
        }
        node_group batch {
            instance_types: ["c5.large", "c6i.large"],
            capacity: spot,
            size: 0..=4,
            labels: { workload: "batch" },
            taints: [workload = "batch": NoSchedule],
        }

        tenant payments {
            node_groups: [critical],
            groups: { admin: "1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d" },
            // 3 × m6i.large hold 3680m CPU beside the platform controllers (`tenancy/quota-capacity`).
            quota: { cpu: "3", memory: "8Gi", pods: 50 },
        }

        addon coredns { replicas: 2, node_group: critical }
        addon kube_proxy {}
        addon aws_ebs_csi_driver { replicas: 2, node_group: critical }
        addon amazon_cloudwatch_observability {}
        // The platform controllers' IRSA bindings are implied (docs/dsl.md, `irsa`); an `irsa` block with a
        // controller's policy would replace its binding.

        identity azure_ad {
            tenant_id: "2b3c4d5e-6f7a-4b8c-9d0e-1f2a3b4c5d6e",
            client_id: "3c4d5e6f-7a8b-4c9d-8e1f-2a3b4c5d6e7f",
            cluster_roles: { admin: "4d5e6f7a-8b9c-4d0e-9f2a-3b4c5d6e7f80" },
        }
    })
}
