//! `addon <kind> { replicas, node_group, resources }`: an EKS managed addon and its overrides.

use platform_core::check::FieldPath;
use platform_core::model::{Addon, AddonKind, Keyword, Resources};
use syn::parse::ParseStream;
use syn::{token, Ident};

use super::block_braces;
use super::fields::{fields, Keys};
use super::node_group::block_name;
use super::value::{self, unknown_keyword_message};
use crate::ctxt::Ctxt;
use crate::spans::Loc;

const KEYS: &[&str] = &["replicas", "node_group", "resources"];

/// After `addon`: `<kind> { … }` (or `<kind> {}` without overrides).
pub(super) fn parse(cx: &Ctxt, input: ParseStream, keyword: &Ident, index: usize) -> syn::Result<Option<Addon>> {
    let kind_ident = block_name(input, keyword, "addon", "coredns")?;
    let path = FieldPath::root().key("addons").index(index);
    cx.record_first(&FieldPath::root().key("addons"), Loc::span(keyword.span()));
    cx.record(&path, Loc::span(kind_ident.span()));
    let kind = AddonKind::from_keyword(&kind_ident.to_string())
        .map_err(|e| syn::Error::new(kind_ident.span(), unknown_keyword_message(&e)))?;
    let content;
    block_braces!(content in input, format!("addon `{kind}`"));
    let mut keys = Keys::new(format!("addon `{kind}`"), KEYS);
    let mut addon = Addon { kind, replicas: None, node_group: None, resources: None };
    fields(cx, &content, &mut keys, |key, input| {
        let p = path.key(key);
        match key {
            "replicas" => addon.replicas = Some(value::integer(cx, input, &p)?),
            "node_group" => addon.node_group = Some(value::name_ref(cx, input, &p)?),
            "resources" => addon.resources = parse_resources(cx, input, &p)?,
            _ => unreachable!("key `{key}` is in KEYS"),
        }
        Ok(())
    });
    Ok(Some(addon))
}

const RESOURCE_KEYS: &[&str] = &["cpu", "memory"];

/// `{ cpu: "100m", memory: "128Mi" }`: the requests (and memory limit) of the addon's pods.
fn parse_resources(cx: &Ctxt, input: ParseStream, path: &FieldPath) -> syn::Result<Option<Resources>> {
    if !input.peek(token::Brace) {
        return Err(input.error(format!("expected `{{ cpu: \"100m\", memory: \"128Mi\" }}` for `{path}`")));
    }
    let content;
    let braces = syn::braced!(content in input);
    let loc = Loc::span(braces.span.join());
    cx.record(path, loc);
    let mut keys = Keys::new(format!("`{path}`"), RESOURCE_KEYS);
    let (mut cpu, mut memory) = (None, None);
    fields(cx, &content, &mut keys, |key, input| {
        let value = value::string(cx, input, &path.key(key))?;
        match key {
            "cpu" => cpu = Some(value),
            "memory" => memory = Some(value),
            _ => unreachable!("key `{key}` is in RESOURCE_KEYS"),
        }
        Ok(())
    });
    keys.require(cx, RESOURCE_KEYS, loc);
    Ok((|| Some(Resources { cpu: cpu?, memory: memory? }))())
}
