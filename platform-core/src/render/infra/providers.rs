//! The `terraform` block, the aws provider (region, default tags) and the root's input variables.

use std::collections::BTreeMap;

use serde_json::json;

use super::refs::{self, ADMIN_ROLES, PUBLIC_ACCESS_CIDRS};
use crate::model::EndpointAccess;
use crate::render::context::Context;
use crate::render::tf_json::{Document, Expr};
use crate::render::version_constraints::{AWS_PROVIDER_CONSTRAINT, TERRAFORM_CONSTRAINT};

/// `can(regex("<pattern>", <value>))`: whether `value` matches (Terraform `regex` syntax).
fn matches(pattern: &str, value: Expr) -> Expr {
    Expr::call("can", [Expr::call("regex", [Expr::string(pattern), value])])
}

/// `cluster_admin_role_arns`: the cluster is created with `bootstrap_cluster_creator_admin_permissions = false`
/// and `authentication_mode = "API"`, so these access entries are the only way in for IAM principals. No default:
/// an apply that forgets it must stop, not delete every admin entry.
///
/// What an access entry accepts (Amazon EKS User Guide, grant-k8s-access.adoc, "Create access entries"): the ARN
/// of one existing IAM role or user, a role ARN may carry a path, service-linked roles
/// (`role/aws-service-role/…`) are refused. The `sts::…:assumed-role/<role>/<session>` ARN that
/// `aws sts get-caller-identity` prints is a session, not a principal; EKS maps a session to the entry of its role.
fn admin_roles_variable() -> serde_json::Value {
    let roles = refs::admin_roles().expr();
    let each = |test: &dyn Fn(Expr) -> Expr| Expr::call("alltrue", [Expr::for_each_in("a", roles.clone(), test)]);
    json!({
        "description": "IAM role ARNs given cluster-admin through EKS access entries (the operators running the \
                        cluster stage, break-glass, CI). Required: the cluster has no other IAM admin.",
        "type": "list(string)",
        "nullable": false,
        "validation": [
            {
                "condition": Expr::call("length", [roles.clone()]).greater_than(Expr::number(0)),
                "error_message": "Give at least one IAM role ARN: without an access entry nobody can administer \
                                  the cluster (it grants its creator nothing)."
            },
            {
                "condition": each(&|a| !matches(ASSUMED_ROLE, a)),
                "error_message": "An assumed-role (session) ARN is not an IAM principal: pass the role ARN \
                                  arn:aws:iam::<account>:role/<name> of the session, not what `aws sts \
                                  get-caller-identity` prints."
            },
            {
                // Session ARNs get the message above only.
                "condition": each(&|a| matches(ASSUMED_ROLE, a.clone()).or(matches(ROLE_ARN, a))),
                "error_message": "Every entry must be an IAM role ARN such as \
                                  arn:aws:iam::111122223333:role/platform-admin (a path is allowed)."
            },
            {
                "condition": each(&|a| !matches(":role/aws-service-role/", a)),
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
    crate::render::cost_tags(ctx.platform, &ctx.names)
}

/// EKS accepts at most 40 public access CIDR blocks per cluster, a quota AWS does not raise (AWS General
/// Reference, "Amazon EKS endpoints and quotas": "Public endpoint access CIDR ranges per cluster", 40, not
/// adjustable).
pub const MAX_PUBLIC_ACCESS_CIDRS: usize = 40;

/// The widest block the allowlist takes: with [`MAX_PUBLIC_ACCESS_CIDRS`] entries of at most 2^16 addresses, the
/// union stays below 40 × 65,536 = 2,621,440 addresses, under 0.07% of IPv4, however the entries are chosen
/// (`0.0.0.0/1` + `128.0.0.0/1` is the whole internet in two entries).
pub const MIN_PUBLIC_ACCESS_PREFIX: u8 = 16;

/// Ranges that are never the source of a connection from the internet, so an entry there is a mistake (a
/// private network reaches the API through the private endpoint); the EKS User Guide also says the blocks cannot
/// include reserved addresses (clusters/cluster-endpoint.adoc). From the IANA IPv4 Special-Purpose Address
/// Registry (RFC 6890), blocks marked not globally reachable, plus multicast and the reserved 240/4. The
/// documentation ranges (RFC 5737: 192.0.2.0/24, 198.51.100.0/24, 203.0.113.0/24) stay allowed: they are the
/// placeholders of examples and tests and are not routed, so they open nothing.
pub const NEVER_INTERNET_SOURCES: &[&str] = &[
    "0.0.0.0/8",      // "this network"
    "10.0.0.0/8",     // private (RFC 1918)
    "100.64.0.0/10",  // shared address space, carrier-grade NAT (RFC 6598)
    "127.0.0.0/8",    // loopback
    "169.254.0.0/16", // link-local
    "172.16.0.0/12",  // private (RFC 1918)
    "192.168.0.0/16", // private (RFC 1918)
    "198.18.0.0/15",  // benchmarking (RFC 2544)
    "224.0.0.0/4",    // multicast
    "240.0.0.0/4",    // reserved, with the limited broadcast address
];

/// The validation rules of `public_access_cidrs`, one message each, naming the rule and the fix. Each rule but
/// the form check passes an entry it cannot read (`try(…, true)`), so a malformed entry gets one message.
fn public_access_rules() -> serde_json::Value {
    let cidrs = refs::public_access_cidrs().expr();
    let all = |test: &dyn Fn(Expr) -> Expr| Expr::call("alltrue", [Expr::for_each_in("c", cidrs.clone(), test)]);
    let part = |cidr: &Expr, index| Expr::call("split", [Expr::string("/"), cidr.clone()]).index(index);
    let prefix = |cidr: &Expr| Expr::call("tonumber", [part(cidr, 1)]);
    let cidr = |address, prefix| Expr::call("format", [Expr::string("%s/%d"), address, prefix]);
    let host = |cidr| Expr::call("cidrhost", [cidr, Expr::number(0)]);
    // `try(<test>, <fallback>)`: the fallback when the test cannot read the entry.
    let or_else = |test, fallback| Expr::call("try", [test, Expr::boolean(fallback)]);
    let length = Expr::call("length", [cidrs.clone()]);
    let canonical = all(&|c| {
        let same = cidr(host(c.clone()), prefix(&c)).equals(c.clone());
        or_else(same.and(Expr::call("can", [Expr::call("cidrnetmask", [c])])), false)
    });
    let narrow = all(&|c| or_else(prefix(&c).at_least(Expr::number(MIN_PUBLIC_ACCESS_PREFIX.into())), true));
    let special = Expr::tuple(NEVER_INTERNET_SOURCES.iter().map(|r| Expr::string(r)));
    let disjoint = all(&|c| {
        let apart = Expr::for_each_in("s", special.clone(), |s| {
            // Two blocks overlap when their addresses agree on the shorter of the two prefixes.
            let shorter = Expr::call("min", [prefix(&c), prefix(&s)]);
            let masked = |block: &Expr| host(cidr(part(block, 0), shorter.clone()));
            or_else(masked(&c).differs(masked(&s)), true)
        });
        Expr::call("alltrue", [apart])
    });
    json!([
        {
            "condition": length.clone().greater_than(Expr::number(0)),
            "error_message": "public_access_cidrs is empty: give at least one CIDR block, or declare `endpoint: private` to have no public endpoint."
        },
        {
            "condition": length.at_most(Expr::number(MAX_PUBLIC_ACCESS_CIDRS)),
            "error_message": format!("public_access_cidrs has more than {MAX_PUBLIC_ACCESS_CIDRS} entries, the EKS limit per cluster (not adjustable): merge neighbouring blocks, or reach the API through the private endpoint.")
        },
        {
            // The canonical form: no host bits, no leading zeros, IPv4 only.
            "condition": canonical,
            "error_message": "public_access_cidrs: every entry must be an IPv4 network in canonical form, such as 203.0.113.0/24 (network address, no host bits or leading zeros)."
        },
        {
            "condition": narrow,
            "error_message": format!("public_access_cidrs: every entry must be a /{MIN_PUBLIC_ACCESS_PREFIX} or narrower, so that {MAX_PUBLIC_ACCESS_CIDRS} entries cover under 0.07% of the internet (0.0.0.0/1 and 128.0.0.0/1 would open it all): list the networks that need the API.")
        },
        {
            "condition": disjoint,
            "error_message": format!("public_access_cidrs: no entry may overlap a range that never reaches the endpoint from the internet ({}): private networks reach the API through the private endpoint; list public source addresses.", NEVER_INTERNET_SOURCES.join(", "))
        }
    ])
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
            PUBLIC_ACCESS_CIDRS,
            json!({
                "description": "Public IPv4 networks (each /16 or narrower, at most 40) allowed to reach the public \
                                Kubernetes API endpoint.",
                "type": "list(string)",
                "nullable": false,
                "validation": public_access_rules()
            }),
        );
    }
    doc.variable(ADMIN_ROLES, admin_roles_variable());

    doc.data_at(&refs::caller_identity(), json!({}));
    doc.data_at(&refs::partition(), json!({}));
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check_platform;
    use crate::fixture::platform as fixture;

    fn rendered() -> serde_json::Value {
        let platform = fixture();
        let checked = check_platform(&platform, "2024-06-01").unwrap();
        let ctx = Context::new(&checked, "dev");
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
        assert_eq!(tags["cost-center"], "ledger-tests");
        assert_eq!(tags["environment"], "dev");
        assert_eq!(tags["platform"], "ledger");
    }

    #[test]
    fn public_access_cidrs_have_one_message_per_rule() {
        let v = rendered();
        let rules = v["variable"]["public_access_cidrs"]["validation"].as_array().unwrap();
        let messages: std::collections::BTreeSet<&str> =
            rules.iter().map(|r| r["error_message"].as_str().unwrap()).collect();
        assert_eq!(messages.len(), rules.len(), "each rule has its own message");
        assert!(messages.iter().all(|m| m.starts_with("public_access_cidrs")), "{messages:?}");
        let conditions: Vec<&str> = rules.iter().map(|r| r["condition"].as_str().unwrap()).collect();
        assert!(conditions.iter().any(|c| c.contains("<= 40")) && conditions.iter().any(|c| c.contains(">= 16")));
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
