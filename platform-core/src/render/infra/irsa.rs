//! IAM Roles for Service Accounts: one role per `irsa` binding, trusted only by that namespace/service account
//! through the cluster's OIDC provider (`sub` and `aud` conditions), with a least-privilege policy per kind.
//!
//! Policy sources (facts, re-expressed here; tests/tests/iam_reference.rs checks every action of each against
//! `tests/upstream/iam/`, derived at the pinned tags): cluster-autoscaler's AWS cloud-provider README ("Full
//! Cluster Autoscaler Features Policy", at the pinned image's tag) with the scaling actions tag-conditioned; the
//! AWS Load Balancer Controller's `docs/install/iam_policy.json` (at the chart's app version; every mutating
//! action conditioned on the `elbv2.k8s.aws/cluster` tag where upstream does so); external-dns's
//! `docs/tutorials/aws.md` (record changes on the managed zones only); the EBS CSI driver guide (AWS managed
//! `AmazonEBSCSIDriverPolicy`, plus key grants for customer-managed keys, which are found by tag).
//! The external-secrets controller's role gets no policy: tenants' SecretStores use their own roles (secrets
//! module).

use serde_json::json;

use super::encryption::{USE_KEY, VOLUME_KEY_TAG};
use super::iam::{self, Statement};
use super::refs::{self, ISSUER_HOST_LOCAL};
use crate::catalog::version::minor;
use crate::model::{IrsaBinding, ManagedPolicy, Policy};
use crate::render::context::Context;
use crate::render::tf_json::{Document, Expr, Ref};

pub(super) fn render(ctx: &Context, doc: &mut Document) {
    doc.local(
        ISSUER_HOST_LOCAL,
        json!(Expr::call(
            "replace",
            [refs::cluster().attr("identity[0].oidc[0].issuer"), Expr::string("https://"), Expr::string("")]
        )),
    );
    for binding in &ctx.platform.irsa {
        render_binding(ctx, doc, binding);
    }
}

/// A trust policy (`data.aws_iam_policy_document.<name>`) letting exactly one service account assume a role by
/// web identity through the cluster's OIDC provider: `sub` is that account, `aud` is STS.
///
/// `<issuer host>:sub` and `<issuer host>:aud` are the keys IAM takes from an OIDC token on
/// `AssumeRoleWithWebIdentity`; StringEquals on both (no wildcard) is the EKS user guide's IRSA trust ("Assign IAM
/// roles to Kubernetes service accounts"). The network keys (`aws:SourceVpc`, `aws:SourceVpce`) are set on
/// federated calls only through an STS VPC endpoint (IAM user guide, "Use VPC condition keys to control federated
/// access"), so they are not added: external-secrets 0.13.0 (Kubernetes 1.28) calls STS through aws-sdk-go v1
/// (`pkg/provider/aws/auth/auth.go`, no regional option), which sends us-east-2 requests to the global
/// `sts.amazonaws.com` (aws/aws-sdk-go `aws/endpoints/sts_legacy_regions.go`), not to the VPC endpoint.
pub(super) fn web_identity_trust(doc: &mut Document, name: &str, namespace: &str, service_account: &str) -> Ref {
    let host = refs::oidc_issuer_host().expr();
    iam::policy_document(
        doc,
        name,
        &[Statement::allow("ServiceAccountWebIdentity")
            .actions(&["sts:AssumeRoleWithWebIdentity"])
            .principal("Federated", &[refs::oidc_provider().attr("arn")])
            .condition(
                "StringEquals",
                &format!("{host}:sub"),
                &[format!("system:serviceaccount:{namespace}:{service_account}")],
            )
            .condition("StringEquals", &format!("{host}:aud"), &["sts.amazonaws.com"])],
    )
}

fn render_binding(ctx: &Context, doc: &mut Document, b: &IrsaBinding) {
    let n = &ctx.names;
    let key = refs::ident(&b.name);
    let trust = web_identity_trust(doc, &format!("irsa_{key}_trust"), &b.namespace, &b.service_account);
    let role = doc.resource_at(
        &refs::irsa_role(&b.name),
        json!({
            "name": n.irsa_role(&b.name),
            "description": format!("IRSA for {}/{}", b.namespace, b.service_account),
            "assume_role_policy": trust.attr("json"),
        }),
    );
    let (managed, statements): (Vec<&str>, Vec<Statement>) = match &b.policy {
        Policy::Custom(statements) => (
            vec![],
            statements
                .iter()
                .enumerate()
                .map(|(i, s)| Statement::allow(&format!("Custom{i}")).actions(&s.actions).resources(&s.resources))
                .collect(),
        ),
        Policy::Managed(kind) => match kind {
            ManagedPolicy::ClusterAutoscaler => (vec![], cluster_autoscaler(ctx)),
            ManagedPolicy::AwsLoadBalancerController => (vec![], load_balancer_controller(ctx)),
            ManagedPolicy::ExternalDns => (vec![], external_dns(ctx)),
            // Nothing: every SecretStore authenticates as its tenant's own role (secrets module), so the
            // controller's credentials read no secret.
            ManagedPolicy::ExternalSecrets => (vec![], vec![]),
            ManagedPolicy::EbsCsi => (vec!["service-role/AmazonEBSCSIDriverPolicy"], ebs_csi_keys(ctx)),
            ManagedPolicy::CloudwatchObservability => (vec!["CloudWatchAgentServerPolicy"], vec![]),
        },
    };
    for (i, policy) in managed.iter().enumerate() {
        iam::attach_managed(doc, &format!("irsa_{key}_{i}"), &role, policy);
    }
    if !statements.is_empty() {
        let policy = iam::policy_document(doc, &format!("irsa_{key}"), &statements);
        doc.resource(
            "aws_iam_role_policy",
            &format!("irsa_{key}"),
            json!({ "name": n.irsa_policy(&b.name), "role": role.attr("id"), "policy": policy.attr("json") }),
        );
    }
}

/// The first cluster-autoscaler minor whose README policy no longer lists `autoscaling:DescribeTags`
/// (kubernetes/autoscaler `cluster-autoscaler/cloudprovider/aws/README.md`: listed at cluster-autoscaler-1.30.7,
/// gone at 1.31.5; the AWS provider's code calls it at neither).
const DESCRIBE_TAGS_DROPPED: (u32, u32) = (1, 31);

fn cluster_autoscaler(ctx: &Context) -> Vec<Statement> {
    let cluster = ctx.names.cluster();
    let image = ctx.checked.chart_versions().cluster_autoscaler_image;
    let mut discover = vec![
        "autoscaling:DescribeAutoScalingGroups",
        "autoscaling:DescribeAutoScalingInstances",
        "autoscaling:DescribeLaunchConfigurations",
        "autoscaling:DescribeScalingActivities",
        "ec2:DescribeImages",
        "ec2:DescribeInstanceTypes",
        "ec2:DescribeLaunchTemplateVersions",
        "ec2:GetInstanceTypesFromInstanceRequirements",
    ];
    if minor(image).is_some_and(|m| m < DESCRIBE_TAGS_DROPPED) {
        discover.push("autoscaling:DescribeTags");
    }
    vec![
        Statement::allow("Discover").actions(&discover).resources(&["*"]),
        // Scale from zero: labels and taints of managed node groups come from DescribeNodegroup.
        Statement::allow("DescribeOwnNodegroups").actions(&["eks:DescribeNodegroup"]).resources(&[iam::arn(
            ctx,
            "eks",
            &format!("nodegroup/{cluster}/*/*"),
        )]),
        Statement::allow("ScaleOwnedGroups")
            .actions(&["autoscaling:SetDesiredCapacity", "autoscaling:TerminateInstanceInAutoScalingGroup"])
            .resources(&["*"])
            .condition("StringEquals", &format!("aws:ResourceTag/k8s.io/cluster-autoscaler/{cluster}"), &["owned"]),
    ]
}

fn external_dns(ctx: &Context) -> Vec<Statement> {
    let zones: Vec<String> = ctx
        .platform
        .dns_zones
        .iter()
        .map(|z| format!("arn:{}:route53:::hostedzone/{}", iam::partition(), z.zone_id))
        .collect();
    let mut statements = vec![Statement::allow("ListZones").actions(&["route53:ListHostedZones"]).resources(&["*"])];
    if !zones.is_empty() {
        statements.push(
            Statement::allow("ManageDeclaredZones")
                .actions(&[
                    "route53:ChangeResourceRecordSets",
                    "route53:ListResourceRecordSets",
                    // v0.21.0 reads zone tags in one batch call (`docs/tutorials/aws.md` at v0.21.0).
                    "route53:ListTagsForResources",
                ])
                .resources(&zones),
        );
    }
    statements
}

/// The EBS CSI driver's use of the keys of the cluster's volumes, as the EKS guide's policy for a customer
/// managed key (`storage/ebs-csi.adoc`: grants only for AWS resources, and use of the key), but for the keys
/// carrying the cluster's [`VOLUME_KEY_TAG`] rather than a list of ARNs: a list of every tenant's key outgrows the
/// 10,240 characters of a role's inline policies at about 60 tenants. `aws:ResourceTag` conditions every KMS key
/// resource operation in IAM policies (AWS KMS Developer Guide, "ABAC for AWS KMS"); keys of this account and
/// region only.
fn ebs_csi_keys(ctx: &Context) -> Vec<Statement> {
    let keys = [iam::arn(ctx, "kms", "key/*")];
    let tag = format!("aws:ResourceTag/{VOLUME_KEY_TAG}");
    let cluster = [ctx.names.cluster()];
    vec![
        Statement::allow("KeyGrantsForVolumes")
            .actions(&["kms:CreateGrant", "kms:ListGrants", "kms:RevokeGrant"])
            .resources(&keys)
            .condition("Bool", "kms:GrantIsForAWSResource", &["true"])
            .condition("StringEquals", &tag, &cluster),
        Statement::allow("UseVolumeKeys").actions(USE_KEY).resources(&keys).condition("StringEquals", &tag, &cluster),
    ]
}

fn load_balancer_controller(ctx: &Context) -> Vec<Statement> {
    const TAG: &str = "elbv2.k8s.aws/cluster";
    let request_tag = format!("aws:RequestTag/{TAG}");
    let resource_tag = format!("aws:ResourceTag/{TAG}");
    let elb = |resource: &str| iam::arn(ctx, "elasticloadbalancing", resource);
    let security_groups = iam::arn(ctx, "ec2", "security-group/*");
    let balancers = [elb("targetgroup/*/*"), elb("loadbalancer/net/*/*"), elb("loadbalancer/app/*/*")];
    vec![
        Statement::allow("ElbServiceLinkedRole").actions(&["iam:CreateServiceLinkedRole"]).resources(&["*"]).condition(
            "StringEquals",
            "iam:AWSServiceName",
            &["elasticloadbalancing.amazonaws.com"],
        ),
        Statement::allow("Describe")
            .actions(&[
                "ec2:DescribeAccountAttributes",
                "ec2:DescribeAddresses",
                "ec2:DescribeAvailabilityZones",
                "ec2:DescribeInternetGateways",
                "ec2:DescribeVpcs",
                "ec2:DescribeVpcPeeringConnections",
                "ec2:DescribeSubnets",
                "ec2:DescribeSecurityGroups",
                "ec2:DescribeInstances",
                "ec2:DescribeNetworkInterfaces",
                "ec2:DescribeTags",
                "ec2:DescribeRouteTables",
                "ec2:GetCoipPoolUsage",
                "ec2:DescribeCoipPools",
                // In `docs/install/iam_policy.json` at v3.5.0, the chart's app version (as ModifyIpPools).
                "ec2:GetSecurityGroupsForVpc",
                "ec2:DescribeIpamPools",
                "elasticloadbalancing:DescribeLoadBalancers",
                "elasticloadbalancing:DescribeLoadBalancerAttributes",
                "elasticloadbalancing:DescribeListeners",
                "elasticloadbalancing:DescribeListenerCertificates",
                "elasticloadbalancing:DescribeListenerAttributes",
                "elasticloadbalancing:DescribeSSLPolicies",
                "elasticloadbalancing:DescribeRules",
                "elasticloadbalancing:DescribeTargetGroups",
                "elasticloadbalancing:DescribeTargetGroupAttributes",
                "elasticloadbalancing:DescribeTargetHealth",
                "elasticloadbalancing:DescribeTags",
                "elasticloadbalancing:DescribeTrustStores",
                "elasticloadbalancing:DescribeCapacityReservation",
            ])
            .resources(&["*"]),
        Statement::allow("CertificatesWafShield")
            .actions(&[
                "cognito-idp:DescribeUserPoolClient",
                "acm:ListCertificates",
                "acm:DescribeCertificate",
                "iam:ListServerCertificates",
                "iam:GetServerCertificate",
                "waf-regional:GetWebACL",
                "waf-regional:GetWebACLForResource",
                "waf-regional:AssociateWebACL",
                "waf-regional:DisassociateWebACL",
                "wafv2:GetWebACL",
                "wafv2:GetWebACLForResource",
                "wafv2:AssociateWebACL",
                "wafv2:DisassociateWebACL",
                "shield:GetSubscriptionState",
                "shield:DescribeProtection",
                "shield:CreateProtection",
                "shield:DeleteProtection",
            ])
            .resources(&["*"]),
        Statement::allow("SecurityGroupIngressOnVpc")
            .actions(&["ec2:AuthorizeSecurityGroupIngress", "ec2:RevokeSecurityGroupIngress"])
            .resources(std::slice::from_ref(&security_groups)),
        Statement::allow("CreateSecurityGroup")
            .actions(&["ec2:CreateSecurityGroup"])
            .resources(&[security_groups.clone(), iam::arn(ctx, "ec2", &format!("vpc/{}", refs::vpc().attr("id")))]),
        Statement::allow("TagNewSecurityGroups")
            .actions(&["ec2:CreateTags"])
            .resources(std::slice::from_ref(&security_groups))
            .condition("StringEquals", "ec2:CreateAction", &["CreateSecurityGroup"])
            .condition("Null", &request_tag, &["false"]),
        Statement::allow("RetagOwnSecurityGroups")
            .actions(&["ec2:CreateTags", "ec2:DeleteTags"])
            .resources(std::slice::from_ref(&security_groups))
            .condition("Null", &request_tag, &["true"])
            .condition("Null", &resource_tag, &["false"]),
        Statement::allow("ManageOwnSecurityGroups")
            .actions(&[
                "ec2:AuthorizeSecurityGroupIngress",
                "ec2:RevokeSecurityGroupIngress",
                "ec2:DeleteSecurityGroup",
            ])
            .resources(&[security_groups])
            .condition("Null", &resource_tag, &["false"]),
        Statement::allow("CreateTaggedBalancers")
            .actions(&["elasticloadbalancing:CreateLoadBalancer", "elasticloadbalancing:CreateTargetGroup"])
            .resources(&["*"])
            .condition("Null", &request_tag, &["false"]),
        Statement::allow("ListenersAndRules")
            .actions(&[
                "elasticloadbalancing:CreateListener",
                "elasticloadbalancing:DeleteListener",
                "elasticloadbalancing:CreateRule",
                "elasticloadbalancing:DeleteRule",
            ])
            .resources(&["*"]),
        Statement::allow("RetagOwnBalancers")
            .actions(&["elasticloadbalancing:AddTags", "elasticloadbalancing:RemoveTags"])
            .resources(&balancers)
            .condition("Null", &request_tag, &["true"])
            .condition("Null", &resource_tag, &["false"]),
        Statement::allow("TagListenersAndRules")
            .actions(&["elasticloadbalancing:AddTags", "elasticloadbalancing:RemoveTags"])
            .resources(&[
                elb("listener/net/*/*/*"),
                elb("listener/app/*/*/*"),
                elb("listener-rule/net/*/*/*"),
                elb("listener-rule/app/*/*/*"),
            ]),
        Statement::allow("ModifyOwnBalancers")
            .actions(&[
                "elasticloadbalancing:ModifyLoadBalancerAttributes",
                "elasticloadbalancing:SetIpAddressType",
                "elasticloadbalancing:SetSecurityGroups",
                "elasticloadbalancing:SetSubnets",
                "elasticloadbalancing:DeleteLoadBalancer",
                "elasticloadbalancing:ModifyTargetGroup",
                "elasticloadbalancing:ModifyTargetGroupAttributes",
                "elasticloadbalancing:DeleteTargetGroup",
                "elasticloadbalancing:ModifyListenerAttributes",
                "elasticloadbalancing:ModifyCapacityReservation",
                "elasticloadbalancing:ModifyIpPools",
            ])
            .resources(&["*"])
            .condition("Null", &resource_tag, &["false"]),
        Statement::allow("TagOnCreate")
            .actions(&["elasticloadbalancing:AddTags"])
            .resources(&balancers)
            .condition(
                "StringEquals",
                "elasticloadbalancing:CreateAction",
                &["CreateTargetGroup", "CreateLoadBalancer"],
            )
            .condition("Null", &request_tag, &["false"]),
        Statement::allow("RegisterTargets")
            .actions(&["elasticloadbalancing:RegisterTargets", "elasticloadbalancing:DeregisterTargets"])
            .resources(&[elb("targetgroup/*/*")]),
        Statement::allow("ListenerSettings")
            .actions(&[
                "elasticloadbalancing:SetWebAcl",
                "elasticloadbalancing:ModifyListener",
                "elasticloadbalancing:AddListenerCertificates",
                "elasticloadbalancing:RemoveListenerCertificates",
                "elasticloadbalancing:ModifyRule",
                "elasticloadbalancing:SetRulePriorities",
            ])
            .resources(&["*"]),
    ]
}

/// The IRSA role of the controller with managed policy `kind`, for the addons that run under one.
pub(crate) fn role_for(ctx: &Context, kind: ManagedPolicy) -> Ref {
    refs::irsa_role(&ctx.checked.controller(kind).name)
}
