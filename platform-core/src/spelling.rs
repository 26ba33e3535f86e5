//! The two spellings of a DSL identifier, which the model (a tenant's default secret prefix), the AWS and
//! Kubernetes names ([`crate::naming`]) and the Terraform addresses all use. A leaf: it imports nothing.

/// The label form of a DSL identifier: `external_dns` → `external-dns`.
pub fn label(ident: &str) -> String {
    ident.replace('_', "-")
}

/// The Terraform name of a DSL identifier or label: `external-dns` → `external_dns`.
pub fn ident(name: &str) -> String {
    name.replace('-', "_")
}
