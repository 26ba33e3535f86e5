//! `platform_with! { … }`: the base definition of the ui-tests (`ui-tests/base/platform.rs`) with a program's
//! changes merged in, expanded to `::platform_macros::platform! { … }`. A compile-fail program then holds only its
//! change, and its error points at its own tokens: the merged definition carries the program's tokens with their
//! spans, the base's tokens the span of the `platform_with!` call (or, for the blocks of a kind the program removes
//! one of, the span of that removal).
//!
//! The changes are written in the DSL itself (see `merge.rs`):
//!
//! ```text
//! platform_with! {
//!     region: "us-east-22",                       // a top-level key: replaced
//!     vpc { cidr: "10.0.0.1/16", -flow_logs }     // a block: its keys replaced, `-key` removed
//!     node_group critical { capacity: spot }      // a named block, found by kind and name
//!     irsa reports { namespace: "payments", … }   // a block the base lacks: added
//!     -addon kube_proxy                           // a block removed
//!     tenant api as Api {}                        // a block renamed
//! }
//! ```

mod merge;

use proc_macro2::{Delimiter, TokenStream, TokenTree};
use quote::{quote, quote_spanned};

/// The base definition with the changes in the input, as a `platform!` call; a change the base does not fit
/// (removing a key it does not have, a malformed change) is a compile error on the change.
#[proc_macro]
pub fn platform_with(input: proc_macro::TokenStream) -> proc_macro::TokenStream {
    match merge::merge(base(), input.into()) {
        Ok(merged) => quote!(::platform_macros::platform! { #merged }),
        Err(merge::Error { span, message }) => quote_spanned!(span=> compile_error!(#message)),
    }
    .into()
}

/// The tokens inside `platform_macros::platform! { … }` of `platform.rs`; parsed inside the macro, they carry the
/// span of its call.
fn base() -> TokenStream {
    let file: TokenStream = include_str!("../platform.rs").parse().expect("platform.rs is Rust tokens");
    file.into_iter()
        .find_map(|tree| match tree {
            TokenTree::Group(g) if g.delimiter() == Delimiter::Brace => Some(g.stream()),
            _ => None,
        })
        .expect("platform.rs holds one `platform! { … }`")
}
