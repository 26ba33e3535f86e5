//! `cluster { endpoint, logs, log_retention_days, log_archive_days, log_archive_destroyable_in }`

use platform_core::check::FieldPath;
use platform_core::model::Cluster;
use syn::parse::ParseStream;
use syn::Ident;

use super::block_braces;
use super::fields::{fields, Keys};
use super::value;
use crate::ctxt::Ctxt;
use crate::spans::Loc;

const KEYS: &[&str] = &["endpoint", "logs", "log_retention_days", "log_archive_days", "log_archive_destroyable_in"];
const REQUIRED: &[&str] = &["endpoint", "logs", "log_retention_days"];

/// Control-plane logs are archived this long when `log_archive_days` is not written: PCI DSS 10.5.1 asks for
/// 12 months of history; 400 days leaves a margin for the yearly audit.
const DEFAULT_ARCHIVE_DAYS: u32 = 400;

/// After the `cluster` keyword: `{ … }`. `log_archive_days` defaults to 400; `log_archive_destroyable_in` to no
/// environment (every environment retains its archive).
pub(super) fn parse(cx: &Ctxt, input: ParseStream, keyword: &Ident) -> syn::Result<Option<Cluster>> {
    let path = FieldPath::root().key("cluster");
    cx.record(&path, Loc::span(keyword.span()));
    let content;
    block_braces!(content in input, "the `cluster` block");
    let mut keys = Keys::new("`cluster`", KEYS);
    let (mut endpoint, mut logs, mut log_retention_days) = (None, None, None);
    let mut log_archive_days = Some(DEFAULT_ARCHIVE_DAYS);
    let mut log_archive_destroyable_in = Some(Vec::new());
    fields(cx, &content, &mut keys, |key, input| {
        let p = path.key(key);
        match key {
            "endpoint" => endpoint = Some(value::keyword(cx, input, &p)?),
            "logs" => logs = Some(value::keyword_list(cx, input, &p)?),
            "log_retention_days" => log_retention_days = Some(value::integer(cx, input, &p)?),
            "log_archive_days" => log_archive_days = Some(value::integer(cx, input, &p)?),
            "log_archive_destroyable_in" => log_archive_destroyable_in = Some(value::string_list(cx, input, &p)?),
            _ => unreachable!("key `{key}` is in KEYS"),
        }
        Ok(())
    });
    keys.require(cx, REQUIRED, Loc::span(keyword.span()));
    Ok((|| {
        Some(Cluster {
            endpoint: endpoint?,
            logs: logs?,
            log_retention_days: log_retention_days?,
            log_archive_days: log_archive_days?,
            log_archive_destroyable_in: log_archive_destroyable_in?,
        })
    })())
}
