//! tenancy/flow-source: a flow from a tenant that is not declared (a typo), with did-you-mean.

use ui_base::platform_with;

fn main() {
    let _platform = platform_with! {
        tenant payments { allow_from: [apii: 8443] }
    };
}
