//! The custom resources the platform writes, as typed structs: what kube-derive's `CustomResource` generates for a
//! spec (the resource with its `metadata` and `spec`, `k8s_openapi::Resource` and `Metadata`, a `Serialize` that
//! writes `apiVersion` and `kind` from the type's constants), written by hand so that rendering needs no kube
//! dependency. Each struct holds only the fields the platform renders, named and shaped as in the CRD of the
//! pinned charts; the tests validate every rendered object against those CRDs' schemas
//! (`tests/upstream/charts/*.json`). Fields the CRD leaves free-form (`x-kubernetes-preserve-unknown-fields`, as
//! Kyverno's patterns) stay JSON values.
//!
//! One module per API group: [`calico`] (`crd.projectcalico.org`), [`kyverno`] (`kyverno.io`),
//! [`external_secrets`] (`external-secrets.io`).

/// A custom resource `$name { metadata, spec: $spec }` of a group, version, kind, plural and scope
/// (`ClusterResourceScope` or `NamespaceResourceScope`).
macro_rules! custom_resource {
    (
        $(#[$attr:meta])*
        $name:ident($spec:ty): $group:literal / $version:literal, kind $kind:literal, plural $plural:literal, $scope:ident
    ) => {
        $(#[$attr])*
        #[derive(Debug, Clone, PartialEq)]
        pub struct $name {
            pub metadata: ::k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta,
            pub spec: $spec,
        }

        impl ::k8s_openapi::Resource for $name {
            const API_VERSION: &'static str = concat!($group, "/", $version);
            const GROUP: &'static str = $group;
            const KIND: &'static str = $kind;
            const VERSION: &'static str = $version;
            const URL_PATH_SEGMENT: &'static str = $plural;
            type Scope = ::k8s_openapi::$scope;
        }

        impl ::k8s_openapi::Metadata for $name {
            type Ty = ::k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;

            fn metadata(&self) -> &Self::Ty {
                &self.metadata
            }

            fn metadata_mut(&mut self) -> &mut Self::Ty {
                &mut self.metadata
            }
        }

        impl ::serde::Serialize for $name {
            fn serialize<S: ::serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                use ::serde::ser::SerializeStruct;
                let mut state = serializer.serialize_struct($kind, 4)?;
                state.serialize_field("apiVersion", <Self as ::k8s_openapi::Resource>::API_VERSION)?;
                state.serialize_field("kind", <Self as ::k8s_openapi::Resource>::KIND)?;
                state.serialize_field("metadata", &self.metadata)?;
                state.serialize_field("spec", &self.spec)?;
                state.end()
            }
        }
    };
}

pub mod calico;
pub mod external_secrets;
pub mod kyverno;

#[cfg(test)]
mod tests {
    use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;
    use k8s_openapi::Resource;

    use super::external_secrets::{
        self, AwsAuth, AwsProvider, AwsService, JwtAuth, Provider, SecretStoreSpec, ServiceAccountSelector,
    };
    use super::kyverno::{ClusterPolicy, ClusterPolicySpec};
    use crate::render::cluster::objects::{Concern, Object};

    fn named(name: &str, namespace: Option<&str>) -> ObjectMeta {
        ObjectMeta { name: Some(name.to_owned()), namespace: namespace.map(str::to_owned), ..Default::default() }
    }

    #[test]
    fn a_custom_resource_reports_its_kind_and_api_version_from_its_type() {
        let spec = ClusterPolicySpec { background: true, rules: Vec::new() };
        let object = Object::new(Concern::AdmissionPolicies, ClusterPolicy { metadata: named("p", None), spec });
        assert_eq!((object.api_version(), object.kind()), ("kyverno.io/v1", "ClusterPolicy"));
        assert_eq!((object.name(), object.namespace()), ("p", None));
        let written = object.to_value();
        assert_eq!(written["apiVersion"], "kyverno.io/v1");
        assert_eq!(written["kind"], "ClusterPolicy");
        assert_eq!(written["metadata"]["name"], "p");
        assert_eq!(written["spec"]["background"], true);
    }

    #[test]
    fn each_secret_store_version_is_its_own_type() {
        assert_eq!(external_secrets::v1beta1::SecretStore::API_VERSION, "external-secrets.io/v1beta1");
        assert_eq!(external_secrets::v1::SecretStore::API_VERSION, "external-secrets.io/v1");
        let auth =
            AwsAuth { jwt: JwtAuth { service_account_ref: ServiceAccountSelector { name: "secret-store".into() } } };
        let aws = AwsProvider { service: AwsService::SecretsManager, region: "eu-west-1".into(), role: None, auth };
        let spec = SecretStoreSpec { provider: Provider { aws } };
        let object = Object::new(
            Concern::SecretStores,
            external_secrets::v1::SecretStore { metadata: named("s", Some("cards")), spec },
        );
        assert_eq!(object.namespace(), Some("cards"));
        let written = object.to_value();
        assert_eq!(written["apiVersion"], "external-secrets.io/v1");
        assert_eq!(written["spec"]["provider"]["aws"]["auth"]["jwt"]["serviceAccountRef"]["name"], "secret-store");
        assert!(written["spec"]["provider"]["aws"].get("role").is_none(), "no role unless one is assumed");
    }
}
