//! `identity azure_ad { … }`: Azure AD (Entra ID) as the cluster's OIDC identity provider; keys, required keys
//! and defaults from `platform_core::schema::IDENTITY`.

use platform_core::check::FieldPath;
use platform_core::model::{ClusterGroupBinding, ClusterRole, Identity};
use platform_core::schema::{IdentityDraft, IdentityKey, IDENTITY};
use syn::parse::ParseStream;
use syn::Ident;

use super::block_braces;
use super::fields::{fields, Keys};
use super::shared::{block_name, role_map};
use super::value;
use crate::ctxt::Ctxt;
use crate::spans::Loc;

/// The identity providers the platform supports.
const PROVIDERS: &[&str] = &["azure_ad"];

/// After `identity` (the block at `path`): `azure_ad { … }`.
pub(super) fn parse(cx: &Ctxt, input: ParseStream, keyword: &Ident, path: &FieldPath) -> syn::Result<Option<Identity>> {
    let provider = block_name(input, keyword, "identity", "azure_ad")?;
    cx.record(path, Loc::span(provider.span()));
    if !PROVIDERS.contains(&provider.to_string().as_str()) {
        return Err(syn::Error::new(
            provider.span(),
            format!("unknown identity provider `{provider}`; expected `azure_ad` (Azure AD / Entra ID over OIDC)"),
        ));
    }
    let content;
    block_braces!(content in input, "the `identity` block");
    let mut keys = Keys::new("`identity`", &IDENTITY);
    let mut d = IdentityDraft::default();
    fields(cx, &content, &mut keys, path, |key, p, input| {
        let slot = match key {
            IdentityKey::tenant_id => &mut d.tenant_id,
            IdentityKey::client_id => &mut d.client_id,
            IdentityKey::username_claim => &mut d.username_claim,
            IdentityKey::groups_claim => &mut d.groups_claim,
            IdentityKey::username_prefix => &mut d.username_prefix,
            IdentityKey::groups_prefix => &mut d.groups_prefix,
            IdentityKey::cluster_roles => {
                let roles = role_map::<ClusterRole>(cx, input, p)?;
                d.cluster_roles =
                    Some(roles.into_iter().map(|(role, group_id)| ClusterGroupBinding { role, group_id }).collect());
                return Ok(());
            }
        };
        *slot = Some(value::string(cx, input, p)?);
        Ok(())
    });
    Ok(keys.finish(cx, d.finish(), Loc::span(provider.span())))
}
