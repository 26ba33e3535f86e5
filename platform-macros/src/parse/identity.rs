//! `identity azure_ad { tenant_id, client_id, username_claim, groups_claim, username_prefix, groups_prefix,
//! cluster_roles }`: Azure AD (Entra ID) as the cluster's OIDC identity provider.

use platform_core::check::FieldPath;
use platform_core::model::{ClusterGroupBinding, ClusterRole, Identity};
use syn::parse::ParseStream;
use syn::Ident;

use super::block_braces;
use super::fields::{fields, Keys};
use super::node_group::block_name;
use super::tenant::role_map;
use super::value;
use crate::ctxt::Ctxt;
use crate::spans::Loc;

const KEYS: &[&str] =
    &["tenant_id", "client_id", "username_claim", "groups_claim", "username_prefix", "groups_prefix", "cluster_roles"];
const REQUIRED: &[&str] = &["tenant_id", "client_id"];

/// The identity providers the platform supports.
const PROVIDERS: &[&str] = &["azure_ad"];

/// After `identity`: `azure_ad { … }`. Claims default to `email` and `groups`, prefixes to `aad:`,
/// `cluster_roles` to none.
pub(super) fn parse(cx: &Ctxt, input: ParseStream, keyword: &Ident) -> syn::Result<Option<Identity>> {
    let provider = block_name(input, keyword, "identity", "azure_ad")?;
    let path = FieldPath::root().key("identity");
    cx.record(&path, Loc::span(provider.span()));
    if !PROVIDERS.contains(&provider.to_string().as_str()) {
        return Err(syn::Error::new(
            provider.span(),
            format!("unknown identity provider `{provider}`; expected `azure_ad` (Azure AD / Entra ID over OIDC)"),
        ));
    }
    let content;
    block_braces!(content in input, "the `identity` block");
    let mut keys = Keys::new("`identity`", KEYS);
    let mut identity = Identity {
        tenant_id: String::new(),
        client_id: String::new(),
        username_claim: "email".into(),
        groups_claim: "groups".into(),
        username_prefix: "aad:".into(),
        groups_prefix: "aad:".into(),
        cluster_roles: Vec::new(),
    };
    fields(cx, &content, &mut keys, |key, input| {
        let p = path.key(key);
        let slot = match key {
            "tenant_id" => &mut identity.tenant_id,
            "client_id" => &mut identity.client_id,
            "username_claim" => &mut identity.username_claim,
            "groups_claim" => &mut identity.groups_claim,
            "username_prefix" => &mut identity.username_prefix,
            "groups_prefix" => &mut identity.groups_prefix,
            "cluster_roles" => {
                let roles = role_map::<ClusterRole>(cx, input, &p)?;
                identity.cluster_roles =
                    roles.into_iter().map(|(role, group_id)| ClusterGroupBinding { role, group_id }).collect();
                return Ok(());
            }
            _ => unreachable!("key `{key}` is in KEYS"),
        };
        *slot = value::string(cx, input, &p)?;
        Ok(())
    });
    keys.require(cx, REQUIRED, Loc::span(provider.span()));
    Ok(REQUIRED.iter().all(|k| keys.has(k)).then_some(identity))
}
