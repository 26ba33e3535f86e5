//! The PCI DSS v4.0 mapping as data: each requirement the platform serves, the rules that enforce it at compile
//! time, the rendered resources and objects that evidence it, and the tests that prove what they do. The README's
//! PCI section and `platform compliance` are both printed from [`TABLE`], resolved against a render, so a piece
//! the render lacks is shown missing rather than claimed.
//!
//! An address is data (root name and address), so moving a resource to another root is a one-line change here.
//! `{tenant}` and `{node_group}` in an address (identifier form) and `{namespace}` in a Kubernetes object (label
//! form) stand for each declared tenant and node group. A GlobalNetworkPolicy is named as the renderer names it
//! (with its Calico tier where the pinned Calico has tiers).

use std::collections::BTreeSet;

use serde::Serialize;
use serde_json::Value;

use crate::check::Rule;
use crate::checked::Checked;
use crate::render::cluster::isolation::policy_name;
use crate::render::Artifacts;

/// What a row shows in the render.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Evidence {
    /// A resource (or `data.` source) of a Terraform root, `terraform/<root>/main.tf.json`.
    Terraform { root: &'static str, address: &'static str },
    /// A resource rendered only where the environment retains its archive (not in `log_archive_destroyable_in`);
    /// elsewhere it does not apply, and the row's claim says so.
    Retained { root: &'static str, address: &'static str },
    /// A Kubernetes object the render deploys: a root's `kubernetes_manifest`, a template of a local chart, or a
    /// file of `manifests/`.
    Kubernetes { kind: &'static str, namespace: Option<&'static str>, name: &'static str },
}

/// A test, by the file it is in and its function name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Test {
    pub file: &'static str,
    pub name: &'static str,
}

/// One requirement of PCI DSS v4.0 and what serves it.
#[derive(Debug, Clone, Copy)]
pub struct Requirement {
    pub id: &'static str,
    pub title: &'static str,
    /// What the evidence shows, and what it does not.
    pub claim: &'static str,
    pub rules: &'static [Rule],
    pub evidence: &'static [Evidence],
    pub tests: &'static [Test],
}

const fn tf(root: &'static str, address: &'static str) -> Evidence {
    Evidence::Terraform { root, address }
}

const fn retained(root: &'static str, address: &'static str) -> Evidence {
    Evidence::Retained { root, address }
}

const fn k8s(kind: &'static str, namespace: Option<&'static str>, name: &'static str) -> Evidence {
    Evidence::Kubernetes { kind, namespace, name }
}

const fn test(file: &'static str, name: &'static str) -> Test {
    Test { file, name }
}

const INFRA: &str = "tests/tests/infra.rs";

/// The mapping. Each rule, address and test named here is checked to exist (`tests/tests/compliance.rs`).
pub const TABLE: &[Requirement] = &[
    Requirement {
        id: "1.3, 1.4",
        title: "network access restricted, inbound and outbound",
        claim: "private node subnets behind NAT gateways; interface endpoints behind a security group taking HTTPS \
                from the VPC CIDR only; the default security group without rules; the public API endpoint limited \
                to `public_access_cidrs` (never 0.0.0.0/0); per tenant, a Calico GlobalNetworkPolicy tenants \
                cannot change that denies all but the namespace itself, DNS and the declared flows, and Kubernetes \
                NetworkPolicies defaulting to deny",
        rules: &[Rule::SubnetPerAz, Rule::RequiredEndpoints, Rule::FlowSource, Rule::FlowPorts, Rule::PciHostNetwork],
        evidence: &[
            tf("infra", "aws_subnet.private_0"),
            tf("infra", "aws_nat_gateway.az_0"),
            tf("infra", "aws_security_group.endpoints"),
            tf("infra", "aws_vpc_security_group_ingress_rule.endpoints_https_vpc"),
            tf("infra", "aws_default_security_group.main"),
            tf("infra", "aws_eks_cluster.main"),
            k8s("GlobalNetworkPolicy", None, "isolation-{namespace}"),
            k8s("NetworkPolicy", Some("{namespace}"), "default-deny-all"),
        ],
        tests: &[
            test(INFRA, "endpoint_security_group_allows_only_https_from_the_vpc_and_pods"),
            test("tests/tests/terraform_plan.rs", "the_public_endpoint_allowlist_refuses_the_internet"),
            test("tests/tests/reachability.rs", "the_customers_platform_reaches_what_it_declares_with_tiers"),
            test(
                "tests/tests/reachability.rs",
                "a_tenant_network_policy_only_narrows_and_a_missing_platform_policy_is_caught",
            ),
            test("tests/tests/pci.rs", "pci_tenants_share_no_node_with_a_host_network_controller"),
        ],
    },
    Requirement {
        id: "2.2",
        title: "system components securely configured",
        claim: "Bottlerocket nodes with IMDSv2 (hop limit 1), no admin container and kernel lockdown `integrity`; \
                Pod Security Admission labels on tenant namespaces, enforced by a Kyverno policy",
        rules: &[Rule::BottlerocketOnly, Rule::DedicatedTaint, Rule::TenantPodSecurity],
        evidence: &[
            tf("infra", "aws_launch_template.nodes_{node_group}"),
            k8s("Namespace", None, "{namespace}"),
            k8s("ClusterPolicy", None, "require-pod-security-labels"),
        ],
        tests: &[test(INFRA, "node_launch_templates_are_bottlerocket_imdsv2_and_encrypted")],
    },
    Requirement {
        id: "3.5.1",
        title: "stored data rendered unreadable",
        claim: "Kubernetes secrets envelope-encrypted with a KMS key; node volumes and each tenant's StorageClass \
                encrypted with KMS; log groups encrypted with the logs key, the log archive with a key of its own",
        rules: &[Rule::EncryptionRequired],
        evidence: &[
            tf("infra", "aws_kms_key.secrets"),
            tf("infra", "aws_kms_key.ebs"),
            tf("infra", "aws_kms_key.logs"),
            tf("infra", "aws_kms_key.tenant_{tenant}"),
            k8s("StorageClass", None, "gp3-{namespace}"),
            tf("archive", "aws_kms_key.log_archive"),
            tf("archive", "aws_s3_bucket_server_side_encryption_configuration.log_archive"),
        ],
        tests: &[
            test(INFRA, "the_cluster_is_private_encrypted_audited_and_api_authenticated"),
            test("tests/tests/cluster.rs", "an_encrypted_storage_class_per_tenant_on_its_key"),
            test("tests/tests/cloudwatch_addon.rs", "the_addon_log_groups_exist_encrypted_and_kept_before_the_addon"),
            test(INFRA, "every_kms_key_rotates_and_has_an_alias_and_only_the_archive_key_a_long_deletion_window"),
        ],
    },
    Requirement {
        id: "3.6.1, 3.7.4",
        title: "cryptographic keys managed, cryptoperiods",
        claim: "customer managed keys rotated yearly, each with an alias and a key policy naming who may use it; \
                7-day deletion window, 30 days for the logs key and the archive's own key, whose loss would make \
                a year of audit logs unreadable",
        rules: &[Rule::EncryptionRequired],
        evidence: &[
            tf("infra", "aws_kms_key.logs"),
            tf("infra", "aws_kms_alias.logs"),
            tf("infra", "data.aws_iam_policy_document.kms_logs"),
            tf("archive", "aws_kms_key.log_archive"),
            tf("archive", "aws_kms_alias.log_archive"),
            tf("archive", "data.aws_iam_policy_document.kms_log_archive"),
        ],
        tests: &[test(INFRA, "every_kms_key_rotates_and_has_an_alias_and_only_the_archive_key_a_long_deletion_window")],
    },
    Requirement {
        id: "4.2.1",
        title: "strong cryptography in transit",
        claim: "the log archive's bucket policy denies every request not over TLS; the interface endpoints take \
                HTTPS only (the EKS API is TLS by the service, nothing the render sets)",
        rules: &[],
        evidence: &[
            tf("archive", "data.aws_iam_policy_document.log_archive_bucket"),
            tf("infra", "aws_vpc_security_group_ingress_rule.endpoints_https_vpc"),
        ],
        tests: &[
            test(INFRA, "every_audit_log_group_is_archived_for_a_year_in_an_encrypted_bucket"),
            test(INFRA, "endpoint_security_group_allows_only_https_from_the_vpc_and_pods"),
        ],
    },
    Requirement {
        id: "7.2",
        title: "least privilege",
        claim: "one IRSA role per controller trusted only by its service account; no custom statement granting a \
                whole service or an escalation step on every resource; one secrets role per tenant, limited to its \
                prefix, key and cross-account roles; tenant groups bound to namespaced roles that cannot touch \
                what the platform owns",
        rules: &[
            Rule::WildcardPolicy,
            Rule::ControllerRoles,
            Rule::UnknownNamespace,
            Rule::ServiceAccount,
            Rule::SecretPrefix,
        ],
        evidence: &[
            tf("infra", "aws_iam_role.irsa_external_secrets"),
            tf("infra", "aws_iam_role.secrets_{tenant}"),
            k8s("ClusterRole", None, "platform-tenant-admin"),
            k8s("ClusterRole", None, "platform-tenant-developer"),
        ],
        tests: &[
            test(INFRA, "irsa_roles_trust_exactly_their_service_account"),
            test(INFRA, "each_tenant_reads_secrets_through_a_role_of_its_own"),
            test(INFRA, "the_external_secrets_controller_role_reads_nothing"),
            test("platform-core/src/check/privilege.rs", "what_the_rule_reports"),
            test("tests/tests/rbac.rs", "no_tenant_group_can_touch_what_the_platform_owns"),
            test("tests/tests/rbac.rs", "tenant_groups_act_in_their_namespace_only"),
        ],
    },
    Requirement {
        id: "8.2.1",
        title: "unique user ids",
        claim: "users authenticate through Entra ID (OIDC) and are named by their object id (`oid`), which is \
                never changed or reused, prefixed apart from IAM identities",
        rules: &[Rule::StableUsername, Rule::OidcClaims, Rule::AzureAdId],
        evidence: &[tf("infra", "aws_eks_identity_provider_config.azure_ad")],
        tests: &[
            test(INFRA, "azure_ad_is_the_oidc_identity_provider"),
            test("platform-core/src/check/identity.rs", "the_username_is_a_stable_claim"),
        ],
    },
    Requirement {
        id: "10.2",
        title: "audit logs",
        claim: "control-plane audit, authenticator and scheduler logs; VPC flow logs of all traffic; Session \
                Manager transcripts of sessions started with the platform's document, which the operators' \
                policy requires",
        rules: &[Rule::ControlPlaneLogs, Rule::FlowLogs],
        evidence: &[
            tf("infra", "aws_cloudwatch_log_group.cluster"),
            tf("infra", "aws_flow_log.vpc"),
            tf("infra", "aws_cloudwatch_log_group.flow_logs"),
            tf("infra", "aws_ssm_document.sessions"),
            tf("infra", "aws_iam_policy.ssm_sessions"),
            tf("infra", "aws_cloudwatch_log_group.ssm_sessions"),
        ],
        tests: &[
            test(INFRA, "the_cluster_is_private_encrypted_audited_and_api_authenticated"),
            test(INFRA, "flow_logs_capture_all_traffic_into_an_encrypted_group"),
            test(INFRA, "ssm_sessions_are_logged_encrypted_and_time_out"),
            test(INFRA, "node_sessions_can_only_be_started_with_the_logging_document"),
        ],
    },
    Requirement {
        id: "10.3.2",
        title: "audit logs protected from modification",
        claim: "the archive lives in a root of its own that `platform destroy` keeps where it is retained; the \
                bucket policy denies `s3:PutObject` to every principal but the Firehose delivery role; in retained \
                environments S3 Object Lock in COMPLIANCE mode keeps every version, overwritten ones included, for \
                `log_archive_days`, and the bucket policy denies every principal `s3:DeleteObject` and \
                `s3:DeleteObjectVersion`; not covered: administrators may change the lifecycle or the bucket \
                policy (recorded by CloudTrail), which cannot remove a locked version but can stop new writes",
        rules: &[Rule::ArchiveRetention],
        evidence: &[
            retained("archive", "aws_s3_bucket_object_lock_configuration.log_archive"),
            tf("archive", "aws_s3_bucket_policy.log_archive"),
            tf("archive", "aws_s3_bucket_versioning.log_archive"),
            tf("archive", "aws_s3_bucket_public_access_block.log_archive"),
        ],
        tests: &[test(INFRA, "production_retains_and_protects_its_log_archive")],
    },
    Requirement {
        id: "10.5.1",
        title: "audit log history kept 12 months, 3 at hand",
        claim: "90 days in CloudWatch Logs; every audit log group streamed to the S3 archive and kept there \
                `log_archive_days` (400), retained in every environment not declared non-production",
        rules: &[Rule::LogRetention, Rule::LogArchive, Rule::ArchiveRetention],
        evidence: &[
            tf("archive", "aws_s3_bucket.log_archive"),
            tf("archive", "aws_s3_bucket_lifecycle_configuration.log_archive"),
            tf("infra", "aws_kinesis_firehose_delivery_stream.log_archive_eks"),
            tf("infra", "aws_cloudwatch_log_subscription_filter.log_archive_eks"),
            tf("infra", "aws_kinesis_firehose_delivery_stream.log_archive_flow_logs"),
            tf("infra", "aws_kinesis_firehose_delivery_stream.log_archive_sessions"),
        ],
        tests: &[
            test(INFRA, "every_audit_log_group_is_archived_for_a_year_in_an_encrypted_bucket"),
            test(INFRA, "production_retains_and_protects_its_log_archive"),
        ],
    },
    Requirement {
        id: "10.7.2",
        title: "failures of critical security controls detected",
        claim: "each archive stream alarms on failed S3 deliveries and stale records; node alarms also notify \
                when their metrics stop (a silent agent); every alarm notifies an encrypted SNS topic",
        rules: &[],
        evidence: &[
            tf("infra", "aws_sns_topic.alarms"),
            tf("infra", "aws_cloudwatch_metric_alarm.log_archive_eks_delivery"),
            tf("infra", "aws_cloudwatch_metric_alarm.log_archive_eks_freshness"),
            tf("infra", "aws_cloudwatch_metric_alarm.failed_nodes"),
        ],
        tests: &[
            test(INFRA, "every_archive_stream_alarms_when_its_delivery_fails_or_stops"),
            test(INFRA, "cluster_health_alarms_notify_an_encrypted_topic"),
        ],
    },
];

/// One piece of evidence as the render holds it (placeholders expanded), or not.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Found {
    /// `infra aws_s3_bucket.log_archive`, `GlobalNetworkPolicy isolation-payments`, `NetworkPolicy payments/x`.
    pub evidence: String,
    pub present: bool,
    /// False where the environment does not claim it (retained-only evidence in a destroyable-archive environment).
    pub applies: bool,
}

/// A requirement resolved against a render.
#[derive(Debug, Clone, Serialize)]
pub struct Row {
    pub requirement: &'static str,
    pub title: &'static str,
    pub claim: &'static str,
    pub rules: Vec<&'static str>,
    pub evidence: Vec<Found>,
    pub tests: Vec<Test>,
}

/// The mapping resolved against one environment's render.
#[derive(Debug, Clone, Serialize)]
pub struct Report {
    pub environment_suffix: String,
    pub rows: Vec<Row>,
}

impl Report {
    /// The evidence claimed and absent from the render.
    pub fn missing(&self) -> impl Iterator<Item = &Found> {
        self.rows.iter().flat_map(|r| &r.evidence).filter(|f| f.applies && !f.present)
    }

    /// The one line `platform compliance` fails with when evidence is missing.
    pub fn missing_line(&self) -> Option<String> {
        let missing: Vec<&str> = self.missing().map(|f| f.evidence.as_str()).collect();
        (!missing.is_empty()).then(|| {
            format!(
                "{} claimed piece(s) of evidence not in the render for `{}`: {}",
                missing.len(),
                self.environment_suffix,
                missing.join(", ")
            )
        })
    }
}

/// The Kubernetes objects a render deploys, as `kind namespace/name` keys.
fn kubernetes_objects(artifacts: &Artifacts) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    let mut add = |object: &Value| {
        if let (Some(kind), Some(name)) = (object["kind"].as_str(), object["metadata"]["name"].as_str()) {
            out.insert(object_key(kind, object["metadata"]["namespace"].as_str(), name));
        }
    };
    for (path, bytes) in &artifacts.files {
        if path.ends_with(".tf.json") {
            let Ok(root) = serde_json::from_slice::<Value>(bytes) else { continue };
            if let Some(manifests) = root["resource"]["kubernetes_manifest"].as_object() {
                manifests.values().for_each(|r| add(&r["manifest"]));
            }
        } else if (path.contains("/charts/") && path.contains("/templates/") || path.starts_with("manifests/"))
            && path.ends_with(".yaml")
        {
            let Ok(text) = std::str::from_utf8(bytes) else { continue };
            for document in text.split("\n---\n").flat_map(|d| d.strip_prefix("---\n").or(Some(d))) {
                if let Ok(object) = serde_norway::from_str::<Value>(document) {
                    add(&object);
                }
            }
        }
    }
    out
}

fn object_key(kind: &str, namespace: Option<&str>, name: &str) -> String {
    match namespace {
        Some(namespace) => format!("{kind} {namespace}/{name}"),
        None => format!("{kind} {name}"),
    }
}

/// Whether a root of the render declares `address` (`type.name` or `data.type.name`).
fn declares(artifacts: &Artifacts, root: &str, address: &str) -> bool {
    let Some(bytes) = artifacts.files.get(&format!("terraform/{root}/main.tf.json")) else { return false };
    let Ok(doc) = serde_json::from_slice::<Value>(bytes) else { return false };
    let (block, address) = match address.strip_prefix("data.") {
        Some(rest) => ("data", rest),
        None => ("resource", address),
    };
    let Some((kind, name)) = address.split_once('.') else { return false };
    doc[block][kind][name].is_object()
}

/// `text` once per value of `placeholder`, or as it is when it has none.
fn expand(text: &str, placeholder: &str, values: &[String]) -> Vec<String> {
    if text.contains(placeholder) {
        values.iter().map(|v| text.replace(placeholder, v)).collect()
    } else {
        vec![text.to_owned()]
    }
}

/// Resolves `table` against `artifacts`, the render of `checked` for `environment_suffix`.
pub fn resolve(checked: &Checked, artifacts: &Artifacts, environment_suffix: &str, table: &[Requirement]) -> Report {
    let tenants: Vec<String> = checked.tenants().iter().map(|t| t.tenant.name.clone()).collect();
    let namespaces: Vec<String> = checked.tenants().iter().map(|t| t.namespace.clone()).collect();
    let node_groups: Vec<String> = checked.node_groups().iter().map(|g| g.group.name.clone()).collect();
    let objects = kubernetes_objects(artifacts);
    let archive_retained = !checked.platform().cluster.archive_destroyable(environment_suffix);
    let rows = table
        .iter()
        .map(|r| {
            let mut evidence = Vec::new();
            for e in r.evidence {
                match *e {
                    Evidence::Terraform { root, address } | Evidence::Retained { root, address } => {
                        let applies = archive_retained || matches!(e, Evidence::Terraform { .. });
                        for address in expand(address, "{tenant}", &tenants) {
                            for address in expand(&address, "{node_group}", &node_groups) {
                                let present = declares(artifacts, root, &address);
                                evidence.push(Found { evidence: format!("{root} {address}"), present, applies });
                            }
                        }
                    }
                    Evidence::Kubernetes { kind, namespace, name } => {
                        let templated = name.contains("{namespace}") || namespace.is_some_and(|n| n.contains('{'));
                        let each: Vec<Option<&str>> = match templated {
                            true => namespaces.iter().map(|n| Some(n.as_str())).collect(),
                            false => vec![None],
                        };
                        for tenant in each {
                            let fill = |text: &str| tenant.map_or(text.to_owned(), |t| text.replace("{namespace}", t));
                            let mut name = fill(name);
                            // Calico names a tiered policy `<tier>.<name>` (render::cluster::isolation).
                            if kind == "GlobalNetworkPolicy" {
                                name = policy_name(checked.chart_versions(), &name);
                            }
                            let key = object_key(kind, namespace.map(fill).as_deref(), &name);
                            evidence.push(Found { present: objects.contains(&key), evidence: key, applies: true });
                        }
                    }
                }
            }
            Row {
                requirement: r.id,
                title: r.title,
                claim: r.claim,
                rules: r.rules.iter().map(|rule| rule.id()).collect(),
                evidence,
                tests: r.tests.to_vec(),
            }
        })
        .collect();
    Report { environment_suffix: environment_suffix.to_owned(), rows }
}

/// The report as the README's PCI section shows it: one row per requirement, missing evidence marked.
pub fn markdown(report: &Report) -> String {
    let mut out = format!(
        "Generated by `platform compliance --environment-suffix {}` from `platform-core/src/report/compliance.rs`; \
         every rule, rendered resource and test named exists (`tests/tests/compliance.rs`).\n\n\
         | requirement | what the render holds | rules | evidence in the render | tests |\n|---|---|---|---|---|\n",
        report.environment_suffix
    );
    for row in &report.rows {
        let code = |items: Vec<String>| items.iter().map(|i| format!("`{i}`")).collect::<Vec<_>>().join(", ");
        let evidence: Vec<String> = row
            .evidence
            .iter()
            .map(|f| match (f.applies, f.present) {
                (true, true) => format!("`{}`", f.evidence),
                (true, false) => format!("**missing** `{}`", f.evidence),
                (false, _) => format!("`{}` (only where the archive is retained)", f.evidence),
            })
            .collect();
        let tests = code(row.tests.iter().map(|t| format!("{}::{}", t.file, t.name)).collect());
        out.push_str(&format!(
            "| {} {} | {} | {} | {} | {} |\n",
            row.requirement,
            row.title,
            row.claim,
            code(row.rules.iter().map(|r| (*r).to_owned()).collect()),
            evidence.join(", "),
            tests
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::render::{render, RenderOptions};

    fn fixture_render() -> (crate::model::Platform, Artifacts) {
        let p = crate::fixture::platform();
        let checked = crate::check_platform(&p, "2024-06-01").unwrap();
        let artifacts =
            render(&checked, &RenderOptions { environment_suffix: "prod".into(), account_id: None }).unwrap();
        (p, artifacts)
    }

    #[test]
    fn a_resource_the_render_lacks_is_missing_and_named_in_one_line() {
        let (p, mut artifacts) = fixture_render();
        let checked = crate::check_platform(&p, "2024-06-01").unwrap();
        let whole = resolve(&checked, &artifacts, "prod", TABLE);
        assert_eq!(whole.missing_line(), None, "{:?}", whole.missing().collect::<Vec<_>>());
        let path = "terraform/archive/main.tf.json";
        let mut archive: Value = serde_json::from_slice(&artifacts.files[path]).unwrap();
        archive["resource"]["aws_s3_bucket"].as_object_mut().unwrap().remove("log_archive");
        artifacts.files.insert(path.into(), serde_json::to_vec(&archive).unwrap());
        let report = resolve(&checked, &artifacts, "prod", TABLE);
        let missing: Vec<&str> = report.missing().map(|f| f.evidence.as_str()).collect();
        assert_eq!(missing, ["archive aws_s3_bucket.log_archive"]);
        let line = report.missing_line().unwrap();
        assert!(!line.contains('\n') && line.contains("`prod`: archive aws_s3_bucket.log_archive"), "{line}");
        assert!(markdown(&report).contains("**missing** `archive aws_s3_bucket.log_archive`"));
    }

    #[test]
    fn retained_only_evidence_applies_where_the_archive_is_kept() {
        let p = crate::fixture::platform();
        let checked = crate::check_platform(&p, "2024-06-01").unwrap();
        const EVIDENCE: &[Evidence] = &[retained("archive", "aws_s3_bucket_object_lock_configuration.log_archive")];
        let table = [Requirement { id: "x", title: "x", claim: "x", rules: &[], evidence: EVIDENCE, tests: &[] }];
        let destroyable = p.cluster.log_archive_destroyable_in.first().expect("the fixture declares one").clone();
        for (suffix, applies) in [("prod", true), (destroyable.as_str(), false)] {
            let options = RenderOptions { environment_suffix: suffix.into(), account_id: None };
            let mut artifacts = render(&checked, &options).unwrap();
            let report = resolve(&checked, &artifacts, suffix, &table);
            assert_eq!((report.rows[0].evidence[0].applies, report.rows[0].evidence[0].present), (applies, applies));
            assert_eq!(report.missing_line(), None, "`{suffix}`");
            // Taken away where it applies, it is missing.
            artifacts.files.remove("terraform/archive/main.tf.json");
            let report = resolve(&checked, &artifacts, suffix, &table);
            assert_eq!(report.missing().count(), usize::from(applies), "`{suffix}`");
            if !applies {
                assert!(markdown(&report).contains("(only where the archive is retained)"));
            }
        }
    }

    #[test]
    fn placeholders_expand_per_tenant_and_node_group() {
        let (p, artifacts) = fixture_render();
        let checked = crate::check_platform(&p, "2024-06-01").unwrap();
        const EVIDENCE: &[Evidence] = &[
            tf("infra", "aws_kms_key.tenant_{tenant}"),
            tf("infra", "aws_launch_template.nodes_{node_group}"),
            k8s("NetworkPolicy", Some("{namespace}"), "default-deny-all"),
            tf("audit", "aws_s3_bucket.log_archive"),
        ];
        let table = [Requirement { id: "x", title: "x", claim: "x", rules: &[], evidence: EVIDENCE, tests: &[] }];
        let report = resolve(&checked, &artifacts, "prod", &table);
        let found: Vec<(&str, bool)> =
            report.rows[0].evidence.iter().map(|f| (f.evidence.as_str(), f.present)).collect();
        let mut expected: Vec<(String, bool)> = Vec::new();
        expected.extend(p.tenants.iter().map(|t| (format!("infra aws_kms_key.tenant_{}", t.name), true)));
        expected.extend(p.node_groups.iter().map(|g| (format!("infra aws_launch_template.nodes_{}", g.name), true)));
        expected.extend(
            p.tenants
                .iter()
                .map(|t| (format!("NetworkPolicy {}/default-deny-all", crate::naming::label(&t.name)), true)),
        );
        // A root the render does not have: missing, not claimed.
        expected.push(("audit aws_s3_bucket.log_archive".into(), false));
        let expected: Vec<(&str, bool)> = expected.iter().map(|(e, p)| (e.as_str(), *p)).collect();
        assert_eq!(found, expected);
    }
}
