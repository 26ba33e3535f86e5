//! The `terraform` block, the aws provider (region, default tags) and the root's input variables.

use std::collections::BTreeMap;

use serde_json::json;

use super::{refs, Context};
use crate::model::EndpointAccess;
use crate::render::terraform::{expr, Document};

/// Satisfied by the 5.100 provider pre-installed on the test machines and by the current 6.x releases; the
/// rendered attributes avoid everything 6.0 removed (`aws_eip.vpc`, `aws_eks_addon.resolve_conflicts`, …).
pub const AWS_PROVIDER_CONSTRAINT: &str = ">= 5.100, < 7.0";

/// Terraform 1.6 added the `validation` features the variables use (cross-variable conditions came in 1.9 and
/// are not needed).
pub const TERRAFORM_CONSTRAINT: &str = ">= 1.6";

/// The infra root's variable listing the IAM roles given cluster-admin.
pub const ADMIN_ROLES: &str = "cluster_admin_role_arns";

/// `cluster_admin_role_arns`: the cluster is created with `bootstrap_cluster_creator_admin_permissions = false`
/// and `authentication_mode = "API"`, so these access entries are the only way in for IAM principals. No default:
/// an apply that forgets it must stop, not delete every admin entry.
///
/// What an access entry accepts (Amazon EKS User Guide, grant-k8s-access.adoc, "Create access entries"): the ARN
/// of one existing IAM role or user, a role ARN may carry a path, service-linked roles
/// (`role/aws-service-role/…`) are refused. The `sts::…:assumed-role/<role>/<session>` ARN that
/// `aws sts get-caller-identity` prints is a session, not a principal; EKS maps a session to the entry of its role.
fn admin_roles_variable() -> serde_json::Value {
    let each = |test: &str| expr(&format!("alltrue([for a in var.{ADMIN_ROLES} : {test}])"));
    json!({
        "description": "IAM role ARNs given cluster-admin through EKS access entries (the operators running the \
                        cluster stage, break-glass, CI). Required: the cluster has no other IAM admin.",
        "type": "list(string)",
        "nullable": false,
        "validation": [
            {
                "condition": expr(&format!("length(var.{ADMIN_ROLES}) > 0")),
                "error_message": "Give at least one IAM role ARN: without an access entry nobody can administer \
                                  the cluster (it grants its creator nothing)."
            },
            {
                "condition": each(&format!("!can(regex(\"{ASSUMED_ROLE}\", a))")),
                "error_message": "An assumed-role (session) ARN is not an IAM principal: pass the role ARN \
                                  arn:aws:iam::<account>:role/<name> of the session, not what `aws sts \
                                  get-caller-identity` prints."
            },
            {
                // Session ARNs get the message above only.
                "condition": each(&format!("can(regex(\"{ASSUMED_ROLE}\", a)) || can(regex(\"{ROLE_ARN}\", a))")),
                "error_message": "Every entry must be an IAM role ARN such as \
                                  arn:aws:iam::111122223333:role/platform-admin (a path is allowed)."
            },
            {
                "condition": each("!can(regex(\":role/aws-service-role/\", a))"),
                "error_message": "Service-linked roles (role/aws-service-role/...) cannot have EKS access entries."
            }
        ]
    })
}

/// An IAM role ARN in any partition, with or without a path (Terraform `regex` syntax).
const ROLE_ARN: &str = "^arn:aws[a-z-]*:iam::[0-9]{12}:role/.+$";
/// An STS assumed-role session ARN.
const ASSUMED_ROLE: &str = "^arn:aws[a-z-]*:sts::[0-9]{12}:assumed-role/";

/// Cost-allocation tags: every taggable resource gets these through `default_tags`; the few places default tags
/// do not reach (launch template `tag_specifications`) repeat them.
pub(super) fn cost_tags(ctx: &Context) -> BTreeMap<String, String> {
    let mut tags = ctx.platform.tags.clone();
    tags.insert("platform".into(), ctx.platform.name.clone());
    tags.insert("environment".into(), ctx.names.suffix().to_owned());
    tags.insert("managed-by".into(), "platform-rs".into());
    tags
}

pub(super) fn render(ctx: &Context, doc: &mut Document) {
    doc.terraform("required_version", json!(TERRAFORM_CONSTRAINT));
    doc.terraform(
        "required_providers",
        json!({ "aws": { "source": "hashicorp/aws", "version": AWS_PROVIDER_CONSTRAINT } }),
    );

    doc.provider("aws", json!({ "region": ctx.platform.region, "default_tags": { "tags": cost_tags(ctx) } }));

    if ctx.platform.cluster.endpoint == EndpointAccess::PrivateAndPublic {
        doc.variable(
            "public_access_cidrs",
            json!({
                "description": "CIDR blocks allowed to reach the public Kubernetes API endpoint (never 0.0.0.0/0).",
                "type": "list(string)",
                "nullable": false,
                "validation": [
                    {
                        "condition": expr("length(var.public_access_cidrs) > 0"),
                        "error_message": "Give at least one CIDR block; use `endpoint: private` to have no public endpoint."
                    },
                    {
                        "condition": expr("alltrue([for c in var.public_access_cidrs : can(cidrnetmask(c))])"),
                        "error_message": "Every entry must be an IPv4 CIDR block such as 203.0.113.0/24."
                    },
                    {
                        "condition": expr("!contains(var.public_access_cidrs, \"0.0.0.0/0\")"),
                        "error_message": "0.0.0.0/0 would open the API endpoint to the internet; list the allowed networks."
                    }
                ]
            }),
        );
    }
    doc.variable(ADMIN_ROLES, admin_roles_variable());

    doc.data(refs::caller_identity_type(), refs::CURRENT, json!({}));
    doc.data(refs::partition_type(), refs::CURRENT, json!({}));
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::naming::Names;
    use crate::sample::customer_platform;

    fn rendered() -> serde_json::Value {
        let platform = customer_platform();
        let ctx = Context { platform: &platform, names: Names::new(&platform.name, "dev") };
        let mut doc = Document::default();
        render(&ctx, &mut doc);
        doc.to_value()
    }

    #[test]
    fn pins_the_aws_provider_for_5_100_and_6_x() {
        let v = rendered();
        assert_eq!(v["terraform"]["required_providers"]["aws"]["version"], ">= 5.100, < 7.0");
        assert_eq!(v["provider"]["aws"][0]["region"], "us-east-2");
    }

    #[test]
    fn default_tags_carry_cost_allocation_tags() {
        let tags = &rendered()["provider"]["aws"][0]["default_tags"]["tags"];
        assert_eq!(tags["cost-center"], "platform-engineering");
        assert_eq!(tags["environment"], "dev");
        assert_eq!(tags["platform"], "fintech");
    }

    #[test]
    fn public_access_cidrs_reject_the_internet() {
        let v = rendered();
        let rules = v["variable"]["public_access_cidrs"]["validation"].as_array().unwrap();
        assert!(rules.iter().any(|r| r["condition"].as_str().unwrap().contains("0.0.0.0/0")));
        assert!(v["variable"]["public_access_cidrs"].get("default").is_none(), "must be given at deploy time");
    }

    #[test]
    fn admin_roles_are_required_and_refuse_session_arns() {
        let v = &rendered()["variable"][ADMIN_ROLES];
        assert!(v.get("default").is_none(), "forgetting the admin roles must fail, not remove every access entry");
        let rules = v["validation"].as_array().unwrap();
        assert!(rules.iter().any(|r| r["condition"].as_str().unwrap().contains("length(")));
        assert!(rules.iter().any(|r| r["condition"].as_str().unwrap().contains(ASSUMED_ROLE)));
    }
}
