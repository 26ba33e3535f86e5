//! Values: string literals, integers, booleans, keywords, lists and `{ key: "value" }` maps.
//!
//! Each parser records where its value was written under the value's field path, and says which key it was
//! parsing when the value has the wrong kind ("expected a string literal for `vpc.cidr`").

use platform_core::check::FieldPath;
use platform_core::model::{Keyword, UnknownKeyword};
use proc_macro2::{Span, TokenTree};
use syn::ext::IdentExt;
use syn::parse::ParseStream;
use syn::{bracketed, token, Ident, LitBool, LitInt, LitStr, Token};

use crate::ctxt::Ctxt;
use crate::spans::Loc;

/// Runs `parse` and returns its value with the tokens it consumed.
pub(crate) fn spanned<T>(
    input: ParseStream,
    parse: impl FnOnce(ParseStream) -> syn::Result<T>,
) -> syn::Result<(T, Loc)> {
    let begin = input.cursor();
    let value = parse(input)?;
    let end = input.cursor();
    let (mut first, mut last) = (None, None);
    let mut cursor = begin;
    while cursor != end {
        let Some((tt, next)) = cursor.token_tree() else { break };
        first.get_or_insert(tt.span());
        last = Some(tt.span());
        cursor = next;
    }
    let first = first.unwrap_or_else(|| input.span());
    Ok((value, Loc::to(first, last.unwrap_or(first))))
}

/// Skips the rest of a value after an error: everything up to and including the next `,` of this level.
pub(crate) fn skip_to_comma(input: ParseStream) {
    let _ = input.step(|cursor| {
        let mut rest = *cursor;
        while let Some((tt, next)) = rest.token_tree() {
            rest = next;
            if matches!(&tt, TokenTree::Punct(p) if p.as_char() == ',') {
                break;
            }
        }
        Ok(((), rest))
    });
}

/// Skips everything that is left in a group (after an error inside it).
pub(crate) fn skip_all(input: ParseStream) {
    let _ = input.step(|cursor| {
        let mut rest = *cursor;
        while let Some((_, next)) = rest.token_tree() {
            rest = next;
        }
        Ok(((), rest))
    });
}

/// The message of a keyword that is not one of the accepted spellings (from `Keyword::from_keyword`).
pub(crate) fn unknown_keyword_message(e: &UnknownKeyword) -> String {
    unknown_message(format!("unknown {} `{}`", e.what, e.found), e.suggestion, &e.expected)
}

/// "<head>; did you mean `x`? expected one of `a`, `b`"
pub(crate) fn unknown_message(head: String, suggestion: Option<&str>, expected: &[&str]) -> String {
    let mut message = head;
    if let Some(s) = suggestion {
        message += &format!("; did you mean `{s}`?");
    } else {
        message.push(';');
    }
    message + " expected one of " + &one_of(expected)
}

/// "`a`, `b`, `c`"
pub(crate) fn one_of(words: &[&str]) -> String {
    words.iter().map(|w| format!("`{w}`")).collect::<Vec<_>>().join(", ")
}

/// A bare word (`one_per_az`, `critical`), raw identifiers unescaped.
pub(crate) fn word(input: ParseStream) -> syn::Result<Ident> {
    input.call(Ident::parse_any).map(|i| i.unraw())
}

/// `"text"`
pub(crate) fn lit_str(input: ParseStream, path: &FieldPath) -> syn::Result<LitStr> {
    if input.peek(LitStr) {
        input.parse()
    } else {
        Err(input.error(format!("expected a string literal (`\"...\"`) for `{path}`")))
    }
}

/// `"text"`, recorded at `path`.
pub(crate) fn string(cx: &Ctxt, input: ParseStream, path: &FieldPath) -> syn::Result<String> {
    let lit = lit_str(input, path)?;
    cx.record(path, Loc::span(lit.span()));
    Ok(lit.value())
}

/// An unsigned integer literal, recorded at `path`.
pub(crate) fn integer<T>(cx: &Ctxt, input: ParseStream, path: &FieldPath) -> syn::Result<T>
where
    T: std::str::FromStr + std::fmt::Display + Bounded,
    T::Err: std::fmt::Display,
{
    let (value, span) = lit_int(input, path)?;
    cx.record(path, Loc::span(span));
    Ok(value)
}

/// An unsigned integer literal and its span, range-checked for `T`.
pub(crate) fn lit_int<T>(input: ParseStream, path: &FieldPath) -> syn::Result<(T, Span)>
where
    T: std::str::FromStr + std::fmt::Display + Bounded,
    T::Err: std::fmt::Display,
{
    if !input.peek(LitInt) {
        return Err(input.error(format!("expected an integer for `{path}`")));
    }
    let lit: LitInt = input.parse()?;
    if !lit.suffix().is_empty() {
        return Err(syn::Error::new(lit.span(), format!("write `{}` without a type suffix", lit.base10_digits())));
    }
    let value = lit.base10_parse::<T>().map_err(|_| {
        syn::Error::new(lit.span(), format!("`{lit}` is out of range for `{path}` (0 to {})", T::MAX_TEXT))
    })?;
    Ok((value, lit.span()))
}

/// The largest value of an integer type, for "out of range" messages.
pub(crate) trait Bounded {
    const MAX_TEXT: &'static str;
}

impl Bounded for u8 {
    const MAX_TEXT: &'static str = "255";
}

impl Bounded for u32 {
    const MAX_TEXT: &'static str = "4294967295";
}

/// `true` or `false`, recorded at `path`.
pub(crate) fn boolean(cx: &Ctxt, input: ParseStream, path: &FieldPath) -> syn::Result<bool> {
    if !input.peek(LitBool) {
        return Err(input.error(format!("expected `true` or `false` for `{path}`")));
    }
    let lit: LitBool = input.parse()?;
    cx.record(path, Loc::span(lit.span));
    Ok(lit.value)
}

/// A DSL keyword, parsed by `K::from_keyword` (so the spellings and the "did you mean" live with the type).
pub(crate) fn keyword<K: Keyword>(cx: &Ctxt, input: ParseStream, path: &FieldPath) -> syn::Result<K> {
    let (value, span) = keyword_ident::<K>(input, path)?;
    cx.record(path, Loc::span(span));
    Ok(value)
}

/// A DSL keyword and its span, not recorded.
pub(crate) fn keyword_ident<K: Keyword>(input: ParseStream, path: &FieldPath) -> syn::Result<(K, Span)> {
    if !input.peek(Ident::peek_any) {
        let spellings: Vec<&str> = K::ALL.iter().map(|(s, _)| *s).collect();
        return Err(input.error(format!(
            "expected a {} for `{path}` (a bare word, not a string): one of {}",
            K::WHAT,
            one_of(&spellings)
        )));
    }
    let ident = word(input)?;
    let value =
        K::from_keyword(&ident.to_string()).map_err(|e| syn::Error::new(ident.span(), unknown_keyword_message(&e)))?;
    Ok((value, ident.span()))
}

/// A bare name referring to something declared elsewhere (`critical` in `node_groups: [critical]`).
pub(crate) fn name_ref(cx: &Ctxt, input: ParseStream, path: &FieldPath) -> syn::Result<String> {
    if !input.peek(Ident::peek_any) {
        return Err(input.error(format!("expected a name (a bare word, e.g. `critical`) for `{path}`")));
    }
    let ident = word(input)?;
    cx.record(path, Loc::span(ident.span()));
    Ok(ident.to_string())
}

/// `[item, item, …]`: `path` is recorded as the whole list and `path[i]` as each item's tokens. A bad item is
/// reported and skipped, and the list goes on, so every bad item shows up in one compile.
pub(crate) fn list<T>(
    cx: &Ctxt,
    input: ParseStream,
    path: &FieldPath,
    mut item: impl FnMut(ParseStream, &FieldPath) -> syn::Result<T>,
) -> syn::Result<Vec<T>> {
    if !input.peek(token::Bracket) {
        return Err(input.error(format!("expected a list `[...]` for `{path}`")));
    }
    let content;
    let brackets = bracketed!(content in input);
    cx.record(path, Loc::span(brackets.span.join()));
    let mut items = Vec::new();
    while !content.is_empty() {
        let item_path = path.index(items.len());
        match spanned(&content, |input| item(input, &item_path)) {
            Ok((value, loc)) => {
                cx.record_first(&item_path, loc);
                items.push(value);
            }
            Err(e) => {
                cx.syn_error(e);
                skip_to_comma(&content);
                continue;
            }
        }
        separator(cx, &content, || format!("expected `,` or `]` after an item of `{path}`"));
    }
    Ok(items)
}

/// After an item of a list or map: the `,` before the next one (nothing at the end); anything else is reported
/// and skipped up to the next `,`.
fn separator(cx: &Ctxt, content: ParseStream, expected: impl FnOnce() -> String) {
    if content.is_empty() {
        return;
    }
    if content.peek(Token![,]) {
        let _ = content.parse::<Token![,]>();
    } else {
        cx.error(Loc::span(content.span()), expected());
        skip_to_comma(content);
    }
}

/// `["a", "b"]`
pub(crate) fn string_list(cx: &Ctxt, input: ParseStream, path: &FieldPath) -> syn::Result<Vec<String>> {
    list(cx, input, path, |input, path| string(cx, input, path))
}

/// `[word, word]` of one keyword type.
pub(crate) fn keyword_list<K: Keyword>(cx: &Ctxt, input: ParseStream, path: &FieldPath) -> syn::Result<Vec<K>> {
    list(cx, input, path, |input, path| keyword::<K>(cx, input, path))
}

/// `[name, name]` of references.
pub(crate) fn name_list(cx: &Ctxt, input: ParseStream, path: &FieldPath) -> syn::Result<Vec<String>> {
    list(cx, input, path, |input, path| name_ref(cx, input, path))
}

/// The key of a map entry: a bare word or, for keys that are not identifiers (`"cost-center"`), a string.
pub(crate) struct MapKey {
    pub text: String,
    pub span: Span,
}

impl syn::parse::Parse for MapKey {
    fn parse(input: ParseStream) -> syn::Result<Self> {
        if input.peek(LitStr) {
            let lit: LitStr = input.parse()?;
            Ok(MapKey { text: lit.value(), span: lit.span() })
        } else if input.peek(Ident::peek_any) {
            let ident = word(input)?;
            Ok(MapKey { text: ident.to_string(), span: ident.span() })
        } else {
            Err(input.error("expected a key (a bare word or a string literal)"))
        }
    }
}

/// One `key: "value"` entry of a map.
pub(crate) struct MapEntry {
    pub key: MapKey,
    pub value: String,
    pub value_loc: Loc,
}

/// `{ key: "value", … }` in declaration order; `path` is recorded as the whole map (the caller records entries,
/// since a map becomes a `BTreeMap` or a list depending on the field). Duplicate keys and bad entries are
/// reported and skipped.
pub(crate) fn string_map(cx: &Ctxt, input: ParseStream, path: &FieldPath) -> syn::Result<Vec<MapEntry>> {
    if !input.peek(token::Brace) {
        return Err(input.error(format!("expected a map `{{ key: \"value\", ... }}` for `{path}`")));
    }
    let content;
    let braces = syn::braced!(content in input);
    cx.record(path, Loc::span(braces.span.join()));
    let mut entries: Vec<MapEntry> = Vec::new();
    while !content.is_empty() {
        let entry = (|| {
            let key: MapKey = content.parse()?;
            content.parse::<Token![:]>()?;
            let lit = lit_str(&content, &path.key(&key.text))?;
            Ok::<_, syn::Error>(MapEntry { key, value: lit.value(), value_loc: Loc::span(lit.span()) })
        })();
        match entry {
            Ok(entry) => match entries.iter().find(|e| e.key.text == entry.key.text) {
                Some(first) => {
                    let mut e = syn::Error::new(
                        entry.key.span,
                        format!("duplicate key `{}` in `{path}`; remove one of the two", entry.key.text),
                    );
                    e.combine(syn::Error::new(first.key.span, format!("`{}` is first set here", first.key.text)));
                    cx.syn_error(e);
                }
                None => entries.push(entry),
            },
            Err(e) => {
                cx.syn_error(e);
                skip_to_comma(&content);
                continue;
            }
        }
        separator(cx, &content, || format!("expected `,` or `}}` after an entry of `{path}`"));
    }
    Ok(entries)
}
