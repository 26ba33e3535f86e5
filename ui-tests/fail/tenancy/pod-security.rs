//! tenancy/pod-security: tenants never run privileged.

use ui_base::platform_with;

fn main() {
    let _platform = platform_with! {
        tenant payments { pod_security: privileged }
    };
}
