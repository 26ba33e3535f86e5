//! Turning a checked model value back into the Rust code that builds it: the value `platform!` expands to.
//!
//! The expansion is shaped as data, so that it compiles in time linear in the size of the definition: each list
//! of the platform (node groups, tenants, addons, IRSA bindings, DNS zones) becomes a `static` table of small
//! functions, one per item, and a loop that calls them. No function grows with the definition; one expression
//! holding every tenant took LLVM minutes to optimize at 1000 tenants. Paths are absolute (`::platform_core::…`), so the code compiles
//! wherever the macro is used.
//!
//! The impls for the model are declared from a list of each struct's fields and each keyword enum's variants,
//! matched exhaustively: a field or variant added to the model and not here is a compile error of this crate.

use std::collections::BTreeMap;

use platform_core::model::{self, Capacity, Policy};
use proc_macro2::{Ident, TokenStream};
use quote::{format_ident, quote};

/// A value that can write the Rust expression constructing it.
pub(crate) trait Bake {
    fn bake(&self) -> TokenStream;

    /// The expression building a `Vec` of such values: `vec![…]`, or a table of functions for model structs.
    fn bake_list(items: &[Self]) -> TokenStream
    where
        Self: Sized,
    {
        let items = items.iter().map(Bake::bake);
        quote!(::std::vec![#(#items),*])
    }
}

/// A list of model structs of type `ty` as data: one function per item, a `static` table of the functions, and
/// the loop that calls them into a `Vec`.
fn table<T: Bake>(ty: TokenStream, items: &[T]) -> TokenStream {
    let len = items.len();
    let names: Vec<Ident> = (0..len).map(|i| format_ident!("item_{i}")).collect();
    let values = items.iter().map(Bake::bake);
    quote! {{
        #(fn #names() -> #ty { #values })*
        static ITEMS: [fn() -> #ty; #len] = [#(#names),*];
        ITEMS.iter().map(|item| item()).collect::<::std::vec::Vec<#ty>>()
    }}
}

impl Bake for String {
    fn bake(&self) -> TokenStream {
        let s = self.as_str();
        quote!(::std::string::String::from(#s))
    }
}

impl Bake for bool {
    fn bake(&self) -> TokenStream {
        quote!(#self)
    }
}

impl Bake for u8 {
    fn bake(&self) -> TokenStream {
        quote!(#self)
    }
}

impl Bake for u32 {
    fn bake(&self) -> TokenStream {
        quote!(#self)
    }
}

impl<T: Bake> Bake for Vec<T> {
    fn bake(&self) -> TokenStream {
        T::bake_list(self)
    }
}

impl<T: Bake> Bake for Option<T> {
    fn bake(&self) -> TokenStream {
        match self {
            Some(v) => {
                let v = v.bake();
                quote!(::std::option::Option::Some(#v))
            }
            None => quote!(::std::option::Option::None),
        }
    }
}

impl<K: Bake, V: Bake> Bake for BTreeMap<K, V> {
    fn bake(&self) -> TokenStream {
        let entries = self.iter().map(|(k, v)| {
            let (k, v) = (k.bake(), v.bake());
            quote!((#k, #v))
        });
        quote!(::std::collections::BTreeMap::from([#(#entries),*]))
    }
}

/// `impl Bake` for model structs, from their field lists: a struct literal. Lists of the structs marked `table`
/// bake to a [`table`].
macro_rules! bake_structs {
    ($($(#[$table:ident])? $name:ident { $($field:ident),+ $(,)? })+) => {$(
        impl Bake for model::$name {
            fn bake(&self) -> TokenStream {
                let model::$name { $($field),+ } = self;
                $(let $field = $field.bake();)+
                quote!(::platform_core::model::$name { $($field: #$field),+ })
            }

            $(bake_structs!(@$table $name);)?
        }
    )+};
    (@table $name:ident) => {
        fn bake_list(items: &[Self]) -> TokenStream {
            table(quote!(::platform_core::model::$name), items)
        }
    };
}

/// `impl Bake` for keyword enums, from their variant lists: the variant's path.
macro_rules! bake_keywords {
    ($($name:ident { $($variant:ident),+ $(,)? })+) => {$(
        impl Bake for model::$name {
            fn bake(&self) -> TokenStream {
                match self {
                    $(model::$name::$variant => quote!(::platform_core::model::$name::$variant)),+
                }
            }
        }
    )+};
}

// The platform's own lists, which grow with the definition, are tables; the short lists inside one of their
// items (a tenant's group bindings, a node group's taints, …) stay `vec![…]`: a table per tenant doubled the
// release build time at 1000 tenants.
bake_structs! {
    Platform {
        name, region, kubernetes, availability_zones, tags, vpc, cluster, encryption, node_groups, tenants, addons,
        irsa, identity, dns_zones,
    }
    Vpc { cidr, private_subnets, public_subnets, pod_cidr, nat_gateways, endpoints, flow_logs }
    Cluster { endpoint, logs, log_retention_days, log_archive_days, log_archive_destroyable_in }
    Encryption { secrets, ebs, logs, tenant_keys, key_rotation }
    #[table]
    NodeGroup {
        name, workload, instance_types, capacity, min_size, desired_size, max_size, os, disk_gib, labels, taints,
    }
    Taint { key, value, effect }
    #[table]
    Tenant { name, node_groups, pod_security, groups, secret_prefix, cross_account_roles, quota, allow_from, pci }
    Flow { from, ports }
    PortRange { first, last }
    GroupBinding { role, group_id }
    Quota { cpu, memory, pods }
    #[table]
    Addon { kind, replicas, node_group, resources }
    Resources { cpu, memory }
    #[table]
    IrsaBinding { name, namespace, service_account, policy }
    Statement { actions, resources }
    Identity { tenant_id, client_id, username_claim, groups_claim, username_prefix, groups_prefix, cluster_roles }
    ClusterGroupBinding { role, group_id }
    #[table]
    DnsZone { name, zone_id }
}

bake_keywords! {
    NatGateways { OnePerAz, Single }
    Endpoint {
        EcrApi, EcrDkr, S3, Ec2, Sts, Logs, Ssm, SsmMessages, Ec2Messages, Kms, SecretsManager, ElasticLoadBalancing,
        Autoscaling, Monitoring,
    }
    EndpointAccess { Private, PrivateAndPublic }
    LogType { Api, Audit, Authenticator, ControllerManager, Scheduler }
    WorkloadClass { Critical, General, Batch }
    NodeOs { Bottlerocket, AmazonLinux2, AmazonLinux2023, Ubuntu, Windows }
    TaintEffect { NoSchedule, PreferNoSchedule, NoExecute }
    PodSecurity { Restricted, Baseline, Privileged }
    TenantRole { Admin, Developer, ReadOnly }
    AddonKind { Coredns, KubeProxy, AwsEbsCsiDriver, AmazonCloudwatchObservability }
    ManagedPolicy {
        ClusterAutoscaler, AwsLoadBalancerController, ExternalDns, ExternalSecrets, EbsCsi, CloudwatchObservability,
    }
    ClusterRole { Admin, ReadOnly }
}

impl Bake for Capacity {
    fn bake(&self) -> TokenStream {
        match self {
            Capacity::OnDemand => quote!(::platform_core::model::Capacity::OnDemand),
            Capacity::Spot => quote!(::platform_core::model::Capacity::Spot),
            Capacity::Mixed { spot_percent } => {
                quote!(::platform_core::model::Capacity::Mixed { spot_percent: #spot_percent })
            }
        }
    }
}

impl Bake for model::FlowSource {
    fn bake(&self) -> TokenStream {
        match self {
            model::FlowSource::Tenant(name) => {
                let name = name.bake();
                quote!(::platform_core::model::FlowSource::Tenant(#name))
            }
            model::FlowSource::LoadBalancers => quote!(::platform_core::model::FlowSource::LoadBalancers),
        }
    }
}

impl Bake for Policy {
    fn bake(&self) -> TokenStream {
        match self {
            Policy::Managed(p) => {
                let p = p.bake();
                quote!(::platform_core::model::Policy::Managed(#p))
            }
            Policy::Custom(statements) => {
                let statements = statements.bake();
                quote!(::platform_core::model::Policy::Custom(#statements))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use quote::ToTokens;
    use syn::visit_mut::{self, VisitMut};

    use super::*;

    #[test]
    fn primitives_bake_to_their_constructors() {
        assert_eq!(String::from("a").bake().to_string(), quote!(::std::string::String::from("a")).to_string());
        assert_eq!(vec![1u32, 2].bake().to_string(), quote!(::std::vec![1u32, 2u32]).to_string());
        assert_eq!(None::<u8>.bake().to_string(), quote!(::std::option::Option::None).to_string());
    }

    /// The size (in characters) of the largest piece of code of an expansion: the expression itself and every
    /// function in it, each without the items nested in it (functions, measured on their own, and tables).
    fn largest_code(expansion: TokenStream) -> usize {
        struct Sizes(Vec<usize>);
        impl VisitMut for Sizes {
            fn visit_block_mut(&mut self, block: &mut syn::Block) {
                for item in block.stmts.extract_if(.., |s| matches!(s, syn::Stmt::Item(_))) {
                    if let syn::Stmt::Item(syn::Item::Fn(mut f)) = item {
                        self.visit_block_mut(&mut f.block);
                        self.0.push(f.block.to_token_stream().to_string().len());
                    }
                }
                visit_mut::visit_block_mut(self, block);
            }
        }
        let mut expr: syn::Expr = syn::parse2(expansion).expect("the expansion is an expression");
        let mut sizes = Sizes(Vec::new());
        sizes.visit_expr_mut(&mut expr);
        sizes.0.push(expr.to_token_stream().to_string().len());
        sizes.0.into_iter().max().unwrap_or_default()
    }

    /// The platform `platform-bin` declares, parsed from its source as the macro parses it.
    fn declared() -> platform_core::model::Platform {
        let source = include_str!("../../platform-bin/src/platform.rs");
        let start = source.find("platform! {").expect("platform-bin declares a platform") + "platform! ".len();
        let mut depth = 0;
        let len = source[start..]
            .char_indices()
            .find_map(|(i, c)| {
                depth += match c {
                    '{' => 1,
                    '}' => -1,
                    _ => 0,
                };
                (depth == 0).then_some(i + 1)
            })
            .expect("the definition's braces balance");
        let body: proc_macro2::Group = syn::parse_str(&source[start..start + len]).expect("a braced body");
        let parsed = crate::parse::parse(body.stream());
        assert!(parsed.errors.is_none(), "the declared platform parses: {:?}", parsed.errors);
        parsed.platform.expect("a platform")
    }

    #[test]
    fn no_code_grows_with_the_definition() {
        let customer = declared();
        let mut grown = customer.clone();
        for i in 0..300 {
            let mut tenant = customer.tenants[i % customer.tenants.len()].clone();
            tenant.name = format!("tenant_{i:03}");
            grown.tenants.push(tenant);
            let mut group = customer.node_groups[i % customer.node_groups.len()].clone();
            group.name = format!("group_{i:03}");
            grown.node_groups.push(group);
        }
        let (small, large) = (customer.bake(), grown.bake());
        assert!(large.to_string().len() > 50 * small.to_string().len() / 2, "the definition grew");
        assert_eq!(largest_code(large), largest_code(small));
    }
}
