//! `encryption { … }`: optional, every switch defaults to on (`platform_core::schema::ENCRYPTION`).

use platform_core::check::FieldPath;
use platform_core::model::Encryption;
use platform_core::schema::{EncryptionDraft, EncryptionKey, ENCRYPTION};
use syn::parse::ParseStream;
use syn::Ident;

use super::block_braces;
use super::fields::{fields, Keys};
use super::value;
use crate::ctxt::Ctxt;
use crate::spans::Loc;

/// After the `encryption` keyword (the block at `path`): `{ … }`.
pub(super) fn parse(
    cx: &Ctxt,
    input: ParseStream,
    keyword: &Ident,
    path: &FieldPath,
) -> syn::Result<Option<Encryption>> {
    cx.record(path, Loc::span(keyword.span()));
    let content;
    block_braces!(content in input, "the `encryption` block");
    let mut keys = Keys::new("`encryption`", &ENCRYPTION);
    let mut d = EncryptionDraft::default();
    fields(cx, &content, &mut keys, path, |key, p, input| {
        let switch = match key {
            EncryptionKey::secrets => &mut d.secrets,
            EncryptionKey::ebs => &mut d.ebs,
            EncryptionKey::logs => &mut d.logs,
            EncryptionKey::tenant_keys => &mut d.tenant_keys,
            EncryptionKey::key_rotation => &mut d.key_rotation,
        };
        *switch = Some(value::boolean(cx, input, p)?);
        Ok(())
    });
    Ok(keys.finish(cx, d.finish(), Loc::span(keyword.span())))
}
