//! The platform controllers' IRSA bindings are implied: the base definition writes none and has each
//! controller's, and a block with a controller's policy replaces that controller's binding.

use platform_core::model::{IrsaBinding, Keyword, ManagedPolicy, Platform, Policy};
use ui_base::platform_with;

/// The binding of the controller with `policy`; exactly one.
fn binding(p: &Platform, policy: ManagedPolicy) -> &IrsaBinding {
    let mut of = p.irsa.iter().filter(|b| b.policy == Policy::Managed(policy));
    let first = of.next().expect("every controller has a binding");
    assert!(of.next().is_none(), "one binding of `{policy}`");
    first
}

#[allow(deprecated)]
fn main() {
    let implied = platform_with! {};
    assert_eq!(implied.irsa.len(), ManagedPolicy::ALL.len());
    for &(keyword, policy) in ManagedPolicy::ALL {
        let b = binding(&implied, policy);
        assert_eq!(b.name, keyword);
        assert_eq!((b.namespace.as_str(), b.service_account.as_str()), policy.implied_service_account());
    }
    assert_eq!(binding(&implied, ManagedPolicy::EbsCsi).service_account, "ebs-csi-controller-sa");

    let written = platform_with! {
        irsa dns { namespace: "external-dns", service_account: "dns", policy: external_dns }
    };
    assert_eq!(written.irsa.len(), ManagedPolicy::ALL.len());
    let dns = binding(&written, ManagedPolicy::ExternalDns);
    assert_eq!((dns.name.as_str(), dns.service_account.as_str()), ("dns", "dns"));
    assert!(written.irsa.iter().all(|b| b.name != ManagedPolicy::ExternalDns.keyword()));
    assert_eq!(binding(&written, ManagedPolicy::ClusterAutoscaler), binding(&implied, ManagedPolicy::ClusterAutoscaler));
}
