//! Developer authentication: Azure AD (Entra ID) as an OIDC identity provider of the cluster. Usernames and
//! groups from it get the DSL's prefixes (`aad:`), so they can never collide with IAM-mapped identities; the
//! cluster stage binds the prefixed groups to Kubernetes roles. The username is the claim the DSL names, by
//! default `oid` (rule `identity/stable-username`): EKS's `username_claim` defaults to `sub` and takes any claim
//! of the ID token (EKS API reference, `OidcIdentityProviderConfigRequest`), and with a prefix set the API
//! server records `aad:<object id>` as the user of every request, the id Entra ID lists the user under.
//!
//! People get in with a kubeconfig whose user runs an OIDC exec credential plugin, int128/kubelogin
//! (`kubectl oidc-login get-token`, docs/setup.md and docs/usage.md of that repository): it signs the user in to
//! Entra ID (authorization code flow with PKCE, so no client secret) and hands kubectl the ID token, whose `iss`
//! is the issuer and whose `aud` is the client id declared here, which is what the EKS identity provider config
//! validates (Amazon EKS User Guide, grant-k8s-access.adoc, "Associate an OIDC identity provider"). The endpoint
//! and CA of that kubeconfig exist only after apply, so it is an output of the infra root (`kubeconfig_azure_ad`).

use serde_json::json;

use super::refs;
use crate::render::context::Context;
use crate::render::tf_json::{Document, Local};

/// The local holding the Azure AD kubeconfig (`yamlencode`d by the output of the same name).
pub(crate) const KUBECONFIG: &str = "kubeconfig_azure_ad";

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

/// The scope that makes Entra ID's v2.0 endpoint put the username claim into the ID token (Microsoft identity
/// platform, ID token claims reference): `oid` (like `preferred_username` and `name`) needs the `profile` scope,
/// `email` the `email` scope; `sub` is always there.
fn scope_for(claim: &str) -> Option<&'static str> {
    match claim {
        "email" => Some("email"),
        "oid" | "preferred_username" | "name" => Some("profile"),
        _ => None,
    }
}

/// The arguments of `kubectl` that get an Entra ID token for this cluster's identity provider.
pub(crate) fn token_args(ctx: &Context) -> Vec<String> {
    let id = &ctx.platform.identity;
    let mut args = vec![
        "oidc-login".to_owned(),
        "get-token".to_owned(),
        format!("--oidc-issuer-url={}", issuer_url(&id.tenant_id)),
        format!("--oidc-client-id={}", id.client_id),
    ];
    args.extend(scope_for(&id.username_claim).map(|s| format!("--oidc-extra-scope={s}")));
    args
}

/// Declares the kubeconfig of Azure AD users as the local [`KUBECONFIG`]. Terraform JSON interpolates the
/// endpoint and CA inside it; the output of the same name `yamlencode`s it.
pub(crate) fn kubeconfig(ctx: &Context, doc: &mut Document) -> Local {
    let cluster = ctx.names.cluster();
    let user = format!("{cluster}-azure-ad");
    doc.local(
        KUBECONFIG,
        json!({
            "apiVersion": "v1",
            "kind": "Config",
            "clusters": [{ "name": cluster, "cluster": {
                "server": refs::cluster().attr("endpoint"),
                "certificate-authority-data": refs::cluster().attr("certificate_authority[0].data"),
            } }],
            // kubelogin's documented exec setup uses v1beta1, which kubectl 1.22 and later accept.
            "users": [{ "name": user, "user": { "exec": {
                "apiVersion": "client.authentication.k8s.io/v1beta1",
                "command": "kubectl",
                "args": token_args(ctx),
            } } }],
            "contexts": [{ "name": user, "context": { "cluster": cluster, "user": user } }],
            "current-context": user,
        }),
    )
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_username_claim_decides_the_extra_scope() {
        assert_eq!(super::scope_for("email"), Some("email"));
        assert_eq!(super::scope_for("preferred_username"), Some("profile"));
        assert_eq!(super::scope_for("oid"), Some("profile"));
        assert_eq!(super::scope_for("sub"), None);
    }

    #[test]
    fn issuer_is_the_v2_endpoint() {
        assert_eq!(super::issuer_url("t"), "https://login.microsoftonline.com/t/v2.0");
    }
}
