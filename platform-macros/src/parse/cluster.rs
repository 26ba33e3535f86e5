//! `cluster { … }`: keys, required keys and defaults from `platform_core::schema::CLUSTER`.

use platform_core::check::FieldPath;
use platform_core::model::Cluster;
use platform_core::schema::{ClusterDraft, ClusterKey, CLUSTER};
use syn::parse::ParseStream;
use syn::Ident;

use super::block_braces;
use super::fields::{fields, Keys};
use super::value;
use crate::ctxt::Ctxt;
use crate::spans::Loc;

/// After the `cluster` keyword (the block at `path`): `{ … }`.
pub(super) fn parse(cx: &Ctxt, input: ParseStream, keyword: &Ident, path: &FieldPath) -> syn::Result<Option<Cluster>> {
    cx.record(path, Loc::span(keyword.span()));
    let content;
    block_braces!(content in input, "the `cluster` block");
    let mut keys = Keys::new("`cluster`", &CLUSTER);
    let mut d = ClusterDraft::default();
    fields(cx, &content, &mut keys, path, |key, p, input| {
        match key {
            ClusterKey::endpoint => d.endpoint = Some(value::keyword(cx, input, p)?),
            ClusterKey::logs => d.logs = Some(value::keyword_list(cx, input, p)?),
            ClusterKey::log_retention_days => d.log_retention_days = Some(value::integer(cx, input, p)?),
            ClusterKey::log_archive_days => d.log_archive_days = Some(value::integer(cx, input, p)?),
            ClusterKey::log_archive_destroyable_in => {
                d.log_archive_destroyable_in = Some(value::string_list(cx, input, p)?)
            }
        }
        Ok(())
    });
    Ok(keys.finish(cx, d.finish(), Loc::span(keyword.span())))
}
