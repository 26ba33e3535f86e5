//! The suggestion test: every fix a ui-test's finding suggests is DSL that parses and removes that finding.
//!
//! Each compile-fail program of `ui-tests/fail/` is merged into the base definition as `platform_with!` does
//! (its own `merge.rs`), parsed and checked as `platform!` does ([`crate::expand::checked`]); each finding's
//! [`Fix`] is then written into the definition's tokens (machine-applied, like rustc's suggestions with
//! `cargo fix`) and the definition checked again: no syntax error, the finding gone, and no error that was not
//! there before. A help that proposes DSL text (`write `, `add `, `did you mean `, `remove `) must carry the fix
//! and show it.

#[path = "../../ui-tests/base/src/merge.rs"]
#[allow(dead_code)]
mod merge;

use std::path::{Path, PathBuf};

use platform_core::check::{FieldPath, Finding, Findings, Fix, Rule, IMPLIES};
use platform_core::schema::{Block, PLATFORM};
use proc_macro2::{Delimiter, Group, Ident, Punct, Spacing, Span, TokenStream, TokenTree};

use crate::expand::checked;
use crate::parse::parse;

fn ui_tests() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../ui-tests")
}

/// The tokens inside `platform_macros::platform! { … }` of the base, as `ui_base::base` reads them.
fn base() -> TokenStream {
    let text = std::fs::read_to_string(ui_tests().join("base/platform.rs")).expect("base/platform.rs");
    let file: TokenStream = text.parse().expect("Rust tokens");
    file.into_iter()
        .find_map(|t| match t {
            TokenTree::Group(g) if g.delimiter() == Delimiter::Brace => Some(g.stream()),
            _ => None,
        })
        .expect("one `platform! { … }`")
}

/// The `{ … }` after `platform_with!` in a program, anywhere in it.
fn changes(tokens: TokenStream) -> Option<TokenStream> {
    let trees: Vec<TokenTree> = tokens.into_iter().collect();
    for (i, t) in trees.iter().enumerate() {
        match t {
            TokenTree::Ident(id) if id == "platform_with" => {
                if let Some(TokenTree::Group(g)) = trees.get(i + 2) {
                    return Some(g.stream());
                }
            }
            TokenTree::Group(g) => {
                if let Some(found) = changes(g.stream()) {
                    return Some(found);
                }
            }
            _ => {}
        }
    }
    None
}

/// Every compile-fail program with its merged definition (`None`: the change itself does not merge).
fn programs() -> Vec<(String, Option<TokenStream>)> {
    let mut all = Vec::new();
    let fail = ui_tests().join("fail");
    let mut dirs: Vec<_> = std::fs::read_dir(&fail).expect("ui-tests/fail").flatten().map(|e| e.path()).collect();
    dirs.sort();
    for dir in dirs {
        let mut files: Vec<_> = std::fs::read_dir(&dir).expect("a concern").flatten().map(|e| e.path()).collect();
        files.sort();
        for file in files.into_iter().filter(|f| f.extension().is_some_and(|e| e == "rs")) {
            let text = std::fs::read_to_string(&file).expect("a program");
            let name = file.strip_prefix(&fail).unwrap().display().to_string();
            let tokens: TokenStream = text.parse().expect("Rust tokens");
            let merged = changes(tokens).and_then(|c| merge::merge(base(), c).ok());
            all.push((name, merged));
        }
    }
    all
}

/// What `platform!` reports on a definition: `None` with a syntax error.
fn check(tokens: TokenStream) -> Result<Findings, String> {
    let parsed = parse(tokens);
    if let Some(e) = &parsed.errors {
        return Err(e.clone().into_iter().map(|e| e.to_string()).collect::<Vec<_>>().join("; "));
    }
    Ok(checked(parsed.platform.as_ref().expect("no syntax error"), &parsed.gaps))
}

// --- applying a fix to tokens ---

enum Seg {
    Key(String),
    Index(usize),
}

fn segments(path: &FieldPath) -> Vec<Seg> {
    let mut out = Vec::new();
    for part in path.as_str().split('.') {
        let (key, mut rest) = part.split_once('[').map_or((part, ""), |(k, r)| (k, r));
        if !key.is_empty() {
            out.push(Seg::Key(key.to_owned()));
        }
        while let Some((index, after)) = rest.split_once(']') {
            out.push(Seg::Index(index.parse().expect("an index")));
            rest = after.trim_start_matches('[');
        }
    }
    out
}

/// One entry of a block: `key: value` (the value's token range) or `kind [name] { … }` (the group's index).
struct Entry {
    start: usize,
    /// Past the entry's last token (before its `,`).
    end: usize,
    key: String,
    value: std::ops::Range<usize>,
    name: Option<usize>,
}

fn is_punct(t: &TokenTree, c: char) -> bool {
    matches!(t, TokenTree::Punct(p) if p.as_char() == c)
}

fn entries(trees: &[TokenTree]) -> Vec<Entry> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < trees.len() {
        let start = i;
        let key = trees[i].to_string();
        if trees.get(i + 1).is_some_and(|t| is_punct(t, ':')) {
            let mut end = i + 2;
            while end < trees.len() && !is_punct(&trees[end], ',') {
                end += 1;
            }
            out.push(Entry { start, end, key, value: i + 2..end, name: None });
            i = end + 1;
        } else {
            let mut end = i + 1;
            while end < trees.len() && !matches!(&trees[end], TokenTree::Group(g) if g.delimiter() == Delimiter::Brace)
            {
                end += 1;
            }
            let name = (end > i + 1).then_some(i + 1);
            out.push(Entry { start, end: end + 1, key, value: end..end + 1, name });
            i = end + 1;
            if trees.get(i).is_some_and(|t| is_punct(t, ',')) {
                i += 1;
            }
        }
    }
    out
}

/// The items of a `[…]` list or the entries of a `{…}` map: token ranges between top-level commas.
fn items(trees: &[TokenTree]) -> Vec<std::ops::Range<usize>> {
    let mut out = Vec::new();
    let mut start = 0;
    for (i, t) in trees.iter().enumerate() {
        if is_punct(t, ',') {
            out.push(start..i);
            start = i + 1;
        }
    }
    if start < trees.len() {
        out.push(start..trees.len());
    }
    out
}

fn tokens(text: &str) -> Vec<TokenTree> {
    text.parse::<TokenStream>().expect("a fix is Rust tokens").into_iter().collect()
}

fn comma() -> TokenTree {
    TokenTree::Punct(Punct::new(',', Spacing::Alone))
}

fn regroup(g: &Group, inner: Vec<TokenTree>) -> TokenTree {
    let mut new = Group::new(g.delimiter(), inner.into_iter().collect());
    new.set_span(g.span());
    TokenTree::Group(new)
}

#[derive(Clone, Copy)]
enum Op<'a> {
    Set(&'a str),
    Append(&'a str),
    Remove,
}

/// Applies `op` at `segs` under the entries `trees` of `block`.
fn edit_block(trees: &mut Vec<TokenTree>, block: &'static Block, segs: &[Seg], op: Op) -> Result<(), String> {
    let Some(Seg::Key(field)) = segs.first() else { return Err("a path starts with a key".into()) };
    let key = block.key_for_field(field).ok_or_else(|| format!("`{field}` is no key of `{}`", block.name))?;
    let all = entries(trees);
    if let Some(nested) = key.block.filter(|b| b.repeated) {
        let Some(Seg::Index(i)) = segs.get(1) else { return Err("a repeated block needs its index".into()) };
        let e = all.iter().filter(|e| e.key == key.name).nth(*i).ok_or("no such block")?;
        if segs.len() == 2 {
            // The block's name.
            let (Op::Set(name), Some(at)) = (op, e.name) else { return Err("only a name is set on a block".into()) };
            trees[at] = TokenTree::Ident(Ident::new(name, Span::call_site()));
            return Ok(());
        }
        let TokenTree::Group(g) = &trees[e.value.start] else { return Err("a block has braces".into()) };
        let mut inner: Vec<TokenTree> = g.stream().into_iter().collect();
        edit_block(&mut inner, nested, &segs[2..], op)?;
        trees[e.value.start] = regroup(g, inner);
        return Ok(());
    }
    let found = all.iter().find(|e| e.key == key.name);
    let rest = &segs[1..];
    match (found, rest, op) {
        (None, [], Op::Set(value)) => {
            if trees.last().is_some_and(|t| !is_punct(t, ',')) && all.last().is_some_and(|e| e.name.is_none()) {
                trees.push(comma());
            }
            trees.extend(tokens(&format!("{}: {value},", key.name)));
            Ok(())
        }
        // A map key (`labels.workload`) in a map not written yet.
        (None, [Seg::Key(k)], Op::Set(value)) => {
            let entry = Fix::set(FieldPath::root().key(k), value).dsl();
            edit_block(trees, block, &segs[..1], Op::Set(&format!("{{ {entry} }}")))
        }
        (None, ..) => Err(format!("no `{}` to change", key.name)),
        (Some(e), [], Op::Remove) => {
            let end = if trees.get(e.end).is_some_and(|t| is_punct(t, ',')) { e.end + 1 } else { e.end };
            trees.drain(e.start..end);
            Ok(())
        }
        (Some(e), [], Op::Set(value)) => {
            trees.splice(e.value.clone(), tokens(value));
            Ok(())
        }
        (Some(e), rest, op) => {
            let [TokenTree::Group(g)] = &trees[e.value.clone()] else { return Err("a list or a map".into()) };
            let mut inner: Vec<TokenTree> = g.stream().into_iter().collect();
            match (key.block, rest) {
                (Some(nested), _) => edit_block(&mut inner, nested, rest, op)?,
                (None, []) => {
                    let Op::Append(item) = op else { return Err("append to a list".into()) };
                    if inner.last().is_some_and(|t| !is_punct(t, ',')) {
                        inner.push(comma());
                    }
                    inner.extend(tokens(item));
                }
                (None, [Seg::Index(i)]) => {
                    let item = items(&inner).into_iter().nth(*i).ok_or("no such item")?;
                    match op {
                        Op::Set(value) => drop(inner.splice(item, tokens(value))),
                        Op::Remove => {
                            let end = if inner.get(item.end).is_some_and(|t| is_punct(t, ',')) {
                                item.end + 1
                            } else {
                                item.end
                            };
                            inner.drain(item.start..end);
                        }
                        Op::Append(_) => return Err("append to an item".into()),
                    }
                }
                (None, [Seg::Key(k)]) => {
                    let Op::Set(value) = op else { return Err("set a map's key".into()) };
                    let text = Fix::set(FieldPath::root().key(k), value).dsl();
                    let found = items(&inner).into_iter().find(|r| {
                        let first = inner[r.start].to_string();
                        first == *k || first == format!("{k:?}")
                    });
                    match found {
                        Some(r) => drop(inner.splice(r, tokens(&text))),
                        None => {
                            if inner.last().is_some_and(|t| !is_punct(t, ',')) {
                                inner.push(comma());
                            }
                            inner.extend(tokens(&text));
                        }
                    }
                }
                _ => return Err("a path too deep for the DSL".into()),
            }
            trees[e.value.start] = regroup(g, inner);
            Ok(())
        }
    }
}

/// The definition with `fix` written into it.
fn apply(definition: &TokenStream, fix: &Fix) -> Result<TokenStream, String> {
    let mut trees: Vec<TokenTree> = definition.clone().into_iter().collect();
    match fix {
        Fix::Set { path, value } => edit_block(&mut trees, &PLATFORM, &segments(path), Op::Set(value))?,
        Fix::Append { path, item } => edit_block(&mut trees, &PLATFORM, &segments(path), Op::Append(item))?,
        Fix::Remove { path } => edit_block(&mut trees, &PLATFORM, &segments(path), Op::Remove)?,
        Fix::Block { text } => trees.extend(tokens(text)),
        Fix::All(fixes) => {
            let mut out = definition.clone();
            for f in fixes {
                out = apply(&out, f)?;
            }
            return Ok(out);
        }
    }
    Ok(trees.into_iter().collect())
}

/// Whether a help proposes DSL text to write (then it must carry a fix and show it).
fn proposes_code(help: &str) -> bool {
    ["write `", "add `", "did you mean `", "remove `"].iter().any(|p| help.contains(p))
}

fn key(f: &Finding) -> (Rule, String) {
    (f.rule, f.path.to_string())
}

#[test]
fn every_suggestion_parses_and_removes_its_finding() {
    let (mut applied, mut programs_with_fixes, mut programs_checked) = (0, 0, 0);
    let mut decide = std::collections::BTreeSet::new();
    let mut failures = Vec::new();
    for (name, merged) in programs() {
        let Some(definition) = merged else { continue };
        let Ok(before) = check(definition.clone()) else { continue };
        programs_checked += 1;
        let mut any = false;
        for f in &before.0 {
            let Some(fix) = &f.fix else {
                decide.insert(f.rule.id());
                if proposes_code(&f.help) {
                    failures.push(format!("{name}: `{}` proposes code without a fix: {}", f.rule, f.help));
                }
                continue;
            };
            if !f.help.contains(&format!("`{}`", fix.dsl())) {
                failures.push(format!("{name}: help does not show the fix `{}`: {}", fix.dsl(), f.help));
            }
            any = true;
            applied += 1;
            let after = match apply(&definition, fix).map(check) {
                Err(e) | Ok(Err(e)) => {
                    failures.push(format!("{name}: the fix `{}` does not apply or parse: {e}", fix.dsl()));
                    continue;
                }
                Ok(Ok(after)) => after,
            };
            if after.0.iter().any(|a| key(a) == key(f)) {
                failures.push(format!("{name}: `{}` still fires after `{}`:\n{after}", f.rule, fix.dsl()));
            }
            // (A warning may follow: the version a typo meant can be past its support window.)
            let new: Vec<_> = after.errors().filter(|a| !before.0.iter().any(|b| key(a) == key(b))).collect();
            if !new.is_empty() {
                failures.push(format!("{name}: `{}` brings new findings: {new:?}", fix.dsl()));
            }
        }
        programs_with_fixes += usize::from(any);
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    assert!(applied > 0);
    eprintln!(
        "{applied} fixes applied, from {programs_with_fixes} of the {programs_checked} ui-tests that parse; \
         findings with a decision instead: {decide:?}"
    );
}

/// How many findings the implication table drops: on every ui-test, and on the base with five mistakes.
#[test]
fn implication_counts() {
    let raw = |definition: &TokenStream| {
        let parsed = parse(definition.clone());
        let platform = parsed.platform.expect("parses");
        platform_core::check::partial_findings(
            platform_core::check::findings(&platform, &platform_core::check::today()),
            &parsed.gaps,
        )
    };
    let mut suppressed = 0;
    for (_, merged) in programs() {
        let Some(definition) = merged else { continue };
        if parse(definition.clone()).errors.is_some() {
            continue;
        }
        let all = raw(&definition);
        suppressed += all.0.len() - platform_core::check::implied(all).0.len();
    }
    let five = merge::merge(base(), five_mistakes()).expect("merges");
    let all = raw(&five);
    let roots = platform_core::check::implied(all.clone());
    eprintln!(
        "implication table ({} entries): {suppressed} findings suppressed on the ui-tests; the five-mistake \
         definition: {} errors, {} reported",
        IMPLIES.len(),
        all.errors().count(),
        roots.errors().count()
    );
    assert_eq!(roots.errors().count(), 5, "one error per mistake:\n{roots}");
}

/// The base definition with five deliberate mistakes: a duplicated tenant, a batch group on on-demand, an
/// inverted size, a VPC CIDR that holds none of the subnets, a long platform name.
fn five_mistakes() -> TokenStream {
    quote::quote! {
        name: "fintech_payments_platform_eu",
        vpc { cidr: "10.8.0.0/16" }
        node_group batch { capacity: on_demand }
        node_group general { size: 12..=2 }
        tenant api as payments {}
    }
}

/// The examples of one mistake each: exactly one finding, on the mistake, and its fix (if any) applies.
#[test]
fn one_mistake_one_finding() {
    let cases: Vec<(&str, TokenStream, Rule)> = vec![
        ("duplicate tenant", quote::quote! { tenant api as payments {} }, Rule::DuplicateName),
        ("long platform name", quote::quote! { name: "fintech_payments_platform_eu" }, Rule::NameLength),
        ("VPC CIDR", quote::quote! { vpc { cidr: "8.8.0.0/16" } }, Rule::SubnetOutsideVpc),
        ("inverted size", quote::quote! { node_group general { size: 12..=2 } }, Rule::SizeOrder),
        ("desired above max", quote::quote! { node_group general { desired: 14 } }, Rule::SizeOrder),
        ("batch on demand", quote::quote! { node_group batch { capacity: on_demand } }, Rule::BatchSpotOnly),
    ];
    for (what, change, rule) in cases {
        let definition = merge::merge(base(), change).expect("merges");
        let f = check(definition.clone()).expect("parses");
        let errors: Vec<_> = f.errors().collect();
        assert_eq!(errors.len(), 1, "{what}: one error\n{f}");
        assert_eq!(errors[0].rule, rule, "{what}: {f}");
        if let Some(fix) = &errors[0].fix {
            let after = check(apply(&definition, fix).expect("applies")).expect("parses");
            assert!(!after.has_errors(), "{what}: `{}` leaves {after}", fix.dsl());
        }
    }
}
