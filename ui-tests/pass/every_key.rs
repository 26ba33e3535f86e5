//! Every key of every DSL block written out, optional ones too: a definition that compiles, from which
//! `docs/dsl.md` takes the examples no other definition writes (`platform_core::schema::reference`).

fn main() {
    let p = platform_macros::platform! {
        name: "fintech",
        region: "us-east-2",
        kubernetes: "1.35",
        availability_zones: ["us-east-2a", "us-east-2b", "us-east-2c"],
        tags: { "cost-center": "platform-engineering" },
        dns_zones: { "payments.example.com": "Z0123456789ABCDEFGHIJ" },
        vpc {
            cidr: "10.0.0.0/16",
            private_subnets: ["10.0.0.0/19", "10.0.32.0/19", "10.0.64.0/19"],
            public_subnets: ["10.0.96.0/24", "10.0.97.0/24", "10.0.98.0/24"],
            pod_cidr: "100.64.0.0/16",
            nat_gateways: single,
            endpoints: [ecr_api, ecr_dkr, s3, ec2, sts, logs, ssm, ssmmessages, ec2messages],
            flow_logs: true,
        }
        cluster {
            endpoint: private_and_public,
            logs: [audit, authenticator, scheduler],
            log_retention_days: 90,
            log_archive_days: 400,
            log_archive_destroyable_in: ["dev", "ci"],
        }
        encryption { secrets: true, ebs: true, logs: true, tenant_keys: true, key_rotation: true }
        node_group critical {
            workload: critical, instance_types: ["m5.large"], capacity: on_demand, size: 3..=6, desired: 3,
            os: bottlerocket, disk_gib: 50,
            labels: { workload: "critical" }, taints: [workload = "critical": NoSchedule],
        }
        node_group general {
            workload: general, instance_types: ["t3.medium", "t3a.medium"], capacity: mixed(spot: 60%), size: 2..=12,
            labels: { workload: "general" },
        }
        node_group batch {
            workload: batch, instance_types: ["c5.large", "c5a.large"], capacity: spot, size: 0..=20,
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
        addon coredns { replicas: 3, node_group: critical, resources: { cpu: "100m", memory: "128Mi" } }
        addon kube_proxy {}
        addon aws_ebs_csi_driver {}
        addon amazon_cloudwatch_observability {}
        irsa cluster_autoscaler { namespace: "kube-system", service_account: "cluster-autoscaler", policy: cluster_autoscaler }
        irsa lb_controller { namespace: "kube-system", service_account: "aws-load-balancer-controller", policy: aws_load_balancer_controller }
        irsa external_dns { namespace: "external-dns", service_account: "external-dns", policy: external_dns }
        irsa external_secrets { namespace: "external-secrets", service_account: "external-secrets", policy: external_secrets }
        irsa ebs_csi { namespace: "kube-system", service_account: "ebs-csi-controller-sa", policy: ebs_csi }
        irsa cloudwatch { namespace: "amazon-cloudwatch", service_account: "cloudwatch-agent", policy: cloudwatch_observability }
        irsa reports {
            namespace: "payments", service_account: "reports",
            policy: [{ actions: ["s3:GetObject"], resources: ["arn:aws:s3:::reports/*"] }],
        }
        identity azure_ad {
            tenant_id: "2d4f6a8c-0e1b-4c3d-8e5f-7a9b1c3d5e78",
            client_id: "3e5a7b9d-1f2c-4d4e-9f6a-8b0c2d4e6f89",
            username_claim: "oid",
            groups_claim: "groups",
            username_prefix: "aad:",
            groups_prefix: "aad:",
            cluster_roles: { admin: "4f6b8c0e-2a3d-4e5f-8a7b-9c1d3e5f7a90" },
        }
    };
    assert_eq!(p.irsa.len(), 7);
}
