//! Developer authentication: Azure AD (Entra ID) as an OIDC identity provider of the cluster. Usernames and
//! groups from it get the DSL's prefixes (`aad:`), so they can never collide with IAM-mapped identities; the
//! cluster stage binds the prefixed groups to Kubernetes roles.

use serde_json::json;

use super::{refs, Context};
use crate::render::terraform::Document;

/// The Entra ID v2.0 issuer of a tenant (the `iss` claim of its ID tokens).
pub(crate) fn issuer_url(tenant_id: &str) -> String {
    format!("https://login.microsoftonline.com/{tenant_id}/v2.0")
}

pub(super) fn render(ctx: &Context, doc: &mut Document) {
    let id = &ctx.platform.identity;
    doc.resource(
        "aws_eks_identity_provider_config",
        "azure_ad",
        json!({
            "cluster_name": refs::cluster().attr("name"),
            "oidc": {
                "identity_provider_config_name": ctx.names.name("idp", "azure-ad"),
                "issuer_url": issuer_url(&id.tenant_id),
                "client_id": id.client_id,
                "username_claim": id.username_claim,
                "groups_claim": id.groups_claim,
                "username_prefix": id.username_prefix,
                "groups_prefix": id.groups_prefix,
            },
            "tags": { "Name": ctx.names.name("idp", "azure-ad") },
        }),
    );
}

#[cfg(test)]
mod tests {
    #[test]
    fn issuer_is_the_v2_endpoint() {
        assert_eq!(super::issuer_url("t"), "https://login.microsoftonline.com/t/v2.0");
    }
}
