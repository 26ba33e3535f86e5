//! The merge of a program's changes into the base definition, on tokens: both are lists of entries, `key: value`
//! or `kind [name] { entries }`, and a change replaces, adds or removes whole entries.

use proc_macro2::{Delimiter, Group, Ident, Punct, Spacing, Span, TokenStream, TokenTree};

/// A change the base does not fit, at the change's first token.
#[derive(Debug)]
pub(crate) struct Error {
    pub span: Span,
    pub message: String,
}

/// One entry of the top level or of a block.
struct Node {
    /// What a change finds it by: the key (`cidr`), the block's kind (`vpc`) or its kind and name
    /// (`node_group critical`).
    id: String,
    /// The entry's first token, for errors.
    span: Span,
    kind: Kind,
}

enum Kind {
    /// `key: value` as written, without the `,` after it.
    Field(Vec<TokenTree>),
    /// `kind [name] { entries }`: the head as it is emitted (for `kind name as new`, `kind new`).
    Block { head: Vec<Ident>, entries: Vec<Node>, brace: Span },
    /// `-key` or `-kind name`, with its kind keyword.
    Remove(Ident),
}

/// The base's entries with the changes applied, as the tokens of a definition.
pub(crate) fn merge(base: TokenStream, changes: TokenStream) -> Result<TokenStream, Error> {
    let base = parse(base, &[])?;
    // Which kinds of block have a name, so that `-addon kube_proxy` needs no `,` to end.
    let named: Vec<String> = base
        .iter()
        .filter_map(|n| match &n.kind {
            Kind::Block { head, .. } if head.len() == 2 => Some(head[0].to_string()),
            _ => None,
        })
        .collect();
    let changes = parse(changes, &named)?;
    Ok(emit(&apply(base, changes)?))
}

/// Parses `key: value,`, `kind [name] [as new] { … }` (a `,` after it optional) and `-key` or `-kind name` for
/// the kinds in `named` (a `,` after it optional).
fn parse(tokens: TokenStream, named: &[String]) -> Result<Vec<Node>, Error> {
    let mut tokens = tokens.into_iter().peekable();
    let mut nodes = Vec::new();
    while let Some(first) = tokens.next() {
        let span = first.span();
        let mut ident = || match tokens.next() {
            Some(TokenTree::Ident(i)) => Ok(i),
            _ => Err(error(span, "expected a key or a block's kind after `-`")),
        };
        let node = match first {
            TokenTree::Punct(p) if p.as_char() == '-' => {
                let kind = ident()?;
                let mut id = kind.to_string();
                if named.contains(&id) {
                    id = format!("{id} {}", ident()?);
                }
                Node { id, span, kind: Kind::Remove(kind) }
            }
            TokenTree::Ident(key) if matches!(tokens.peek(), Some(TokenTree::Punct(p)) if p.as_char() == ':') => {
                let mut field = vec![TokenTree::Ident(key.clone())];
                while let Some(t) = tokens.next_if(|t| !is_comma(t)) {
                    field.push(t);
                }
                Node { id: key.to_string(), span, kind: Kind::Field(field) }
            }
            TokenTree::Ident(kind) => {
                let mut words = vec![kind];
                let body = loop {
                    match tokens.next() {
                        Some(TokenTree::Ident(word)) => words.push(word),
                        Some(TokenTree::Group(g)) if g.delimiter() == Delimiter::Brace => break g,
                        _ => return Err(error(span, "expected `key: value`, `kind [name] { … }` or `-key`")),
                    }
                };
                let (id, head) = match words.as_slice() {
                    [kind] => (kind.to_string(), words.clone()),
                    [kind, name] => (format!("{kind} {name}"), words.clone()),
                    [kind, name, r#as, new] if r#as == "as" => {
                        (format!("{kind} {name}"), vec![kind.clone(), new.clone()])
                    }
                    _ => return Err(error(span, "expected a block's head: `kind`, `kind name` or `kind name as new`")),
                };
                let entries = parse(body.stream(), &[])?;
                Node { id, span, kind: Kind::Block { head, entries, brace: body.span() } }
            }
            _ => return Err(error(span, "expected `key: value`, `kind [name] { … }` or `-key`")),
        };
        tokens.next_if(is_comma);
        nodes.push(node);
    }
    Ok(nodes)
}

/// Applies the changes in order:
/// - an entry with the id of one of the base's replaces it in place, with the change's tokens (a block: its head,
///   and its entries merged the same way); a second change with that id is added, so a key set twice stays twice;
/// - an entry the base lacks is added at the end;
/// - `-id` removes the base's entry. The base's other blocks of its kind then take the span of the removal's kind
///   keyword: an error about what is missing from a kind is reported on its first block, now the removal.
fn apply(base: Vec<Node>, changes: Vec<Node>) -> Result<Vec<Node>, Error> {
    let mut out = base;
    let mut replaced: Vec<String> = Vec::new();
    for Node { id, span, kind } in changes {
        let found = out.iter().position(|n| n.id == id);
        match (kind, found) {
            (Kind::Remove(keyword), Some(i)) => {
                out.remove(i);
                for node in out.iter_mut().filter(|n| !replaced.contains(&n.id)) {
                    if let Kind::Block { head, .. } = &mut node.kind {
                        if head[0] == keyword {
                            head[0].set_span(keyword.span());
                        }
                    }
                }
            }
            (Kind::Remove(_), None) => return Err(error(span, format!("the base has no `{id}` to remove"))),
            (kind, Some(i)) if !replaced.contains(&id) => {
                replaced.push(id.clone());
                let base = std::mem::replace(&mut out[i].kind, Kind::Field(Vec::new()));
                out[i] = Node { id, span, kind: merged(Some(base), kind)? };
            }
            (kind, _) => out.push(Node { id, span, kind: merged(None, kind)? }),
        }
    }
    Ok(out)
}

/// A change over the base's entry (or over nothing): a block's entries are merged, anything else replaced.
fn merged(base: Option<Kind>, change: Kind) -> Result<Kind, Error> {
    Ok(match change {
        Kind::Block { head, entries, brace } => {
            let base = match base {
                Some(Kind::Block { entries, .. }) => entries,
                _ => Vec::new(),
            };
            Kind::Block { head, entries: apply(base, entries)?, brace }
        }
        change => change,
    })
}

/// The entries as DSL tokens: `key: value,` and `kind [name] { … }`.
fn emit(nodes: &[Node]) -> TokenStream {
    let mut out = TokenStream::new();
    for node in nodes {
        match &node.kind {
            Kind::Field(tokens) => {
                out.extend(tokens.iter().cloned());
                out.extend([TokenTree::Punct(Punct::new(',', Spacing::Alone))]);
            }
            Kind::Block { head, entries, brace } => {
                out.extend(head.iter().cloned().map(TokenTree::Ident));
                let mut group = Group::new(Delimiter::Brace, emit(entries));
                group.set_span(*brace);
                out.extend([TokenTree::Group(group)]);
            }
            Kind::Remove(_) => unreachable!("`apply` consumes removals"),
        }
    }
    out
}

fn is_comma(tree: &TokenTree) -> bool {
    matches!(tree, TokenTree::Punct(p) if p.as_char() == ',')
}

fn error(span: Span, message: impl Into<String>) -> Error {
    Error { span, message: message.into() }
}

#[cfg(test)]
mod tests {
    use super::*;

    const BASE: &str = r#"
        name: "fintech",
        vpc { cidr: "10.0.0.0/16", flow_logs: true }
        node_group critical { capacity: on_demand, size: 3..=6 }
        node_group batch { capacity: spot }
        tenant api { node_groups: [general] }
    "#;

    /// The base merged with `changes`, as text.
    fn with(changes: &str) -> Result<String, String> {
        merge(BASE.parse().unwrap(), changes.parse().unwrap()).map(|t| t.to_string()).map_err(|e| e.message)
    }

    /// Asserts that the base merged with `changes` holds `fragment` (a run of whole entries, as text).
    #[track_caller]
    fn assert_merged(changes: &str, fragment: &str) {
        let merged = with(changes).unwrap();
        let fragment = fragment.parse::<TokenStream>().unwrap().to_string();
        assert!(merged.contains(&fragment), "{merged}\n  does not hold\n{fragment}");
    }

    #[test]
    fn without_changes_the_base_is_unchanged() {
        let base = r#"name: "fintech", vpc { cidr: "10.0.0.0/16", flow_logs: true, }
            node_group critical { capacity: on_demand, size: 3..=6, } node_group batch { capacity: spot, }
            tenant api { node_groups: [general], }"#;
        assert_eq!(with(""), Ok(base.parse::<TokenStream>().unwrap().to_string()));
    }

    #[test]
    fn a_key_is_replaced_in_place_and_a_new_one_added_at_the_end_of_its_block() {
        assert_merged(
            r#"name: "other", vpc { cidr: "10.0.0.1/16", pod_cidr: "100.64.0.0/16" }"#,
            r#"name: "other", vpc { cidr: "10.0.0.1/16", flow_logs: true, pod_cidr: "100.64.0.0/16", } node_group"#,
        );
    }

    #[test]
    fn a_named_block_is_found_by_kind_and_name() {
        assert_merged(
            "node_group batch { capacity: mixed(spot: 90%) }",
            "node_group critical { capacity: on_demand, size: 3..=6, } node_group batch { capacity: mixed(spot: 90%), }",
        );
    }

    #[test]
    fn a_block_the_base_lacks_is_added_at_the_end() {
        let merged = with(r#"irsa app { namespace: "payments" }"#).unwrap();
        let end = r#"tenant api { node_groups: [general], } irsa app { namespace: "payments", }"#;
        assert!(merged.ends_with(&end.parse::<TokenStream>().unwrap().to_string()), "{merged}");
    }

    #[test]
    fn keys_and_blocks_are_removed() {
        assert_merged("vpc { -flow_logs } -node_group batch", r#"vpc { cidr: "10.0.0.0/16", } node_group critical"#);
        assert!(!with("-node_group batch").unwrap().contains("batch"));
    }

    #[test]
    fn a_key_set_twice_in_a_change_stays_twice() {
        assert_merged(
            r#"vpc { cidr: "10.0.0.0/16", cidr: "10.1.0.0/16" }"#,
            r#"vpc { cidr: "10.0.0.0/16", flow_logs: true, cidr: "10.1.0.0/16", }"#,
        );
    }

    #[test]
    fn a_block_set_twice_in_a_change_is_added_the_second_time() {
        assert_merged(
            "tenant api {} tenant api { node_groups: [batch] }",
            "tenant api { node_groups: [general], } tenant api { node_groups: [batch], }",
        );
    }

    #[test]
    fn a_block_is_renamed_with_its_entries_kept() {
        assert_merged("tenant api as Api {}", "tenant Api { node_groups: [general], }");
    }

    #[test]
    fn removing_what_the_base_lacks_is_an_error() {
        assert_eq!(with("-node_group general"), Err("the base has no `node_group general` to remove".to_owned()));
        assert_eq!(with("vpc { -endpoints }"), Err("the base has no `endpoints` to remove".to_owned()));
        assert_eq!(with("irsa app { -policy }"), Err("the base has no `policy` to remove".to_owned()));
    }

    #[test]
    fn a_malformed_change_is_an_error() {
        assert!(with("vpc").is_err());
        assert!(with("- \"vpc\"").is_err());
        assert!(with("tenant a b c d {}").is_err());
    }
}
