//! `tenant <name> { node_groups, pod_security, groups, secret_prefix, cross_account_roles, quota }`

use platform_core::check::FieldPath;
use platform_core::model::{GroupBinding, Keyword, PodSecurity, Quota, Tenant, TenantRole};
use platform_core::naming::label;
use syn::parse::ParseStream;
use syn::{token, Ident};

use super::block_braces;
use super::fields::{fields, Keys};
use super::node_group::block_name;
use super::value::{self, unknown_keyword_message};
use crate::ctxt::Ctxt;
use crate::spans::Loc;

const KEYS: &[&str] = &["node_groups", "pod_security", "groups", "secret_prefix", "cross_account_roles", "quota"];
const REQUIRED: &[&str] = &["node_groups", "groups", "quota"];

/// After `tenant`: `<name> { … }`. `pod_security` defaults to `restricted`, `secret_prefix` to `<name>/`,
/// `cross_account_roles` to none.
pub(super) fn parse(cx: &Ctxt, input: ParseStream, keyword: &Ident, index: usize) -> syn::Result<Option<Tenant>> {
    let name = block_name(input, keyword, "tenant", "payments")?;
    let path = FieldPath::root().key("tenants").index(index);
    cx.record_first(&FieldPath::root().key("tenants"), Loc::span(keyword.span()));
    cx.record(&path, Loc::span(name.span()));
    let content;
    block_braces!(content in input, format!("tenant `{name}`"));
    let mut keys = Keys::new(format!("tenant `{name}`"), KEYS);
    let (mut node_groups, mut groups, mut quota) = (None, None, None);
    let mut pod_security = Some(PodSecurity::Restricted);
    let mut secret_prefix = Some(format!("{}/", label(&name.to_string())));
    let mut cross_account_roles = Some(Vec::new());
    fields(cx, &content, &mut keys, |key, input| {
        let p = path.key(key);
        match key {
            "node_groups" => node_groups = Some(value::name_list(cx, input, &p)?),
            "pod_security" => pod_security = Some(value::keyword(cx, input, &p)?),
            "groups" => groups = Some(parse_groups(cx, input, &p)?),
            "secret_prefix" => secret_prefix = Some(value::string(cx, input, &p)?),
            "cross_account_roles" => cross_account_roles = Some(value::string_list(cx, input, &p)?),
            "quota" => quota = parse_quota(cx, input, &p)?,
            _ => unreachable!("key `{key}` is in KEYS"),
        }
        Ok(())
    });
    keys.require(cx, REQUIRED, Loc::span(name.span()));
    Ok((|| {
        Some(Tenant {
            name: name.to_string(),
            node_groups: node_groups?,
            pod_security: pod_security?,
            groups: groups?,
            secret_prefix: secret_prefix?,
            cross_account_roles: cross_account_roles?,
            quota: quota?,
        })
    })())
}

/// `{ <role>: "<Azure AD group object id>", … }`, each entry recorded at `path[j]`.
pub(super) fn role_map<R: Keyword>(cx: &Ctxt, input: ParseStream, path: &FieldPath) -> syn::Result<Vec<(R, String)>> {
    let mut bindings = Vec::new();
    for entry in value::string_map(cx, input, path)? {
        match R::from_keyword(&entry.key.text) {
            Ok(role) => {
                cx.record(&path.index(bindings.len()), Loc::to(entry.key.span, entry.value_loc.end));
                bindings.push((role, entry.value));
            }
            Err(e) => cx.syn_error(syn::Error::new(entry.key.span, unknown_keyword_message(&e))),
        }
    }
    Ok(bindings)
}

fn parse_groups(cx: &Ctxt, input: ParseStream, path: &FieldPath) -> syn::Result<Vec<GroupBinding>> {
    let roles = role_map::<TenantRole>(cx, input, path)?;
    Ok(roles.into_iter().map(|(role, group_id)| GroupBinding { role, group_id }).collect())
}

const QUOTA_KEYS: &[&str] = &["cpu", "memory", "pods"];

/// `{ cpu: "16", memory: "32Gi", pods: 200 }`: all three required.
fn parse_quota(cx: &Ctxt, input: ParseStream, path: &FieldPath) -> syn::Result<Option<Quota>> {
    if !input.peek(token::Brace) {
        return Err(input.error(format!("expected `{{ cpu: \"16\", memory: \"32Gi\", pods: 200 }}` for `{path}`")));
    }
    let content;
    let braces = syn::braced!(content in input);
    let loc = Loc::span(braces.span.join());
    cx.record(path, loc);
    let mut keys = Keys::new(format!("`{path}`"), QUOTA_KEYS);
    let (mut cpu, mut memory, mut pods) = (None, None, None);
    fields(cx, &content, &mut keys, |key, input| {
        let p = path.key(key);
        match key {
            "cpu" => cpu = Some(value::string(cx, input, &p)?),
            "memory" => memory = Some(value::string(cx, input, &p)?),
            "pods" => pods = Some(value::integer(cx, input, &p)?),
            _ => unreachable!("key `{key}` is in QUOTA_KEYS"),
        }
        Ok(())
    });
    keys.require(cx, QUOTA_KEYS, loc);
    Ok((|| Some(Quota { cpu: cpu?, memory: memory?, pods: pods? }))())
}
