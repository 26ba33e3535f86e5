//! `external-secrets.io` `SecretStore`, in each apiVersion the platform renders (the catalog's
//! `secret_store_api`: `v1beta1` with chart 0.13.0, `v1` from 0.16.2 on; `tests/upstream/charts/external-secrets-*.json`).
//! Both versions have the same shape for what the platform writes (`apis/externalsecrets/{v1beta1,v1}/
//! secretstore_aws_types.go`: `AWSProvider`, `AWSAuth.JWTAuth`), so they share one spec.

use serde::Serialize;

/// `external-secrets.io/v1beta1`.
pub mod v1beta1 {
    custom_resource! {
        /// A namespaced store the namespace's ExternalSecrets read from.
        SecretStore(super::SecretStoreSpec):
            "external-secrets.io" / "v1beta1", kind "SecretStore", plural "secretstores", NamespaceResourceScope
    }
}

/// `external-secrets.io/v1`.
pub mod v1 {
    custom_resource! {
        /// A namespaced store the namespace's ExternalSecrets read from.
        SecretStore(super::SecretStoreSpec):
            "external-secrets.io" / "v1", kind "SecretStore", plural "secretstores", NamespaceResourceScope
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SecretStoreSpec {
    pub provider: Provider,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Provider {
    pub aws: AwsProvider,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AwsProvider {
    pub service: AwsService,
    pub region: String,
    /// A role assumed from the authenticated session.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub role: Option<String>,
    pub auth: AwsAuth,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum AwsService {
    SecretsManager,
}

/// How the controller gets AWS credentials: as a service account, through its IRSA role.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AwsAuth {
    pub jwt: JwtAuth,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct JwtAuth {
    pub service_account_ref: ServiceAccountSelector,
}

/// A service account; for a namespaced SecretStore, always one of the store's namespace.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ServiceAccountSelector {
    pub name: String,
}
