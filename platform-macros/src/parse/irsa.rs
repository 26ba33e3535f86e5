//! `irsa <name> { namespace, service_account, policy }`: an IAM role for a Kubernetes service account; keys and
//! required keys from `platform_core::schema::IRSA` and `STATEMENT`.
//!
//! `policy` is either a managed policy keyword (`policy: external_dns`) or custom statements
//! (`policy: [{ actions: ["s3:GetObject"], resources: ["arn:aws:s3:::bucket/*"] }]`).

use platform_core::check::FieldPath;
use platform_core::model::{IrsaBinding, Policy, Statement};
use platform_core::schema::{IrsaDraft, IrsaKey, StatementDraft, StatementKey, IRSA, STATEMENT};
use syn::parse::ParseStream;
use syn::{token, Ident};

use super::block_braces;
use super::fields::{fields, Keys};
use super::shared::block_name;
use super::value;
use crate::ctxt::Ctxt;
use crate::spans::Loc;

/// After `irsa` (the block at `path`, an item of `irsa`): `<name> { … }`.
pub(super) fn parse(
    cx: &Ctxt,
    input: ParseStream,
    keyword: &Ident,
    path: &FieldPath,
) -> syn::Result<Option<IrsaBinding>> {
    let name = block_name(input, keyword, "irsa", "external_dns")?;
    super::record_item(cx, path, keyword, &name);
    let content;
    block_braces!(content in input, format!("IRSA binding `{name}`"));
    let mut keys = Keys::new(format!("IRSA binding `{name}`"), &IRSA);
    let mut d = IrsaDraft::default();
    fields(cx, &content, &mut keys, path, |key, p, input| {
        match key {
            IrsaKey::namespace => d.namespace = Some(value::string(cx, input, p)?),
            IrsaKey::service_account => d.service_account = Some(value::string(cx, input, p)?),
            IrsaKey::policy if input.peek(token::Bracket) => {
                let statements = value::list(cx, input, p, |input, p| statement(cx, input, p))?;
                d.policy = statements.into_iter().collect::<Option<_>>().map(Policy::Custom);
            }
            IrsaKey::policy => d.policy = Some(Policy::Managed(value::keyword(cx, input, p)?)),
        }
        Ok(())
    });
    Ok(keys.finish(cx, d.finish(&name.to_string()), Loc::span(name.span())))
}

/// `{ actions: [...], resources: [...] }`: one `Allow` statement (`None` when a key is missing, reported).
fn statement(cx: &Ctxt, input: ParseStream, path: &FieldPath) -> syn::Result<Option<Statement>> {
    if !input.peek(token::Brace) {
        return Err(input.error("expected a statement `{ actions: [\"s3:GetObject\"], resources: [\"arn:...\"] }`"));
    }
    let content;
    let braces = syn::braced!(content in input);
    let loc = Loc::span(braces.span.join());
    let mut keys = Keys::new("a policy statement", &STATEMENT);
    let mut d = StatementDraft::default();
    fields(cx, &content, &mut keys, path, |key, p, input| {
        let list = Some(value::string_list(cx, input, p)?);
        match key {
            StatementKey::actions => d.actions = list,
            StatementKey::resources => d.resources = list,
        }
        Ok(())
    });
    Ok(keys.finish(cx, d.finish(), loc))
}
