//! tenancy/flow-source: a flow from the tenant itself (its own namespace is always allowed).

use ui_base::platform_with;

fn main() {
    let _platform = platform_with! {
        tenant payments { allow_from: [payments: 8443] }
    };
}
