//! tenancy/pci-host-network: a tenant in PCI scope on the node group the host-network controllers run on.

use ui_base::platform_with;

fn main() {
    let _platform = platform_with! {
        tenant payments { pci: true }
    };
}
