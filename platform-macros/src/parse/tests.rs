//! The parser on `proc_macro2` tokens: syntax errors are collected, not only the first. (The spans and the
//! round trip of the customer's definition are covered by the ui-tests and `platform-bin`'s tests.)

use quote::quote;

use super::parse;

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
    let Err(e) = parse(tokens) else { panic!("cluster and identity are missing") };
    let message = e.to_string();
    assert!(message.contains("missing the required keys `cluster`, `identity`"), "{message}");
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
    let Err(errors) = parse(tokens) else { panic!("errors expected") };
    let all: Vec<String> = errors.into_iter().map(|e| e.to_string()).collect();
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
