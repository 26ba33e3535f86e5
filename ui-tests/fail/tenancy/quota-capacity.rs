//! tenancy/quota-capacity: 6 × m5.large hold 8080m CPU for tenants once the kubelet, the DaemonSets and the
//! platform controllers have theirs; payments asks for 16.

use ui_base::platform_with;

fn main() {
    let _platform = platform_with! {
        tenant payments { quota: { cpu: "16", memory: "32Gi", pods: 200 } }
    };
}
