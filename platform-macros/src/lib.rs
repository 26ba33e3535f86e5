//! The `platform!` macro: parses the DSL into a `platform_core::model::Platform`, runs platform-core's checks at
//! compile time, reports every finding on the token it is about, and expands to the checked value.
//!
//! The logic lives in ordinary modules that are unit-tested on `proc_macro2` tokens: `parse` (one function per
//! DSL block, errors collected in a `ctxt::Ctxt`), `spans` (field path → token), `expand` and `bake` (the
//! checked value as the code that builds it). platform-core comes without its renderers (feature `render`), so
//! neither they nor their dependencies are built for the macro.

mod bake;
mod ctxt;
mod expand;
mod parse;
mod spans;
#[cfg(test)]
mod suggestions;

/// Declares a platform; expands to a `::platform_core::model::Platform` value (users depend on `platform-core`).
///
/// Syntax errors (unknown or duplicate keys, missing keys, values of the wrong kind) and every error finding of
/// `platform_core::check::findings` become compile errors on the offending token; warning findings
/// (e.g. a Kubernetes version past its support window) become `#[deprecated]` warnings on the token.
///
/// The support window is judged on the build's day (`platform_core::check::today`: `SOURCE_DATE_EPOCH` when set,
/// else the clock), as `platform check`, `render`, `cost` and `versions` judge it, in the same words.
#[proc_macro]
pub fn platform(input: proc_macro::TokenStream) -> proc_macro::TokenStream {
    expand::expand(input.into()).into()
}
