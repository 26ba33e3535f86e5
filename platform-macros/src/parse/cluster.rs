//! `cluster { endpoint, logs, log_retention_days }`

use platform_core::check::FieldPath;
use platform_core::model::Cluster;
use syn::parse::ParseStream;
use syn::Ident;

use super::block_braces;
use super::fields::{fields, Keys};
use super::value;
use crate::ctxt::Ctxt;
use crate::spans::Loc;

const KEYS: &[&str] = &["endpoint", "logs", "log_retention_days"];

/// After the `cluster` keyword: `{ … }`. Every key is required.
pub(super) fn parse(cx: &Ctxt, input: ParseStream, keyword: &Ident) -> syn::Result<Option<Cluster>> {
    let path = FieldPath::root().key("cluster");
    cx.record(&path, Loc::span(keyword.span()));
    let content;
    block_braces!(content in input, "the `cluster` block");
    let mut keys = Keys::new("`cluster`", KEYS);
    let (mut endpoint, mut logs, mut log_retention_days) = (None, None, None);
    fields(cx, &content, &mut keys, |key, input| {
        let p = path.key(key);
        match key {
            "endpoint" => endpoint = Some(value::keyword(cx, input, &p)?),
            "logs" => logs = Some(value::keyword_list(cx, input, &p)?),
            "log_retention_days" => log_retention_days = Some(value::integer(cx, input, &p)?),
            _ => unreachable!("key `{key}` is in KEYS"),
        }
        Ok(())
    });
    keys.require(cx, KEYS, Loc::span(keyword.span()));
    Ok((|| Some(Cluster { endpoint: endpoint?, logs: logs?, log_retention_days: log_retention_days? }))())
}
