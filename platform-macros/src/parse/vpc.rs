//! `vpc { … }`: keys, required keys and defaults from `platform_core::schema::VPC`.

use platform_core::check::FieldPath;
use platform_core::model::Vpc;
use platform_core::schema::{VpcDraft, VpcKey, VPC};
use syn::parse::ParseStream;
use syn::Ident;

use super::block_braces;
use super::fields::{fields, Keys};
use super::value;
use crate::ctxt::Ctxt;
use crate::spans::Loc;

/// After the `vpc` keyword (the block at `path`): `{ … }`.
pub(super) fn parse(cx: &Ctxt, input: ParseStream, keyword: &Ident, path: &FieldPath) -> syn::Result<Option<Vpc>> {
    cx.record(path, Loc::span(keyword.span()));
    let content;
    block_braces!(content in input, "the `vpc` block");
    let mut keys = Keys::new("`vpc`", &VPC);
    let mut d = VpcDraft::default();
    fields(cx, &content, &mut keys, path, |key, p, input| {
        match key {
            VpcKey::cidr => d.cidr = Some(value::string(cx, input, p)?),
            VpcKey::private_subnets => d.private_subnets = Some(value::string_list(cx, input, p)?),
            VpcKey::public_subnets => d.public_subnets = Some(value::string_list(cx, input, p)?),
            VpcKey::pod_cidr => d.pod_cidr = Some(value::string(cx, input, p)?),
            VpcKey::nat_gateways => d.nat_gateways = Some(value::keyword(cx, input, p)?),
            VpcKey::endpoints => d.endpoints = Some(value::keyword_list(cx, input, p)?),
            VpcKey::flow_logs => d.flow_logs = Some(value::boolean(cx, input, p)?),
        }
        Ok(())
    });
    Ok(keys.finish(cx, d.finish(), Loc::span(keyword.span())))
}
