//! irsa/unknown-namespace: a typo in a namespace, with did-you-mean.

use ui_base::platform_with;

fn main() {
    let _platform = platform_with! {
        irsa external_secrets { namespace: "externalsecrets",
                                service_account: "external-secrets", policy: external_secrets }
    };
}
