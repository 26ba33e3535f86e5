//! `tenant <name> { node_groups, pod_security, groups, secret_prefix, cross_account_roles, quota, allow_from,
//! pci }`: keys,
//! required keys and defaults from `platform_core::schema::TENANT` and `QUOTA`.

use platform_core::check::FieldPath;
use platform_core::model::{Flow, FlowSource, GroupBinding, PortRange, Quota, Tenant, TenantRole};
use platform_core::schema::{QuotaDraft, QuotaKey, TenantDraft, TenantKey, QUOTA, TENANT};
use syn::parse::ParseStream;
use syn::{token, Ident, Token};

use super::block_braces;
use super::fields::{fields, Keys};
use super::shared::{block_name, role_map};
use super::value;
use crate::ctxt::Ctxt;
use crate::spans::Loc;

/// After `tenant` (the block at `path`, an item of `tenants`): `<name> { … }`.
pub(super) fn parse(cx: &Ctxt, input: ParseStream, keyword: &Ident, path: &FieldPath) -> syn::Result<Option<Tenant>> {
    let name = block_name(input, keyword, "tenant", "payments")?;
    super::record_item(cx, path, keyword, &name);
    let content;
    block_braces!(content in input, format!("tenant `{name}`"));
    let mut keys = Keys::new(format!("tenant `{name}`"), &TENANT);
    let mut d = TenantDraft::default();
    fields(cx, &content, &mut keys, path, |key, p, input| {
        match key {
            TenantKey::node_groups => d.node_groups = Some(value::name_list(cx, input, p)?),
            TenantKey::pod_security => d.pod_security = Some(value::keyword(cx, input, p)?),
            TenantKey::groups => d.groups = Some(parse_groups(cx, input, p)?),
            TenantKey::secret_prefix => d.secret_prefix = Some(value::string(cx, input, p)?),
            TenantKey::cross_account_roles => d.cross_account_roles = Some(value::string_list(cx, input, p)?),
            TenantKey::quota => d.quota = parse_quota(cx, input, p)?,
            TenantKey::allow_from => d.allow_from = Some(parse_flows(cx, input, p)?),
            TenantKey::pci => d.pci = Some(value::boolean(cx, input, p)?),
        }
        Ok(())
    });
    Ok(keys.finish(cx, d.finish(&name.to_string()), Loc::span(name.span())))
}

fn parse_groups(cx: &Ctxt, input: ParseStream, path: &FieldPath) -> syn::Result<Vec<GroupBinding>> {
    let roles = role_map::<TenantRole>(cx, input, path)?;
    Ok(roles.into_iter().map(|(role, group_id)| GroupBinding { role, group_id }).collect())
}

/// `{ cpu: "16", memory: "32Gi", pods: 200 }`: all three required.
fn parse_quota(cx: &Ctxt, input: ParseStream, path: &FieldPath) -> syn::Result<Option<Quota>> {
    if !input.peek(token::Brace) {
        return Err(input.error(format!("expected `{{ cpu: \"16\", memory: \"32Gi\", pods: 200 }}` for `{path}`")));
    }
    let content;
    let braces = syn::braced!(content in input);
    let loc = Loc::span(braces.span.join());
    cx.record(path, loc);
    let mut keys = Keys::new(format!("`{path}`"), &QUOTA);
    let mut d = QuotaDraft::default();
    fields(cx, &content, &mut keys, path, |key, p, input| {
        match key {
            QuotaKey::cpu => d.cpu = Some(value::string(cx, input, p)?),
            QuotaKey::memory => d.memory = Some(value::string(cx, input, p)?),
            QuotaKey::pods => d.pods = Some(value::integer(cx, input, p)?),
        }
        Ok(())
    });
    Ok(keys.finish(cx, d.finish(), loc))
}

/// `[<tenant or load_balancers>: <port>, <tenant>: <first>..=<last>, …]`: `path[j].from` is the name's token,
/// `path[j].ports` the port or range (the checks judge both).
fn parse_flows(cx: &Ctxt, input: ParseStream, path: &FieldPath) -> syn::Result<Vec<Flow>> {
    value::list(cx, input, path, |input, p| {
        let name = value::word(input).map_err(|_| {
            input.error(format!("expected `<tenant>: <port>` or `load_balancers: <port>` for `{path}`"))
        })?;
        cx.record(&p.key("from"), Loc::span(name.span()));
        input.parse::<Token![:]>().map_err(|_| input.error("expected `:` and a port after the flow's source"))?;
        let (first, first_span) = value::lit_int::<u32>(input, &p.key("ports"))?;
        let (last, last_span) = if input.peek(Token![..=]) {
            input.parse::<Token![..=]>()?;
            value::lit_int::<u32>(input, &p.key("ports"))?
        } else {
            (first, first_span)
        };
        cx.record(&p.key("ports"), Loc::to(first_span, last_span));
        let text = name.to_string();
        let from =
            if text == FlowSource::LOAD_BALANCERS { FlowSource::LoadBalancers } else { FlowSource::Tenant(text) };
        Ok(Flow { from, ports: PortRange { first, last } })
    })
}
