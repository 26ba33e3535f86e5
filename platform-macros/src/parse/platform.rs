//! The top level: `key: value,` fields and named blocks (`vpc { … }`, `node_group critical { … }`, …).

use std::collections::BTreeMap;

use platform_core::check::FieldPath;
use platform_core::model::{DnsZone, Encryption, Platform};
use syn::ext::IdentExt;
use syn::parse::ParseStream;
use syn::{Ident, Token};

use super::fields::{value_of, Keys};
use super::value::{self, skip_all, skip_to_comma, word};
use super::{addon, cluster, encryption, identity, irsa, node_group, tenant, vpc};
use crate::ctxt::Ctxt;
use crate::spans::Loc;

/// Every key of the top level: the fields, then the blocks.
const KEYS: &[&str] = &[
    "name",
    "region",
    "kubernetes",
    "availability_zones",
    "tags",
    "dns_zones",
    "vpc",
    "cluster",
    "encryption",
    "node_group",
    "tenant",
    "addon",
    "irsa",
    "identity",
];
/// `key: value,` entries of the top level.
const FIELDS: &[&str] = &["name", "region", "kubernetes", "availability_zones", "tags", "dns_zones"];
/// Blocks that appear once per thing they declare.
const REPEATED: &[&str] = &["node_group", "tenant", "addon", "irsa"];
const REQUIRED: &[&str] =
    &["name", "region", "kubernetes", "availability_zones", "dns_zones", "vpc", "cluster", "identity"];

/// Parses the whole definition; `None` when something required could not be parsed (already reported).
pub(super) fn parse(cx: &Ctxt, input: ParseStream) -> Option<Platform> {
    let mut keys = Keys::new("`platform!`", KEYS).repeatable(REPEATED);
    let root = FieldPath::root();
    let (mut name, mut region, mut kubernetes, mut availability_zones) = (None, None, None, None);
    let (mut tags, mut dns_zones) = (Some(BTreeMap::new()), None);
    let (mut vpc, mut cluster, mut encryption, mut identity) = (None, None, Some(Encryption::default()), None);
    let (mut node_groups, mut tenants, mut addons, mut irsa) = (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    while !input.is_empty() {
        if !input.peek(Ident::peek_any) {
            cx.error(Loc::span(input.span()), "expected a key (`name: \"fintech\",`) or a block (`vpc { ... }`)");
            skip_to_comma(input);
            continue;
        }
        let key = word(input).expect("peeked an identifier");
        if !keys.accept(cx, &key) {
            skip_block_or_field(input);
            continue;
        }
        let text = key.to_string();
        if FIELDS.contains(&text.as_str()) {
            let path = root.key(&text);
            value_of(cx, input, &key, |input| {
                match text.as_str() {
                    "name" => name = Some(value::string(cx, input, &path)?),
                    "region" => region = Some(value::string(cx, input, &path)?),
                    "kubernetes" => kubernetes = Some(value::string(cx, input, &path)?),
                    "availability_zones" => availability_zones = Some(value::string_list(cx, input, &path)?),
                    "tags" => tags = Some(string_map(cx, input, &path)?),
                    "dns_zones" => dns_zones = Some(zones(cx, input, &path)?),
                    _ => unreachable!("`{text}` is in FIELDS"),
                }
                Ok(())
            });
            continue;
        }
        if input.peek(Token![:]) {
            cx.error(Loc::span(key.span()), format!("`{text}` is a block: write `{text} {{ ... }}` without `:`"));
            skip_to_comma(input);
            continue;
        }
        let result = match text.as_str() {
            "vpc" => vpc::parse(cx, input, &key).map(|v| vpc = v),
            "cluster" => cluster::parse(cx, input, &key).map(|c| cluster = c),
            "encryption" => encryption::parse(cx, input, &key).map(|e| encryption = e),
            "identity" => identity::parse(cx, input, &key).map(|i| identity = i),
            "node_group" => node_group::parse(cx, input, &key, node_groups.len()).map(|g| node_groups.push(g)),
            "tenant" => tenant::parse(cx, input, &key, tenants.len()).map(|t| tenants.push(t)),
            "addon" => addon::parse(cx, input, &key, addons.len()).map(|a| addons.push(a)),
            "irsa" => irsa::parse(cx, input, &key, irsa.len()).map(|b| irsa.push(b)),
            _ => unreachable!("`{text}` is a block of KEYS"),
        };
        if let Err(e) = result {
            cx.syn_error(e);
            skip_block_or_field(input);
        }
        // A `,` after a block is tolerated, as in Rust struct-like item lists.
        if input.peek(Token![,]) {
            let _ = input.parse::<Token![,]>();
        }
    }
    keys.require(cx, REQUIRED, Loc::call_site());
    Some(Platform {
        name: name?,
        region: region?,
        kubernetes: kubernetes?,
        availability_zones: availability_zones?,
        tags: tags?,
        vpc: vpc?,
        cluster: cluster?,
        encryption: encryption?,
        node_groups: node_groups.into_iter().collect::<Option<_>>()?,
        tenants: tenants.into_iter().collect::<Option<_>>()?,
        addons: addons.into_iter().collect::<Option<_>>()?,
        irsa: irsa.into_iter().collect::<Option<_>>()?,
        identity: identity?,
        dns_zones: dns_zones?,
    })
}

/// After an unknown or misplaced key: skips `: value,` or `[name] { … }`.
fn skip_block_or_field(input: ParseStream) {
    if input.peek(Token![:]) {
        skip_to_comma(input);
        return;
    }
    while !input.is_empty() && !input.peek(syn::token::Brace) && !input.peek(Token![,]) {
        let _ = input.parse::<proc_macro2::TokenTree>();
    }
    if input.peek(syn::token::Brace) {
        let _ = (|| {
            let content;
            syn::braced!(content in input);
            skip_all(&content);
            Ok::<_, syn::Error>(())
        })();
    }
    if input.peek(Token![,]) {
        let _ = input.parse::<Token![,]>();
    }
}

/// `{ key: "value", … }` as a sorted map, each entry recorded at `path.key`.
pub(super) fn string_map(cx: &Ctxt, input: ParseStream, path: &FieldPath) -> syn::Result<BTreeMap<String, String>> {
    let entries = value::string_map(cx, input, path)?;
    Ok(entries
        .into_iter()
        .map(|e| {
            cx.record(&path.key(&e.key.text), Loc::to(e.key.span, e.value_loc.end));
            (e.key.text, e.value)
        })
        .collect())
}

/// `dns_zones: { "payments.example.com": "Z0123…" }`: zone name → hosted zone id.
fn zones(cx: &Ctxt, input: ParseStream, path: &FieldPath) -> syn::Result<Vec<DnsZone>> {
    let entries = value::string_map(cx, input, path)?;
    Ok(entries
        .into_iter()
        .enumerate()
        .map(|(i, e)| {
            let zone = path.index(i);
            cx.record(&zone, Loc::span(e.key.span));
            cx.record(&zone.key("name"), Loc::span(e.key.span));
            cx.record(&zone.key("zone_id"), e.value_loc);
            DnsZone { name: e.key.text, zone_id: e.value }
        })
        .collect())
}
