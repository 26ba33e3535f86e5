//! Parsing a `platform!` definition into a `platform_core::model::Platform`, one function per DSL block.
//!
//! Only syntax is checked here (unknown, duplicate and missing keys, values of the wrong kind); every rule about
//! the values themselves is platform-core's (`check::findings`), run on the parsed model by [`crate::expand`].
//! All syntax errors of a definition are collected in one pass; a half-parsed model is never returned.

mod addon;
mod cluster;
mod encryption;
mod fields;
mod identity;
mod irsa;
mod node_group;
mod platform;
mod shared;
mod tenant;
mod value;
mod vpc;

use platform_core::check::{FieldPath, Gaps};
use platform_core::model::Platform;
use proc_macro2::TokenStream;
use syn::parse::{ParseStream, Parser};
use syn::Ident;

use crate::ctxt::Ctxt;
use crate::spans::{Loc, SpanMap};

/// A parsed definition: the platform and where each of its values was written, what syntax errors left out of
/// it, and the syntax errors combined.
pub(crate) struct Parsed {
    /// `None` when a required value is missing or did not parse; then `errors` says why.
    pub platform: Option<Platform>,
    pub gaps: Gaps,
    pub spans: SpanMap,
    pub errors: Option<syn::Error>,
}

/// Parses the tokens inside `platform! { … }`.
pub(crate) fn parse(tokens: TokenStream) -> Parsed {
    let cx = Ctxt::new();
    let mut parsed = (None, Gaps::default());
    let result = (|input: ParseStream| {
        parsed = platform::parse(&cx, input);
        Ok(())
    })
    .parse2(tokens);
    let (spans, mut errors) = cx.check();
    let (mut platform, gaps) = parsed;
    // syn's own check of leftover tokens: nothing to check then.
    if let Err(e) = result {
        platform = None;
        errors.get_or_insert(e);
    }
    Parsed { platform, gaps, spans, errors }
}

/// Records a repeated block's list at its first keyword, and the item at its name.
fn record_item(cx: &Ctxt, item: &FieldPath, keyword: &Ident, name: &Ident) {
    if let Some(list) = item.parent() {
        cx.record_first(&list, Loc::span(keyword.span()));
    }
    cx.record(item, Loc::span(name.span()));
}

/// Opens the `{ … }` of a block, or says which block lacks it.
macro_rules! block_braces {
    ($content:ident in $input:ident, $what:expr) => {{
        if !$input.peek(::syn::token::Brace) {
            return Err($input.error(format!("expected `{{` to open {}", $what)));
        }
        ::syn::braced!($content in $input)
    }};
}
pub(crate) use block_braces;

#[cfg(test)]
mod tests;
