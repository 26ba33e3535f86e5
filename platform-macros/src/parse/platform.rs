//! The top level: `key: value,` fields and named blocks (`vpc { … }`, `node_group critical { … }`, …), with the
//! keys of `platform_core::schema::PLATFORM` (a key with a nested block is written as a block).
//!
//! A block or value with a syntax error anywhere in it is left out: a repeated block is dropped (and recorded in
//! the [`Gaps`], so that platform-core keeps only the findings the rest proves), an optional value keeps its
//! default (its findings are dropped), and a required one leaves no platform to check.

use platform_core::check::{Dropped, FieldPath, Gaps};
use platform_core::model::{DnsZone, Platform};
use platform_core::schema::{Block, BlockKey, PlatformDraft, PlatformKey, ADDON, IRSA, NODE_GROUP, PLATFORM, TENANT};
use syn::ext::IdentExt;
use syn::parse::ParseStream;
use syn::{Ident, Token};

use super::fields::{value_of, Keys};
use super::shared::string_map;
use super::value::{self, skip_all, skip_to_comma, word};
use super::{addon, cluster, encryption, identity, irsa, node_group, tenant, vpc};
use crate::ctxt::Ctxt;
use crate::spans::Loc;

/// Parses the whole definition: the platform (`None` when a required value is missing or broken, already
/// reported) and what syntax errors left out of it.
pub(super) fn parse(cx: &Ctxt, input: ParseStream) -> (Option<Platform>, Gaps) {
    let mut keys = Keys::new("`platform!`", &PLATFORM);
    let root = FieldPath::root();
    let mut d = PlatformDraft::default();
    let mut gaps = Gaps::default();
    let mut complete = true;
    while !input.is_empty() {
        if !input.peek(Ident::peek_any) {
            cx.error(Loc::span(input.span()), "expected a key (`name: \"fintech\",`) or a block (`vpc { ... }`)");
            skip_to_comma(input);
            continue;
        }
        let key = word(input).expect("peeked an identifier");
        let Some(k) = PlatformKey::from_name(&key.to_string()) else {
            keys.accept(cx, &key);
            gaps.unknown_block();
            skip_block_or_field(input);
            continue;
        };
        if !keys.accept(cx, &key) {
            skip_block_or_field(input);
            continue;
        }
        let schema = k.schema();
        let text = schema.name;
        if schema.block.is_some() && input.peek(Token![:]) {
            cx.error(Loc::span(key.span()), format!("`{text}` is a block: write `{text} {{ ... }}` without `:`"));
            skip_to_comma(input);
            match schema.block.filter(|b| b.repeated) {
                Some(block) => gaps.dropped.push(Dropped { block, name: None }),
                None => {
                    complete &= !schema.required;
                    gaps.broken.push(k.path(&root));
                }
            }
            continue;
        }
        let errors = cx.error_count();
        let path = k.path(&root);
        let block = |result: syn::Result<()>| {
            if let Err(e) = result {
                cx.syn_error(e);
                skip_block_or_field(input);
            }
        };
        let mut repeated = Repeated { cx, input, key: &key, path: &path, gaps: &mut gaps };
        match k {
            PlatformKey::name => field(cx, input, &key, &mut d.name, |i| value::string(cx, i, &path)),
            PlatformKey::region => field(cx, input, &key, &mut d.region, |i| value::string(cx, i, &path)),
            PlatformKey::kubernetes => field(cx, input, &key, &mut d.kubernetes, |i| value::string(cx, i, &path)),
            PlatformKey::availability_zones => {
                field(cx, input, &key, &mut d.availability_zones, |i| value::string_list(cx, i, &path))
            }
            PlatformKey::tags => field(cx, input, &key, &mut d.tags, |i| string_map(cx, i, &path)),
            PlatformKey::dns_zones => field(cx, input, &key, &mut d.dns_zones, |i| zones(cx, i, &path)),
            PlatformKey::vpc => block(vpc::parse(cx, input, &key, &path).map(|v| d.vpc = v)),
            PlatformKey::cluster => block(cluster::parse(cx, input, &key, &path).map(|c| d.cluster = c)),
            PlatformKey::encryption => block(encryption::parse(cx, input, &key, &path).map(|e| d.encryption = e)),
            PlatformKey::identity => block(identity::parse(cx, input, &key, &path).map(|i| d.identity = i)),
            PlatformKey::node_group => repeated.parse(&NODE_GROUP, &mut d.node_group, node_group::parse),
            PlatformKey::tenant => repeated.parse(&TENANT, &mut d.tenant, tenant::parse),
            PlatformKey::addon => repeated.parse(&ADDON, &mut d.addon, addon::parse),
            PlatformKey::irsa => repeated.parse(&IRSA, &mut d.irsa, irsa::parse),
        }
        if schema.block.is_some() && input.peek(Token![,]) {
            // A `,` after a block is tolerated, as in Rust struct-like item lists.
            let _ = input.parse::<Token![,]>();
        }
        if cx.error_count() == errors || schema.block.is_some_and(|b| b.repeated) {
            continue;
        }
        // Something in this value did not parse: it must not be checked as if it had been written so. An
        // optional one keeps its default and loses its findings; without a required one nothing is checked.
        match k {
            PlatformKey::tags => d.tags = None,
            PlatformKey::encryption => d.encryption = None,
            _ => complete = false,
        }
        complete &= !schema.required;
        gaps.broken.push(path);
    }
    let result = d.finish();
    if let Err(missing) = &result {
        keys.require(cx, &missing.0, Loc::call_site());
    }
    (result.ok().filter(|_| complete), gaps)
}

/// `: value,` of a top-level field, into `slot`.
fn field<T>(
    cx: &Ctxt,
    input: ParseStream,
    key: &Ident,
    slot: &mut Option<T>,
    parse: impl FnOnce(ParseStream) -> syn::Result<T>,
) {
    value_of(cx, input, key, |input| {
        *slot = Some(parse(input)?);
        Ok(())
    });
}

/// Parses a repeated block (`node_group`, `tenant`, `addon`, `irsa`) into its list, or drops it whole when
/// anything in it does not parse.
struct Repeated<'a> {
    cx: &'a Ctxt,
    input: ParseStream<'a>,
    key: &'a Ident,
    /// The list's path (`node_groups`).
    path: &'a FieldPath,
    gaps: &'a mut Gaps,
}

impl Repeated<'_> {
    fn parse<T>(
        &mut self,
        block: &'static Block,
        list: &mut Option<Vec<T>>,
        parse: fn(&Ctxt, ParseStream, &Ident, &FieldPath) -> syn::Result<Option<T>>,
    ) {
        let Repeated { cx, input, key, .. } = *self;
        // The block's name, for the findings that name it (read ahead: the block may not parse).
        let name = input.fork().call(word).ok().map(|n| n.to_string());
        // The next item of the list: a dropped block takes no index, so the ones after it keep their paths.
        let item = self.path.index(list.as_ref().map_or(0, Vec::len));
        let errors = cx.error_count();
        let parsed = parse(cx, input, key, &item).unwrap_or_else(|e| {
            cx.syn_error(e);
            skip_block_or_field(input);
            None
        });
        match parsed.filter(|_| cx.error_count() == errors) {
            Some(value) => list.get_or_insert_with(Vec::new).push(value),
            None => {
                cx.forget(&item);
                self.gaps.dropped.push(Dropped { block, name });
            }
        }
    }
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
