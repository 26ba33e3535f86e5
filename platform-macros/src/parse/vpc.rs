//! `vpc { cidr, private_subnets, public_subnets, pod_cidr, nat_gateways, endpoints, flow_logs }`

use platform_core::check::FieldPath;
use platform_core::model::Vpc;
use syn::parse::ParseStream;
use syn::Ident;

use super::block_braces;
use super::fields::{fields, Keys};
use super::value;
use crate::ctxt::Ctxt;
use crate::spans::Loc;

const KEYS: &[&str] =
    &["cidr", "private_subnets", "public_subnets", "pod_cidr", "nat_gateways", "endpoints", "flow_logs"];
const REQUIRED: &[&str] = &["cidr", "private_subnets", "public_subnets", "pod_cidr", "nat_gateways", "endpoints"];

/// After the `vpc` keyword: `{ … }`. `flow_logs` defaults to `true`.
pub(super) fn parse(cx: &Ctxt, input: ParseStream, keyword: &Ident) -> syn::Result<Option<Vpc>> {
    let path = FieldPath::root().key("vpc");
    cx.record(&path, Loc::span(keyword.span()));
    let content;
    block_braces!(content in input, "the `vpc` block");
    let mut keys = Keys::new("`vpc`", KEYS);
    let (mut cidr, mut private_subnets, mut public_subnets, mut pod_cidr, mut nat_gateways, mut endpoints) =
        (None, None, None, None, None, None);
    let mut flow_logs = Some(true);
    fields(cx, &content, &mut keys, |key, input| {
        let p = path.key(key);
        match key {
            "cidr" => cidr = Some(value::string(cx, input, &p)?),
            "private_subnets" => private_subnets = Some(value::string_list(cx, input, &p)?),
            "public_subnets" => public_subnets = Some(value::string_list(cx, input, &p)?),
            "pod_cidr" => pod_cidr = Some(value::string(cx, input, &p)?),
            "nat_gateways" => nat_gateways = Some(value::keyword(cx, input, &p)?),
            "endpoints" => endpoints = Some(value::keyword_list(cx, input, &p)?),
            "flow_logs" => flow_logs = Some(value::boolean(cx, input, &p)?),
            _ => unreachable!("key `{key}` is in KEYS"),
        }
        Ok(())
    });
    keys.require(cx, REQUIRED, Loc::span(keyword.span()));
    Ok((|| {
        Some(Vpc {
            cidr: cidr?,
            private_subnets: private_subnets?,
            public_subnets: public_subnets?,
            pod_cidr: pod_cidr?,
            nat_gateways: nat_gateways?,
            endpoints: endpoints?,
            flow_logs: flow_logs?,
        })
    })())
}
