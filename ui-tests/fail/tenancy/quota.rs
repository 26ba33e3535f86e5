//! tenancy/quota: `GB` is not a Kubernetes quantity suffix.

use ui_base::platform_with;

fn main() {
    let _platform = platform_with! {
        tenant payments { quota: { cpu: "8", memory: "32GB", pods: 200 } }
    };
}
