//! The customer's platform: a PCI-regulated, multi-tenant EKS platform in us-east-2.
//!
//! Every value here is checked when this file compiles (see `platform_core::check::Rule` for the rules). The Azure
//! AD ids, the hosted zone and the cross-account role are example values in the right format; a deployment puts
//! in the customer's own (account 111122223333 is the AWS documentation account).

use platform_core::model::Platform;
use platform_macros::platform;

/// The platform `platform render` renders.
///
/// The customer's requirements fix Kubernetes 1.28, which left EKS extended support on 2025-11-26; the macro's
/// `versions/support-window` warning says so, and is acknowledged here rather than silenced globally.
#[allow(deprecated)]
pub fn customer_platform() -> Platform {
    platform! {
        name: "fintech",
        region: "us-east-2",
        kubernetes: "1.28",
        availability_zones: ["us-east-2a", "us-east-2b", "us-east-2c"],
        // Cost allocation: on every AWS resource (provider default tags).
        tags: { "cost-center": "platform-engineering", compliance: "pci-dss", owner: "platform-team" },
        // The zones external-dns may write records in (and nothing else).
        dns_zones: { "payments.example.com": "Z0123456789ABCDEFGHIJ" },

        vpc {
            cidr: "10.0.0.0/16",
            private_subnets: ["10.0.0.0/19", "10.0.32.0/19", "10.0.64.0/19"],
            public_subnets: ["10.0.96.0/24", "10.0.97.0/24", "10.0.98.0/24"],
            // Pods on Calico's VXLAN overlay, one IP pool per AZ; the VPC does not hold these addresses.
            pod_cidr: "100.64.0.0/16",
            nat_gateways: one_per_az,
            endpoints: [
                ecr_api, ecr_dkr, s3, ec2, sts, logs, ssm, ssmmessages, ec2messages,
                kms, secretsmanager, elasticloadbalancing, autoscaling,
            ],
        }

        cluster {
            // The public endpoint is limited to the `public_access_cidrs` Terraform variable.
            endpoint: private_and_public,
            logs: [audit, authenticator, scheduler],
            log_retention_days: 90,
            // PCI DSS 10.5.1: 12 months of history; CloudWatch keeps 90 days at hand, S3 the rest.
            log_archive_days: 400,
            // Non-production environments are torn down whole (the requirements: everything destroyable);
            // every other environment, production among them, retains its archive (rule logging/archive-retention).
            log_archive_destroyable_in: ["dev", "ci", "test"],
        }

        node_group critical {
            instance_types: ["m5.large"],
            capacity: on_demand,
            size: 3..=6,
            labels: { workload: "critical" },
            taints: [workload = "critical": NoSchedule],
        }
        // Payments' own nodes (PCI scope): critical-class, and a taint the platform's controllers do not tolerate,
        // so none of them runs on the host network next to cardholder data (`tenancy/pci-host-network`).
        node_group cardholder {
            workload: critical,
            instance_types: ["m5.large"],
            capacity: on_demand,
            size: 3..=6,
            labels: { workload: "critical", pci: "true" },
            taints: [workload = "critical": NoSchedule, pci = "true": NoSchedule],
        }
        node_group general {
            instance_types: ["t3.medium", "t3a.medium"],
            capacity: mixed(spot: 60%),
            size: 2..=12,
            desired: 3,
            labels: { workload: "general" },
        }
        node_group batch {
            instance_types: ["c5.large", "c5a.large", "c6i.large"],
            capacity: spot,
            size: 0..=20,
            disk_gib: 100,
            labels: { workload: "batch" },
            taints: [workload = "batch": NoSchedule],
        }

        tenant payments {
            pci: true,
            node_groups: [cardholder],
            groups: {
                admin: "6f1c2a9e-3b7d-4c1e-9a2f-1d4e5b6c7a80",
                developer: "a3d5e7f9-1b2c-4d6e-8f0a-2b4c6d8e0f12",
                read_only: "c4e6a8b0-2d3f-4e5a-9b1c-3d5e7f9a1b23",
            },
            // Read through external-secrets, which assumes this role in the secrets account.
            cross_account_roles: ["arn:aws:iam::111122223333:role/payments-secrets-reader"],
            // 6 × m5.large of `cardholder` hold 9 CPU and 37356Mi for tenants (`tenancy/quota-capacity`).
            quota: { cpu: "8", memory: "32Gi", pods: 200 },
            // The API calls payments, reconciliation reads it; nothing else reaches its pods.
            allow_from: [api: 8443, reconciliation: 8443],
        }
        tenant reconciliation {
            node_groups: [batch],
            groups: {
                admin: "d5f7b9c1-3e4a-4f6b-8c2d-4e6f8a0b2c34",
                developer: "e6a8c0d2-4f5b-4a7c-9d3e-5f7a9b1c3d45",
            },
            // 20 × c5.large hold 30 CPU and 41.6Gi for tenants (`tenancy/quota-capacity`).
            quota: { cpu: "30", memory: "40Gi", pods: 300 },
        }
        tenant api {
            node_groups: [general],
            groups: {
                admin: "f7b9d1e3-5a6c-4b8d-8e4f-6a8b0c2d4e56",
                developer: "0a1b2c3d-4e5f-4a6b-9c7d-8e9f0a1b2c67",
            },
            // 12 × t3.medium hold 25560Mi for tenants (`tenancy/quota-capacity`).
            quota: { cpu: "16", memory: "24Gi", pods: 200 },
            // The public API, behind the load balancers (instance targets: through the nodes).
            allow_from: [load_balancers: 8443],
        }

        addon coredns { replicas: 3, node_group: critical, resources: { cpu: "100m", memory: "128Mi" } }
        addon kube_proxy { resources: { cpu: "100m", memory: "128Mi" } }
        addon aws_ebs_csi_driver { replicas: 2, node_group: critical }
        addon amazon_cloudwatch_observability {}
        // The platform controllers' IRSA bindings are implied (docs/dsl.md, `irsa`); an `irsa` block with a
        // controller's policy would replace its binding.

        identity azure_ad {
            tenant_id: "2d4f6a8c-0e1b-4c3d-8e5f-7a9b1c3d5e78",
            client_id: "3e5a7b9d-1f2c-4d4e-9f6a-8b0c2d4e6f89",
            username_claim: "oid",
            groups_claim: "groups",
            username_prefix: "aad:",
            groups_prefix: "aad:",
            cluster_roles: {
                admin: "4f6b8c0e-2a3d-4e5f-8a7b-9c1d3e5f7a90",
                read_only: "5a7c9d1f-3b4e-4f6a-9b8c-0d2e4f6a8b01",
            },
        }
    }
}
