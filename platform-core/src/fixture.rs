//! The platform the unit tests own: valid under every rule, and broken one field at a time by the tests.
//!
//! It is deliberately not the customer's definition (`platform-bin/src/platform.rs`, which users edit): its own
//! name, tenants, Azure AD ids, tags and zone. What it shares with any valid platform is what the rules demand:
//! three AZs, one private and one public subnet each, a pod CIDR outside the VPC, the three workload classes,
//! the required endpoints and addons. It stays in us-east-2 because `platform cost` prices only that region. The
//! benches include this file too (`benches/benches/render.rs`), so it names types through `crate::model` and
//! `crate::schema`. It goes through the DSL's drafts (`schema`), so what it leaves unwritten means what the
//! macro makes of it: the controllers' IRSA bindings, among others, are the implied ones.

use std::collections::BTreeMap;

use crate::model::*;
use crate::schema::{IdentityDraft, NodeGroupDraft, TenantDraft};

fn strings(vs: &[&str]) -> Vec<String> {
    vs.iter().map(|v| (*v).to_owned()).collect()
}

fn map(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
    pairs.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect()
}

/// A node group of `class`, named after it (so of that workload class, as in the DSL), labelled
/// `workload=<class>` (and tainted so when `tainted`); the DSL's defaults for the rest.
fn node_group(class: WorkloadClass, types: &[&str], capacity: Capacity, sizes: [u32; 3], tainted: bool) -> NodeGroup {
    let name = class.keyword();
    let [min_size, desired_size, max_size] = sizes;
    let taint = Taint { key: "workload".into(), value: name.into(), effect: TaintEffect::NoSchedule };
    let draft = NodeGroupDraft {
        instance_types: Some(strings(types)),
        capacity: Some(capacity),
        size: Some(min_size..=max_size),
        desired: Some(desired_size),
        disk_gib: (class == WorkloadClass::Batch).then_some(100),
        labels: Some(map(&[("workload", name)])),
        taints: Some(if tainted { vec![taint] } else { vec![] }),
        ..NodeGroupDraft::default()
    };
    draft.finish(name).expect("every required key")
}

/// A tenant on `node_group` with an Azure AD group per role and the DSL's defaults (restricted, a secret
/// prefix of its own name).
fn tenant(name: &str, node_group: &str, groups: &[(TenantRole, &str)], quota: (&str, &str, u32)) -> Tenant {
    let draft = TenantDraft {
        node_groups: Some(vec![node_group.into()]),
        groups: Some(groups.iter().map(|(role, id)| GroupBinding { role: *role, group_id: (*id).into() }).collect()),
        quota: Some(Quota { cpu: quota.0.into(), memory: quota.1.into(), pods: quota.2 }),
        ..TenantDraft::default()
    };
    draft.finish(name).expect("every required key")
}

fn addon(kind: AddonKind, replicas: Option<u32>, on_critical: bool, resources: bool) -> Addon {
    Addon {
        kind,
        replicas,
        node_group: on_critical.then(|| "critical".into()),
        resources: resources.then(|| Resources { cpu: "100m".into(), memory: "128Mi".into() }),
    }
}

/// The platform the unit tests start from (`ledger`: three tenants `cards`, `settlement` and `web`, one per
/// workload class; `cards` reads secrets from another account).
pub fn platform() -> Platform {
    use AddonKind::*;
    use TenantRole::*;
    let mut cards = tenant(
        "cards",
        "critical",
        &[
            (Admin, "0b6e1f2a-7c3d-4e8f-9a1b-2c3d4e5f6a71"),
            (Developer, "1c7f2a3b-8d4e-4f9a-8b2c-3d4e5f6a7b82"),
            (ReadOnly, "2d8a3b4c-9e5f-4a0b-9c3d-4e5f6a7b8c93"),
        ],
        ("8", "16Gi", 100),
    );
    cards.cross_account_roles = strings(&["arn:aws:iam::111122223333:role/cards-secrets-reader"]);
    Platform {
        name: "ledger".into(),
        region: "us-east-2".into(),
        kubernetes: "1.28".into(),
        availability_zones: strings(&["us-east-2a", "us-east-2b", "us-east-2c"]),
        tags: map(&[("cost-center", "ledger-tests"), ("owner", "test-suite")]),
        vpc: Vpc {
            cidr: "10.0.0.0/16".into(),
            private_subnets: strings(&["10.0.0.0/19", "10.0.32.0/19", "10.0.64.0/19"]),
            public_subnets: strings(&["10.0.96.0/24", "10.0.97.0/24", "10.0.98.0/24"]),
            pod_cidr: "100.64.0.0/16".into(),
            nat_gateways: NatGateways::OnePerAz,
            // Every endpoint but `monitoring` (tests add and remove some).
            endpoints: Endpoint::ALL.iter().map(|(_, e)| *e).filter(|e| *e != Endpoint::Monitoring).collect(),
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
            node_group(WorkloadClass::Critical, &["m5.large"], Capacity::OnDemand, [3, 3, 6], true),
            node_group(
                WorkloadClass::General,
                &["t3.medium", "t3a.medium"],
                Capacity::Mixed { spot_percent: 60 },
                [2, 3, 12],
                false,
            ),
            node_group(WorkloadClass::Batch, &["c5.large", "c5a.large", "c6i.large"], Capacity::Spot, [0, 0, 20], true),
        ],
        tenants: vec![
            cards,
            tenant(
                "settlement",
                "batch",
                &[(Admin, "3e9b4c5d-0f6a-4b1c-8d4e-5f6a7b8c9da4"), (Developer, "4fac5d6e-1a7b-4c2d-9e5f-6a7b8c9d0eb5")],
                ("24", "40Gi", 150),
            ),
            tenant(
                "web",
                "general",
                &[(Admin, "5abd6e7f-2b8c-4d3e-8f6a-7b8c9d0e1fc6"), (Developer, "6bce7f8a-3c9d-4e4f-9a7b-8c9d0e1f2ad7")],
                ("8", "16Gi", 100),
            ),
        ],
        addons: vec![
            addon(Coredns, Some(3), true, true),
            addon(KubeProxy, None, false, true),
            addon(AwsEbsCsiDriver, Some(2), true, false),
            addon(AmazonCloudwatchObservability, None, false, false),
        ],
        // The controllers' implied bindings only, in `ManagedPolicy::ALL` order (tests index them so).
        irsa: IrsaBinding::with_implied(Vec::new()),
        identity: IdentityDraft {
            tenant_id: Some("7cdf8a9b-4d0e-4f5a-8b8c-9d0e1f2a3be8".into()),
            client_id: Some("8dea9bac-5e1f-4a6b-9c9d-0e1f2a3b4cf9".into()),
            cluster_roles: Some(vec![
                ClusterGroupBinding {
                    role: ClusterRole::Admin,
                    group_id: "9efbacbd-6f2a-4b7c-8dae-1f2a3b4c5d0a".into(),
                },
                ClusterGroupBinding {
                    role: ClusterRole::ReadOnly,
                    group_id: "a0acbdce-7a3b-4c8d-9ebf-2a3b4c5d6e1b".into(),
                },
            ]),
            ..IdentityDraft::default()
        }
        .finish()
        .expect("both ids"),
        dns_zones: vec![DnsZone { name: "ledger.example.com".into(), zone_id: "Z9876543210ZYXWVUTSRQ".into() }],
    }
}
