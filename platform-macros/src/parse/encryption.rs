//! `encryption { secrets, ebs, logs, tenant_keys, key_rotation }`: optional, every switch defaults to `true`.
//!
//! The switches exist so that writing `false` is a compile error that says why (platform-core's
//! `encryption/required`), rather than a silently ignored key.

use platform_core::check::FieldPath;
use platform_core::model::Encryption;
use syn::parse::ParseStream;
use syn::Ident;

use super::block_braces;
use super::fields::{fields, Keys};
use super::value;
use crate::ctxt::Ctxt;
use crate::spans::Loc;

const KEYS: &[&str] = &["secrets", "ebs", "logs", "tenant_keys", "key_rotation"];

/// After the `encryption` keyword: `{ … }`.
pub(super) fn parse(cx: &Ctxt, input: ParseStream, keyword: &Ident) -> syn::Result<Option<Encryption>> {
    let path = FieldPath::root().key("encryption");
    cx.record(&path, Loc::span(keyword.span()));
    let content;
    block_braces!(content in input, "the `encryption` block");
    let mut keys = Keys::new("`encryption`", KEYS);
    let mut encryption = Encryption::default();
    fields(cx, &content, &mut keys, |key, input| {
        let switch = match key {
            "secrets" => &mut encryption.secrets,
            "ebs" => &mut encryption.ebs,
            "logs" => &mut encryption.logs,
            "tenant_keys" => &mut encryption.tenant_keys,
            "key_rotation" => &mut encryption.key_rotation,
            _ => unreachable!("key `{key}` is in KEYS"),
        };
        *switch = value::boolean(cx, input, &path.key(key))?;
        Ok(())
    });
    Ok(Some(encryption))
}
