//! Parsing a `platform!` definition into a `platform_core::model::Platform`, one function per DSL block.
//!
//! Only syntax is checked here (unknown, duplicate and missing keys, values of the wrong kind); every rule about
//! the values themselves is platform-core's (`check_platform`), run on the parsed model by [`crate::expand`].
//! All syntax errors of a definition are collected in one pass; a half-parsed model is never returned.

mod addon;
mod cluster;
mod encryption;
mod fields;
mod identity;
mod irsa;
mod node_group;
mod platform;
mod tenant;
mod value;
mod vpc;

use platform_core::model::Platform;
use proc_macro2::TokenStream;
use syn::parse::{ParseStream, Parser};

use crate::ctxt::Ctxt;
use crate::spans::SpanMap;

/// A definition that parsed, with where each of its values was written.
pub(crate) struct Parsed {
    pub platform: Platform,
    pub spans: SpanMap,
}

/// Parses the tokens inside `platform! { … }`: the model and its span map, or every syntax error combined.
pub(crate) fn parse(tokens: TokenStream) -> syn::Result<Parsed> {
    let cx = Ctxt::new();
    let mut platform = None;
    let result = (|input: ParseStream| {
        platform = platform::parse(&cx, input);
        Ok(())
    })
    .parse2(tokens);
    let spans = cx.check()?;
    // With no error collected, syn's own check of leftover tokens is the only thing that can still fail.
    result?;
    Ok(Parsed { platform: platform.expect("a definition without errors yields a platform"), spans })
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
