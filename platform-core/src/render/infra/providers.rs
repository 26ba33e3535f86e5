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
    doc.variable(
        "cluster_admin_role_arns",
        json!({
            "description": "IAM role ARNs given cluster-admin through EKS access entries (break-glass and CI).",
            "type": "list(string)",
            "default": [],
            "nullable": false,
            "validation": [{
                "condition": expr(
                    "alltrue([for a in var.cluster_admin_role_arns : can(regex(\"^arn:aws[a-z-]*:iam::[0-9]{12}:role/.+$\", a))])"
                ),
                "error_message": "Every entry must be an IAM role ARN (arn:aws:iam::<account>:role/<name>)."
            }]
        }),
    );

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
}
