//! `node_group <name> { workload, instance_types, capacity, size, desired, os, disk_gib, labels, taints }`: keys,
//! required keys, defaults and the model fields of `size` and `desired` from `platform_core::schema::NODE_GROUP`.

use platform_core::check::FieldPath;
use platform_core::model::{Capacity, NodeGroup, Taint, TaintEffect};
use platform_core::schema::{BlockKey, Missing, NodeGroupDraft, NodeGroupKey, NODE_GROUP};
use syn::ext::IdentExt;
use syn::parse::ParseStream;
use syn::{parenthesized, token, Ident, Token};

use super::block_braces;
use super::fields::{fields, Keys};
use super::shared::{block_name, string_map};
use super::value::{self, list, lit_int, word, MapKey};
use crate::ctxt::Ctxt;
use crate::spans::Loc;

/// After `node_group` (the block at `path`, an item of `node_groups`): `<name> { … }`.
pub(super) fn parse(
    cx: &Ctxt,
    input: ParseStream,
    keyword: &Ident,
    path: &FieldPath,
) -> syn::Result<Option<NodeGroup>> {
    let name = block_name(input, keyword, "node_group", "critical")?;
    super::record_item(cx, path, keyword, &name);
    let content;
    block_braces!(content in input, format!("node group `{name}`"));
    let mut keys = Keys::new(format!("node group `{name}`"), &NODE_GROUP);
    let mut d = NodeGroupDraft::default();
    let mut size_loc = None;
    fields(cx, &content, &mut keys, path, |key, p, input| {
        match key {
            NodeGroupKey::workload => d.workload = Some(value::keyword(cx, input, p)?),
            NodeGroupKey::instance_types => d.instance_types = Some(value::string_list(cx, input, p)?),
            NodeGroupKey::capacity => d.capacity = Some(parse_capacity(cx, input, p)?),
            NodeGroupKey::size => {
                let (size, loc) = parse_size(cx, input, path)?;
                (d.size, size_loc) = (Some(size), Some(loc));
            }
            NodeGroupKey::desired => d.desired = Some(value::integer(cx, input, p)?),
            NodeGroupKey::os => d.os = Some(value::keyword(cx, input, p)?),
            NodeGroupKey::disk_gib => d.disk_gib = Some(value::integer(cx, input, p)?),
            NodeGroupKey::labels => d.labels = Some(string_map(cx, input, p)?),
            NodeGroupKey::taints => d.taints = Some(list(cx, input, p, |input, _| parse_taint(input, p))?),
        }
        Ok(())
    });
    // Without `desired`, a finding about the desired size points at `size`.
    if let (None, Some(loc)) = (d.desired, size_loc) {
        cx.record(&NodeGroupKey::desired.path(path), loc);
    }
    let loc = Loc::span(name.span());
    let finished = d.finish(&name.to_string()).map_err(|Missing(mut missing)| {
        // `workload` is missing only when the name is no workload class either: say which to write.
        let workload = missing.iter().position(|k| *k == "workload").map(|i| missing.remove(i));
        keys.require(cx, &missing, loc);
        if workload.is_some() && !keys.has("workload") {
            cx.error(
                loc,
                format!("node group `{name}` needs `workload: critical`, `workload: general` or `workload: batch`"),
            );
        }
        Missing(missing)
    });
    Ok(finished.ok())
}

/// `on_demand`, `spot` or `mixed(spot: 60%)`, recorded at `path`.
fn parse_capacity(cx: &Ctxt, input: ParseStream, path: &FieldPath) -> syn::Result<Capacity> {
    let expected = "expected `on_demand`, `spot` or `mixed(spot: 60%)`";
    let (capacity, loc) = value::spanned(input, |input| {
        if !input.peek(Ident::peek_any) {
            return Err(input.error(format!("{expected} for `{path}`")));
        }
        let ident = word(input)?;
        match ident.to_string().as_str() {
            "on_demand" => Ok(Capacity::OnDemand),
            "spot" => Ok(Capacity::Spot),
            "mixed" => {
                if !input.peek(token::Paren) {
                    return Err(syn::Error::new(ident.span(), "write the spot share: `mixed(spot: 60%)`"));
                }
                let content;
                parenthesized!(content in input);
                let key = word(&content)?;
                if key != "spot" {
                    return Err(syn::Error::new(key.span(), "write the spot share: `mixed(spot: 60%)`"));
                }
                content.parse::<Token![:]>()?;
                let (spot_percent, _) = lit_int::<u8>(&content, path)?;
                content
                    .parse::<Token![%]>()
                    .map_err(|e| syn::Error::new(e.span(), "write the share as a percentage: `60%`"))?;
                Ok(Capacity::Mixed { spot_percent })
            }
            other => {
                let suggestion = platform_core::model::did_you_mean(other, ["on_demand", "spot", "mixed"]);
                Err(syn::Error::new(
                    ident.span(),
                    value::unknown_message(
                        format!("unknown capacity `{other}`"),
                        suggestion,
                        &["on_demand", "spot", "mixed(spot: 60%)"],
                    ),
                ))
            }
        }
    })?;
    cx.record(path, loc);
    Ok(capacity)
}

/// `min..=max`, and the whole range's tokens; the model fields it fills (`min_size`, `max_size`, from the schema)
/// are recorded at their literals.
fn parse_size(cx: &Ctxt, input: ParseStream, group: &FieldPath) -> syn::Result<(std::ops::RangeInclusive<u32>, Loc)> {
    let [min_field, max_field] = NodeGroupKey::size.schema().fields else { unreachable!("`size` fills two fields") };
    value::spanned(input, |input| {
        let (min, min_span) = lit_int::<u32>(input, &group.key(NodeGroupKey::size.schema().name))?;
        if input.peek(Token![..=]) {
            input.parse::<Token![..=]>()?;
        } else if input.peek(Token![..]) {
            // `3..6`: the range meant, written inclusive.
            let dots = input.parse::<Token![..]>()?;
            let max = input.parse::<syn::LitInt>().ok().and_then(|l| l.base10_parse::<u32>().ok());
            let range = max.map_or_else(|| format!("{min}..=6"), |max| format!("{min}..={max}"));
            return Err(syn::Error::new(
                dots.spans[0],
                format!("expected `..=` after the minimum size: a size is an inclusive range, `size: {range}`"),
            ));
        } else {
            // One number: the size meant is probably exactly that many nodes.
            return Err(syn::Error::new(
                min_span,
                format!(
                    "expected `..=` after the minimum size: a size is an inclusive range, `size: {min}..={}` for {}",
                    min.max(1),
                    if min == 0 { "at most one node".to_owned() } else { format!("exactly {min} nodes") }
                ),
            ));
        }
        let (max, max_span) = lit_int::<u32>(input, &group.key(NodeGroupKey::size.schema().name))?;
        cx.record(&group.key(min_field), Loc::span(min_span));
        cx.record(&group.key(max_field), Loc::span(max_span));
        Ok(min..=max)
    })
}

/// `key = "value": Effect`, e.g. `workload = "critical": NoSchedule`.
fn parse_taint(input: ParseStream, path: &FieldPath) -> syn::Result<Taint> {
    let example = "write a taint as `key = \"value\": NoSchedule`";
    let key: MapKey = input.parse().map_err(|e| syn::Error::new(e.span(), example))?;
    input.parse::<Token![=]>().map_err(|e| syn::Error::new(e.span(), example))?;
    let value = value::lit_str(input, path)?.value();
    input.parse::<Token![:]>().map_err(|e| syn::Error::new(e.span(), example))?;
    let (effect, _) = value::keyword_ident::<TaintEffect>(input, path)?;
    Ok(Taint { key: key.text, value, effect })
}
