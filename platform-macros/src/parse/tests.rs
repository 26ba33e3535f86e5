//! The parser on `proc_macro2` tokens: syntax errors are collected, not only the first, and a block with an
//! error is left out of the platform rather than checked with a value the user did not write. (The spans and
//! the round trip of the customer's definition are covered by the ui-tests and `platform-bin`'s tests.)

use platform_core::check::Dropped;
use platform_core::schema::{NODE_GROUP, TENANT};
use proc_macro2::TokenStream;
use quote::quote;

use super::{parse, Parsed};

/// The syntax errors of a parse, one message each.
fn messages(parsed: &Parsed) -> Vec<String> {
    parsed.errors.clone().into_iter().flatten().map(|e| e.to_string()).collect()
}

#[test]
fn missing_blocks_are_reported_together() {
    let tokens = quote! {
        name: "fintech", region: "us-east-2", kubernetes: "1.28", availability_zones: ["us-east-2a"],
        dns_zones: { "payments.example.com": "Z0123456789ABCDEFGHIJ" },
        vpc {
            cidr: "10.0.0.0/16", private_subnets: [], public_subnets: [], pod_cidr: "100.64.0.0/16",
            nat_gateways: single, endpoints: [],
        }
    };
    let parsed = parse(tokens);
    assert!(parsed.platform.is_none(), "cluster and identity are missing");
    let all = messages(&parsed);
    assert!(all.iter().any(|m| m.contains("missing the required keys `cluster`, `identity`")), "{all:?}");
}

#[test]
fn every_syntax_error_is_collected() {
    let tokens = quote! {
        name: "fintech",
        regoin: "us-east-2",
        kubernetes: 1.28,
        vpc { cidr: "10.0.0.0/16", nat_gateways: one_per_zone, flow_logs: yes }
        node_group critical { size: 3..6 }
    };
    let all = messages(&parse(tokens));
    let expect = [
        "unknown key `regoin` in `platform!`; did you mean `region`?",
        "expected a string literal (`\"...\"`) for `kubernetes`",
        "unknown NAT gateway mode `one_per_zone`; did you mean `one_per_az`?",
        "expected `true` or `false` for `vpc.flow_logs`",
        "expected `..=` after the minimum size",
        "node group `critical` is missing the required keys `instance_types`, `capacity`",
    ];
    for needle in expect {
        assert!(all.iter().any(|e| e.contains(needle)), "no error containing {needle:?} in {all:#?}");
    }
}

/// A valid definition with `blocks` (node groups, tenants, …) after its required parts.
fn definition(blocks: TokenStream) -> TokenStream {
    quote! {
        name: "fintech", region: "us-east-2", kubernetes: "1.28",
        availability_zones: ["us-east-2a", "us-east-2b", "us-east-2c"],
        dns_zones: { "payments.example.com": "Z0123456789ABCDEFGHIJ" },
        vpc {
            cidr: "10.0.0.0/16", private_subnets: [], public_subnets: [], pod_cidr: "100.64.0.0/16",
            nat_gateways: single, endpoints: [],
        }
        cluster { endpoint: private, logs: [audit], log_retention_days: 90 }
        identity azure_ad { tenant_id: "t", client_id: "c" }
        #blocks
    }
}

#[test]
fn a_block_with_an_error_is_dropped_and_the_rest_kept() {
    let parsed = parse(definition(quote! {
        node_group critical { instance_types: ["m5.large"], capacity: on_demand, size: 3..=6, os: linux }
        node_group general { instance_types: ["t3.medium"], capacity: spot, size: 1..=3 }
        tenant payments { node_groups: [critical], groups: { admin: "g" } }
        tenant api { node_groups: [general], groups: { admin: "g" }, quota: { cpu: "1", memory: "1Gi", pods: 1 } }
    }));
    let platform = parsed.platform.as_ref().expect("the required parts parsed");
    let names = |v: Vec<&str>| v.join(",");
    assert_eq!(names(platform.node_groups.iter().map(|g| g.name.as_str()).collect()), "general");
    assert_eq!(names(platform.tenants.iter().map(|t| t.name.as_str()).collect()), "api");
    assert_eq!(
        parsed.gaps.dropped,
        [
            Dropped { block: &NODE_GROUP, name: Some("critical".into()) },
            Dropped { block: &TENANT, name: Some("payments".into()) }
        ]
    );
    assert_eq!(messages(&parsed).len(), 2, "{:?}", messages(&parsed));
    // The kept blocks take the dropped ones' places, and only their own tokens are recorded there.
    let recorded = |path: &str| parsed.spans.get(path).is_some();
    assert!(recorded("node_groups[0].capacity") && !recorded("node_groups[0].os") && !recorded("node_groups[1]"));
    assert!(recorded("tenants[0].quota.pods") && !recorded("tenants[1]"));
}

#[test]
fn a_broken_required_value_leaves_nothing_to_check() {
    let tokens = quote! {
        name: "fintech", region: "us-east-2", kubernetes: "1.28",
        availability_zones: ["us-east-2a", 2, "us-east-2c"],
        dns_zones: { "payments.example.com": "Z0123456789ABCDEFGHIJ" },
        vpc {
            cidr: "10.0.0.0/16", private_subnets: [], public_subnets: [], pod_cidr: "100.64.0.0/16",
            nat_gateways: single, endpoints: [],
        }
        cluster { endpoint: private, logs: [audit], log_retention_days: 90 }
        identity azure_ad { tenant_id: "t", client_id: "c" }
    };
    let parsed = parse(tokens);
    assert!(parsed.platform.is_none() && parsed.errors.is_some());
}

#[test]
fn a_broken_optional_value_keeps_its_default_and_is_marked() {
    let parsed = parse(definition(quote! { encryption { ebs: false, logs: maybe } }));
    let platform = parsed.platform.as_ref().expect("the required parts parsed");
    assert!(platform.encryption.ebs, "the default stands in for the broken block");
    assert_eq!(parsed.gaps.broken.iter().map(|p| p.as_str()).collect::<Vec<_>>(), ["encryption"]);
}

#[test]
fn a_block_written_as_a_field_is_dropped() {
    let parsed = parse(definition(quote! { tenant: payments, }));
    assert_eq!(parsed.gaps.dropped, [Dropped { block: &TENANT, name: None }]);
}

#[test]
fn an_unknown_block_may_have_been_any_repeated_block() {
    let parsed = parse(definition(quote! { tenat payments { node_groups: [critical] } }));
    assert!(parsed.platform.is_some());
    assert!(parsed.gaps.dropped.iter().all(|d| d.name.is_none()) && parsed.gaps.dropped.len() == 4);
}

/// One mistake, one error: a misspelt key is not also a missing one, and a `;` for a `,` does not hide the keys
/// after it (which would be reported missing).
#[test]
fn a_key_typo_or_a_stray_token_is_one_error() {
    let typo = quote! {
        node_group critical { instance_types: ["m5.large"], capcity: on_demand, size: 3..=6 }
    };
    let all = messages(&parse(definition(typo)));
    assert_eq!(all.len(), 1, "{all:#?}");
    assert!(all[0].starts_with("unknown key `capcity` in node group `critical`; did you mean `capacity`?"), "{all:?}");

    let semicolon = quote! {
        name: "fintech", region: "us-east-2", kubernetes: "1.28",
        availability_zones: ["us-east-2a", "us-east-2b", "us-east-2c"],
        dns_zones: { "payments.example.com": "Z0123456789ABCDEFGHIJ" },
        vpc {
            cidr: "10.0.0.0/16", private_subnets: [], public_subnets: [], pod_cidr: "100.64.0.0/16",
            nat_gateways: single; endpoints: [],
        }
        cluster { endpoint: private, logs: [audit], log_retention_days: 90 }
        identity azure_ad { tenant_id: "t", client_id: "c" }
    };
    let all = messages(&parse(semicolon));
    assert_eq!(all, ["expected `,` after the value of `nat_gateways`"], "no `endpoints` missing: {all:#?}");

    let fixed = quote! { node_group critical { instance_types: ["m5.large"], capacity: on_demand, size: 10 } };
    let all = messages(&parse(definition(fixed)));
    assert_eq!(all.len(), 1, "{all:#?}");
    assert!(all[0].ends_with("a size is an inclusive range, `size: 10..=10` for exactly 10 nodes"), "{all:?}");
}

/// The parser's suggestions are DSL too: written in place of what they correct, the definition parses.
#[test]
fn syntax_suggestions_parse() {
    let group =
        |size: TokenStream| quote! { node_group critical { instance_types: ["m5.large"], capacity: on_demand, #size } };
    for (wrong, suggested) in [(quote! { size: 3..6 }, "size: 3..=6"), (quote! { size: 10 }, "size: 10..=10")] {
        let all = messages(&parse(definition(group(wrong))));
        assert!(all.len() == 1 && all[0].contains(&format!("`{suggested}`")), "{all:?}");
        let fixed = parse(definition(group(suggested.parse().unwrap())));
        assert!(fixed.errors.is_none() && fixed.platform.is_some(), "{suggested}: {:?}", messages(&fixed));
    }
    let typo = quote! { node_group critical { instance_types: ["m5.large"], capcity: on_demand, size: 3..=6 } };
    let all = messages(&parse(definition(typo.clone())));
    let meant = all[0].split("did you mean `").nth(1).and_then(|s| s.split('`').next()).expect("a suggestion");
    let fixed: TokenStream = typo.to_string().replace("capcity", meant).parse().unwrap();
    assert!(parse(definition(fixed)).errors.is_none(), "{meant}");
}
