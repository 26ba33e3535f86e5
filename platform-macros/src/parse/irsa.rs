//! `irsa <name> { namespace, service_account, policy }`: an IAM role for a Kubernetes service account.
//!
//! `policy` is either a managed policy keyword (`policy: external_dns`) or custom statements
//! (`policy: [{ actions: ["s3:GetObject"], resources: ["arn:aws:s3:::bucket/*"] }]`).

use platform_core::check::FieldPath;
use platform_core::model::{IrsaBinding, Policy, Statement};
use syn::parse::ParseStream;
use syn::{token, Ident};

use super::block_braces;
use super::fields::{fields, Keys};
use super::node_group::block_name;
use super::value;
use crate::ctxt::Ctxt;
use crate::spans::Loc;

const KEYS: &[&str] = &["namespace", "service_account", "policy"];

/// After `irsa`: `<name> { … }`; every key is required.
pub(super) fn parse(cx: &Ctxt, input: ParseStream, keyword: &Ident, index: usize) -> syn::Result<Option<IrsaBinding>> {
    let name = block_name(input, keyword, "irsa", "external_dns")?;
    let path = FieldPath::root().key("irsa").index(index);
    cx.record_first(&FieldPath::root().key("irsa"), Loc::span(keyword.span()));
    cx.record(&path, Loc::span(name.span()));
    let content;
    block_braces!(content in input, format!("IRSA binding `{name}`"));
    let mut keys = Keys::new(format!("IRSA binding `{name}`"), KEYS);
    let (mut namespace, mut service_account, mut policy) = (None, None, None);
    fields(cx, &content, &mut keys, |key, input| {
        let p = path.key(key);
        match key {
            "namespace" => namespace = Some(value::string(cx, input, &p)?),
            "service_account" => service_account = Some(value::string(cx, input, &p)?),
            "policy" if input.peek(token::Bracket) => {
                policy = Some(Policy::Custom(value::list(cx, input, &p, |input, p| statement(cx, input, p))?))
            }
            "policy" => policy = Some(Policy::Managed(value::keyword(cx, input, &p)?)),
            _ => unreachable!("key `{key}` is in KEYS"),
        }
        Ok(())
    });
    keys.require(cx, KEYS, Loc::span(name.span()));
    Ok((|| {
        Some(IrsaBinding {
            name: name.to_string(),
            namespace: namespace?,
            service_account: service_account?,
            policy: policy?,
        })
    })())
}

const STATEMENT_KEYS: &[&str] = &["actions", "resources"];

/// `{ actions: [...], resources: [...] }`: one `Allow` statement.
fn statement(cx: &Ctxt, input: ParseStream, path: &FieldPath) -> syn::Result<Statement> {
    if !input.peek(token::Brace) {
        return Err(input.error("expected a statement `{ actions: [\"s3:GetObject\"], resources: [\"arn:...\"] }`"));
    }
    let content;
    let braces = syn::braced!(content in input);
    let loc = Loc::span(braces.span.join());
    let mut keys = Keys::new("a policy statement", STATEMENT_KEYS);
    let (mut actions, mut resources) = (None, None);
    fields(cx, &content, &mut keys, |key, input| {
        let list = value::string_list(cx, input, &path.key(key))?;
        match key {
            "actions" => actions = Some(list),
            "resources" => resources = Some(list),
            _ => unreachable!("key `{key}` is in STATEMENT_KEYS"),
        }
        Ok(())
    });
    keys.require(cx, STATEMENT_KEYS, loc);
    Ok(Statement { actions: actions.unwrap_or_default(), resources: resources.unwrap_or_default() })
}
