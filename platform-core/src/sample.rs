//! The customer's platform, built by hand without the macro.
//!
//! Unit tests of the checks and renderers start from it (and break one thing at a time); an integration test
//! asserts that the `platform!` definition in `platform-bin` expands to exactly this value. The Azure AD ids, the
//! hosted zone and the cross-account ARNs are example values in the right format (account 111122223333 is the
//! AWS documentation account): a deployment replaces them with the customer's own.

use std::collections::BTreeMap;

use crate::model::*;

fn s(v: &str) -> String {
    v.to_owned()
}

fn strings(vs: &[&str]) -> Vec<String> {
    vs.iter().map(|v| s(v)).collect()
}

fn map(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
    pairs.iter().map(|(k, v)| (s(k), s(v))).collect()
}

fn taint(key: &str, value: &str) -> Taint {
    Taint { key: s(key), value: s(value), effect: TaintEffect::NoSchedule }
}

fn group(role: TenantRole, group_id: &str) -> GroupBinding {
    GroupBinding { role, group_id: s(group_id) }
}

fn irsa(name: &str, namespace: &str, service_account: &str, policy: ManagedPolicy) -> IrsaBinding {
    IrsaBinding {
        name: s(name),
        namespace: s(namespace),
        service_account: s(service_account),
        policy: Policy::Managed(policy),
    }
}

/// The customer's platform (see `platform-bin/src/platform.rs` for the same in the DSL).
pub fn customer_platform() -> Platform {
    Platform {
        name: s("fintech"),
        region: s("us-east-2"),
        kubernetes: s("1.28"),
        availability_zones: strings(&["us-east-2a", "us-east-2b", "us-east-2c"]),
        tags: map(&[("cost-center", "platform-engineering"), ("compliance", "pci-dss"), ("owner", "platform-team")]),
        vpc: Vpc {
            cidr: s("10.0.0.0/16"),
            private_subnets: strings(&["10.0.0.0/19", "10.0.32.0/19", "10.0.64.0/19"]),
            public_subnets: strings(&["10.0.96.0/24", "10.0.97.0/24", "10.0.98.0/24"]),
            pod_cidr: s("100.64.0.0/16"),
            nat_gateways: NatGateways::OnePerAz,
            endpoints: vec![
                Endpoint::EcrApi,
                Endpoint::EcrDkr,
                Endpoint::S3,
                Endpoint::Ec2,
                Endpoint::Sts,
                Endpoint::Logs,
                Endpoint::Ssm,
                Endpoint::SsmMessages,
                Endpoint::Ec2Messages,
                Endpoint::Kms,
                Endpoint::SecretsManager,
                Endpoint::ElasticLoadBalancing,
                Endpoint::Autoscaling,
            ],
            flow_logs: true,
        },
        cluster: Cluster {
            endpoint: EndpointAccess::PrivateAndPublic,
            logs: vec![LogType::Audit, LogType::Authenticator, LogType::Scheduler],
            log_retention_days: 90,
            log_archive_days: 400,
            log_archive_destroyable_in: strings(&["dev", "ci", "test"]),
        },
        encryption: Encryption::default(),
        node_groups: vec![
            NodeGroup {
                name: s("critical"),
                workload: WorkloadClass::Critical,
                instance_types: strings(&["m5.large"]),
                capacity: Capacity::OnDemand,
                min_size: 3,
                desired_size: 3,
                max_size: 6,
                os: NodeOs::Bottlerocket,
                disk_gib: 50,
                labels: map(&[("workload", "critical")]),
                taints: vec![taint("workload", "critical")],
            },
            NodeGroup {
                name: s("general"),
                workload: WorkloadClass::General,
                instance_types: strings(&["t3.medium", "t3a.medium"]),
                capacity: Capacity::Mixed { spot_percent: 60 },
                min_size: 2,
                desired_size: 3,
                max_size: 12,
                os: NodeOs::Bottlerocket,
                disk_gib: 50,
                labels: map(&[("workload", "general")]),
                taints: vec![],
            },
            NodeGroup {
                name: s("batch"),
                workload: WorkloadClass::Batch,
                instance_types: strings(&["c5.large", "c5a.large", "c6i.large"]),
                capacity: Capacity::Spot,
                min_size: 0,
                desired_size: 0,
                max_size: 20,
                os: NodeOs::Bottlerocket,
                disk_gib: 100,
                labels: map(&[("workload", "batch")]),
                taints: vec![taint("workload", "batch")],
            },
        ],
        tenants: vec![
            Tenant {
                name: s("payments"),
                node_groups: strings(&["critical"]),
                pod_security: PodSecurity::Restricted,
                groups: vec![
                    group(TenantRole::Admin, "6f1c2a9e-3b7d-4c1e-9a2f-1d4e5b6c7a80"),
                    group(TenantRole::Developer, "a3d5e7f9-1b2c-4d6e-8f0a-2b4c6d8e0f12"),
                    group(TenantRole::ReadOnly, "c4e6a8b0-2d3f-4e5a-9b1c-3d5e7f9a1b23"),
                ],
                secret_prefix: s("payments/"),
                cross_account_roles: strings(&["arn:aws:iam::111122223333:role/payments-secrets-reader"]),
                quota: Quota { cpu: s("16"), memory: s("32Gi"), pods: 200 },
            },
            Tenant {
                name: s("reconciliation"),
                node_groups: strings(&["batch"]),
                pod_security: PodSecurity::Restricted,
                groups: vec![
                    group(TenantRole::Admin, "d5f7b9c1-3e4a-4f6b-8c2d-4e6f8a0b2c34"),
                    group(TenantRole::Developer, "e6a8c0d2-4f5b-4a7c-9d3e-5f7a9b1c3d45"),
                ],
                secret_prefix: s("reconciliation/"),
                cross_account_roles: vec![],
                quota: Quota { cpu: s("40"), memory: s("80Gi"), pods: 300 },
            },
            Tenant {
                name: s("api"),
                node_groups: strings(&["general"]),
                pod_security: PodSecurity::Restricted,
                groups: vec![
                    group(TenantRole::Admin, "f7b9d1e3-5a6c-4b8d-8e4f-6a8b0c2d4e56"),
                    group(TenantRole::Developer, "0a1b2c3d-4e5f-4a6b-9c7d-8e9f0a1b2c67"),
                ],
                secret_prefix: s("api/"),
                cross_account_roles: vec![],
                quota: Quota { cpu: s("16"), memory: s("32Gi"), pods: 200 },
            },
        ],
        addons: vec![
            Addon {
                kind: AddonKind::Coredns,
                replicas: Some(3),
                node_group: Some(s("critical")),
                resources: Some(Resources { cpu: s("100m"), memory: s("128Mi") }),
            },
            Addon {
                kind: AddonKind::KubeProxy,
                replicas: None,
                node_group: None,
                resources: Some(Resources { cpu: s("100m"), memory: s("128Mi") }),
            },
            Addon {
                kind: AddonKind::AwsEbsCsiDriver,
                replicas: Some(2),
                node_group: Some(s("critical")),
                resources: None,
            },
            Addon { kind: AddonKind::AmazonCloudwatchObservability, replicas: None, node_group: None, resources: None },
        ],
        irsa: vec![
            irsa("cluster_autoscaler", "kube-system", "cluster-autoscaler", ManagedPolicy::ClusterAutoscaler),
            irsa(
                "aws_load_balancer_controller",
                "kube-system",
                "aws-load-balancer-controller",
                ManagedPolicy::AwsLoadBalancerController,
            ),
            irsa("external_dns", "external-dns", "external-dns", ManagedPolicy::ExternalDns),
            irsa("external_secrets", "external-secrets", "external-secrets", ManagedPolicy::ExternalSecrets),
            irsa("ebs_csi", "kube-system", "ebs-csi-controller-sa", ManagedPolicy::EbsCsi),
            irsa(
                "cloudwatch_observability",
                "amazon-cloudwatch",
                "cloudwatch-agent",
                ManagedPolicy::CloudwatchObservability,
            ),
        ],
        identity: Identity {
            tenant_id: s("2d4f6a8c-0e1b-4c3d-8e5f-7a9b1c3d5e78"),
            client_id: s("3e5a7b9d-1f2c-4d4e-9f6a-8b0c2d4e6f89"),
            username_claim: s("email"),
            groups_claim: s("groups"),
            username_prefix: s("aad:"),
            groups_prefix: s("aad:"),
            cluster_roles: vec![
                ClusterGroupBinding { role: ClusterRole::Admin, group_id: s("4f6b8c0e-2a3d-4e5f-8a7b-9c1d3e5f7a90") },
                ClusterGroupBinding {
                    role: ClusterRole::ReadOnly,
                    group_id: s("5a7c9d1f-3b4e-4f6a-9b8c-0d2e4f6a8b01"),
                },
            ],
        },
        dns_zones: vec![DnsZone { name: s("payments.example.com"), zone_id: s("Z0123456789ABCDEFGHIJ") }],
    }
}
