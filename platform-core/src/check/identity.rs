//! Identity rules: Azure AD (Entra ID) ids, and the OIDC claims and prefixes of the EKS identity provider config.

use super::values::is_guid;
use super::{at, FieldPath, Finding, Findings, Rule};
use crate::model::{Identity, Platform};

pub(super) fn check(p: &Platform, out: &mut Findings) {
    check_ids(p, out);
    check_claims(p, out);
    check_stable_username(p, out);
}

/// Every Azure AD id of the definition with its path and what it is.
fn ids(p: &Platform) -> Vec<(FieldPath, String, &str)> {
    let identity = at("identity");
    let mut all = vec![
        (identity.key("tenant_id"), "Azure AD tenant id".to_owned(), p.identity.tenant_id.as_str()),
        (identity.key("client_id"), "Azure AD application (client) id".to_owned(), p.identity.client_id.as_str()),
    ];
    for (j, b) in p.identity.cluster_roles.iter().enumerate() {
        all.push((
            identity.key("cluster_roles").index(j),
            format!("group id of cluster role `{}`", b.role),
            &b.group_id,
        ));
    }
    for (i, t) in p.tenants.iter().enumerate() {
        for (j, b) in t.groups.iter().enumerate() {
            let what = format!("group id of `{}` in tenant `{}`", b.role, t.name);
            all.push((at("tenants").index(i).key("groups").index(j), what, &b.group_id));
        }
    }
    all
}

/// `identity/azure-ad-id`: the issuer URL is built from the tenant id, and Azure AD puts group object ids in the
/// `groups` claim, so tenant, client and group ids are GUIDs (a display name or domain would never match and
/// would lock the group out silently).
fn check_ids(p: &Platform, out: &mut Findings) {
    for (path, what, id) in ids(p) {
        if !is_guid(id) {
            out.push(Finding::new(
                Rule::AzureAdId,
                path,
                id,
                format!("{what} `{id}` is not a GUID"),
                "copy the object id from the Azure portal (Entra ID): 8-4-4-4-12 hex digits, e.g. `6f1c2a9e-3b7d-4c1e-9a2f-1d4e5b6c7a80`",
            ));
        }
    }
}

/// `identity/oidc-claims`: the EKS identity provider config needs the username and groups claims, and prefixes so
/// that an Azure AD user or group can never be mistaken for an IAM identity or a built-in Kubernetes group. EKS
/// rejects a prefix containing `system:` (API reference, `OidcIdentityProviderConfigRequest`), and so does this.
fn check_claims(p: &Platform, out: &mut Findings) {
    let id = &p.identity;
    let identity = at("identity");
    for (key, value, example) in
        [("username_claim", &id.username_claim, "oid"), ("groups_claim", &id.groups_claim, "groups")]
    {
        if value.trim().is_empty() || value.contains(char::is_whitespace) {
            out.push(Finding::new(
                Rule::OidcClaims,
                identity.key(key),
                value,
                format!("`{key}` `{value}` is not a claim name"),
                format!("write `{key}: \"{example}\"`"),
            ));
        }
    }
    for (key, value) in [("username_prefix", &id.username_prefix), ("groups_prefix", &id.groups_prefix)] {
        let problem = if value.is_empty() {
            Some(format!("`{key}` is empty, so Azure AD names could collide with IAM and Kubernetes identities"))
        } else if value.contains("system:") {
            Some(format!("`{key}` `{value}` contains `system:`, which EKS reserves for Kubernetes itself"))
        } else {
            None
        };
        if let Some(message) = problem {
            out.push(Finding::new(
                Rule::OidcClaims,
                identity.key(key),
                value,
                message,
                format!("write `{key}: \"aad:\"`"),
            ));
        }
    }
}

/// `identity/stable-username`: the username EKS takes from the claim is who the Kubernetes audit log says acted
/// (PCI DSS 8.2.1, a unique ID per user; 10.2.2, the user identification of every audit record). `email`, `upn`,
/// `preferred_username` and `name` change with a person's name and can be handed to the next person with that
/// name (Microsoft identity platform, ID token claims reference); `oid` and `sub` never are.
fn check_stable_username(p: &Platform, out: &mut Findings) {
    let claim = p.identity.username_claim.as_str();
    // An empty or spaced claim is `identity/oidc-claims`'s.
    if claim.trim().is_empty() || claim.contains(char::is_whitespace) {
        return;
    }
    if !Identity::STABLE_USERNAME_CLAIMS.contains(&claim) {
        out.push(Finding::new(
            Rule::StableUsername,
            at("identity").key("username_claim"),
            claim,
            format!(
                "`username_claim` `{claim}` can change or be reused, so audit records would not name one person for good"
            ),
            format!("write `username_claim: \"{}\"` (the user's object id), or `\"sub\"`", Identity::DEFAULT_USERNAME_CLAIM),
        ));
    }
}

#[cfg(test)]
mod tests {
    use super::super::testing::*;

    #[test]
    fn ids_are_guids_wherever_they_are() {
        let mut p = sample();
        p.identity.tenant_id = "contoso.onmicrosoft.com".into();
        p.identity.cluster_roles[1].group_id = "platform-readers".into();
        p.tenants[1].groups[0].group_id = "<aad-group-id>".into();
        let f = run(&p);
        expect(&f, Rule::AzureAdId, "identity.tenant_id", "tenant id `contoso.onmicrosoft.com`");
        expect(&f, Rule::AzureAdId, "identity.cluster_roles[1]", "cluster role `read_only`");
        expect(&f, Rule::AzureAdId, "tenants[1].groups[0]", "`admin` in tenant `settlement`");
        assert_eq!(f.errors().count(), 3, "{f}");
    }

    #[test]
    fn claims_and_prefixes() {
        let mut p = sample();
        p.identity.username_claim = "".into();
        p.identity.groups_prefix = "system:aad:".into();
        p.identity.username_prefix = "".into();
        let f = run(&p);
        expect(&f, Rule::OidcClaims, "identity.username_claim", "not a claim name");
        expect(&f, Rule::OidcClaims, "identity.groups_prefix", "`system:`");
        let empty = expect(&f, Rule::OidcClaims, "identity.username_prefix", "empty");
        assert_eq!(empty.help, "write `username_prefix: \"aad:\"`");
        assert_eq!(f.errors().count(), 3, "{f}");
    }

    #[test]
    fn the_username_is_a_stable_claim() {
        for claim in ["email", "upn", "preferred_username", "name", "unique_name"] {
            let mut p = sample();
            p.identity.username_claim = claim.into();
            let f = run(&p);
            let found = expect(&f, Rule::StableUsername, "identity.username_claim", "can change or be reused");
            assert_eq!(found.help, "write `username_claim: \"oid\"` (the user's object id), or `\"sub\"`");
            assert_eq!(f.errors().count(), 1, "{f}");
        }
        for claim in crate::model::Identity::STABLE_USERNAME_CLAIMS {
            let mut p = sample();
            p.identity.username_claim = (*claim).into();
            assert!(!run(&p).has_errors(), "{claim}");
        }
        // An empty claim is reported once, by `identity/oidc-claims`.
        let mut p = sample();
        p.identity.username_claim = " ".into();
        let f = run(&p);
        assert!(f.of(Rule::StableUsername).is_empty() && !f.of(Rule::OidcClaims).is_empty(), "{f}");
    }
}
