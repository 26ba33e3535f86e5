// The base definition of the compile-fail programs (`ui-tests/fail/`): a valid, customer-style platform that each
// program changes in one place with `ui_base::platform_with! { … }`, so that its error is that change alone.
// `pass/every_carried_version.rs` compiles it at every Kubernetes version the catalog carries.
// Changing a value here moves the expected output of the programs that rely on it: regenerate and review them.
platform_macros::platform! {
    name: "fintech",
    region: "us-east-2",
    kubernetes: "1.28",
    availability_zones: ["us-east-2a", "us-east-2b", "us-east-2c"],
    tags: { "cost-center": "platform-engineering", owner: "platform-team" },
    dns_zones: { "payments.example.com": "Z0123456789ABCDEFGHIJ" },
    vpc {
        cidr: "10.0.0.0/16",
        private_subnets: ["10.0.0.0/19", "10.0.32.0/19", "10.0.64.0/19"],
        public_subnets: ["10.0.96.0/24", "10.0.97.0/24", "10.0.98.0/24"],
        pod_cidr: "100.64.0.0/16",
        nat_gateways: one_per_az,
        endpoints: [ecr_api, ecr_dkr, s3, ec2, sts, logs, ssm, ssmmessages, ec2messages],
        flow_logs: true,
    }
    cluster { endpoint: private, logs: [audit, authenticator, scheduler], log_retention_days: 90 }
    encryption { secrets: true, ebs: true, logs: true }
    node_group critical {
        instance_types: ["m5.large"], capacity: on_demand, size: 3..=6,
        labels: { workload: "critical" }, taints: [workload = "critical": NoSchedule],
    }
    node_group general {
        instance_types: ["t3.medium", "t3a.medium"], capacity: mixed(spot: 60%), size: 2..=12,
        labels: { workload: "general" },
    }
    node_group batch {
        instance_types: ["c5.large", "c5a.large"], capacity: spot, size: 0..=20, disk_gib: 100,
        labels: { workload: "batch" }, taints: [workload = "batch": NoSchedule],
    }
    tenant payments {
        node_groups: [critical],
        pod_security: restricted,
        groups: { admin: "6f1c2a9e-3b7d-4c1e-9a2f-1d4e5b6c7a80" },
        secret_prefix: "payments/",
        cross_account_roles: ["arn:aws:iam::111122223333:role/payments-secrets-reader"],
        quota: { cpu: "8", memory: "32Gi", pods: 200 },
    }
    tenant api {
        node_groups: [general],
        groups: { admin: "f7b9d1e3-5a6c-4b8d-8e4f-6a8b0c2d4e56" },
        quota: { cpu: "16", memory: "24Gi", pods: 200 },
    }
    addon coredns { replicas: 3, node_group: critical }
    addon kube_proxy {}
    addon aws_ebs_csi_driver { replicas: 2, node_group: critical }
    addon amazon_cloudwatch_observability {}
    identity azure_ad {
        tenant_id: "2d4f6a8c-0e1b-4c3d-8e5f-7a9b1c3d5e78",
        client_id: "3e5a7b9d-1f2c-4d4e-9f6a-8b0c2d4e6f89",
        groups_prefix: "aad:",
        cluster_roles: { admin: "4f6b8c0e-2a3d-4e5f-8a7b-9c1d3e5f7a90" },
    }
}
