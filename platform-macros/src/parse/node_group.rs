//! `node_group <name> { workload, instance_types, capacity, size, desired, os, disk_gib, labels, taints }`

use platform_core::check::FieldPath;
use platform_core::model::{Capacity, Keyword, NodeGroup, NodeOs, Taint, TaintEffect, WorkloadClass};
use syn::ext::IdentExt;
use syn::parse::ParseStream;
use syn::{parenthesized, token, Ident, Token};

use super::block_braces;
use super::fields::{fields, Keys};
use super::platform::string_map;
use super::value::{self, list, lit_int, word, MapKey};
use crate::ctxt::Ctxt;
use crate::spans::Loc;

const KEYS: &[&str] =
    &["workload", "instance_types", "capacity", "size", "desired", "os", "disk_gib", "labels", "taints"];
const REQUIRED: &[&str] = &["instance_types", "capacity", "size"];

/// The data volume when `disk_gib` is not written: room for the images of a general-purpose node.
const DEFAULT_DISK_GIB: u32 = 50;

/// After `node_group`: `<name> { … }`. `workload` defaults to the group's name when that is a workload class,
/// `desired` to the minimum size, `os` to `bottlerocket`, `disk_gib` to 50, labels and taints to none.
pub(super) fn parse(cx: &Ctxt, input: ParseStream, keyword: &Ident, index: usize) -> syn::Result<Option<NodeGroup>> {
    let name = block_name(input, keyword, "node_group", "critical")?;
    let path = FieldPath::root().key("node_groups").index(index);
    cx.record_first(&FieldPath::root().key("node_groups"), Loc::span(keyword.span()));
    cx.record(&path, Loc::span(name.span()));
    let content;
    block_braces!(content in input, format!("node group `{name}`"));
    let mut keys = Keys::new(format!("node group `{name}`"), KEYS);
    let mut workload = WorkloadClass::from_keyword(&name.to_string()).ok();
    let (mut instance_types, mut capacity, mut size, mut desired) = (None, None, None, None);
    let (mut os, mut disk_gib) = (Some(NodeOs::Bottlerocket), Some(DEFAULT_DISK_GIB));
    let (mut labels, mut taints) = (Some(Default::default()), Some(Vec::new()));
    fields(cx, &content, &mut keys, |key, input| {
        let p = path.key(key);
        match key {
            "workload" => workload = Some(value::keyword(cx, input, &p)?),
            "instance_types" => instance_types = Some(value::string_list(cx, input, &p)?),
            "capacity" => capacity = Some(parse_capacity(cx, input, &p)?),
            "size" => size = Some(parse_size(cx, input, &path)?),
            "desired" => desired = Some(value::integer(cx, input, &path.key("desired_size"))?),
            "os" => os = Some(value::keyword(cx, input, &p)?),
            "disk_gib" => disk_gib = Some(value::integer(cx, input, &p)?),
            "labels" => labels = Some(string_map(cx, input, &p)?),
            "taints" => taints = Some(list(cx, input, &p, |input, _| parse_taint(input, &p))?),
            _ => unreachable!("key `{key}` is in KEYS"),
        }
        Ok(())
    });
    keys.require(cx, REQUIRED, Loc::span(name.span()));
    if workload.is_none() && !keys.has("workload") {
        cx.error(
            Loc::span(name.span()),
            format!("node group `{name}` needs `workload: critical`, `workload: general` or `workload: batch`"),
        );
    }
    let Some((min_size, max_size)) = size else { return Ok(None) };
    // Without `desired`, a finding about the desired size points at `size`.
    if desired.is_none() {
        if let Some(loc) = cx.recorded(&path.key("size")) {
            cx.record(&path.key("desired_size"), loc);
        }
    }
    Ok((|| {
        Some(NodeGroup {
            name: name.to_string(),
            workload: workload?,
            instance_types: instance_types?,
            capacity: capacity?,
            min_size,
            desired_size: desired.unwrap_or(min_size),
            max_size,
            os: os?,
            disk_gib: disk_gib?,
            labels: labels?,
            taints: taints?,
        })
    })())
}

/// The `<name>` of a named block, with a clear error when it is missing.
pub(super) fn block_name(input: ParseStream, keyword: &Ident, block: &str, example: &str) -> syn::Result<Ident> {
    if !input.peek(Ident::peek_any) {
        return Err(syn::Error::new(
            keyword.span(),
            format!("`{block}` needs a name before its `{{`, e.g. `{block} {example} {{ ... }}`"),
        ));
    }
    word(input)
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

/// `min..=max`; `min_size` and `max_size` are recorded at their literals, `size` at the whole range.
fn parse_size(cx: &Ctxt, input: ParseStream, group: &FieldPath) -> syn::Result<(u32, u32)> {
    let ((min, max), loc) = value::spanned(input, |input| {
        let (min, min_span) = lit_int::<u32>(input, &group.key("size"))?;
        if input.peek(Token![..=]) {
            input.parse::<Token![..=]>()?;
        } else {
            return Err(input.error(format!(
                "expected `..=` after the minimum size: a size is an inclusive range, e.g. `{min}..=6`"
            )));
        }
        let (max, max_span) = lit_int::<u32>(input, &group.key("size"))?;
        cx.record(&group.key("min_size"), Loc::span(min_span));
        cx.record(&group.key("max_size"), Loc::span(max_span));
        Ok((min, max))
    })?;
    cx.record(&group.key("size"), loc);
    Ok((min, max))
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
