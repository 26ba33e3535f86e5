//! `addon <kind> { replicas, node_group, resources }`: an EKS managed addon and its overrides; keys from
//! `platform_core::schema::ADDON` and `RESOURCES`.

use platform_core::check::FieldPath;
use platform_core::model::{Addon, AddonKind, Keyword, Resources};
use platform_core::schema::{AddonDraft, AddonKey, ResourcesDraft, ResourcesKey, ADDON, RESOURCES};
use syn::parse::ParseStream;
use syn::{token, Ident};

use super::block_braces;
use super::fields::{fields, Keys};
use super::shared::block_name;
use super::value::{self, unknown_keyword_message};
use crate::ctxt::Ctxt;
use crate::spans::Loc;

/// After `addon` (the block at `path`, an item of `addons`): `<kind> { … }` (or `<kind> {}` without overrides).
pub(super) fn parse(cx: &Ctxt, input: ParseStream, keyword: &Ident, path: &FieldPath) -> syn::Result<Option<Addon>> {
    let kind_ident = block_name(input, keyword, "addon", "coredns")?;
    super::record_item(cx, path, keyword, &kind_ident);
    let kind = AddonKind::from_keyword(&kind_ident.to_string())
        .map_err(|e| syn::Error::new(kind_ident.span(), unknown_keyword_message(&e)))?;
    let content;
    block_braces!(content in input, format!("addon `{kind}`"));
    let mut keys = Keys::new(format!("addon `{kind}`"), &ADDON);
    let mut d = AddonDraft::default();
    fields(cx, &content, &mut keys, path, |key, p, input| {
        match key {
            AddonKey::replicas => d.replicas = Some(value::integer(cx, input, p)?),
            AddonKey::node_group => d.node_group = Some(value::name_ref(cx, input, p)?),
            AddonKey::resources => d.resources = parse_resources(cx, input, p)?,
        }
        Ok(())
    });
    Ok(keys.finish(cx, d.finish(kind), Loc::span(kind_ident.span())))
}

/// `{ cpu: "100m", memory: "128Mi" }`: the requests (and memory limit) of the addon's pods.
fn parse_resources(cx: &Ctxt, input: ParseStream, path: &FieldPath) -> syn::Result<Option<Resources>> {
    if !input.peek(token::Brace) {
        return Err(input.error(format!("expected `{{ cpu: \"100m\", memory: \"128Mi\" }}` for `{path}`")));
    }
    let content;
    let braces = syn::braced!(content in input);
    let loc = Loc::span(braces.span.join());
    cx.record(path, loc);
    let mut keys = Keys::new(format!("`{path}`"), &RESOURCES);
    let mut d = ResourcesDraft::default();
    fields(cx, &content, &mut keys, path, |key, p, input| {
        let value = Some(value::string(cx, input, p)?);
        match key {
            ResourcesKey::cpu => d.cpu = value,
            ResourcesKey::memory => d.memory = value,
        }
        Ok(())
    });
    Ok(keys.finish(cx, d.finish(), loc))
}
