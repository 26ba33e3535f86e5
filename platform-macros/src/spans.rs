//! Where each value of a definition was written: field path → tokens.
//!
//! The parser records a [`Loc`] under the same path string the checks put in `Finding::path`
//! (`vpc.private_subnets[1]`, `node_groups[0].min_size`, …), so a finding lands on the token it is about.

use std::collections::HashMap;

use platform_core::check::FieldPath;
use proc_macro2::{Punct, Spacing, Span, TokenStream, TokenTree};

/// A run of tokens, from the first token's span to the last one's (rustc underlines the whole run).
#[derive(Debug, Clone, Copy)]
pub(crate) struct Loc {
    pub start: Span,
    pub end: Span,
}

impl Loc {
    /// One token.
    pub fn span(span: Span) -> Self {
        Loc { start: span, end: span }
    }

    /// From the start of `first` to the end of `last`.
    pub fn to(first: Span, last: Span) -> Self {
        Loc { start: first, end: last }
    }

    /// The `platform! { … }` invocation itself.
    pub fn call_site() -> Self {
        Loc::span(Span::call_site())
    }

    /// An error covering these tokens.
    pub fn error(self, message: impl std::fmt::Display) -> syn::Error {
        syn::Error::new_spanned(self.tokens(), message)
    }

    /// Two placeholder tokens carrying the start and end spans, which is how `syn::Error::new_spanned` learns a
    /// multi-token range (`Span::join` is not stable).
    fn tokens(self) -> TokenStream {
        [self.start, self.end]
            .into_iter()
            .map(|span| {
                let mut p = Punct::new('.', Spacing::Alone);
                p.set_span(span);
                TokenTree::Punct(p)
            })
            .collect()
    }
}

/// Field path (as a string, the same convention as `FieldPath`) → where the value was written.
#[derive(Debug, Default)]
pub(crate) struct SpanMap {
    map: HashMap<String, Loc>,
}

impl SpanMap {
    /// Records `path` → `loc`; a later record for the same path wins.
    pub fn record(&mut self, path: &FieldPath, loc: Loc) {
        self.map.insert(path.as_str().to_owned(), loc);
    }

    /// Records `path` → `loc` unless the path is already recorded.
    pub fn record_first(&mut self, path: &FieldPath, loc: Loc) {
        self.map.entry(path.as_str().to_owned()).or_insert(loc);
    }

    /// Removes `path` and every path under it.
    pub fn forget(&mut self, path: &FieldPath) {
        let path = path.as_str();
        self.map
            .retain(|p, _| !p.strip_prefix(path).is_some_and(|rest| rest.is_empty() || rest.starts_with(['.', '['])));
    }

    /// The recorded location of `path`.
    pub fn get(&self, path: &str) -> Option<Loc> {
        self.map.get(path).copied()
    }

    /// Where a finding about `path` is reported: the path's own tokens or, for a value that was not written
    /// (a default, something missing), the nearest enclosing path that was; the root is the macro call.
    pub fn resolve(&self, path: &FieldPath) -> Loc {
        std::iter::successors(Some(path.clone()), FieldPath::parent)
            .find_map(|p| self.get(p.as_str()))
            .unwrap_or_else(Loc::call_site)
    }
}
