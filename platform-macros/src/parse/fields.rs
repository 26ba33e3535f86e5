//! Blocks of `key: value` fields: unknown keys (with "did you mean"), duplicate keys, missing required keys, and
//! recovery after a bad value (skip to the next `,`), shared by every DSL block.

use platform_core::check::FieldPath;
use platform_core::model::did_you_mean;
use platform_core::schema::{Block, BlockKey, Missing};
use proc_macro2::{Span, TokenTree};
use syn::ext::IdentExt;
use syn::parse::ParseStream;
use syn::{Ident, Token};

use super::value::{one_of, skip_to_comma, unknown_message, word};
use crate::ctxt::Ctxt;
use crate::spans::Loc;

/// The keys of one block (from its schema): which were seen, and where.
pub(crate) struct Keys {
    /// The block, for messages: "`vpc`", "node group `critical`".
    what: String,
    allowed: Vec<&'static str>,
    /// Keys that may appear more than once (the repeated blocks at the top level).
    repeatable: Vec<&'static str>,
    seen: Vec<(String, Span)>,
    /// Keys an unknown key was taken for (`pod_cdir` → `pod_cidr`): their absence is that one error, not a
    /// second "missing" one.
    meant: Vec<&'static str>,
}

impl Keys {
    pub fn new(what: impl Into<String>, block: &'static Block) -> Self {
        let repeatable = block.keys.iter().filter(|k| k.block.is_some_and(|b| b.repeated)).map(|k| k.name);
        let allowed = block.names().collect();
        Keys { what: what.into(), allowed, repeatable: repeatable.collect(), seen: Vec::new(), meant: Vec::new() }
    }

    /// Whether `key` may be parsed: reports an unknown key (with the closest allowed one and the list) or a
    /// duplicate (on the second occurrence, with a note on the first).
    pub fn accept(&mut self, cx: &Ctxt, key: &Ident) -> bool {
        let name = key.to_string();
        if !self.allowed.contains(&name.as_str()) {
            let suggestion = did_you_mean(&name, self.allowed.iter().copied());
            self.meant.extend(suggestion.and_then(|s| self.allowed.iter().copied().find(|a| *a == s)));
            let head = format!("unknown key `{name}` in {}", self.what);
            cx.error(Loc::span(key.span()), unknown_message(head, suggestion, &self.allowed));
            return false;
        }
        if let Some((_, first)) = self.seen.iter().find(|(k, _)| *k == name) {
            if !self.repeatable.contains(&name.as_str()) {
                let mut e = syn::Error::new(
                    key.span(),
                    format!("duplicate key `{name}` in {}; remove one of the two", self.what),
                );
                e.combine(syn::Error::new(*first, format!("`{name}` is first set here")));
                cx.syn_error(e);
                return false;
            }
        }
        self.seen.push((name, key.span()));
        true
    }

    pub fn has(&self, key: &str) -> bool {
        self.seen.iter().any(|(k, _)| k == key)
    }

    /// The finished block, or `None` after reporting the required keys that were not written (a key that was
    /// written but whose value did not parse is already reported), in one error at `loc` (the block's name).
    pub fn finish<T>(&self, cx: &Ctxt, finished: Result<T, Missing>, loc: Loc) -> Option<T> {
        finished.map_err(|Missing(missing)| self.require(cx, &missing, loc)).ok()
    }

    /// Reports the keys of `required` that were not written, in one error at `loc`.
    pub fn require(&self, cx: &Ctxt, required: &[&str], loc: Loc) {
        let missing: Vec<&str> = required.iter().copied().filter(|k| !self.has(k) && !self.meant.contains(k)).collect();
        match missing.as_slice() {
            [] => {}
            [one] => cx.error(loc, format!("{} is missing the required key `{one}`", self.what)),
            many => cx.error(loc, format!("{} is missing the required keys {}", self.what, one_of(many))),
        }
    }
}

/// Parses `key: value, …` to the end of `content` (a block's braces, the block at `path`). `field` is called
/// with each accepted key, the path its value is recorded at (from the schema) and the stream at its value, and
/// must parse exactly the value; an error is reported, the rest of the value skipped, and parsing goes on with
/// the next key.
pub(crate) fn fields<K: BlockKey>(
    cx: &Ctxt,
    content: ParseStream,
    keys: &mut Keys,
    path: &FieldPath,
    mut field: impl FnMut(K, &FieldPath, ParseStream) -> syn::Result<()>,
) {
    while !content.is_empty() {
        if !content.peek(Ident::peek_any) {
            cx.error(
                Loc::span(content.span()),
                format!("expected a key in {}, e.g. `{}: ...`", keys.what, keys.allowed[0]),
            );
            skip_to_comma(content);
            continue;
        }
        let key = word(content).expect("peeked an identifier");
        if !keys.accept(cx, &key) {
            skip_to_comma(content);
            continue;
        }
        let k = K::from_name(&key.to_string()).expect("an accepted key is in the schema");
        value_of(cx, content, &key, |input| field(k, &k.path(path), input));
    }
}

/// After an accepted `key`: parses `: value` and the `,` that ends it (or the end of the block). On error,
/// reports it and skips to the next `,`.
pub(crate) fn value_of(cx: &Ctxt, input: ParseStream, key: &Ident, parse: impl FnOnce(ParseStream) -> syn::Result<()>) {
    let result = (|| {
        let colon: Token![:] =
            input.parse().map_err(|_| input.error(format!("expected `:` after `{key}` (`{key}: value`)")))?;
        if input.is_empty() || input.peek(Token![,]) {
            return Err(syn::Error::new(colon.span, format!("expected a value for `{key}`")));
        }
        parse(input)
    })();
    if let Err(e) = result {
        cx.syn_error(e);
        skip_to_comma(input);
        return;
    }
    if input.is_empty() {
        return;
    }
    if input.peek(Token![,]) {
        let _ = input.parse::<Token![,]>();
    } else {
        cx.error(Loc::span(input.span()), format!("expected `,` after the value of `{key}`"));
        // A stray token (`;` for `,`) or the comma forgotten: skip to the next `,` or `key:`, so that the keys
        // after it are parsed (and not reported missing).
        let _ = input.step(|cursor| {
            let mut rest = *cursor;
            loop {
                let next_key =
                    rest.ident().is_some_and(|(_, after)| after.punct().is_some_and(|(p, _)| p.as_char() == ':'));
                match rest.token_tree() {
                    None => break,
                    Some(_) if next_key => break,
                    Some((TokenTree::Punct(p), after)) if p.as_char() == ',' => {
                        rest = after;
                        break;
                    }
                    Some((_, after)) => rest = after,
                }
            }
            Ok(((), rest))
        });
    }
}
