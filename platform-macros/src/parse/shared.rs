//! Parsers that several blocks use: a named block's name, a string map and a role map, each recorded at its path.
//! A leaf of the block parsers: it imports none of them, so that they never import one another.

use std::collections::BTreeMap;

use platform_core::check::FieldPath;
use platform_core::model::Keyword;
use syn::ext::IdentExt;
use syn::parse::ParseStream;
use syn::Ident;

use super::value::{self, unknown_keyword_message, word};
use crate::ctxt::Ctxt;
use crate::spans::Loc;

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

/// `{ <role>: "<Azure AD group object id>", … }`, each entry recorded at `path[j]`.
pub(super) fn role_map<R: Keyword>(cx: &Ctxt, input: ParseStream, path: &FieldPath) -> syn::Result<Vec<(R, String)>> {
    let mut bindings = Vec::new();
    for entry in value::string_map(cx, input, path)? {
        match R::from_keyword(&entry.key.text) {
            Ok(role) => {
                cx.record(&path.index(bindings.len()), Loc::to(entry.key.span, entry.value_loc.end));
                bindings.push((role, entry.value));
            }
            Err(e) => cx.syn_error(syn::Error::new(entry.key.span, unknown_keyword_message(&e))),
        }
    }
    Ok(bindings)
}
